/* ParcelDesk chat, inside the widget's iframe. Never loses a message: each buyer message has a
 * client id and stays "sending" until the server acks it (resent with the same id after a
 * reconnect); on every (re)connect the server sends all events after the last seq rendered.
 * Every text is rendered with textContent: nothing from the chat becomes markup. */
(function () {
  "use strict";
  var d = document, w = window, store = null, kept = {};
  // The iframe's own storage. Browsers that block third-party storage deny it (reading
  // window.localStorage throws): then the loader keeps these few keys for us in the shop
  // page's storage (handed over in "init", updated with "store" messages).
  try { store = w.localStorage; store.getItem("parceldesk.token"); } catch (e) { store = null; }
  var params = new URLSearchParams(location.search);
  var PARENT = params.get("origin") || "";
  var embedded = w.parent !== w;
  var anc = location.ancestorOrigins;
  // The page claiming to be our parent must be the one that really frames us.
  var trusted = !embedded || !anc || !anc.length || anc[0] === PARENT;

  var $ = function (id) { return d.getElementById(id); };
  var log = $("log"), scroller = $("scroller"), input = $("input"), form = $("composer"), conn = $("conn");
  var typingEl = $("typing"), titleEl = $("title"), langEl = $("lang");
  var i18n = w.PDi18n, T = i18n.t, noticeKey = null, shopTitle = "";

  var K = { token: "parceldesk.token", ref: "parceldesk.ref", pending: "parceldesk.pending" };
  var ws = null, retry = 500, retryTimer = null, heartbeat = null, pongDue = null;
  var lastSeq = 0, ref = read(K.ref), rendered = {}, bubbles = {};
  var pending = JSON.parse(read(K.pending) || "[]"); // [{client_id, text, at}]
  var titles = {}; // button payload -> title, so a pressed button shows its words
  var user = null, locale = null, opened = !embedded, started = false, refused = false;
  var unread = 0, typingTimer = null, greeting = "", agentName = "";
  var buyerTyping = false, buyerTypingTimer = null;

  function read(key) {
    if (store) { try { return store.getItem(key); } catch (e) { return null; } }
    return Object.prototype.hasOwnProperty.call(kept, key) ? kept[key] : null;
  }
  function write(key, value) {
    if (store) {
      try { if (value === null) { store.removeItem(key); } else { store.setItem(key, value); } }
      catch (e) { /* storage full or disabled: the chat still works for this visit */ }
      return;
    }
    if (value === null) { delete kept[key]; } else { kept[key] = value; }
    toParent({ type: "store", key: key, value: value });
  }
  function savePending() { write(K.pending, JSON.stringify(pending)); }
  function toParent(message) {
    if (embedded && trusted && PARENT) { message.pd = 1; w.parent.postMessage(message, PARENT); }
  }
  function newId() {
    var a = new Uint8Array(12);
    (w.crypto || w.msCrypto).getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // --- rendering --------------------------------------------------------------------------
  var URL_RE = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

  function inline(parent, line) {
    // Plain text plus http(s) links; any other scheme (javascript:, data:) stays text.
    var at = 0, m;
    URL_RE.lastIndex = 0;
    while ((m = URL_RE.exec(line))) {
      if (m.index > at) { parent.appendChild(d.createTextNode(line.slice(at, m.index))); }
      var a = d.createElement("a");
      a.href = m[0];
      a.textContent = m[0];
      a.target = "_blank";
      a.rel = "noopener noreferrer nofollow";
      parent.appendChild(a);
      at = m.index + m[0].length;
    }
    if (at < line.length) { parent.appendChild(d.createTextNode(line.slice(at))); }
  }

  function body(el, text) {
    var lines = String(text || "").split("\n");
    // "Parcel RR…CN (China Post): …" in any language: a word, the number, maybe the carrier.
    var parcel = /^\S+ [A-Z0-9]{6,40}( \([^)]{1,60}\))?: /.test(lines[0]) && lines.length > 1;
    if (parcel) { el.classList.add("parcel"); }
    lines.forEach(function (line, i) {
      var p = d.createElement("p");
      if (parcel && i === 0) { p.className = "status-line"; }
      var label = parcel && /^(Check again|Next step)[^:]*:/.exec(line);
      if (label) {
        var b = d.createElement("span");
        b.className = "label";
        b.textContent = label[0];
        p.appendChild(b);
        line = line.slice(label[0].length);
      }
      inline(p, line);
      el.appendChild(p);
    });
  }

  function clock(iso) {
    // Stored times are UTC; SQLite returns them without an offset.
    if (iso && !/(Z|[+-]\d\d:?\d\d)$/.test(iso)) { iso += "Z"; }
    var t = iso ? new Date(iso) : new Date();
    var time = d.createElement("time");
    time.dateTime = t.toISOString();
    time.textContent = t.toLocaleTimeString(i18n.lang(), { hour: "2-digit", minute: "2-digit" });
    return time;
  }

  function bubble(kind, text, at, who) {
    var li = d.createElement("li");
    li.className = "msg " + kind;
    var label = d.createElement("div");
    label.className = kind === "agent" ? "who" : "who sr-only";
    label.textContent = who;
    li.appendChild(label);
    var content = d.createElement("div");
    body(content, text);
    if (content.classList.contains("parcel")) { li.classList.add("parcel"); }
    li.appendChild(content);
    var meta = d.createElement("div");
    meta.className = "meta";
    meta.appendChild(clock(at));
    li.appendChild(meta);
    return li;
  }

  function setState(li, text) {
    var meta = li.querySelector(".meta"), s = meta.querySelector(".state");
    if (!s) { s = d.createElement("span"); s.className = "state"; meta.appendChild(s); }
    s.textContent = text;
  }

  function nearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
  }
  function stick(force) {
    if (force || nearBottom()) { scroller.scrollTop = scroller.scrollHeight; }
  }

  function disableButtonsBefore() {
    var all = log.querySelectorAll(".buttons button");
    for (var i = 0; i < all.length; i++) { all[i].disabled = true; }
  }

  function buttons(li, list) {
    if (!list || !list.length) { return; }
    var row = d.createElement("div");
    row.className = "buttons";
    list.forEach(function (b) {
      var title = String(b.title || b.payload || ""), payload = String(b.payload || b.title || "");
      titles[payload] = title;
      var button = d.createElement("button");
      button.type = "button";
      button.textContent = title;
      button.addEventListener("click", function () {
        if (button.disabled) { return; }
        disableButtonsBefore();
        send(payload);
      });
      row.appendChild(button);
    });
    li.appendChild(row);
  }

  function removeGreeting() {
    var g = log.querySelector(".greeting");
    if (g) { g.remove(); }
  }

  function render(ev, live) {
    if (!ev || typeof ev.seq !== "number" || rendered[ev.seq]) { return; }
    rendered[ev.seq] = true;
    lastSeq = Math.max(lastSeq, ev.seq);
    var near = nearBottom();
    removeGreeting();
    var li;
    if (ev.sender === "buyer") {
      disableButtonsBefore();
      var shown = titles[ev.text] || ev.text;
      li = ev.client_id && bubbles[ev.client_id];
      if (li) {
        setState(li, T("sent"));
        li.classList.remove("failed");
        forget(ev.client_id);
      } else {
        li = bubble("buyer", shown, ev.created_at, T("you"));
        log.appendChild(li);
      }
      li.dataset.seq = ev.seq;
    } else {
      var kind = ev.sender === "agent" ? "agent" : ev.sender === "system" ? "system" : "bot";
      var who = kind === "agent" ? (ev.agent || T("agent")) : kind === "system" ? T("notice") : T("assistant");
      li = bubble(kind, ev.text, ev.created_at, who);
      li.dataset.seq = ev.seq;
      buttons(li, ev.buttons);
      log.insertBefore(li, firstPending());
      showTyping(false);
      if (kind === "agent") { agentName = who; }
      if (ev.delivery !== "delivered" && !(opened && d.visibilityState === "visible")) {
        unread += 1;
        toParent({ type: "unread", count: unread });
      }
      if (live) {
        toParent({ type: "message", message: { seq: ev.seq, sender: ev.sender, text: ev.text,
          agent: ev.agent || null, created_at: ev.created_at } });
      }
    }
    stick(near || ev.sender === "buyer");
    markRead();
  }

  function firstPending() {
    // Server events go above messages still waiting for their ack.
    for (var i = 0; i < pending.length; i++) {
      var li = bubbles[pending[i].client_id];
      if (li && li.parentNode === log) { return li; }
    }
    return null;
  }

  function forget(clientId) {
    pending = pending.filter(function (p) { return p.client_id !== clientId; });
    savePending();
  }

  function markRead() {
    if (opened && d.visibilityState === "visible") {
      if (unread) { unread = 0; toParent({ type: "unread", count: 0 }); }
      if (lastSeq) { frame({ type: "read", seq: lastSeq }); }
    }
  }

  function showTyping(on, who) {
    clearTimeout(typingTimer);
    if (!on) { typingEl.hidden = true; typingEl.textContent = ""; return; }
    typingEl.textContent = T("typing", { name: who === "agent" ? (agentName || T("agent")) : T("assistant") });
    typingEl.hidden = false;
    // A lost "off" can never leave it stuck.
    typingTimer = setTimeout(function () { showTyping(false); }, 15000);
  }

  function notice(text) {
    noticeKey = null;
    conn.textContent = text;
  }
  // A status in the chat's own words, said again in a new language when the language changes.
  function say(key) {
    notice(T(key));
    noticeKey = key;
  }

  // --- sending ----------------------------------------------------------------------------
  function frame(obj) {
    if (ws && ws.readyState === 1 && !refused) { ws.send(JSON.stringify(obj)); return true; }
    return false;
  }

  function send(text) {
    text = String(text || "").trim();
    if (!text) { return; }
    if (text.length > 4000) { text = text.slice(0, 4000); }
    var item = { client_id: newId(), text: text, at: new Date().toISOString() };
    pending.push(item);
    savePending();
    var li = bubble("buyer", titles[text] || text, item.at, T("you"));
    bubbles[item.client_id] = li;
    log.appendChild(li);
    removeGreeting();
    stick(true);
    transmit(item);
  }

  function transmit(item) {
    var li = bubbles[item.client_id];
    if (frame({ type: "message", client_id: item.client_id, text: item.text })) {
      if (li) { setState(li, T("sending")); }
    } else if (li) {
      setState(li, T("waiting"));
    }
  }

  function resendAll() {
    pending.forEach(function (item) {
      if (!bubbles[item.client_id]) {
        var li = bubble("buyer", titles[item.text] || item.text, item.at, T("you"));
        bubbles[item.client_id] = li;
        log.appendChild(li);
      }
      transmit(item);
    });
  }

  function buyerTyping_(on) {
    if (on === buyerTyping) { return; }
    buyerTyping = on;
    frame({ type: "typing", on: on });
  }

  // --- socket -----------------------------------------------------------------------------
  function connect() {
    clearTimeout(retryTimer);
    if (ws || refused || !started) { return; }
    if (navigator.onLine === false) { say("offline"); return; }
    say(lastSeq ? "reconnecting" : "connecting");
    var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/widget/ws");
    ws = socket;
    socket.onopen = function () {
      socket.send(JSON.stringify({ type: "hello", token: read(K.token), after: lastSeq, ref: ref,
        user: user, locale: locale || navigator.language || null }));
    };
    socket.onmessage = function (e) {
      if (socket !== ws) { return; }
      alive();
      var f;
      try { f = JSON.parse(e.data); } catch (err) { return; }
      if (f.type === "welcome") { welcome(f); }
      else if (f.type === "event") { render(f.event, true); }
      else if (f.type === "ack") { ack(f.client_id); }
      else if (f.type === "typing") { showTyping(!!f.on, f.who); }
      else if (f.type === "error") { failed(f); }
    };
    socket.onclose = function (e) {
      if (socket === ws) { dropped(e.code); }
    };
  }

  function dropped(code) {
      ws = null;
      clearInterval(heartbeat);
      clearTimeout(pongDue);
      showTyping(false);
      if (code === 4401) { refuse("sign_in"); return; }
      if (code === 4403) { refuse("not_allowed"); return; }
      say(navigator.onLine === false ? "offline" : "connection_lost");
      pending.forEach(function (item) { if (bubbles[item.client_id]) { setState(bubbles[item.client_id], T("waiting")); } });
      retryTimer = setTimeout(connect, retry + Math.random() * 300);
      retry = Math.min(retry * 2, 10000);
  }

  function drop() {
    // Give up on the current socket now (offline, no pong): a dead link may take minutes to
    // report its close, and the resend/catch-up must not wait for that.
    if (!ws) { return; }
    var old = ws;
    dropped(1006);
    try { old.close(); } catch (err) { /* already closing */ }
  }

  function reconnectNow() {
    if (ws) { var old = ws; ws = null; old.close(); }
    clearInterval(heartbeat);
    retry = 500;
    connect();
  }

  function alive() {
    clearTimeout(pongDue);
  }

  function welcome(f) {
    retry = 500;
    if (f.token) { write(K.token, f.token); }
    if (f.reset) {
      // Another conversation than the one on screen (first visit, new token, other user).
      var keep = {};
      pending.forEach(function (p) { keep[p.client_id] = true; });
      Array.prototype.slice.call(log.children).forEach(function (li) {
        if (!li.classList.contains("buyer") || !li.dataset || li.dataset.seq) { li.remove(); }
      });
      Object.keys(bubbles).forEach(function (id) { if (!keep[id]) { delete bubbles[id]; } });
      rendered = {};
      lastSeq = 0;
      unread = 0;
      toParent({ type: "unread", count: 0 });
    }
    ref = f.ref;
    write(K.ref, ref);
    say(f.status === "open" ? "status.open" : f.status === "pending" ? "status.pending" : "status.online");
    // The conversation's language (the buyer may have written or chosen one) wins.
    if (f.lang) { i18n.use(f.lang); }
    clearInterval(heartbeat);
    heartbeat = setInterval(function () {
      if (frame({ type: "ping" })) {
        pongDue = setTimeout(drop, 10000);
      }
    }, 25000);
    resendAll();
    setTimeout(function () { if (!log.children.length && greeting) { greet(); } }, 400);
  }

  function greet() {
    var li = bubble("bot greeting", greeting, null, T("assistant"));
    log.appendChild(li);
  }

  function ack(clientId) {
    var li = bubbles[clientId];
    if (li) { setState(li, T("sent")); li.classList.remove("failed"); }
    forget(clientId);
  }

  function failed(f) {
    var li = f.client_id && bubbles[f.client_id];
    if (li && f.code === "too_long") {
      li.classList.add("failed");
      setState(li, T("too_long"));
      forget(f.client_id);
    } else if (li) {
      // Not stored or not answered: send it again shortly (the same id is stored once).
      setState(li, T("retrying"));
      setTimeout(function () {
        pending.forEach(function (p) { if (p.client_id === f.client_id) { transmit(p); } });
      }, 5000);
    }
    if (f.error) { notice(f.error); }
  }

  function refuse(key) {
    refused = true;
    say(key);
    form.classList.add("blocked");
    input.disabled = true;
  }

  // --- page <-> iframe ---------------------------------------------------------------------
  function apply(m) {
    if (m.type === "init") {
      if (!store && m.store && typeof m.store === "object") {
        Object.keys(K).forEach(function (name) {
          if (typeof m.store[K[name]] === "string") { kept[K[name]] = m.store[K[name]]; }
        });
        ref = read(K.ref);
        pending = JSON.parse(read(K.pending) || "[]");
      }
      shopTitle = m.title ? String(m.title) : "";
      titleEl.textContent = shopTitle || T("title");
      d.title = titleEl.textContent;
      greeting = String(m.greeting || "");
      if (/^#[0-9a-f]{3}([0-9a-f]{3})?$/i.test(m.accent || "")) {
        d.documentElement.style.setProperty("--accent", m.accent);
        d.documentElement.style.setProperty("--on-accent", m.onAccent === "#111111" ? "#111111" : "#ffffff");
      }
      user = m.user || null;
      setLocale(m.locale);
      opened = !!m.open;
      started = true;
      connect();
    } else if (m.type === "open") {
      opened = true;
      markRead();
      stick(true);
      setTimeout(function () { if (!input.disabled) { input.focus(); } }, 30);
    } else if (m.type === "close") {
      opened = false;
      buyerTyping_(false);
    } else if (m.type === "setUser") {
      var next = m.user || null;
      if (JSON.stringify(next) !== JSON.stringify(user)) {
        user = next;
        refused = false;
        input.disabled = false;
        form.classList.remove("blocked");
        reconnectNow();
      }
    } else if (m.type === "setLocale") {
      if (setLocale(m.locale)) { reconnectNow(); }
    } else if (m.type === "track") {
      var number = String(m.number || "").replace(/[^A-Za-z0-9 -]/g, "").slice(0, 40).trim();
      if (number) { send(T("track_question", { number: number })); }
    }
  }

  function setLocale(value) {
    var next = typeof value === "string" && /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,4})?$/.test(value) ? value : null;
    if (next === locale) { return false; }
    locale = next;
    if (locale) { i18n.use(locale); }
    return true;
  }

  w.addEventListener("message", function (e) {
    if (!embedded || !trusted || e.source !== w.parent || e.origin !== PARENT) { return; }
    if (e.data && e.data.pd === 1) { apply(e.data); }
  });

  // --- controls -----------------------------------------------------------------------------
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    if (!text.trim() || input.disabled) { return; }
    input.value = "";
    grow();
    buyerTyping_(false);
    send(text);
    input.focus();
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });
  function grow() { input.style.height = "auto"; input.style.height = Math.min(input.scrollHeight + 2, 120) + "px"; }
  input.addEventListener("input", function () {
    grow();
    buyerTyping_(input.value.trim() !== "");
    clearTimeout(buyerTypingTimer);
    buyerTypingTimer = setTimeout(function () { buyerTyping_(false); }, 4000);
  });
  $("close").addEventListener("click", function () { toParent({ type: "close" }); });
  // The language menu: the chat's words change at once, and the bot is told (it answers in
  // the new language from now on and says so).
  langEl.addEventListener("change", function () {
    var code = langEl.value, name = langEl.options[langEl.selectedIndex].text;
    titles["/language " + code] = name;
    locale = code;
    i18n.use(code);
    send("/language " + code);
  });
  i18n.onChange(function (lang) {
    if (noticeKey) { say(noticeKey); }
    if (!shopTitle) { titleEl.textContent = T("title"); d.title = titleEl.textContent; }
    if (langEl.value !== lang) { langEl.value = lang; }
    toParent({ type: "language", lang: lang });
  });
  d.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { e.preventDefault(); toParent({ type: "close" }); }
  });
  d.addEventListener("visibilitychange", markRead);
  w.addEventListener("offline", drop);
  w.addEventListener("online", function () { retry = 500; connect(); });

  if (!trusted) {
    refuse("shop_only");
  } else if (embedded) {
    toParent({ type: "ready" });
  } else {
    started = true; // opened directly (no shop page around it): defaults, no page API
    connect();
  }
})();

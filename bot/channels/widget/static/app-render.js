/* ParcelDesk chat, part 2 of 4: rendering. Events become bubbles (text and http(s) links
 * only), buttons, the typing line and the status line; read receipts and the unread count. */
(function () {
  "use strict";
  var d = document, C = window.PDChat, S = C.S, $ = C.$;
  var toParent = C.toParent, forget = C.forget, send = C.late("send"), frame = C.late("frame");
  var log = $("log"), scroller = $("scroller"), conn = $("conn"), typingEl = $("typing");
  var i18n = window.PDi18n, T = i18n.t;
  var rendered = {}, unread = 0, typingTimer = null, agentName = "";

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
      S.titles[payload] = title;
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
    S.lastSeq = Math.max(S.lastSeq, ev.seq);
    var near = nearBottom();
    removeGreeting();
    var li;
    if (ev.sender === "buyer") {
      disableButtonsBefore();
      var shown = S.titles[ev.text] || ev.text;
      li = ev.client_id && S.bubbles[ev.client_id];
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
      if (ev.delivery !== "delivered" && !(S.opened && d.visibilityState === "visible")) {
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
    for (var i = 0; i < S.pending.length; i++) {
      var li = S.bubbles[S.pending[i].client_id];
      if (li && li.parentNode === log) { return li; }
    }
    return null;
  }

  function markRead() {
    if (S.opened && d.visibilityState === "visible") {
      if (unread) { unread = 0; toParent({ type: "unread", count: 0 }); }
      if (S.lastSeq) { frame({ type: "read", seq: S.lastSeq }); }
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
    S.noticeKey = null;
    conn.textContent = text;
  }
  // A status in the chat's own words, said again in a new language when the language changes.
  function say(key) {
    notice(T(key));
    S.noticeKey = key;
  }

  function greet() {
    var li = bubble("bot greeting", S.greeting, null, T("assistant"));
    log.appendChild(li);
  }

  // Another conversation than the one on screen (first visit, new token, other user): keep
  // only the buyer's messages still waiting for their ack.
  function clearLog() {
    var keep = {};
    S.pending.forEach(function (p) { keep[p.client_id] = true; });
    Array.prototype.slice.call(log.children).forEach(function (li) {
      if (!li.classList.contains("buyer") || !li.dataset || li.dataset.seq) { li.remove(); }
    });
    Object.keys(S.bubbles).forEach(function (id) { if (!keep[id]) { delete S.bubbles[id]; } });
    rendered = {};
    S.lastSeq = 0;
    unread = 0;
    toParent({ type: "unread", count: 0 });
  }

  Object.assign(C, {
    bubble: bubble, setState: setState, stick: stick, removeGreeting: removeGreeting,
    render: render, markRead: markRead,
    showTyping: showTyping, notice: notice, say: say, greet: greet, clearLog: clearLog
  });
})();

/* ParcelDesk chat, part 3 of 4: sending and the socket. Buyer messages wait in S.pending
 * until acked; the socket says hello with the last seq rendered, keeps a heartbeat, and
 * reconnects with backoff (or gives up for good when the server refuses the chat). */
(function () {
  "use strict";
  var w = window, C = window.PDChat, S = C.S, K = C.K, $ = C.$;
  var read = C.read, write = C.write, savePending = C.savePending, newId = C.newId;
  var forget = C.forget;
  var bubble = C.bubble, setState = C.setState, stick = C.stick, render = C.render;
  var removeGreeting = C.removeGreeting;
  var showTyping = C.showTyping, notice = C.notice, say = C.say, greet = C.greet;
  var clearLog = C.clearLog;
  var log = $("log"), input = $("input"), form = $("composer");
  var i18n = w.PDi18n, T = i18n.t;
  var ws = null, retryTimer = null, heartbeat = null, pongDue = null, buyerTyping = false;

  function frame(obj) {
    if (ws && ws.readyState === 1 && !S.refused) { ws.send(JSON.stringify(obj)); return true; }
    return false;
  }

  function send(text) {
    text = String(text || "").trim();
    if (!text) { return; }
    if (text.length > 4000) { text = text.slice(0, 4000); }
    var item = { client_id: newId(), text: text, at: new Date().toISOString() };
    S.pending.push(item);
    savePending();
    var li = bubble("buyer", S.titles[text] || text, item.at, T("you"));
    S.bubbles[item.client_id] = li;
    log.appendChild(li);
    removeGreeting();
    stick(true);
    transmit(item);
  }

  function transmit(item) {
    var li = S.bubbles[item.client_id];
    if (frame({ type: "message", client_id: item.client_id, text: item.text })) {
      if (li) { setState(li, T("sending")); }
    } else if (li) {
      setState(li, T("waiting"));
    }
  }

  function resendAll() {
    S.pending.forEach(function (item) {
      if (!S.bubbles[item.client_id]) {
        var li = bubble("buyer", S.titles[item.text] || item.text, item.at, T("you"));
        S.bubbles[item.client_id] = li;
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

  function connect() {
    clearTimeout(retryTimer);
    if (ws || S.refused || !S.started) { return; }
    if (navigator.onLine === false) { say("offline"); return; }
    say(S.lastSeq ? "reconnecting" : "connecting");
    var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/widget/ws");
    ws = socket;
    socket.onopen = function () {
      socket.send(JSON.stringify({ type: "hello", token: read(K.token), after: S.lastSeq, ref: S.ref,
        user: S.user, locale: S.locale || navigator.language || null }));
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
      S.pending.forEach(function (item) { if (S.bubbles[item.client_id]) { setState(S.bubbles[item.client_id], T("waiting")); } });
      retryTimer = setTimeout(connect, S.retry + Math.random() * 300);
      S.retry = Math.min(S.retry * 2, 10000);
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
    S.retry = 500;
    connect();
  }

  function alive() {
    clearTimeout(pongDue);
  }

  function welcome(f) {
    S.retry = 500;
    if (f.token) { write(K.token, f.token); }
    if (f.reset) { clearLog(); }
    S.ref = f.ref;
    write(K.ref, S.ref);
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
    setTimeout(function () { if (!log.children.length && S.greeting) { greet(); } }, 400);
  }

  function ack(clientId) {
    var li = S.bubbles[clientId];
    if (li) { setState(li, T("sent")); li.classList.remove("failed"); }
    forget(clientId);
  }

  function failed(f) {
    var li = f.client_id && S.bubbles[f.client_id];
    if (li && f.code === "too_long") {
      li.classList.add("failed");
      setState(li, T("too_long"));
      forget(f.client_id);
    } else if (li) {
      // Not stored or not answered: send it again shortly (the same id is stored once).
      setState(li, T("retrying"));
      setTimeout(function () {
        S.pending.forEach(function (p) { if (p.client_id === f.client_id) { transmit(p); } });
      }, 5000);
    }
    if (f.error) { notice(f.error); }
  }

  function refuse(key) {
    S.refused = true;
    say(key);
    form.classList.add("blocked");
    input.disabled = true;
  }

  Object.assign(C, {
    frame: frame, send: send, buyerTyping_: buyerTyping_, connect: connect, drop: drop,
    reconnectNow: reconnectNow, refuse: refuse
  });
})();

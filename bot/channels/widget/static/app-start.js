/* ParcelDesk chat, part 4 of 4: what drives it. The shop page's commands (init, open, close,
 * setUser, setLocale, track) arrive as messages from the loader; the buyer's controls (composer,
 * language menu, close, Escape); online/offline; and start-up. */
(function () {
  "use strict";
  var d = document, w = window, C = window.PDChat, S = C.S, $ = C.$;
  var PARENT = C.PARENT, embedded = C.embedded, trusted = C.trusted;
  var toParent = C.toParent, adopt = C.adopt;
  var markRead = C.markRead, stick = C.stick, say = C.say;
  var send = C.send, buyerTyping_ = C.buyerTyping_, connect = C.connect, drop = C.drop;
  var reconnectNow = C.reconnectNow, refuse = C.refuse;
  var input = $("input"), form = $("composer"), titleEl = $("title"), langEl = $("lang");
  var i18n = w.PDi18n, T = i18n.t, shopTitle = "", buyerTypingTimer = null;

  function apply(m) {
    if (m.type === "init") {
      adopt(m.store);
      shopTitle = m.title ? String(m.title) : "";
      titleEl.textContent = shopTitle || T("title");
      d.title = titleEl.textContent;
      S.greeting = String(m.greeting || "");
      if (/^#[0-9a-f]{3}([0-9a-f]{3})?$/i.test(m.accent || "")) {
        d.documentElement.style.setProperty("--accent", m.accent);
        d.documentElement.style.setProperty("--on-accent", m.onAccent === "#111111" ? "#111111" : "#ffffff");
      }
      S.user = m.user || null;
      setLocale(m.locale);
      S.opened = !!m.open;
      S.started = true;
      connect();
    } else if (m.type === "open") {
      S.opened = true;
      markRead();
      stick(true);
      setTimeout(function () { if (!input.disabled) { input.focus(); } }, 30);
    } else if (m.type === "close") {
      S.opened = false;
      buyerTyping_(false);
    } else if (m.type === "setUser") {
      var next = m.user || null;
      if (JSON.stringify(next) !== JSON.stringify(S.user)) {
        S.user = next;
        S.refused = false;
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
    if (next === S.locale) { return false; }
    S.locale = next;
    if (S.locale) { i18n.use(S.locale); }
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
    S.titles["/language " + code] = name;
    S.locale = code;
    i18n.use(code);
    send("/language " + code);
  });
  i18n.onChange(function (lang) {
    if (S.noticeKey) { say(S.noticeKey); }
    if (!shopTitle) { titleEl.textContent = T("title"); d.title = titleEl.textContent; }
    if (langEl.value !== lang) { langEl.value = lang; }
    toParent({ type: "language", lang: lang });
  });
  d.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { e.preventDefault(); toParent({ type: "close" }); }
  });
  d.addEventListener("visibilitychange", markRead);
  w.addEventListener("offline", drop);
  w.addEventListener("online", function () { S.retry = 500; connect(); });

  if (!trusted) {
    refuse("shop_only");
  } else if (embedded) {
    toParent({ type: "ready" });
  } else {
    S.started = true; // opened directly (no shop page around it): defaults, no page API
    connect();
  }
})();

/* ParcelDesk chat widget loader: <script src="https://<gateway>/widget.js" async></script>
 * Draws a launcher button (in a shadow root, so the shop's CSS cannot reach it) and opens the
 * chat in an iframe served by the gateway. The shop talks to it through window.ParcelDesk;
 * page <-> iframe messages are checked for origin and source on both sides. */
(function () {
  "use strict";
  var w = window, d = document;
  if (w.ParcelDesk && w.ParcelDesk.__loaded) { return; }

  var script = d.currentScript || (function () {
    var all = d.querySelectorAll('script[src*="/widget.js"]');
    return all[all.length - 1];
  })();
  if (!script) { return; }
  var GATEWAY = new URL(script.src, location.href).origin;
  var stub = w.ParcelDesk || {};
  var listeners = { message: [], open: [], close: [], unread: [] };

  // Settings: data-* attributes on the script tag, then window.ParcelDeskSettings wins.
  var cfg = {}, data = script.dataset || {}, k;
  ["title", "greeting", "accent", "position", "locale", "open"].forEach(function (key) {
    if (data[key] !== undefined) { cfg[key] = data[key]; }
  });
  var page = w.ParcelDeskSettings || {};
  for (k in page) { if (Object.prototype.hasOwnProperty.call(page, k)) { cfg[k] = page[k]; } }
  cfg.title = cfg.title ? String(cfg.title) : ""; // empty: the chat's own title, in its language
  cfg.accent = /^#[0-9a-f]{3}([0-9a-f]{3})?$/i.test(cfg.accent || "") ? cfg.accent : "#1d4ed8";
  cfg.position = cfg.position === "left" ? "left" : "right";
  cfg.open = cfg.open === true || cfg.open === "true";

  var state = { open: false, ready: false, unread: 0, user: null, locale: cfg.locale || null };
  // Only used when the browser denies the iframe its own storage (third-party storage
  // blocked): the chat's token, conversation ref and unsent messages, in this page's storage.
  var KEEP = "parceldesk:" + GATEWAY, KEYS = ["parceldesk.token", "parceldesk.ref", "parceldesk.pending"];
  function kept() {
    try { return JSON.parse(w.localStorage.getItem(KEEP) || "{}") || {}; } catch (e) { return {}; }
  }
  function keep(key, value) {
    if (KEYS.indexOf(key) < 0 || (value !== null && (typeof value !== "string" || value.length > 65536))) { return; }
    var all = kept();
    if (value === null) { delete all[key]; } else { all[key] = value; }
    try { w.localStorage.setItem(KEEP, JSON.stringify(all)); } catch (e) { /* storage off */ }
  }
  var outbox = []; // messages for the iframe until it says it is ready
  // The launcher's words, in the chat's language (GET /widget/strings.json); English until then.
  var words = { title: "Parcel help", open_with: "Open chat with {title}", close_with: "Close chat with {title}",
    frame_title: "Chat: {title}", unread: "{count} unread" }, wordsLang = null;
  function say(key, fields) {
    return String(words[key] || key).replace(/\{(\w+)\}/g, function (m, name) {
      return fields && fields[name] !== undefined ? String(fields[name]) : m;
    });
  }
  function loadWords(lang) {
    lang = String(lang || "").split(/[-_]/)[0].toLowerCase();
    if (!/^[a-z]{2,3}$/.test(lang) || lang === wordsLang || !w.fetch) { return; }
    wordsLang = lang;
    w.fetch(GATEWAY + "/widget/strings.json?lang=" + encodeURIComponent(lang), { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (b) {
        if (!b || !b.strings || wordsLang !== lang) { return; }
        words = b.strings;
        if (launcher) { label(); }
        if (frame) { frame.title = say("frame_title", { title: cfg.title || say("title") }); }
      })
      .catch(function () { /* keep the words we have */ });
  }
  var host, root, launcher, badge, panel, frame;

  function onAccent(hex) {
    // Text colour on the accent with the better contrast (WCAG relative luminance).
    if (hex.length === 4) { hex = "#" + hex[1] + hex[1] + hex[2] + hex[2] + hex[3] + hex[3]; }
    var lum = [1, 3, 5].map(function (i) {
      var c = parseInt(hex.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var L = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2];
    return (L + 0.05) / 0.05 > 1.05 / (L + 0.05) ? "#111111" : "#ffffff";
  }

  var side = cfg.position;
  var CSS =
    ":host{all:initial}" +
    ".launcher{position:fixed;bottom:20px;" + side + ":20px;z-index:2147483000;width:56px;height:56px;" +
    "border-radius:50%;border:0;cursor:pointer;background:var(--pd-accent);color:var(--pd-on-accent);" +
    "box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center;padding:0}" +
    ".launcher:focus-visible{outline:3px solid #111;outline-offset:3px;box-shadow:0 0 0 6px #fff}" +
    ".launcher svg{width:28px;height:28px;fill:currentColor}" +
    ".badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;box-sizing:border-box;" +
    "border-radius:10px;background:#b3261e;color:#fff;font:700 12px/20px system-ui,sans-serif;text-align:center}" +
    ".badge[hidden]{display:none}" +
    ".panel{position:fixed;bottom:88px;" + side + ":20px;z-index:2147483001;width:380px;" +
    "height:min(640px,calc(100% - 108px));border:0;border-radius:14px;overflow:hidden;" +
    "box-shadow:0 8px 30px rgba(0,0,0,.3);background:#fff;display:none}" +
    ".panel.open{display:block}" +
    ".panel iframe{width:100%;height:100%;border:0;display:block}" +
    "@media (max-width:480px){.panel{inset:0;width:100%;height:100%;bottom:auto;border-radius:0}" +
    ":host(.open-phone) .launcher{display:none}}" +
    "@media (prefers-reduced-motion:no-preference){.launcher{transition:transform .15s}.launcher:hover{transform:scale(1.06)}}";

  function draw() {
    host = d.createElement("div");
    host.id = "parceldesk-widget";
    root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    if (root.adoptedStyleSheets !== undefined && w.CSSStyleSheet) {
      // A constructed sheet is not an inline <style>: works under a strict shop CSP too.
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      var style = d.createElement("style");
      style.textContent = CSS;
      root.appendChild(style);
    }
    host.style.setProperty("--pd-accent", cfg.accent);
    host.style.setProperty("--pd-on-accent", onAccent(cfg.accent));
    launcher = d.createElement("button");
    launcher.type = "button";
    launcher.className = "launcher";
    launcher.setAttribute("aria-expanded", "false");
    launcher.innerHTML =
      '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
    badge = d.createElement("span");
    badge.className = "badge";
    badge.hidden = true;
    badge.setAttribute("aria-hidden", "true");
    launcher.appendChild(badge);
    launcher.addEventListener("click", function () { api.toggle(); });
    panel = d.createElement("div");
    panel.className = "panel";
    root.appendChild(launcher);
    root.appendChild(panel);
    d.body.appendChild(host);
    label();
  }

  function label() {
    var name = say(state.open ? "close_with" : "open_with", { title: cfg.title || say("title") });
    if (state.unread && !state.open) {
      name += ", " + say("unread", { count: state.unread });
    }
    launcher.setAttribute("aria-label", name);
    launcher.setAttribute("aria-expanded", state.open ? "true" : "false");
    badge.textContent = state.unread > 99 ? "99+" : String(state.unread);
    badge.hidden = !state.unread || state.open;
  }

  function makeFrame() {
    if (frame) { return; }
    frame = d.createElement("iframe");
    frame.title = say("frame_title", { title: cfg.title || say("title") });
    frame.src = GATEWAY + "/widget/frame?origin=" + encodeURIComponent(location.origin);
    panel.appendChild(frame);
  }

  function post(message) {
    message.pd = 1;
    if (state.ready && frame && frame.contentWindow) {
      frame.contentWindow.postMessage(message, GATEWAY);
    } else {
      outbox.push(message);
    }
  }

  function emit(name, value) {
    (listeners[name] || []).slice().forEach(function (fn) {
      try { fn(value); } catch (err) { setTimeout(function () { throw err; }); }
    });
  }

  // Phones: keep the panel inside the visible viewport, so the input stays above the keyboard.
  function fit() {
    var vv = w.visualViewport;
    var phone = w.matchMedia && w.matchMedia("(max-width:480px)").matches;
    host.classList.toggle("open-phone", state.open && phone);
    if (vv && phone && state.open) {
      panel.style.height = vv.height + "px";
      panel.style.top = vv.offsetTop + "px";
    } else {
      panel.style.height = "";
      panel.style.top = "";
    }
  }

  w.addEventListener("message", function (event) {
    if (!frame || event.source !== frame.contentWindow || event.origin !== GATEWAY) { return; }
    var m = event.data;
    if (!m || m.pd !== 1) { return; }
    if (m.type === "ready") {
      state.ready = true;
      frame.contentWindow.postMessage({
        pd: 1, type: "init", title: cfg.title, greeting: cfg.greeting || "",
        accent: cfg.accent, onAccent: onAccent(cfg.accent), user: state.user,
        locale: state.locale, open: state.open, store: kept()
      }, GATEWAY);
      var pending = outbox.splice(0);
      pending.forEach(function (p) { frame.contentWindow.postMessage(p, GATEWAY); });
    } else if (m.type === "store") {
      keep(m.key, m.value === null ? null : m.value);
    } else if (m.type === "close") {
      api.close();
    } else if (m.type === "unread") {
      var count = Math.max(0, parseInt(m.count, 10) || 0);
      if (count !== state.unread) { state.unread = count; label(); emit("unread", count); }
    } else if (m.type === "message" && m.message) {
      emit("message", m.message);
    } else if (m.type === "language") {
      loadWords(m.lang);
    }
  });

  var api = {
    __loaded: true,
    open: function () {
      if (state.open) { return; }
      makeFrame();
      state.open = true;
      panel.classList.add("open");
      label(); fit();
      frame.focus();
      post({ type: "open" });
      emit("open");
    },
    close: function () {
      if (!state.open) { return; }
      state.open = false;
      panel.classList.remove("open");
      label(); fit();
      post({ type: "close" });
      launcher.focus();
      emit("close");
    },
    toggle: function () { if (state.open) { api.close(); } else { api.open(); } },
    setUser: function (user) {
      if (user && (typeof user.id === "string" || typeof user.id === "number")) {
        state.user = { id: String(user.id), name: user.name || "", email: user.email || "",
          hash: user.hash || "" };
      } else {
        state.user = null;
      }
      post({ type: "setUser", user: state.user });
    },
    setLocale: function (locale) {
      state.locale = typeof locale === "string" ? locale : null;
      loadWords(state.locale);
      post({ type: "setLocale", locale: state.locale });
    },
    track: function (number) {
      api.open();
      post({ type: "track", number: String(number || "") });
    },
    on: function (name, fn) {
      if (!listeners[name] || typeof fn !== "function") { return function () {}; }
      listeners[name].push(fn);
      return function () {
        var i = listeners[name].indexOf(fn);
        if (i >= 0) { listeners[name].splice(i, 1); }
      };
    }
  };

  function start() {
    draw();
    loadWords(state.locale || (navigator.languages && navigator.languages[0]) || navigator.language);
    var queued = ((w.ParcelDesk || stub).q || []).slice();
    w.ParcelDesk = api;
    // Calls the page made before this script arrived (the snippet's stub queued them).
    queued.forEach(function (call) {
      if (call && api[call[0]] && call[0] !== "__loaded") { api[call[0]].apply(api, call[1] || []); }
    });
    if (cfg.open) { api.open(); }
    if (w.visualViewport) {
      w.visualViewport.addEventListener("resize", fit);
      w.visualViewport.addEventListener("scroll", fit);
    }
    w.addEventListener("resize", fit);
    d.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && state.open) { api.close(); }
    });
    // The iframe (it counts unread replies) loads after the page: the shop's load event
    // never waits for the chat.
    if (d.readyState === "complete") { setTimeout(makeFrame, 0); }
    else { w.addEventListener("load", function () { setTimeout(makeFrame, 0); }); }
  }

  if (d.body) { start(); } else { d.addEventListener("DOMContentLoaded", start); }
})();

/* The chat's own words in the buyer's language. The page carries them for the language the
 * browser asked for (a JSON data block, not a script); another language is fetched from
 * /widget/strings.json when the shop's locale, the buyer's choice or the conversation asks. */
(function () {
  "use strict";
  var d = document, bundle = {};
  try { bundle = JSON.parse(d.getElementById("pd-strings").textContent) || {}; } catch (e) { bundle = {}; }
  var strings = bundle.strings || {}, lang = bundle.lang || "en", wanted = lang;
  var listeners = [];

  function base(code) { return String(code || "").toLowerCase().replace("_", "-").split("-")[0]; }

  function t(key, fields) {
    var s = Object.prototype.hasOwnProperty.call(strings, key) ? String(strings[key]) : key;
    return s.replace(/\{(\w+)\}/g, function (m, name) {
      return fields && fields[name] !== undefined ? String(fields[name]) : m;
    });
  }

  function each(selector, fn) { Array.prototype.forEach.call(d.querySelectorAll(selector), fn); }

  function applyPage() {
    each("[data-i18n]", function (el) { el.textContent = t(el.getAttribute("data-i18n")); });
    each("[data-i18n-aria]", function (el) { el.setAttribute("aria-label", t(el.getAttribute("data-i18n-aria"))); });
    each("[data-i18n-placeholder]", function (el) { el.setAttribute("placeholder", t(el.getAttribute("data-i18n-placeholder"))); });
    each("[data-i18n-title]", function (el) { el.setAttribute("title", t(el.getAttribute("data-i18n-title"))); });
    d.documentElement.lang = lang;
    listeners.forEach(function (fn) { fn(lang); });
  }

  function offered(code) {
    return (bundle.languages || []).some(function (l) { return l.code === code; });
  }

  // Switch to `code` (a tag such as "pt-BR"); unknown languages are ignored. The last call
  // wins when several are in flight.
  function use(code) {
    code = base(code);
    if (!code || !offered(code) || code === wanted) { return; }
    wanted = code;
    fetch("/widget/strings.json?lang=" + encodeURIComponent(code), { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (b) {
        if (!b || !b.strings || b.lang !== wanted) { return; }
        strings = b.strings;
        lang = b.lang;
        applyPage();
      })
      .catch(function () { wanted = lang; /* keep the words we have */ });
  }

  window.PDi18n = {
    t: t,
    use: use,
    lang: function () { return lang; },
    languages: bundle.languages || [],
    onChange: function (fn) { listeners.push(fn); }
  };
})();

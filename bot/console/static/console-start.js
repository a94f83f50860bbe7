// ParcelDesk staff console, part 6 of 6: keyboard shortcuts, the page's buttons, start-up.
"use strict";
(function () {
  const C = window.PDConsole;
  const { $, layout, state, ago, api } = C;
  const { loadQueue, beep, setFilter } = C;
  const { openConversation, closeConversation, renderHeader, act, send, setTyping } = C;
  const { connect } = C;

  function moveSelection(step) {
    if (!state.rows.length) return;
    const index = state.current ? state.rows.findIndex((r) => r.id === state.current.id) : -1;
    const next = state.rows[Math.min(state.rows.length - 1, Math.max(0, index + step))];
    if (next) openConversation(next.id);
  }

  function shortcut(key) {
    switch (key) {
      case "c": if (state.current && !$("claim").hidden) $("claim").click(); return true;
      case "h": if (state.current && !$("handback").hidden) $("handback").click(); return true;
      case "e": if (state.current && !$("resolve").hidden) $("resolve").click(); return true;
      case "n": $("note-mode").checked = !$("note-mode").checked; renderHeader(); $("reply").focus(); return true;
      case "r": case "/": if (state.current) $("reply").focus(); return true;
      case "j": moveSelection(1); return true;
      case "k": moveSelection(-1); return true;
      case "?": $("help").hidden = !$("help").hidden; return true;
      default: return false;
    }
  }

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target instanceof HTMLElement && (target.tagName === "TEXTAREA" || target.tagName === "INPUT");
    if (event.key === "Escape") {
      if (!$("help").hidden) $("help").hidden = true;
      else if (typing) target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey) return;
    if (typing && !event.altKey) return;
    const key = event.altKey ? (event.code.startsWith("Key") ? event.code.slice(3).toLowerCase() : "") : event.key;
    if (shortcut(key)) event.preventDefault();
  });

  // --- wiring -------------------------------------------------------------------------------
  function wire() {
    for (const button of document.querySelectorAll(".filter")) {
      button.addEventListener("click", () => setFilter(button.dataset.filter));
    }
    $("claim").addEventListener("click", () => act("/claim", "You have the conversation"));
    $("handback").addEventListener("click", () => act("/handback", "Handed back to the bot"));
    $("resolve").addEventListener("click", () => act("/resolve", "Marked as resolved"));
    $("reopen").addEventListener("click", () => act("/reopen", "Reopened"));
    $("back").addEventListener("click", closeConversation);
    $("note-mode").addEventListener("change", renderHeader);
    $("composer-form").addEventListener("submit", (event) => { event.preventDefault(); send(); });
    $("reply").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); send(); }
    });
    $("reply").addEventListener("input", () => { if (!$("note-mode").checked) setTyping($("reply").value.length > 0); });
    $("help-button").addEventListener("click", () => { $("help").hidden = false; });
    $("help-close").addEventListener("click", () => { $("help").hidden = true; });
    $("notify").addEventListener("click", async () => {
      beep(); // also unlocks audio for later beeps
      if ("Notification" in window && Notification.permission === "default") await Notification.requestPermission();
      $("notify").textContent = "Notifications on";
      $("notify").disabled = true;
    });
    $("logout").addEventListener("click", async () => {
      try { await api("DELETE", "/session"); } finally { window.location.assign("/console/login"); }
    });
    window.addEventListener("popstate", () => {
      const match = window.location.pathname.match(/^\/console\/conversations\/(.+)$/);
      if (match) openConversation(decodeURIComponent(match[1]), true);
      else if (state.current) closeConversation();
    });
    // Waiting times age by themselves.
    setInterval(() => {
      for (const node of document.querySelectorAll(".queue-wait")) {
        if (node.dataset.since) node.textContent = "waiting " + ago(node.dataset.since);
      }
    }, 30000);
  }

  async function start() {
    wire();
    try {
      const me = await api("GET", "/session");
      state.csrf = me.csrf_token;
      state.agent = me.agent;
    } catch (err) {
      return;
    }
    await loadQueue();
    connect();
    const initial = layout.dataset.conversation;
    if (initial) openConversation(initial, true);
  }

  start();
})();

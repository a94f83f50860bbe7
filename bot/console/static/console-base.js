// ParcelDesk staff console, part 1 of 6: what every other part uses. The parts are classic
// scripts loaded in order by console.html (no build step); they share one object,
// window.PDConsole, holding this file's helpers and state plus each part's functions.
// Every text from the server is rendered with textContent (never as HTML).
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const layout = $("layout");
  const state = {
    csrf: "",
    agent: null,
    filter: "active",
    rows: [],
    pendingSeen: null, // ids of pending conversations already announced
    current: null, // {id, row, lastSeq, bySeq: Map}
    socket: null,
    socketDelay: 500,
    typingTimer: null,
    typingOn: false,
    theirTyping: null,
  };

  // --- helpers ------------------------------------------------------------------------------
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function ago(iso) {
    if (!iso) return "";
    const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
    if (seconds < 60) return "just now";
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + " min";
    const hours = Math.floor(minutes / 60);
    if (hours < 24) return hours + " h " + (minutes % 60) + " min";
    return Math.floor(hours / 24) + " d";
  }

  function clock(iso) {
    if (!iso) return "";
    const date = new Date(iso);
    return date.toLocaleString([], { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  }

  function channelName(channel) {
    return { web: "Web chat", widget: "Widget", telegram: "Telegram", api: "HTTP API" }[channel] || channel;
  }

  function statusName(status) {
    return { pending: "Waiting", open: "Open", resolved: "Resolved", bot: "With the bot" }[status] || status;
  }

  function toast(message, isError) {
    const node = $("toast");
    node.textContent = message;
    node.classList.toggle("toast-error", Boolean(isError));
    node.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { node.hidden = true; }, 4000);
  }

  function showError(message) {
    const node = $("action-error");
    node.textContent = message;
    node.hidden = !message;
  }

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers["X-CSRF-Token"] = state.csrf;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch("/console/api" + path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401) {
      window.location.assign("/console/login");
      throw new Error("logged out");
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(data.error || "Request failed (" + response.status + ")");
      error.status = response.status;
      throw error;
    }
    return data;
  }

  // A function that a later part defines, looked up when it is called (parts load in order,
  // and nothing runs before console-start.js).
  function late(name) {
    return (...args) => C[name](...args);
  }

  const C = (window.PDConsole = {
    $, layout, state, el, ago, clock, channelName, statusName, toast, showError, api, late,
  });
})();

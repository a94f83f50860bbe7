// Demo chat client for the gateway's /ws endpoint. Keeps the session id across reloads.
(function () {
  "use strict";
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const typing = document.getElementById("typing");
  const status = document.getElementById("status");
  const pending = [];
  let socket = null;
  let retryDelay = 500;

  function add(role, text, buttons) {
    const item = document.createElement("li");
    item.className = role;
    item.textContent = text;
    if (buttons && buttons.length) {
      const row = document.createElement("div");
      row.className = "buttons";
      buttons.forEach(function (b) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = b.title;
        button.addEventListener("click", function () { send(b.payload, b.title); });
        row.appendChild(button);
      });
      item.appendChild(row);
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function send(text, shown) {
    add("buyer", shown || text);
    const frame = JSON.stringify({ type: "message", text: text });
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(frame); }
    else { pending.push(frame); }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const session = localStorage.getItem("parceldesk-session") || "";
    socket = new WebSocket(scheme + "://" + location.host + "/ws?session=" + encodeURIComponent(session));
    socket.addEventListener("open", function () {
      status.textContent = "";
      retryDelay = 500;
      while (pending.length) { socket.send(pending.shift()); }
    });
    socket.addEventListener("message", function (event) {
      const frame = JSON.parse(event.data);
      if (frame.type === "session") { localStorage.setItem("parceldesk-session", frame.conversation_id); }
      else if (frame.type === "typing") { typing.hidden = false; }
      else if (frame.type === "message") {
        typing.hidden = true;
        if (frame.text || (frame.buttons && frame.buttons.length)) { add("bot", frame.text, frame.buttons); }
      }
      else if (frame.type === "error") { typing.hidden = true; status.textContent = frame.error; }
    });
    socket.addEventListener("close", function () {
      typing.hidden = true;
      status.textContent = "Connection lost. Reconnecting…";
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 10000);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send(text);
  });
  connect();
})();

// ParcelDesk staff console, part 5 of 6: the live socket. On every (re)connect it follows the
// open conversation after the last seq shown, so nothing is missed and nothing doubled.
"use strict";
(function () {
  const C = window.PDConsole;
  const { $, state } = C;
  const { loadQueue, queueChanged, addEvent, loadPanelSoon, setDelivery, setTheirTyping } = C;

  function follow() {
    if (!state.current || !state.socket || state.socket.readyState !== WebSocket.OPEN) return;
    state.socket.send(JSON.stringify({ type: "follow", conversation_id: state.current.id, after: state.current.lastSeq }));
  }

  function setConnection(stateName, label) {
    const node = $("connection");
    node.dataset.state = stateName;
    node.textContent = label;
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + window.location.host + "/console/ws");
    state.socket = socket;
    let pinger = null;
    socket.addEventListener("open", () => {
      state.socketDelay = 500;
      setConnection("live", "live");
      follow(); // after the last seq shown: nothing missed, nothing doubled
      loadQueue();
      pinger = setInterval(() => socket.send(JSON.stringify({ type: "ping" })), 20000);
    });
    socket.addEventListener("message", (message) => {
      let frame;
      try { frame = JSON.parse(message.data); } catch (err) { return; }
      if (frame.type === "event") addEvent(frame.conversation_id, frame.event);
      else if (frame.type === "queue") {
        queueChanged();
        if (frame.status && state.current && frame.conversation_id === state.current.id) loadPanelSoon();
      } else if (frame.type === "delivery" && state.current && frame.conversation_id === state.current.id) {
        const node = state.current.bySeq.get(frame.seq);
        if (node) setDelivery(node, frame.delivery, frame.delivery_error);
      } else if (frame.type === "typing") setTheirTyping(frame);
      else if (frame.type === "bye") window.location.assign("/console/login");
    });
    socket.addEventListener("close", (event) => {
      clearInterval(pinger);
      if (state.socket !== socket) return;
      if (event.code === 4401) { window.location.assign("/console/login"); return; }
      setConnection("down", "reconnecting…");
      setTimeout(connect, state.socketDelay);
      state.socketDelay = Math.min(state.socketDelay * 2, 10000);
    });
  }

  Object.assign(C, { follow, connect });
})();

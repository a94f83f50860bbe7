// ParcelDesk staff console, part 3 of 6: the open conversation (header, transcript, canned
// replies, composer, actions on it, typing both ways).
"use strict";
(function () {
  const C = window.PDConsole;
  const { $, layout, state, el, clock, channelName, statusName, toast, showError, api, late } = C;
  const { loadQueue, renderQueue } = C;
  const renderParcels = late("renderParcels");
  const renderOrders = late("renderOrders");
  const follow = late("follow");

  async function openConversation(id, replace) {
    if (!id) return;
    if (state.current && state.current.id === id) { layout.classList.add("show-conversation"); return; }
    setTyping(false);
    state.current = { id, row: null, lastSeq: 0, bySeq: new Map() };
    const url = "/console/conversations/" + encodeURIComponent(id);
    if (window.location.pathname !== url) history[replace ? "replaceState" : "pushState"]({ id }, "", url);
    layout.classList.add("show-conversation");
    $("no-conversation").hidden = true;
    $("conversation-view").hidden = false;
    $("transcript").replaceChildren();
    $("typing").hidden = true;
    showError("");
    renderQueue();
    follow();
    await loadPanel();
  }

  function closeConversation() {
    state.current = null;
    layout.classList.remove("show-conversation");
    $("conversation-view").hidden = true;
    $("no-conversation").hidden = false;
    $("parcel-body").replaceChildren(el("p", "empty", "The parcels mentioned in the conversation appear here."));
    if (state.socket && state.socket.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify({ type: "unfollow" }));
    history.pushState({}, "", "/console/");
    renderQueue();
  }

  async function loadPanel(recheck) {
    const current = state.current;
    if (!current) return;
    let data;
    try {
      const path = "/conversations/" + encodeURIComponent(current.id);
      data = recheck ? await api("POST", path + "/recheck") : await api("GET", path);
    } catch (err) {
      showError(err.message);
      return;
    }
    if (state.current !== current) return;
    current.row = data.conversation;
    renderHeader();
    renderCanned(data.canned);
    renderParcels(data.parcels, data.bot_said);
    renderOrders(data.orders || []);
  }

  function renderHeader() {
    const current = state.current;
    if (!current || !current.row) return;
    const row = current.row;
    $("conv-id").textContent = row.id;
    const pill = $("conv-status");
    pill.textContent = statusName(row.status);
    pill.className = "pill pill-" + row.status;
    $("conv-channel").textContent = channelName(row.channel) + (row.language ? " · " + row.language : "");
    $("conv-agent").textContent = row.agent ? "· with " + row.agent : "";
    $("conv-overdue").hidden = !row.overdue;
    const mine = row.status === "open" && state.agent && row.agent === state.agent.name;
    $("claim").hidden = mine || row.status === "open";
    $("claim").textContent = "";
    $("claim").append(document.createTextNode(row.status === "pending" ? "Claim " : "Take over "), el("kbd", null, "c"));
    $("handback").hidden = !(mine || row.status === "pending");
    $("resolve").hidden = !(mine || row.status === "pending");
    $("reopen").hidden = row.status !== "resolved";
    const canWrite = mine;
    $("reply").placeholder = canWrite || $("note-mode").checked
      ? ($("note-mode").checked ? "Internal note for the team (never sent to the buyer)…" : "Write to the buyer… (Enter sends, Shift+Enter for a new line)")
      : (row.status === "open" ? row.agent + " is handling this conversation. You can add a note." : "Claim the conversation to reply. You can add a note.");
    document.querySelector(".composer").classList.toggle("composer-note", $("note-mode").checked);
  }

  function eventNode(event) {
    const kind = event.kind === "note" ? "note" : event.kind === "status" ? "status" : event.sender;
    const item = el("li", "ev ev-" + kind);
    item.dataset.seq = String(event.seq);
    if (kind === "status") {
      item.append(el("span", "ev-status-text", event.text));
      item.append(el("time", "ev-time", clock(event.created_at)));
      return item;
    }
    const head = el("div", "ev-head");
    const who = kind === "note" ? "Note · " + (event.agent || "agent")
      : kind === "agent" ? (event.agent || "Agent")
      : kind === "bot" ? "Bot" : kind === "system" ? "ParcelDesk" : "Buyer";
    head.append(el("span", "ev-who", who));
    head.append(el("time", "ev-time", clock(event.created_at)));
    item.append(head);
    item.append(el("p", "ev-text", event.text));
    if (event.buttons && event.buttons.length) {
      const buttons = el("div", "ev-buttons");
      for (const b of event.buttons) buttons.append(el("span", "chip", b.title || b.text || b.payload || ""));
      item.append(buttons);
    }
    if (kind === "agent") {
      const delivery = el("p", "ev-delivery");
      item.append(delivery);
      setDelivery(item, event.delivery, event.delivery_error);
    }
    return item;
  }

  function setDelivery(item, delivery, failure) {
    const node = item.querySelector(".ev-delivery");
    if (!node) return;
    const label = { queued: "queued", sent: "sent ✓", delivered: "delivered ✓✓", failed: "not delivered" }[delivery] || (delivery || "");
    node.textContent = label + (delivery === "failed" && failure ? ": " + failure : "");
    node.dataset.state = delivery || "";
  }

  function addEvent(conversationId, event) {
    const current = state.current;
    if (!current || current.id !== conversationId) return;
    if (current.bySeq.has(event.seq)) {
      // Already shown (e.g. the API answer raced the socket): only refresh its delivery.
      setDelivery(current.bySeq.get(event.seq), event.delivery, event.delivery_error);
      return;
    }
    const node = eventNode(event);
    current.bySeq.set(event.seq, node);
    current.lastSeq = Math.max(current.lastSeq, event.seq);
    const list = $("transcript");
    // Keep seq order even if an older page arrives late.
    let before = null;
    for (const child of list.children) {
      if (Number(child.dataset.seq) > event.seq) { before = child; break; }
    }
    list.insertBefore(node, before);
    if (!before) node.scrollIntoView({ block: "end" });
    if (event.sender === "buyer") setTheirTyping(null);
    if (event.kind === "status" || event.sender === "bot") loadPanelSoon();
  }

  let panelTimer = null;
  function loadPanelSoon() {
    clearTimeout(panelTimer);
    panelTimer = setTimeout(() => loadPanel(false), 300);
  }

  function renderCanned(replies) {
    const box = $("canned");
    box.replaceChildren();
    if (!replies || !replies.length) return;
    box.append(el("span", "canned-label", "Canned:"));
    for (const reply of replies) {
      const button = el("button", "chip chip-button", reply.label);
      button.type = "button";
      button.title = reply.text;
      button.dataset.key = reply.key;
      button.addEventListener("click", () => {
        $("note-mode").checked = false;
        renderHeader();
        const box = $("reply");
        box.value = reply.text;
        box.focus();
        box.setSelectionRange(box.value.length, box.value.length);
      });
      box.append(button);
    }
  }

  // --- actions ------------------------------------------------------------------------------
  async function act(path, done) {
    if (!state.current) return;
    showError("");
    try {
      const data = await api("POST", "/conversations/" + encodeURIComponent(state.current.id) + path);
      if (data.conversation) { state.current.row = data.conversation; renderHeader(); }
      if (done) toast(done);
      loadQueue();
    } catch (err) {
      showError(err.message);
      loadQueue();
    }
  }

  async function send() {
    const box = $("reply");
    const text = box.value.trim();
    if (!text || !state.current) return;
    const note = $("note-mode").checked;
    $("send").disabled = true;
    showError("");
    try {
      const data = await api("POST", "/conversations/" + encodeURIComponent(state.current.id) + (note ? "/notes" : "/messages"), { text });
      box.value = "";
      setTyping(false);
      addEvent(state.current.id, data.event);
    } catch (err) {
      showError(err.message);
    } finally {
      $("send").disabled = false;
      box.focus();
    }
  }

  function setTyping(on) {
    clearTimeout(state.typingTimer);
    if (on) state.typingTimer = setTimeout(() => setTyping(false), 3000);
    if (on === state.typingOn) return;
    state.typingOn = on;
    if (state.socket && state.socket.readyState === WebSocket.OPEN && state.current) {
      state.socket.send(JSON.stringify({ type: "typing", on }));
    }
  }

  function setTheirTyping(notice) {
    clearTimeout(state.theirTyping);
    const node = $("typing");
    if (!notice || !notice.on) { node.hidden = true; return; }
    node.textContent = (notice.who === "agent" ? notice.name || "An agent" : "The buyer") + " is typing…";
    node.hidden = false;
    // Never stuck: it clears by itself without a refresh.
    state.theirTyping = setTimeout(() => { node.hidden = true; }, 6000);
  }

  Object.assign(C, {
    openConversation, closeConversation, loadPanel, loadPanelSoon, renderHeader, setDelivery,
    addEvent, act, send, setTyping, setTheirTyping,
  });
})();

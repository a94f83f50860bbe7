// ParcelDesk staff console: queue, live conversation and parcel panel.
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

  // --- queue --------------------------------------------------------------------------------
  async function loadQueue() {
    let data;
    try {
      data = await api("GET", "/conversations?status=" + encodeURIComponent(state.filter));
    } catch (err) {
      return;
    }
    state.rows = data.conversations;
    if (state.filter === "active") announceNew(state.rows);
    renderQueue();
    if (state.current) {
      const row = state.rows.find((r) => r.id === state.current.id);
      if (row) { state.current.row = row; renderHeader(); }
    }
  }

  let queueTimer = null;
  function queueChanged() {
    // Many events arrive in bursts: one reload per burst.
    clearTimeout(queueTimer);
    queueTimer = setTimeout(loadQueue, 150);
  }

  function announceNew(rows) {
    const pending = rows.filter((r) => r.status === "pending");
    $("count-pending").textContent = String(pending.length);
    $("count-pending").dataset.zero = String(pending.length === 0);
    document.title = (pending.length ? "(" + pending.length + ") " : "") + "Queue · ParcelDesk console";
    const ids = new Set(pending.map((r) => r.id));
    if (state.pendingSeen !== null) {
      const fresh = pending.filter((r) => !state.pendingSeen.has(r.id));
      if (fresh.length) notify(fresh[0]);
    }
    state.pendingSeen = ids;
  }

  function notify(row) {
    beep();
    const text = row.last_message ? row.last_message.text : "A buyer is waiting";
    if ("Notification" in window && Notification.permission === "granted" && document.hidden) {
      const note = new Notification("A buyer is waiting (" + channelName(row.channel) + ")", { body: text, tag: row.id });
      note.onclick = () => { window.focus(); openConversation(row.id); };
    }
  }

  let audio = null;
  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.15, audio.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.35);
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.4);
    } catch (err) { /* no audio: the title count still shows it */ }
  }

  function renderQueue() {
    const list = $("queue-list");
    list.replaceChildren();
    for (const row of state.rows) {
      const item = el("li", "queue-item status-" + row.status);
      const link = el("a", "queue-link");
      link.href = "/console/conversations/" + encodeURIComponent(row.id);
      link.dataset.id = row.id;
      if (state.current && state.current.id === row.id) link.setAttribute("aria-current", "true");
      const top = el("div", "queue-top");
      top.append(el("span", "pill pill-" + row.status, statusName(row.status)));
      top.append(el("span", "queue-channel", channelName(row.channel)));
      if (row.overdue) top.append(el("span", "pill pill-danger", "Overdue"));
      const waited = el("span", "queue-wait", row.waiting_since ? "waiting " + ago(row.waiting_since) : "active " + (ago(row.updated_at) === "just now" ? "just now" : ago(row.updated_at) + " ago"));
      waited.dataset.since = row.waiting_since || "";
      top.append(waited);
      link.append(top);
      if (row.last_message) {
        const last = el("p", "queue-last");
        last.append(el("span", "who who-" + row.last_message.sender, row.last_message.sender + ": "));
        last.append(document.createTextNode(row.last_message.text));
        link.append(last);
      }
      const bottom = el("div", "queue-bottom");
      for (const number of row.numbers.slice(0, 3)) bottom.append(el("span", "chip mono", number));
      if (row.agent) bottom.append(el("span", "queue-agent", "with " + row.agent));
      link.append(bottom);
      link.addEventListener("click", (event) => {
        if (event.metaKey || event.ctrlKey) return;
        event.preventDefault();
        openConversation(row.id);
      });
      item.append(link);
      list.append(item);
    }
    $("queue-empty").hidden = state.rows.length > 0;
    $("queue-empty").textContent = state.filter === "active"
      ? "Nobody is waiting. New conversations appear here by themselves."
      : "Nothing here.";
  }

  function setFilter(filter) {
    state.filter = filter;
    for (const button of document.querySelectorAll(".filter")) {
      button.setAttribute("aria-pressed", String(button.dataset.filter === filter));
    }
    $("queue-title").textContent = {
      active: "Waiting and open", mine: "Mine", resolved: "Resolved", bot: "With the bot",
    }[filter];
    loadQueue();
  }

  // --- conversation -------------------------------------------------------------------------
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

  // Orders the buyer asked about, above the parcels: verification state and every shipment.
  function renderOrders(orders) {
    const body = $("parcel-body");
    for (const order of orders.slice().reverse()) {
      const card = el("section", "card order");
      card.append(el("h3", null, "Order " + order.order_number));
      const state = !order.known ? "not a known order" : order.verified ? "buyer verified ✓" : "buyer not verified";
      card.append(el("p", "muted", state + (order.email ? " · " + order.email : "") + (order.postcode ? " · " + order.postcode : "")));
      const list = el("ul", "order-shipments");
      for (const s of order.shipments || []) {
        list.append(el("li", null, s.tracking_number + (s.carrier ? " (" + s.carrier + ")" : "") + (s.shipped_at ? ", shipped " + s.shipped_at.slice(0, 10) : "")));
      }
      if (order.known && !(order.shipments || []).length) list.append(el("li", "empty", "Not shipped yet."));
      card.append(list);
      if ((order.shipments || []).length) {
        const follow = el("button", "btn", order.subscribed ? "Buyer gets updates for every parcel ✓" : "Send the buyer updates for every parcel");
        follow.type = "button";
        follow.disabled = Boolean(order.subscribed);
        follow.addEventListener("click", async () => {
          try {
            await api("POST", "/conversations/" + encodeURIComponent(state.current.id) + "/subscribe", { order: order.order_number });
            toast("The buyer will get updates for every parcel of order " + order.order_number);
            loadPanel(false);
          } catch (err) { showError(err.message); }
        });
        card.append(follow);
      }
      body.prepend(card);
    }
  }

  function renderParcels(parcels, botSaid) {
    const body = $("parcel-body");
    body.replaceChildren();
    if (!parcels.length) {
      body.append(el("p", "empty", "No tracking number in this conversation yet."));
    }
    for (const parcel of parcels) body.append(parcelCard(parcel));
    const said = el("section", "card");
    said.append(el("h3", null, "What the bot told the buyer"));
    if (!botSaid.length) said.append(el("p", "empty", "Nothing yet."));
    const list = el("ol", "said");
    for (const item of botSaid.slice(-6)) {
      const li = el("li");
      li.append(el("time", "ev-time", clock(item.created_at)));
      li.append(el("p", null, item.text));
      list.append(li);
    }
    said.append(list);
    body.append(said);
  }

  function fact(list, label, value) {
    if (value === null || value === undefined || value === "") return;
    list.append(el("dt", null, label));
    list.append(el("dd", null, typeof value === "object" ? JSON.stringify(value) : value));
  }

  // Evidence keys already shown elsewhere on the card.
  const SHOWN = new Set(["number", "status", "sub_status", "variant", "events", "now", "leg",
    "origin_country", "destination_country"]);

  function evidenceValue(value) {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      if (value.description) {
        return value.description + [value.location, value.country].filter(Boolean).map((p) => ", " + p).join("") + (value.time ? " · " + clock(value.time) : "");
      }
      if (value.days !== undefined) return value.days + " days" + (value.name ? " (" + value.name.replace(/_/g, " ") + ")" : "");
      return JSON.stringify(value);
    }
    if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value)) return clock(value);
    if (Array.isArray(value)) return value.join(", ");
    return value;
  }

  function evidenceList(evidence) {
    const list = el("dl", "facts");
    for (const [key, value] of Object.entries(evidence)) {
      if (SHOWN.has(key) || value === null || value === "") continue;
      fact(list, key.replace(/_/g, " "), evidenceValue(value));
    }
    return list;
  }

  function day(iso) {
    const date = new Date(iso + "T12:00:00");
    return date.toLocaleDateString([], { weekday: "short", day: "numeric", month: "short" });
  }

  function parcelCard(parcel) {
    const card = el("section", "card parcel-card");
    const head = el("div", "parcel-head");
    head.append(el("h3", "mono", parcel.number));
    const tags = el("span", "parcel-tags");
    if (parcel.status_label) tags.append(el("span", "pill pill-parcel", parcel.status_label));
    // Invented by the built-in demo carrier: said in words, not only by colour.
    if (parcel.demo) {
      const demo = el("span", "demo-tag", "Demo data");
      demo.title = "Invented by the built-in demo carrier, not a real carrier's answer";
      tags.append(demo);
    }
    head.append(tags);
    card.append(head);
    if (parcel.error) { card.append(el("p", "form-error", parcel.error)); return card; }
    const route = [parcel.origin_country, parcel.destination_country].map((c) => c || "?").join(" → ");
    card.append(el("p", "muted", (parcel.carrier || "carrier unknown") + " · " + route + " · checked " + clock(parcel.fetched_at)));
    const d = parcel.diagnosis;
    if (d) {
      const diag = el("div", "diagnosis reason-" + d.reason);
      diag.append(el("p", "diag-title", d.title + (d.escalate ? " · needs a person" : "")));
      diag.append(el("p", null, d.summary));
      const facts = el("dl", "facts");
      fact(facts, "Next step", d.next_step);
      fact(facts, "Check again", d.check_again_after ? day(d.check_again_after) : "");
      diag.append(facts);
      const evidence = evidenceList(d.evidence || {});
      if (evidence.children.length) {
        const more = el("details", "evidence");
        more.append(el("summary", null, "Evidence"));
        more.append(evidence);
        diag.append(more);
      }
      card.append(diag);
    }
    const timeline = el("ol", "timeline");
    for (const event of parcel.events) {
      const li = el("li");
      li.append(el("time", "ev-time", clock(event.time)));
      li.append(el("p", null, event.description));
      const where = [event.location, event.country].filter(Boolean).join(", ");
      const meta = el("p", "muted");
      if (where) meta.append(document.createTextNode(where + " "));
      if (event.provider) meta.append(el("span", "chip source", "via " + event.provider));
      li.append(meta);
      timeline.append(li);
    }
    if (!parcel.events.length) timeline.append(el("li", "empty", "No scans yet."));
    card.append(el("h4", null, "Timeline"));
    card.append(timeline);
    if (parcel.sources && parcel.sources.length) {
      const sources = el("p", "muted sources");
      sources.append(document.createTextNode("Asked: "));
      for (const s of parcel.sources) {
        sources.append(el("span", "chip source" + (s.ok ? "" : " chip-bad"), s.provider + (s.ok ? "" : " (failed)")));
      }
      card.append(sources);
    }
    const actions = el("div", "parcel-actions");
    const recheck = el("button", "btn", "Re-check");
    recheck.type = "button";
    recheck.addEventListener("click", async () => { recheck.disabled = true; await loadPanel(true); toast("Asked the carriers again"); });
    const subscribe = el("button", "btn", parcel.subscribed ? "Buyer gets updates ✓" : "Send the buyer updates");
    subscribe.type = "button";
    subscribe.disabled = Boolean(parcel.subscribed);
    subscribe.addEventListener("click", async () => {
      try {
        await api("POST", "/conversations/" + encodeURIComponent(state.current.id) + "/subscribe", { number: parcel.number });
        toast("The buyer will get updates for " + parcel.number);
        loadPanel(false);
      } catch (err) { showError(err.message); }
    });
    actions.append(recheck, subscribe);
    card.append(actions);
    return card;
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

  // --- live socket --------------------------------------------------------------------------
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

  // --- keyboard -----------------------------------------------------------------------------
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

// ParcelDesk staff console, part 2 of 6: the queue list (filters, reloads, new-buyer alerts).
"use strict";
(function () {
  const C = window.PDConsole;
  const { $, state, el, ago, channelName, statusName, api, late } = C;
  const renderHeader = late("renderHeader");
  const openConversation = late("openConversation");

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

  Object.assign(C, { loadQueue, queueChanged, beep, renderQueue, setFilter });
})();

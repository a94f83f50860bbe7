// ParcelDesk staff console, part 4 of 6: the parcel panel (orders asked about, parcel cards
// with diagnosis, timeline and sources, what the bot told the buyer).
"use strict";
(function () {
  const C = window.PDConsole;
  const { $, state, el, clock, toast, showError, api } = C;
  const { loadPanel } = C;

  // Orders the buyer asked about, above the parcels: verification state and every shipment.
  function renderOrders(orders) {
    const body = $("parcel-body");
    for (const order of orders.slice().reverse()) {
      const card = el("section", "card order");
      card.append(el("h3", null, "Order " + order.order_number));
      // Not `state`: that name is the console's shared state (the subscribe button needs it).
      const verification = !order.known ? "not a known order" : order.verified ? "buyer verified ✓" : "buyer not verified";
      card.append(el("p", "muted", verification + (order.email ? " · " + order.email : "") + (order.postcode ? " · " + order.postcode : "")));
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

  Object.assign(C, { renderOrders, renderParcels });
})();

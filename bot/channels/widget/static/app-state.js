/* ParcelDesk chat, inside the widget's iframe: part 1 of 4, loaded after i18n.js.
 * Never loses a message: each buyer message has a client id and stays "sending" until the
 * server acks it (resent with the same id after a reconnect); on every (re)connect the server
 * sends all events after the last seq rendered. Every text is rendered with textContent:
 * nothing from the chat becomes markup.
 *
 * The parts are classic scripts that frame.html loads in order (no build step); they share
 * window.PDChat. This one holds the state the parts share (S), the iframe's storage (or the
 * shop page's copy of it) and the messages to the page around the iframe. */
(function () {
  "use strict";

  var d = document, w = window, store = null, kept = {};
  // The iframe's own storage. Browsers that block third-party storage deny it (reading
  // window.localStorage throws): then the loader keeps these few keys for us in the shop
  // page's storage (handed over in "init", updated with "store" messages).
  try { store = w.localStorage; store.getItem("parceldesk.token"); } catch (e) { store = null; }
  var params = new URLSearchParams(location.search);
  var PARENT = params.get("origin") || "";
  var embedded = w.parent !== w;
  var anc = location.ancestorOrigins;
  // The page claiming to be our parent must be the one that really frames us.
  var trusted = !embedded || !anc || !anc.length || anc[0] === PARENT;

  var $ = function (id) { return d.getElementById(id); };
  var K = { token: "parceldesk.token", ref: "parceldesk.ref", pending: "parceldesk.pending" };
  // State more than one part reads or writes (each part keeps the rest to itself).
  var S = {
    lastSeq: 0,
    ref: null,
    bubbles: {}, // client_id -> the bubble of a message not yet acked
    pending: [], // [{client_id, text, at}]
    titles: {}, // button payload -> title, so a pressed button shows its words
    user: null,
    locale: null,
    opened: !embedded,
    started: false,
    refused: false,
    greeting: "",
    noticeKey: null,
    retry: 500
  };
  S.ref = read(K.ref);
  S.pending = JSON.parse(read(K.pending) || "[]");

  function read(key) {
    if (store) { try { return store.getItem(key); } catch (e) { return null; } }
    return Object.prototype.hasOwnProperty.call(kept, key) ? kept[key] : null;
  }
  function write(key, value) {
    if (store) {
      try { if (value === null) { store.removeItem(key); } else { store.setItem(key, value); } }
      catch (e) { /* storage full or disabled: the chat still works for this visit */ }
      return;
    }
    if (value === null) { delete kept[key]; } else { kept[key] = value; }
    toParent({ type: "store", key: key, value: value });
  }
  function savePending() { write(K.pending, JSON.stringify(S.pending)); }
  function toParent(message) {
    if (embedded && trusted && PARENT) { message.pd = 1; w.parent.postMessage(message, PARENT); }
  }
  function newId() {
    var a = new Uint8Array(12);
    (w.crypto || w.msCrypto).getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function forget(clientId) {
    S.pending = S.pending.filter(function (p) { return p.client_id !== clientId; });
    savePending();
  }

  // The shop page's copy of our keys (handed over in "init") when the iframe has no storage.
  function adopt(copy) {
    if (!store && copy && typeof copy === "object") {
      Object.keys(K).forEach(function (name) {
        if (typeof copy[K[name]] === "string") { kept[K[name]] = copy[K[name]]; }
      });
      S.ref = read(K.ref);
      S.pending = JSON.parse(read(K.pending) || "[]");
    }
  }

  // A function that a later part defines, looked up when it is called (parts load in order,
  // and nothing runs before app-start.js).
  function late(name) {
    return function () { return C[name].apply(null, arguments); };
  }

  var C = w.PDChat = {
    $: $, S: S, K: K, PARENT: PARENT, embedded: embedded, trusted: trusted,
    read: read, write: write, savePending: savePending, toParent: toParent, newId: newId,
    forget: forget, adopt: adopt, late: late
  };
})();

// The bar fixed at the bottom: running total, save status (a live region), save button.
// Every change updates the nodes in place, so the button keeps the focus.
//
// Unsaved work is kept in the browser: the kernel sets `draft` ({key, payload}) after each
// edit and the view writes it to localStorage["jamkit.draft.v1:" + key]; on render, and when
// `draft_key` (the place) changes, the view sends the one stored at exactly that key
// ({event: "draft", key, payload, at}) for the kernel to check and offer back; the kernel's
// {event: "forget", key} removes it. While the page is cut off from its kernel (see
// shell.js) the button is aria-disabled and the status says why.

const DRAFTS = "jamkit.draft.v1:";

function store() {
  try { return window.localStorage || null; } catch (e) { return null; }  // blocked storage
}

function render({ model, el }) {
  const subs = subscriptions(model);
  const total = h("p", { class: "jk-total" });
  const status = h("p", { class: "jk-status", role: "status", "aria-live": "polite" });
  const online = () => !window.jamkitConnection || window.jamkitConnection.online !== false;
  const button = h("button", { type: "button", class: "jk-button jk-button-primary",
    onclick: () => { if (!model.get("busy") && online()) model.send({ event: "save" }); } });
  const bar = h("div", { class: "jk-savebar", "data-jk-live": "" },
    h("div", { class: "jk-savebar-inner" }, h("div", { class: "jk-savebar-text" }, total, status), button));
  el.append(bar);

  // -- drafts in this browser -------------------------------------------------------------
  const stored = (key) => {
    const s = store();
    try { return s && key ? s.getItem(DRAFTS + key) : null; } catch (e) { return null; }
  };
  const markKept = () => {
    const d = model.get("draft");
    const kept = !!(d && d.key && d.key === model.get("draft_key") && stored(d.key) !== null);
    if (kept) bar.setAttribute("data-jk-draft", "kept");
    else bar.removeAttribute("data-jk-draft");
  };
  const write = () => {
    const d = model.get("draft");
    const s = store();
    if (d && d.key && s) {
      try { s.setItem(DRAFTS + d.key, JSON.stringify({ payload: d.payload, at: Date.now() })); } catch (e) { /* full */ }
    }
    markKept();
  };
  const offer = () => {
    const key = model.get("draft_key");
    const raw = stored(key);
    if (raw === null) return;
    let found = null;
    try { found = JSON.parse(raw); } catch (e) { /* unreadable: the kernel cannot use it either */ }
    if (found && typeof found === "object" && "payload" in found) {
      model.send({ event: "draft", key, payload: found.payload, at: Number(found.at) || 0 });
    } else {
      try { store().removeItem(DRAFTS + key); } catch (e) { /* blocked */ }
    }
  };
  subs.on("msg:custom", (msg) => {
    if (!msg || msg.event !== "forget" || !msg.key) return;
    try { const s = store(); if (s) s.removeItem(DRAFTS + msg.key); } catch (e) { /* blocked */ }
    markKept();
  });

  const sync = () => {
    if (total.textContent !== model.get("total_text")) total.textContent = model.get("total_text");
    if (online()) {
      showStatus(status, model);
    } else {  // the kernel cannot change the status now: the view says why nothing saves
      const S = model.get("strings") || {};
      const why = bar.getAttribute("data-jk-draft") === "kept" ? S.offline_kept : S.offline;
      const text = `⚠ ${why || ""}`;
      if (status.textContent !== text) status.textContent = text;
      status.className = "jk-status jk-status-error";
    }
    if (button.textContent !== model.get("button_label")) button.textContent = model.get("button_label");
    // aria-disabled, not disabled: a disabled button would drop the keyboard focus
    button.setAttribute("aria-disabled", model.get("busy") || !online() ? "true" : "false");
  };
  write();
  sync();
  offer();
  subs.on("change:draft", () => { write(); sync(); });
  subs.on("change:draft_key", () => { markKept(); offer(); });
  subs.on("change", sync);
  subs.listen(window, "jamkit:connection", sync);
  return () => subs.cleanup();
}

export default { render };

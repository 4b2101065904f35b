// The bar fixed at the bottom: running total, save status (a live region), save button.
// Every change updates the nodes in place, so the button keeps the focus.

function render({ model, el }) {
  const subs = subscriptions(model);
  const total = h("p", { class: "jk-total" });
  const status = h("p", { class: "jk-status", role: "status", "aria-live": "polite" });
  const button = h("button", { type: "button", class: "jk-button jk-button-primary",
    onclick: () => { if (!model.get("busy")) model.send({ event: "save" }); } });
  el.append(h("div", { class: "jk-savebar" },
    h("div", { class: "jk-savebar-inner" }, h("div", { class: "jk-savebar-text" }, total, status), button)));
  const sync = () => {
    if (total.textContent !== model.get("total_text")) total.textContent = model.get("total_text");
    showStatus(status, model);
    if (button.textContent !== model.get("button_label")) button.textContent = model.get("button_label");
    // aria-disabled, not disabled: a disabled button would drop the keyboard focus
    button.setAttribute("aria-disabled", model.get("busy") ? "true" : "false");
  };
  sync();
  subs.on("change", sync);
  return () => subs.cleanup();
}

export default { render };

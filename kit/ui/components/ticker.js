// Live refresh: sends {event: "tick"} every `seconds` while the page is visible, and when its
// button is pressed. The interval ends with the view.

function render({ model, el }) {
  const subs = subscriptions(model);
  const text = h("p", { class: "jk-muted jk-ticker-text" });
  // a failed refresh is announced once (role=alert); the ordinary tick is not read out
  const alert = h("p", { class: "jk-status jk-status-error", role: "alert" });
  const button = h("button", { type: "button", class: "jk-button jk-button-quiet",
    onclick: () => model.send({ event: "tick", manual: true }) });
  el.append(h("div", { class: "jk-ticker" }, text, alert, button));
  const sync = () => {
    const failed = model.get("kind") === "error";
    const shown = failed ? "" : model.get("text");
    if (text.textContent !== shown) text.textContent = shown;
    text.hidden = failed;
    const message = failed ? `⚠ ${model.get("text")}` : "";
    if (alert.textContent !== message) alert.textContent = message;
    if (button.textContent !== model.get("button_label")) button.textContent = model.get("button_label");
  };
  let timer = null;
  const schedule = () => {
    clearInterval(timer);
    timer = setInterval(() => {
      if (document.visibilityState === "visible" && model.get("seconds") > 0) model.send({ event: "tick" });
    }, Math.max(2, model.get("seconds")) * 1000);
  };
  sync();
  schedule();
  subs.on("change:text change:kind change:button_label", sync);
  subs.on("change:seconds", schedule);
  subs.add(() => clearInterval(timer));
  return () => subs.cleanup();
}

export default { render };

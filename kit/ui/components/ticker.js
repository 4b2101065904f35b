// Live refresh: sends {event: "tick"} every `seconds` while the page is visible, and when its
// button is pressed. The interval ends with the view. While the page is cut off from its
// kernel (see shell.js) it says, as an error, since when nothing has been updated
// (strings.stale, "Uppdateras inte sedan {time}": the last good refresh this view saw), and
// the regular text comes back with the connection.

function render({ model, el }) {
  const subs = subscriptions(model);
  const text = h("p", { class: "jk-muted jk-ticker-text" });
  // a failed refresh is announced once (role=alert); the ordinary tick is not read out
  const alert = h("p", { class: "jk-status jk-status-error", role: "alert" });
  const online = () => !window.jamkitConnection || window.jamkitConnection.online !== false;
  const button = h("button", { type: "button", class: "jk-button jk-button-quiet",
    onclick: () => { if (online()) model.send({ event: "tick", manual: true }); } });
  el.append(h("div", { class: "jk-ticker", "data-jk-live": "" }, text, alert, button));
  const clock = () => {
    const now = new Date();
    return `${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}`;
  };
  let lastGood = model.get("kind") === "error" ? "" : clock();  // the view shows a good refresh
  const sync = () => {
    const cut = !online();
    const failed = cut || model.get("kind") === "error";
    const shown = failed ? "" : model.get("text");
    if (text.textContent !== shown) text.textContent = shown;
    text.hidden = failed;
    const stale = fmt((model.get("strings") || {}).stale || "", { time: lastGood || "–" });
    const message = cut ? `⚠ ${stale}` : failed ? `⚠ ${model.get("text")}` : "";
    if (alert.textContent !== message) alert.textContent = message;
    if (button.textContent !== model.get("button_label")) button.textContent = model.get("button_label");
    button.setAttribute("aria-disabled", cut ? "true" : "false");
  };
  let timer = null;
  const schedule = () => {
    clearInterval(timer);
    timer = setInterval(() => {
      if (document.visibilityState === "visible" && model.get("seconds") > 0 && online()) model.send({ event: "tick" });
    }, Math.max(2, model.get("seconds")) * 1000);
  };
  sync();
  schedule();
  subs.on("change:text change:kind", () => { if (model.get("kind") !== "error") lastGood = clock(); });
  subs.on("change:text change:kind change:button_label change:strings", sync);
  subs.on("change:seconds", schedule);
  subs.listen(window, "jamkit:connection", sync);
  subs.add(() => clearInterval(timer));
  return () => subs.cleanup();
}

export default { render };

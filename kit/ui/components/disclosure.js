// A disclosure: a button that shows or hides the panel after it (the next widget in the same
// box with class jk-disclosure-panel), with aria-expanded and aria-controls. The panel shows
// at once in the browser; `expanded` goes to the kernel, which keeps it over a rebuild (a
// language switch) and hides the panel the same way.

function render({ model, el }) {
  const subs = subscriptions(model);
  const id = uid("panel");
  const mark = h("span", { class: "jk-disclosure-mark", "aria-hidden": "true" });
  const text = h("span", { class: "jk-disclosure-text" });
  const button = h("button", { type: "button", class: "jk-button jk-button-quiet jk-disclosure-button",
    "aria-expanded": "false", "data-jk-key": "disclosure" }, mark, text);
  el.append(button);

  // the panel is a sibling widget, in the page only once the box has drawn its children
  const panel = () => {
    const box = el.parentElement;
    return box ? [...box.children].find((c) => c !== el && c.classList.contains("jk-disclosure-panel")) : null;
  };
  const link = () => {
    const found = panel();
    if (!found) return false;
    if (!found.id) found.id = id;
    if (button.getAttribute("aria-controls") !== found.id) button.setAttribute("aria-controls", found.id);
    return true;
  };
  let timer = null;
  const waitForPanel = () => {
    if (link() || timer !== null) return;
    timer = setInterval(() => { if (link()) { clearInterval(timer); timer = null; } }, 100);
  };
  subs.add(() => { if (timer !== null) clearInterval(timer); });

  const sync = () => {
    const open = !!model.get("expanded");
    if (text.textContent !== (model.get("label") || "")) text.textContent = model.get("label") || "";
    mark.textContent = open ? "▾" : "▸";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    const found = panel();
    if (found) found.style.display = open ? "" : "none";
    waitForPanel();
  };
  button.addEventListener("click", () => {
    model.set("expanded", !model.get("expanded"));
    model.save_changes();
    sync();
  });
  sync();
  subs.on("change:expanded change:label", sync);
  return () => subs.cleanup();
}

export default { render };

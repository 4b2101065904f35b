// Checkboxes with labels; `values` maps name → bool. A change of `values` ticks the boxes in
// place; only a change of `items` rebuilds them (the focused box keeps the focus).

function render({ model, el }) {
  const subs = subscriptions(model);
  const id = uid("sw");
  const box = h("div", { class: "jk-switches" });
  el.append(box);
  const tick = () => {
    const values = model.get("values") || {};
    for (const input of box.querySelectorAll("input")) {
      const on = !!values[input.name];
      if (input.checked !== on) input.checked = on;
    }
  };
  const build = () => rebuildKeepingFocus(box, () => {
    box.replaceChildren(...model.get("items").map(({ name, label }) => {
      const input = h("input", { type: "checkbox", id: `${id}-${name}`, name, class: "jk-check",
        "data-jk-key": name });
      input.addEventListener("change", () => {
        model.set("values", { ...model.get("values"), [name]: input.checked });
        model.save_changes();
      });
      return h("span", { class: "jk-switch" }, input, h("label", { for: input.id, text: label }));
    }));
    tick();
  });
  build();
  subs.on("change:items", build);
  subs.on("change:values", tick);
  return () => subs.cleanup();
}

export default { render };

// ---------------------------------------------------------------- choice group
// A fieldset with its legend: radios (one `value`) or, with `multiple`, checkboxes (`values`).
// Native inputs, so the checked state is announced as it is; updated in place, so the focused
// option keeps its focus while the kernel changes the value or the options.

function render({ model, el }) {
  const name = uid("choice");
  const legend = h("legend", { class: "jk-label jk-choice-legend" });
  const help = h("p", { class: "jk-help jk-muted jk-choice-help", id: `${name}-help` });
  const list = h("div", { class: "jk-choice-options" });
  const fieldset = h("fieldset", { class: "jk-choice" }, legend, help, list);
  el.append(fieldset);
  let optionsKey = "";
  let inputs = [];

  const chosen = () => (model.get("multiple")
    ? (model.get("values") || []).map(String)
    : [String(model.get("value") ?? "")]);

  const send = () => {
    if (model.get("multiple")) {
      model.set("values", inputs.filter((i) => i.checked).map((i) => i.value));
    } else {
      const picked = inputs.find((i) => i.checked);
      model.set("value", picked ? picked.value : "");
    }
    model.save_changes();
  };

  const build = () => {
    const multiple = !!model.get("multiple");
    const key = JSON.stringify([model.get("options"), multiple]);
    if (key !== optionsKey) {
      optionsKey = key;
      const focused = inputs.find((i) => i === document.activeElement);
      const focusedValue = focused ? focused.value : null;
      inputs = [];
      list.replaceChildren(...(model.get("options") || []).map(([value, label], i) => {
        const input = h("input", { type: multiple ? "checkbox" : "radio", name, id: `${name}-${i}`,
          value: String(value), class: "jk-choice-input" });
        input.addEventListener("change", send);
        inputs.push(input);
        return h("span", { class: "jk-choice-opt" }, input, h("label", { for: input.id, text: label }));
      }));
      if (focusedValue !== null) {
        const again = inputs.find((i) => i.value === focusedValue);
        if (again) again.focus();
      }
    }
    legend.textContent = model.get("label") || "";
    help.textContent = model.get("help") || "";
    help.hidden = !model.get("help");
    if (model.get("help")) fieldset.setAttribute("aria-describedby", help.id);
    else fieldset.removeAttribute("aria-describedby");
    fieldset.disabled = !!model.get("disabled");
    const values = chosen();
    for (const input of inputs) input.checked = values.includes(input.value);
  };

  build();
  model.on("change", build);
  return () => {
    model.off("change", build);
    fieldset.remove();
  };
}

export default { render };

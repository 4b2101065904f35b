// A small accessible form. fields: [{name, label, type: text|password|select|date,
// options: [[value, label]], value, placeholder, help}]; danger: a danger action's button
// (⚠, red outline) instead of the main action's; submitting sends
// {event: "submit", values}. Labels, help, error, button and values change in place; only a
// change of the fields' shape (names, types, a select's values) rebuilds them, and then the
// focused field is focused again and what was typed stays.

function render({ model, el }) {
  const subs = subscriptions(model);
  const id = uid("form");
  const form = h("form", { class: "jk-form", novalidate: true });
  const box = h("div", { class: "jk-fields" });
  const error = h("p", { class: "jk-error", role: "alert" });
  // a danger action's button (danger: true) says so with ⚠ as well as its red outline
  const icon = h("span", { class: "jk-button-icon", "aria-hidden": "true", text: "⚠" });
  const label = h("span", { class: "jk-button-label" });
  const button = h("button", { type: "submit", class: "jk-button jk-button-primary" }, label);
  form.append(box, error, button);
  el.append(form);

  let shape = null;
  let given = {};  // each field's value as the kernel last gave it
  const control = (name) => form.elements.namedItem(name);
  const shapeOf = (fields) => JSON.stringify(fields.map((f) =>
    [f.name, f.type || "text", (f.options || []).map(([v]) => v), !!f.help]));

  const field = (f) => {
    const fid = `${id}-${f.name}`;
    const input = f.type === "select"
      ? h("select", { id: fid, name: f.name, class: "jk-input", "data-jk-key": f.name },
          ...(f.options || []).map(([v]) => h("option", { value: v })))
      : h("input", { id: fid, name: f.name, class: "jk-input", type: f.type || "text",
          autocomplete: "off", maxlength: 200, "data-jk-key": f.name,
          "aria-describedby": f.help ? `${fid}-help` : null });
    return h("div", { class: "jk-field" },
      h("label", { for: fid, class: "jk-label" }), input,
      f.help ? h("p", { id: `${fid}-help`, class: "jk-muted jk-help" }) : null);
  };

  const setText = (node, text) => { if (node && node.textContent !== text) node.textContent = text; };

  const fill = (fields, typed) => {
    const next = {};
    for (const f of fields) {
      const input = control(f.name);
      const wrap = input.closest(".jk-field");
      setText(wrap.querySelector("label"), f.label || "");
      setText(wrap.querySelector(".jk-help"), f.help || "");
      if (f.type === "select") {
        [...input.options].forEach((o, i) => setText(o, String((f.options[i] || [])[1] ?? "")));
      } else if ((input.getAttribute("placeholder") || "") !== (f.placeholder || "")) {
        if (f.placeholder) input.setAttribute("placeholder", f.placeholder);
        else input.removeAttribute("placeholder");
      }
      const value = f.value ?? null;
      next[f.name] = value;
      const unchanged = f.name in given && given[f.name] === value;
      const wanted = unchanged && typed && f.name in typed ? typed[f.name] : value ?? "";
      if (unchanged && !typed) continue;  // the kernel said nothing new: what is typed stays
      if (f.type === "select" && ![...input.options].some((o) => o.value === wanted)) continue;
      if (input.value !== wanted) input.value = wanted;
    }
    given = next;
  };

  const sync = () => {
    const fields = model.get("fields") || [];
    const now = shapeOf(fields);
    if (now !== shape) {
      const typed = {};
      for (const name of Object.keys(given)) { const c = control(name); if (c) typed[name] = c.value; }
      rebuildKeepingFocus(form, () => {
        box.replaceChildren(...fields.map(field));
        shape = now;
        fill(fields, typed);
      });
    } else {
      fill(fields, null);
    }
    box.className = model.get("columns") === 2 ? "jk-fields jk-fields-2" : "jk-fields";
    setText(error, model.get("error") || "");
    setText(label, model.get("submit_label") || "");
    const danger = !!model.get("danger");
    button.className = danger ? "jk-button jk-button-danger" : "jk-button jk-button-primary";
    if (danger && !icon.isConnected) button.prepend(icon);
    else if (!danger && icon.isConnected) icon.remove();
    if (model.get("auto")) button.remove();  // no button: a change submits
    else if (!button.isConnected) form.append(button);
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const values = {};
    for (const f of model.get("fields")) values[f.name] = control(f.name).value;
    model.send({ event: "submit", values });
  });
  form.addEventListener("change", () => {
    if (model.get("auto")) form.requestSubmit();
  });
  sync();
  subs.on("change:fields change:error change:submit_label change:auto change:columns change:danger", sync);
  subs.on("change:reset", () => form.reset());  // clears what was typed after a successful submit
  return () => subs.cleanup();
}

export default { render };

// Workshop, organisation, occasion and role: the place a participant works in. Built once;
// a change of a value, a list of suggestions, the occasions, the texts or the error updates
// the nodes in place, and shown/hidden parts are inserted or removed without moving the
// others, so a focused field keeps its focus and caret.

function render({ model, el }) {
  const subs = subscriptions(model);
  const id = uid("ctx");
  const pushed = {};  // what this view last sent, per field: its echo never overwrites typing
  const setText = (node, text) => { if (node.textContent !== text) node.textContent = text; };

  const textField = (name, attrs) => {
    const input = h("input", { id: `${id}-${name}`, class: "jk-input", type: "text", name,
      autocomplete: "off", "data-jk-key": name, ...attrs });
    input.addEventListener("change", () => {
      pushed[name] = input.value;
      model.set(name, input.value);
      model.save_changes();
    });
    const label = h("label", { for: input.id, class: "jk-label" });
    return { input, label, wrap: h("div", { class: "jk-field" }, label, input) };
  };
  const suggested = (name) => {
    const list = h("datalist", { id: `${id}-${name}-list` });
    const field = textField(name, { list: list.id, maxlength: 120 });
    field.wrap.append(list);
    return { ...field, list };
  };
  const workshop = suggested("workshop");
  const organisation = suggested("organisation");
  const key = textField("key", { autocapitalize: "characters", spellcheck: "false", maxlength: 20 });

  const select = h("select", { id: `${id}-occasion`, class: "jk-input", name: "occasion", "data-jk-key": "occasion" });
  select.addEventListener("change", () => { model.set("occasion", select.value); model.save_changes(); });
  const occasionLabel = h("label", { for: select.id, class: "jk-label" });
  const occasion = h("div", { class: "jk-field" }, occasionLabel, select);

  const roleName = `${id}-role`;
  const legend = h("legend", { class: "jk-label" });
  const roles = h("fieldset", { class: "jk-pills" }, legend);

  const box = h("div", { class: "jk-fields" });
  const error = h("p", { class: "jk-error", role: "alert" });
  el.append(h("div", { class: "jk-context" }, box, error));

  const texts = () => {
    const S = model.get("strings") || {};
    setText(workshop.label, S.workshop || "");
    setText(organisation.label, S.organisation || "");
    setText(occasionLabel, S.occasion || "");
    setText(legend, S.role || "");
    setText(key.label, S.key || "");
    for (const [field, placeholder] of [[workshop, S.workshop_placeholder], [organisation, S.organisation_placeholder]]) {
      if (placeholder) field.input.setAttribute("placeholder", placeholder);
      else field.input.removeAttribute("placeholder");
    }
  };
  const suggestions = () => {
    for (const [field, name] of [[workshop, "workshop_options"], [organisation, "organisation_options"]]) {
      field.list.replaceChildren(...(model.get(name) || []).map((o) => h("option", { value: o })));
    }
  };
  const inputs = { workshop, organisation, key };
  const value = (name) => {  // one field, from its own trait only
    const field = inputs[name];
    const given = model.get(name) || "";
    const echo = field.input === document.activeElement && pushed[name] === given;
    if (!echo && field.input.value !== given) field.input.value = given;
  };
  const chosen = () => {
    if (select.value !== model.get("occasion")) select.value = model.get("occasion");
    for (const input of roles.querySelectorAll("input")) input.checked = input.value === model.get("role");
  };
  const occasions = () => {
    select.replaceChildren(...(model.get("occasion_options") || []).map(([k, label]) =>
      h("option", { value: k, text: label })));
    select.value = model.get("occasion");
  };
  const roleOptions = () => rebuildKeepingFocus(roles, () => {
    roles.replaceChildren(legend, ...(model.get("role_options") || []).map(([k, label]) => {
      const rid = `${roleName}-${k}`;
      const input = h("input", { type: "radio", id: rid, name: roleName, value: k, class: "jk-radio",
        "data-jk-key": `role:${k}` });
      input.checked = k === model.get("role");
      input.addEventListener("change", () => {
        if (input.checked) { model.set("role", k); model.save_changes(); }
      });
      return h("span", { class: "jk-pill" }, input, h("label", { for: rid, text: label }));
    }));
  });
  const arrange = () => {
    const wanted = [workshop.wrap, organisation.wrap, model.get("show_occasion") && occasion,
      model.get("show_role") && roles, model.get("show_key") && key.wrap].filter(Boolean);
    for (const node of [occasion, roles, key.wrap]) {
      if (!wanted.includes(node) && node.parentNode === box) node.remove();
    }
    let before = null;  // insert only what is missing, so that no shown node moves
    for (const node of wanted.reverse()) {
      if (node.parentNode !== box) box.insertBefore(node, before);
      before = node;
    }
  };
  const showError = () => setText(error, model.get("error") || "");

  texts(); suggestions(); occasions(); roleOptions(); arrange(); showError();
  for (const name of Object.keys(inputs)) {
    value(name);
    subs.on(`change:${name}`, () => value(name));
  }
  subs.on("change:strings", texts);
  subs.on("change:workshop_options change:organisation_options", suggestions);
  subs.on("change:occasion_options", occasions);
  subs.on("change:role_options", roleOptions);
  subs.on("change:occasion change:role", chosen);
  subs.on("change:show_occasion change:show_role change:show_key", arrange);
  subs.on("change:error", showError);
  return () => subs.cleanup();
}

export default { render };

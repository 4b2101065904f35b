// The start page's join code (issue 15): one field a phone types digits into (its number
// pad: inputmode="numeric"), the "Gå med" button, and a live region (role="status") that
// says where the code led, or why it led nowhere; the field points to both (aria-describedby)
// and is marked invalid after a wrong code. Built once; texts, value and message change in
// place, so the focus stays where it is and the message is read out.

function render({ model, el }) {
  const subs = subscriptions(model);
  const id = uid("join");
  const input = h("input", { id: `${id}-code`, name: "code", class: "jk-input jk-join-input", type: "text",
    inputmode: "numeric", autocomplete: "off", autocorrect: "off", autocapitalize: "off",
    spellcheck: "false", maxlength: 40, "data-jk-key": "code",
    "aria-describedby": `${id}-help ${id}-message` });
  const label = h("label", { for: input.id, class: "jk-label" });
  const help = h("p", { id: `${id}-help`, class: "jk-muted jk-help" });
  const button = h("button", { type: "submit", class: "jk-button jk-button-primary" });
  const message = h("p", { id: `${id}-message`, role: "status", class: "jk-status" });
  const form = h("form", { class: "jk-form jk-join-form", novalidate: true },
    h("div", { class: "jk-field" }, label, help, h("div", { class: "jk-join-row" }, input, button)), message);
  el.append(form);
  const setText = (node, text) => { if (node.textContent !== text) node.textContent = text; };

  const sync = () => {
    const S = model.get("strings") || {};
    setText(label, S.label || "");
    setText(help, S.help || "");
    setText(button, S.button || "");
    const kind = model.get("message_kind") || "";
    const text = model.get("message") || "";
    setText(message, text ? `${kind === "error" ? "⚠ " : kind === "saved" ? "✓ " : ""}${text}` : "");
    message.className = `jk-status jk-status-${kind || "info"}`;
    if (kind === "error" && text) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    button.setAttribute("aria-disabled", model.get("busy") ? "true" : "false");
  };
  const fill = () => {
    const value = model.get("value") || "";
    if (input.value !== value) input.value = value;
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (model.get("busy")) return;
    model.send({ event: "join", code: input.value });
  });
  sync();
  fill();
  subs.on("change:strings change:message change:message_kind change:busy", sync);
  subs.on("change:value", fill);
  return () => subs.cleanup();
}

export default { render };

// A question with buttons ("Den här webbläsaren har osparade ändringar …" – "Ta tillbaka",
// "Släng"; "Menar ni Örby kommun?"): a group named by its text, the text in a live region so a
// screen reader hears the question when it appears; hidden while the text is "". A press sends
// {event: "answer", value}. The buttons are updated in place, so the focus stays on them.

function render({ model, el }) {
  const subs = subscriptions(model);
  const id = uid("ask");
  const text = h("p", { class: "jk-ask-text", id, "aria-live": "polite" });
  const row = h("div", { class: "jk-ask-buttons" });
  const box = h("div", { class: "jk-ask", role: "group", "aria-labelledby": id }, text, row);
  el.append(box);
  let timer = null;
  subs.add(() => clearTimeout(timer));

  const KINDS = { primary: "jk-button-primary", quiet: "jk-button-quiet", danger: "jk-button-danger" };
  const buttons = () => {
    const wanted = (model.get("buttons") || []).map((b) => [String(b.value), String(b.label || ""),
      `jk-button ${KINDS[b.kind] || KINDS.quiet}`]);
    const same = row.children.length === wanted.length &&
      wanted.every(([value], i) => row.children[i].getAttribute("data-jk-key") === value);
    if (!same) {
      rebuildKeepingFocus(row, () => row.replaceChildren(...wanted.map(([value]) => h("button", {
        type: "button", "data-jk-key": value,
        onclick: () => model.send({ event: "answer", value }) }))));
    }
    wanted.forEach(([, label, cls], i) => {
      const button = row.children[i];
      if (button.textContent !== label) button.textContent = label;
      if (button.className !== cls) button.className = cls;
    });
  };
  const sync = () => {
    const said = model.get("text") || "";
    const wasHidden = box.style.display === "none";
    box.style.display = said ? "" : "none";
    buttons();
    clearTimeout(timer);
    if (!said) { text.textContent = ""; return; }
    if (wasHidden && text.textContent !== said) {
      // the live region is in the page before its text arrives, so the text is announced
      text.textContent = "";
      timer = setTimeout(() => { text.textContent = model.get("text") || ""; }, 60);
    } else if (text.textContent !== said) {
      text.textContent = said;
    }
  };
  box.style.display = "none";
  sync();
  subs.on("change:text change:buttons", sync);
  return () => subs.cleanup();
}

export default { render };

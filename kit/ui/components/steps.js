// ---------------------------------------------------------------- step sequence
// A guided sequence's navigation: "Steg 2 av 4: title" as a heading, the ordered list of steps
// (the current one aria-current="step" and marked in text, done ones with ✓ and "klart"),
// Back and Next. A click here moves focus to the heading once the step has changed (also
// when the kernel answers the click by setting `current` itself); a page load does not.

function render({ model, el }) {
  const id = uid("steps");
  const heading = h(`h${model.get("heading_level") || 2}`, { class: "jk-steps-heading", tabindex: "-1", id: `${id}-h` });
  const list = h("ol", { class: "jk-steps-list" });
  const nav = h("nav", { class: "jk-steps-nav" }, list);
  const back = h("button", { type: "button", class: "jk-button jk-button-quiet jk-steps-back" });
  const next = h("button", { type: "button", class: "jk-button jk-button-primary jk-steps-next" });
  const bar = h("div", { class: "jk-steps-bar" }, back, next);
  const root = h("div", { class: "jk-steps" }, nav, heading, bar);
  el.append(root);
  let items = [];
  let listKey = "";
  let clicked = false; // the next change of `current` came from a click here

  const steps = () => model.get("steps") || [];
  const go = (index) => {
    const count = steps().length;
    if (index < 0 || index >= count) return;
    clicked = true;
    if (index === model.get("current")) { heading.focus(); clicked = false; return; }
    model.set("current", index);
    model.save_changes();
  };

  const sync = () => {
    const S = model.get("strings") || {};
    const all = steps();
    const m = all.length;
    const current = Math.max(0, Math.min(model.get("current") || 0, Math.max(0, m - 1)));
    const done = new Set((model.get("done") || []).map(String));
    nav.setAttribute("aria-label", S.progress || "");
    const key = JSON.stringify(all.map((s) => s.key));
    if (key !== listKey) {
      listKey = key;
      items = all.map((step, i) => {
        const mark = h("span", { class: "jk-steps-mark", "aria-hidden": "true" });
        const title = h("span", { class: "jk-steps-title" });
        const state = h("span", { class: "jk-sr" });
        const button = h("button", { type: "button", class: "jk-steps-button", onclick: () => go(i) },
          mark, title, state);
        const li = h("li", { class: "jk-steps-item" }, button);
        return { li, button, mark, title, state };
      });
      list.replaceChildren(...items.map((it) => it.li));
    }
    all.forEach((step, i) => {
      const it = items[i];
      const isDone = done.has(String(step.key));
      const isCurrent = i === current;
      it.title.textContent = step.title;
      it.mark.textContent = isDone ? "✓" : String(i + 1);
      const states = [isDone ? S.done : null, isCurrent ? S.current : null].filter(Boolean);
      it.state.textContent = states.length ? ` (${states.join(", ")})` : "";
      it.li.classList.toggle("jk-steps-done", isDone);
      it.li.classList.toggle("jk-steps-current", isCurrent);
      if (isCurrent) it.button.setAttribute("aria-current", "step");
      else it.button.removeAttribute("aria-current");
    });
    const step = all[current];
    const stepOf = fmt(S.step_of || "{n}/{m}", { n: current + 1, m });
    heading.textContent = step ? fmt(S.heading || "{step}: {title}", { step: stepOf, title: step.title }) : "";
    // the arrows are decoration: the buttons are named "Tillbaka" and "Nästa"
    if (back.dataset.text !== S.back) {
      back.dataset.text = S.back || "";
      back.replaceChildren(h("span", { "aria-hidden": "true", text: "←\u00a0" }), S.back || "");
    }
    if (next.dataset.text !== S.next) {
      next.dataset.text = S.next || "";
      next.replaceChildren(S.next || "", h("span", { "aria-hidden": "true", text: "\u00a0→" }));
    }
    back.hidden = current <= 0;
    next.hidden = current >= m - 1;
  };

  back.addEventListener("click", () => go((model.get("current") || 0) - 1));
  next.addEventListener("click", () => go((model.get("current") || 0) + 1));
  const onCurrent = () => {
    sync();
    if (clicked) { clicked = false; heading.focus(); }
  };
  const onFocus = () => { heading.focus(); heading.scrollIntoView({ block: "start" }); };
  sync();
  model.on("change:current", onCurrent);
  model.on("change:focus", onFocus);
  const others = ["change:steps", "change:done", "change:strings"];
  for (const name of others) model.on(name, sync);
  return () => {
    model.off("change:current", onCurrent);
    model.off("change:focus", onFocus);
    for (const name of others) model.off(name, sync);
    root.remove();
  };
}

export default { render };

// The start page's list of modules, each with an open button.

function render({ model, el }) {
  const subs = subscriptions(model);
  const list = h("ul", { class: "jk-modules" });
  el.append(list);
  const draw = () => rebuildKeepingFocus(list, () => {
    const S = model.get("strings");
    list.replaceChildren(...model.get("modules").map(({ key, title, text, ready, minutes }) => {
      const tid = uid("mod");
      return h("li", { class: `jk-module${ready ? "" : " jk-module-later"}` },
        h("h3", { id: tid, text: title }), h("p", { text }),
        minutes && S.minutes ? h("p", { class: "jk-muted jk-small", text: fmt(S.minutes, { n: minutes }) }) : null,
        ready
          ? h("button", { type: "button", class: "jk-button jk-button-primary", "data-jk-key": key,
              "aria-label": `${S.open} ${title}`, text: S.open,
              onclick: () => model.send({ event: "open", module: key }) })
          : h("p", { class: "jk-muted", text: S.coming }));
    }));
  });
  draw();
  subs.on("change:modules change:strings", draw);
  return () => subs.cleanup();
}

export default { render };

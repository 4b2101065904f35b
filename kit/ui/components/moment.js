// One moment of the checklist: title, explanation, roles and examples, the 1–4 scale, the
// peers' scores, comment and actions. A change of the score, the texts typed or the peers
// updates the card in place (a focused field keeps its focus, caret and what is typed);
// only new strings rebuild it, focusing the same control again.

function render({ model, el }) {
  const subs = subscriptions(model);
  const id = uid("m");
  const card = h("section", { class: "jk-card", "aria-labelledby": `${id}-t` });
  el.append(card);
  const pushed = {};  // what this view last sent, per text: its echo never overwrites typing
  const timers = {};
  subs.add(() => Object.values(timers).forEach(clearTimeout));
  let radios = [];
  let peers = null;

  const area = (name, label, aria) => {
    const tid = `${id}-${name}`;
    const ta = h("textarea", { id: tid, class: "jk-text", rows: 2, maxlength: 4000, "aria-label": aria,
      name, "data-jk-key": name });
    ta.value = model.get(name) || "";
    const push = () => {
      clearTimeout(timers[name]);
      pushed[name] = ta.value;
      model.set(name, ta.value);
      model.save_changes();
    };
    ta.addEventListener("input", () => { clearTimeout(timers[name]); timers[name] = setTimeout(push, 250); });
    ta.addEventListener("change", push);
    return [h("label", { for: tid, class: "jk-label", text: label }), ta];
  };

  const build = () => rebuildKeepingFocus(card, () => {
    const S = model.get("strings");
    const n = model.get("number");
    card.setAttribute("data-moment", n);
    const details = h("details", { class: "jk-details" },
      h("summary", { text: S.more }),
      h("h4", { text: S.roles_heading }),
      h("dl", { class: "jk-roles" },
        ...S.roles.flatMap(([label, text]) => [h("dt", { text: label }), h("dd", { text })])),
      h("h4", { text: S.examples_heading }),
      h("ul", {}, ...S.examples.map((t) => h("li", { text: t }))),
      h("h4", { text: S.levels_heading }),
      h("dl", { class: "jk-levels" },
        ...[1, 2, 3, 4].flatMap((k) => [
          h("dt", { text: `${k} – ${S.scale[k]}` }), h("dd", { text: S.levels[k] })])),
      h("p", { class: "jk-source", text: S.source }));
    radios = [1, 2, 3, 4].map((k) => {
      const rid = `${id}-s${k}`;
      const input = h("input", { type: "radio", id: rid, name: `${id}-score`, value: k, class: "jk-radio",
        "aria-label": `${k} – ${S.scale[k]}`, "data-jk-key": `score:${k}` });
      input.addEventListener("change", () => {
        if (input.checked) { model.set("value", k); model.save_changes(); }
      });
      return [input, h("label", { for: rid, class: "jk-opt" },
        h("span", { class: "jk-opt-n", text: k }),
        h("span", { class: "jk-opt-l", text: S.scale[k] }))];
    });
    const scale = h("fieldset", { class: "jk-scale" },
      h("legend", { class: "jk-legend", text: S.score_legend }),
      h("div", { class: "jk-options" }, ...radios.map(([i, l]) => h("div", { class: "jk-opt-wrap" }, i, l))));
    const open = card.querySelector("details");
    if (open && open.open) details.open = true;
    const typed = {};
    for (const ta of card.querySelectorAll("textarea")) typed[ta.name] = ta.value;
    peers = h("div", { class: "jk-peers" });
    card.replaceChildren(
      h("h3", { id: `${id}-t`, class: "jk-card-title" },
        h("span", { class: "jk-num", text: `${n}` }), h("span", { text: S.title })),
      h("p", { class: "jk-expl", text: S.explanation }),
      details, scale, peers,
      h("div", { class: "jk-notes" }, ...area("comment", S.comment, S.comment_for),
        ...area("actions", S.actions, S.actions_for)));
    for (const ta of card.querySelectorAll("textarea")) if (ta.name in typed) ta.value = typed[ta.name];
    score();
    drawPeers();
  });

  const score = () => {
    const v = model.get("value");
    for (const [input] of radios) input.checked = Number(input.value) === v;
    card.classList.toggle("jk-scored", v > 0);
  };
  const text = () => {
    for (const ta of card.querySelectorAll("textarea")) {
      const value = model.get(ta.name) || "";
      const echo = ta === document.activeElement && pushed[ta.name] === value;
      if (!echo && ta.value !== value) ta.value = value;
    }
  };
  const drawPeers = () => {
    const S = model.get("strings");
    const list = model.get("peers") || [];
    peers.replaceChildren();
    if (!model.get("show_peers")) return;
    const summary = list.map(([label, s]) => `${label} ${s}`).join(", ");
    const strip = h("div", { class: "jk-strip", role: "img", "aria-label": `${S.peers}: ${summary || S.peers_none}` },
      ...[1, 2, 3, 4].map((k) => h("div", { class: "jk-strip-cell" },
        h("span", { class: "jk-strip-n", text: k }),
        ...list.filter(([, s]) => s === k).map(([label]) => h("span", { class: "jk-chip", text: label })))));
    peers.append(h("p", { class: "jk-peers-title", text: S.peers }),
      list.length ? strip : h("p", { class: "jk-muted", text: S.peers_none }));
  };

  build();
  subs.on("change:strings change:number", build);
  subs.on("change:value", score);
  subs.on("change:comment change:actions", text);
  subs.on("change:peers change:show_peers", drawPeers);
  return () => subs.cleanup();
}

export default { render };

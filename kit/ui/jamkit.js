// JämKit's accessible components, rendered by anywidget.
// Every text goes into the page with textContent (never innerHTML), so nothing a
// participant types can become markup. One module serves every component; the Python
// class names its kind in the trait `_kind`.

let counter = 0;
const uid = (prefix) =>
  `jk-${prefix}-${Math.random().toString(36).slice(2, 7)}${++counter}`;

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

function fmt(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (_, k) => (k in values ? values[k] : `{${k}}`));
}

// A status line: a symbol as well as a colour, so the kind never rests on colour alone.
const STATUS_ICONS = { saved: "✓ ", unsaved: "● ", error: "⚠ ", busy: "… ", info: "" };
function showStatus(node, model) {
  const kind = model.get("status_kind");
  node.textContent = model.get("status") ? (STATUS_ICONS[kind] || "") + model.get("status") : "";
  node.className = `jk-status jk-status-${kind}`;
}

// ---------------------------------------------------------------- shell (page header)
function renderShell({ model, el }) {
  const header = h("header", { class: "jk-header" });
  el.append(header);
  const apply = () => {
    const S = model.get("strings");
    const lang = model.get("lang");
    document.documentElement.lang = lang;
    if (model.get("page_title")) document.title = model.get("page_title");
    const query = model.get("query");
    if (query !== null && query !== undefined) {
      const target = query ? `?${query}` : window.location.pathname;
      if (window.location.search !== (query ? `?${query}` : "")) {
        try { window.history.replaceState(null, "", target); } catch (e) { /* sandboxed */ }
      }
    }
    const otherLang = lang === "sv" ? "en" : "sv";
    header.replaceChildren(
      h("div", { class: "jk-brand" },
        model.get("show_back")
          ? h("button", { type: "button", class: "jk-link-button", text: `← ${S.back}`,
              onclick: () => model.send({ event: "back" }) })
          : h("span", { class: "jk-logo", text: S.title }),
        model.get("show_back") ? null : h("span", { class: "jk-tagline", text: S.tagline })),
      h("button", { type: "button", class: "jk-button jk-button-quiet", lang: otherLang,
        text: S.language_other, onclick: () => model.send({ event: "lang", lang: otherLang }) }),
    );
  };
  apply();
  model.on("change", apply);
  const base = window.location.href.split("?")[0].replace(/[^/]*$/, "");
  if (model.get("base_url") !== base) { model.set("base_url", base); model.save_changes(); }
}

// ---------------------------------------------------------------- generic form
// fields: [{name, label, type: text|password|select|date, options: [[value, label]], value,
//           placeholder, help}]; submit sends {event: "submit", values}.
function renderForm({ model, el }) {
  const id = uid("form");
  const form = h("form", { class: "jk-form", novalidate: true });
  el.append(form);
  const build = () => {
    const fields = model.get("fields").map((f) => {
      const fid = `${id}-${f.name}`;
      let input;
      if (f.type === "select") {
        input = h("select", { id: fid, name: f.name, class: "jk-input" },
          ...(f.options || []).map(([v, l]) => {
            const o = h("option", { value: v, text: l });
            o.selected = v === f.value;
            return o;
          }));
      } else {
        input = h("input", { id: fid, name: f.name, class: "jk-input", type: f.type || "text",
          placeholder: f.placeholder || null, autocomplete: "off", maxlength: 200,
          "aria-describedby": f.help ? `${fid}-help` : null });
        input.value = f.value || "";
      }
      return h("div", { class: "jk-field" },
        h("label", { for: fid, class: "jk-label", text: f.label }), input,
        f.help ? h("p", { id: `${fid}-help`, class: "jk-muted jk-help", text: f.help }) : null);
    });
    const cls = model.get("columns") === 2 ? "jk-fields jk-fields-2" : "jk-fields";
    const parts = [h("div", { class: cls }, ...fields),
      h("p", { class: "jk-error", role: "alert", text: model.get("error") || "" })];
    if (!model.get("auto")) {
      parts.push(h("button", { type: "submit", class: "jk-button jk-button-primary", text: model.get("submit_label") }));
    }
    form.replaceChildren(...parts);
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const values = {};
    for (const f of model.get("fields")) values[f.name] = form.elements[f.name].value;
    model.send({ event: "submit", values });
  });
  form.addEventListener("change", () => {
    if (model.get("auto")) form.requestSubmit();
  });
  build();
  model.on("change:fields", build);
  model.on("change:submit_label", build);
  model.on("change:error", () => { form.querySelector(".jk-error").textContent = model.get("error") || ""; });
  model.on("change:reset", () => form.reset());  // clears what was typed after a successful submit
}

// ---------------------------------------------------------------- switches (checkboxes)
function renderSwitches({ model, el }) {
  const id = uid("sw");
  const box = h("div", { class: "jk-switches" });
  el.append(box);
  const build = () => {
    box.replaceChildren(...model.get("items").map(({ name, label }) => {
      const input = h("input", { type: "checkbox", id: `${id}-${name}`, name, class: "jk-check" });
      input.checked = !!model.get("values")[name];
      input.addEventListener("change", () => {
        model.set("values", { ...model.get("values"), [name]: input.checked });
        model.save_changes();
      });
      return h("span", { class: "jk-switch" }, input, h("label", { for: input.id, text: label }));
    }));
  };
  build();
  model.on("change", build);
}

// ---------------------------------------------------------------- ticker (live refresh)
function renderTicker({ model, el }) {
  const text = h("p", { class: "jk-muted jk-ticker-text" });
  // a failed refresh is announced once (role=alert); the ordinary tick is not read out
  const alert = h("p", { class: "jk-status jk-status-error", role: "alert" });
  const button = h("button", { type: "button", class: "jk-button jk-button-quiet",
    onclick: () => model.send({ event: "tick", manual: true }) });
  el.append(h("div", { class: "jk-ticker" }, text, alert, button));
  const sync = () => {
    const failed = model.get("kind") === "error";
    text.textContent = failed ? "" : model.get("text");
    text.hidden = failed;
    const message = failed ? `⚠ ${model.get("text")}` : "";
    if (alert.textContent !== message) alert.textContent = message;
    button.textContent = model.get("button_label");
  };
  sync();
  model.on("change", sync);
  const timer = setInterval(() => {
    if (!el.isConnected) { clearInterval(timer); return; }
    if (document.visibilityState === "visible" && model.get("seconds") > 0) model.send({ event: "tick" });
  }, Math.max(2, model.get("seconds")) * 1000);
}

// ---------------------------------------------------------------- join links with QR codes
function renderLinks({ model, el }) {
  const list = h("ul", { class: "jk-links" });
  el.append(list);
  const sync = () => {
    list.replaceChildren(...model.get("links").map(({ label, url, qr, alt, note }) =>
      h("li", { class: "jk-link-card" },
        qr ? h("img", { src: qr, alt, class: "jk-qr", width: 132, height: 132 }) : null,
        h("div", { class: "jk-link-text" },
          h("p", { class: "jk-link-label", text: label }),
          h("a", { href: url, class: "jk-url", text: url, target: "_blank", rel: "noopener" }),
          note ? h("p", { class: "jk-muted", text: note }) : null))));
  };
  sync();
  model.on("change", sync);
}

// ---------------------------------------------------------------- context form
function renderContext({ model, el }) {
  const id = uid("ctx");
  const root = h("div", { class: "jk-context" });
  el.append(root);
  const build = () => {
    const S = model.get("strings");
    const textField = (name, label, placeholder, options) => {
      const input = h("input", { id: `${id}-${name}`, class: "jk-input", type: "text",
        list: `${id}-${name}-list`, autocomplete: "off", placeholder, maxlength: 120,
        name });
      input.value = model.get(name) || "";
      input.addEventListener("change", () => { model.set(name, input.value); model.save_changes(); });
      const list = h("datalist", { id: `${id}-${name}-list` },
        ...(options || []).map((o) => h("option", { value: o })));
      return h("div", { class: "jk-field" },
        h("label", { for: input.id, class: "jk-label", text: label }), input, list);
    };
    const select = h("select", { id: `${id}-occasion`, class: "jk-input", name: "occasion" },
      ...model.get("occasion_options").map(([key, label]) => {
        const option = h("option", { value: key, text: label });
        option.selected = key === model.get("occasion");
        return option;
      }));
    select.addEventListener("change", () => { model.set("occasion", select.value); model.save_changes(); });
    const roleName = `${id}-role`;
    const roles = h("fieldset", { class: "jk-pills" },
      h("legend", { class: "jk-label", text: S.role }),
      ...model.get("role_options").map(([key, label]) => {
        const rid = `${roleName}-${key}`;
        const input = h("input", { type: "radio", id: rid, name: roleName, value: key, class: "jk-radio" });
        input.checked = key === model.get("role");
        input.addEventListener("change", () => {
          if (input.checked) { model.set("role", key); model.save_changes(); }
        });
        return h("span", { class: "jk-pill" }, input, h("label", { for: rid, text: label }));
      }));
    const fields = [
      textField("workshop", S.workshop, S.workshop_placeholder, model.get("workshop_options")),
      textField("organisation", S.organisation, S.organisation_placeholder, model.get("organisation_options")),
    ];
    if (model.get("show_occasion")) {
      fields.push(h("div", { class: "jk-field" },
        h("label", { for: select.id, class: "jk-label", text: S.occasion }), select));
    }
    if (model.get("show_role")) fields.push(roles);
    if (model.get("show_key")) {
      const key = h("input", { id: `${id}-key`, class: "jk-input", type: "text", name: "key",
        autocomplete: "off", autocapitalize: "characters", spellcheck: "false", maxlength: 20 });
      key.value = model.get("key") || "";
      key.addEventListener("change", () => { model.set("key", key.value); model.save_changes(); });
      fields.push(h("div", { class: "jk-field" },
        h("label", { for: key.id, class: "jk-label", text: S.key }), key));
    }
    root.replaceChildren(
      h("div", { class: "jk-fields" }, ...fields),
      h("p", { class: "jk-error", role: "alert", text: model.get("error") || "" }),
    );
  };
  build();
  for (const name of ["strings", "occasion_options", "role_options", "workshop_options",
    "organisation_options", "show_role", "show_occasion", "show_key"]) {
    model.on(`change:${name}`, build);
  }
  model.on("change:error", () => {
    root.querySelector(".jk-error").textContent = model.get("error") || "";
  });
  for (const name of ["workshop", "organisation"]) {
    model.on(`change:${name}`, () => {
      const input = root.querySelector(`input[name="${name}"]`);
      if (input && input.value !== model.get(name)) input.value = model.get(name) || "";
    });
  }
  model.on("change:occasion", () => {
    const sel = root.querySelector("select");
    if (sel) sel.value = model.get("occasion");
  });
  model.on("change:role", () => {
    root.querySelectorAll("fieldset input").forEach((i) => { i.checked = i.value === model.get("role"); });
  });
}

// ---------------------------------------------------------------- one moment
function renderMoment({ model, el }) {
  const id = uid("m");
  const S = model.get("strings");
  const n = model.get("number");
  const card = h("section", { class: "jk-card", "aria-labelledby": `${id}-t`, "data-moment": n });
  el.append(card);

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

  const radios = [1, 2, 3, 4].map((k) => {
    const rid = `${id}-s${k}`;
    const input = h("input", { type: "radio", id: rid, name: `${id}-score`, value: k, class: "jk-radio",
      "aria-label": `${k} – ${S.scale[k]}` });
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

  const area = (name, label, aria) => {
    const tid = `${id}-${name}`;
    const ta = h("textarea", { id: tid, class: "jk-text", rows: 2, maxlength: 4000, "aria-label": aria, name });
    ta.value = model.get(name) || "";
    let timer = null;
    const push = () => { model.set(name, ta.value); model.save_changes(); };
    ta.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(push, 250); });
    ta.addEventListener("change", () => { clearTimeout(timer); push(); });
    return [h("label", { for: tid, class: "jk-label", text: label }), ta];
  };
  const peers = h("div", { class: "jk-peers" });

  card.append(
    h("h3", { id: `${id}-t`, class: "jk-card-title" },
      h("span", { class: "jk-num", text: `${n}` }), h("span", { text: S.title })),
    h("p", { class: "jk-expl", text: S.explanation }),
    details, scale, peers,
    h("div", { class: "jk-notes" }, ...area("comment", S.comment, S.comment_for),
      ...area("actions", S.actions, S.actions_for)));

  const sync = () => {
    const v = model.get("value");
    for (const [input] of radios) input.checked = Number(input.value) === v;
    card.classList.toggle("jk-scored", v > 0);
    for (const name of ["comment", "actions"]) {
      const ta = card.querySelector(`textarea[name="${name}"]`);
      if (ta !== document.activeElement && ta.value !== (model.get(name) || "")) ta.value = model.get(name) || "";
    }
  };
  const drawPeers = () => {
    const list = model.get("peers") || [];
    peers.replaceChildren();
    if (!model.get("show_peers")) return;
    const summary = list.map(([label, score]) => `${label} ${score}`).join(", ");
    const strip = h("div", { class: "jk-strip", role: "img", "aria-label": `${S.peers}: ${summary || S.peers_none}` },
      ...[1, 2, 3, 4].map((k) => h("div", { class: "jk-strip-cell" },
        h("span", { class: "jk-strip-n", text: k }),
        ...list.filter(([, s]) => s === k).map(([label]) => h("span", { class: "jk-chip", text: label })))));
    peers.append(h("p", { class: "jk-peers-title", text: S.peers }),
      list.length ? strip : h("p", { class: "jk-muted", text: S.peers_none }));
  };
  sync();
  drawPeers();
  model.on("change:value", sync);
  model.on("change:comment", sync);
  model.on("change:actions", sync);
  model.on("change:peers", drawPeers);
  model.on("change:show_peers", drawPeers);
}

// ---------------------------------------------------------------- save bar
function renderSaveBar({ model, el }) {
  const total = h("p", { class: "jk-total" });
  const status = h("p", { class: "jk-status", role: "status", "aria-live": "polite" });
  const button = h("button", { type: "button", class: "jk-button jk-button-primary",
    onclick: () => { if (!model.get("busy")) model.send({ event: "save" }); } });
  const bar = h("div", { class: "jk-savebar" },
    h("div", { class: "jk-savebar-inner" }, h("div", { class: "jk-savebar-text" }, total, status), button));
  el.append(bar);
  const sync = () => {
    total.textContent = model.get("total_text");
    showStatus(status, model);
    button.textContent = model.get("button_label");
    // aria-disabled, not disabled: a disabled button would drop the keyboard focus
    button.setAttribute("aria-disabled", model.get("busy") ? "true" : "false");
  };
  sync();
  model.on("change", sync);
}

// ---------------------------------------------------------------- files (download, upload)
function renderFiles({ model, el }) {
  const id = uid("f");
  const links = h("div", { class: "jk-actions" });
  const input = h("input", { type: "file", id: `${id}-up`, class: "jk-file",
    accept: ".xlsx,.csv,.json,.txt" });
  const status = h("p", { class: "jk-status", role: "status", "aria-live": "polite" });
  input.addEventListener("change", async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    const buffer = await file.arrayBuffer();
    model.send({ event: "upload", name: file.name, size: file.size }, undefined, [buffer]);
    input.value = "";
  });
  const label = h("label", { for: input.id, class: "jk-button" });
  el.append(h("div", { class: "jk-files" }, links, h("div", { class: "jk-upload" }, input, label), status));
  const drawLinks = () => {
    label.textContent = model.get("strings").upload;
    links.replaceChildren(...model.get("downloads").map(({ label: text, filename, mime, b64 }) =>
      h("a", { class: "jk-button", href: `data:${mime};base64,${b64}`, download: filename, text })));
  };
  const drawStatus = () => showStatus(status, model);
  drawLinks();
  drawStatus();
  model.on("change:downloads", drawLinks);
  model.on("change:strings", drawLinks);
  model.on("change:status", drawStatus);
  model.on("change:status_kind", drawStatus);
}

// ---------------------------------------------------------------- module list (start page)
function renderModules({ model, el }) {
  const list = h("ul", { class: "jk-modules" });
  el.append(list);
  const sync = () => {
    const S = model.get("strings");
    list.replaceChildren(...model.get("modules").map(({ key, title, text, ready }) => {
      const tid = uid("mod");
      return h("li", { class: `jk-module${ready ? "" : " jk-module-later"}` },
        h("h3", { id: tid, text: title }), h("p", { text }),
        ready
          ? h("button", { type: "button", class: "jk-button jk-button-primary",
              "aria-label": `${S.open} ${title}`, text: S.open,
              onclick: () => model.send({ event: "open", module: key }) })
          : h("p", { class: "jk-muted", text: S.coming }));
    }));
  };
  sync();
  model.on("change", sync);
}

const RENDERERS = {
  shell: renderShell, context: renderContext, moment: renderMoment,
  savebar: renderSaveBar, files: renderFiles, modules: renderModules,
  form: renderForm, switches: renderSwitches, ticker: renderTicker, links: renderLinks,
};

function render(args) {
  const kind = args.model.get("_kind");
  const renderer = RENDERERS[kind];
  if (!renderer) throw new Error(`JämKit: unknown component ${kind}`);
  renderer(args);
}

export default { render };

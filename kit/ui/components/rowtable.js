// ---------------------------------------------------------------- row table (editable rows)
// A table of rows a group edits: one labelled control per cell, add, delete with undo, move
// up and down. Wide: a real <table> (one <tbody> per row, so a row's error summary travels
// with it); narrow (container under 40rem, rowtable.css), or always with layout "cards"
// (the trait `arrangement`; ipywidgets keeps `layout` for the widget's box): every row is a
// card with its own heading and visible labels. Updated in place: a row's nodes live as long
// as its id, the focused field's value is never overwritten, only what changed is added or
// removed.

function rtBlank(col) {
  if (col.type === "checks") return [];
  if (col.type === "number") return null;
  return "";
}

// "2,5", "2.5", " 3 " → a number; "" → null; anything else is not a number.
function rtParseNumber(text) {
  const s = String(text).replace(/\s/g, "").replace("−", "-").replace(",", ".");
  if (s === "") return { ok: true, value: null };
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(s)) return { ok: false, value: null };
  return { ok: true, value: Number(s) };
}

function rtShowNumber(value, lang) {
  if (value === null || value === undefined || value === "") return "";
  const s = String(value);
  return lang === "sv" ? s.replace(".", ",") : s;
}

const rtNewId = () => `r${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;

function render({ model, el }) {
  const S = () => model.get("strings") || {};
  const cols = () => model.get("columns") || [];
  const hasActions = () => model.get("can_delete") || model.get("can_reorder");
  const ncols = () => cols().length + (hasActions() ? 1 : 0);

  const caption = h("caption", { class: "jk-rt-caption" });
  const headRow = h("tr");
  const thead = h("thead", {}, headRow);
  const table = h("table", { class: "jk-rt" }, caption, thead);
  const empty = h("p", { class: "jk-rt-empty jk-muted" });
  const note = h("p", { class: "jk-rt-note jk-muted jk-small" });
  const undoText = h("span", { class: "jk-rt-undo-text" });
  const undoButton = h("button", { type: "button", class: "jk-button jk-button-quiet jk-rt-undo",
    hidden: true });
  // the undo offer is a polite live region: "Socialnämnden borttagen. Ångra"
  const live = h("div", { class: "jk-rt-live", role: "status" }, undoText, undoButton);
  const addButton = h("button", { type: "button", class: "jk-button jk-rt-add" });
  const actions = h("div", { class: "jk-actions jk-rt-bar" }, addButton);
  const announcer = h("p", { class: "jk-sr", "aria-live": "polite" });
  const root = h("div", { class: "jk-rowtable" }, table, empty, note, live, actions, announcer);
  el.append(root);

  let entries = new Map(); // row id → { tbody, controls, ... }
  let shapeKey = "";
  let lastDeleted = null;
  const localErrors = {}; // row id → { field: message } found in the browser (a number that is no number)
  let announced = {}; // row id → number of errors last announced

  const say = (message) => {
    announcer.textContent = "";
    setTimeout(() => { announcer.textContent = message; }, 50);
  };

  const rowName = (row, n) => {
    const name = String(row[model.get("title_field")] ?? "").trim();
    return {
      name,
      title: name || fmt(S().row, { n }), // card heading, start of a sentence
      short: name || fmt(S().row_ref, { n }), // inside a sentence: "Ta bort rad 2"
      ref: name ? fmt(S().row_named, { n, name }) : fmt(S().row_ref, { n }),
    };
  };

  const rangeError = (col, value) => {
    if (value === null || value === undefined || value === "" || Number.isNaN(Number(value))) return "";
    const low = col.min !== undefined && col.min !== null && Number(value) < col.min;
    const high = col.max !== undefined && col.max !== null && Number(value) > col.max;
    if (!low && !high) return "";
    const lang = model.get("lang");
    return fmt(S().number_range, { min: rtShowNumber(col.min ?? "", lang), max: rtShowNumber(col.max ?? "", lang) });
  };

  // Each edit goes with the rows it started from, kept until the kernel says it has the edit
  // ("applied"): ipywidgets folds edits made while the kernel is busy into one message, and the
  // kernel merges from the first of them, so that a row it added meanwhile is not lost.
  const view = rtNewId();
  let edits = 0;
  let pending = []; // [n, rows before edit n]
  const setRows = (rows) => {
    edits += 1;
    const done = (model.get("applied") || {})[view] || 0;
    pending = pending.filter(([n]) => n > done);
    pending.push([edits, model.get("rows") || []]);
    model.set("edit", { view, n: edits, bases: pending });
    model.set("rows", rows);
    model.save_changes();
  };

  const commit = (rowId, field, value) => {
    const rows = model.get("rows") || [];
    const current = rows.find((r) => r.id === rowId);
    if (!current || JSON.stringify(current[field] ?? null) === JSON.stringify(value ?? null)) {
      sync(); // labels may still need the new text (e.g. a name typed back to what it was)
      return;
    }
    setRows(rows.map((r) => (r.id === rowId ? { ...r, [field]: value } : r)));
  };

  // -- the header ---------------------------------------------------------------------
  const buildHead = () => {
    caption.textContent = model.get("caption") || "";
    caption.hidden = !model.get("caption");
    headRow.replaceChildren(...cols().map((col) => h("th", { scope: "col", class: `jk-rt-col-${col.type}` },
      col.label, col.required ? h("span", { class: "jk-rt-star", "aria-hidden": "true", text: " *" }) : null,
      col.help ? h("span", { class: "jk-rt-help", text: col.help }) : null)));
    if (hasActions()) {
      headRow.append(h("th", { scope: "col", class: "jk-rt-col-actions" },
        h("span", { class: "jk-sr", text: S().actions })));
    }
    note.textContent = cols().some((c) => c.required) ? S().required_note : "";
    note.hidden = !note.textContent;
    addButton.textContent = `+ ${S().add}`;
    actions.hidden = !model.get("can_add");
  };

  // -- one row --------------------------------------------------------------------------
  const makeControl = (col, rowId, base) => {
    const cid = `${base}-${col.name}`;
    const c = { col, id: cid, errId: `${cid}-err`, helpId: col.help ? `${cid}-help` : null, boxes: [] };
    if (col.type === "static") { // shown, not edited (e.g. the stakeholder a plan row is for)
      c.out = h("span", { class: "jk-rt-static", id: cid });
      c.err = h("p", { class: "jk-error jk-rt-error", id: c.errId });
      c.cell = h("td", { class: "jk-rt-cell jk-rt-cell-static" },
        h("span", { class: "jk-rt-label", text: col.label }), c.out, c.err);
      return c;
    }
    const star = col.required ? h("span", { class: "jk-rt-star", "aria-hidden": "true", text: " *" }) : null;
    c.err = h("p", { class: "jk-error jk-rt-error", id: c.errId });
    const help = col.help ? h("p", { class: "jk-help jk-muted jk-rt-cellhelp", id: c.helpId, text: col.help }) : null;
    if (col.type === "checks") {
      c.group = h("fieldset", { class: "jk-rt-checks", "data-part": `f:${col.name}` },
        h("legend", { class: "jk-rt-label" }, col.label, star));
      const list = h("div", { class: "jk-rt-checklist" });
      (col.options || []).forEach(([value, label], i) => {
        const box = h("input", { type: "checkbox", id: `${cid}-${i}`, value: String(value),
          class: "jk-check", "data-part": `c:${col.name}:${i}` });
        box.addEventListener("change", () => commit(rowId, col.name,
          c.boxes.filter((b) => b.checked).map((b) => b.value)));
        c.boxes.push(box);
        list.append(h("span", { class: "jk-rt-check" }, box, h("label", { for: box.id, text: label })));
      });
      c.group.append(list);
      c.cell = h("td", { class: `jk-rt-cell jk-rt-cell-${col.type}` }, c.group, help, c.err);
      return c;
    }
    const attrs = { id: cid, class: col.type === "textarea" ? "jk-text" : "jk-input",
      "data-part": `f:${col.name}`, required: !!col.required, autocomplete: "off" };
    if (col.type === "select") {
      c.input = h("select", attrs, h("option", { value: "", text: S().choose }),
        ...(col.options || []).map(([value, label]) => h("option", { value: String(value), text: label })));
      c.input.addEventListener("change", () => commit(rowId, col.name, c.input.value));
    } else if (col.type === "textarea") {
      c.input = h("textarea", { ...attrs, rows: 2, maxlength: col.maxlength || 2000 });
      c.input.addEventListener("change", () => commit(rowId, col.name, c.input.value));
    } else if (col.type === "number") {
      c.input = h("input", { ...attrs, type: "text", inputmode: "decimal", maxlength: 24 });
      const check = () => {
        const parsed = rtParseNumber(c.input.value);
        const errs = (localErrors[rowId] = localErrors[rowId] || {});
        delete errs[col.name];
        if (!parsed.ok) errs[col.name] = S().number_invalid;
        else if (rangeError(col, parsed.value)) errs[col.name] = rangeError(col, parsed.value);
        if (parsed.ok) commit(rowId, col.name, parsed.value);
        applyErrors();
      };
      c.input.addEventListener("input", check);
      c.input.addEventListener("blur", () => {
        const row = (model.get("rows") || []).find((r) => r.id === rowId);
        if (row && rtParseNumber(c.input.value).ok) c.input.value = rtShowNumber(row[col.name], model.get("lang"));
      });
    } else {
      c.input = h("input", { ...attrs, type: "text", maxlength: col.maxlength || 500 });
      c.input.addEventListener("change", () => commit(rowId, col.name, c.input.value));
      c.input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") { event.preventDefault(); commit(rowId, col.name, c.input.value); }
      });
    }
    c.cell = h("td", { class: `jk-rt-cell jk-rt-cell-${col.type}` },
      h("label", { for: cid, class: "jk-rt-label" }, col.label, star), c.input, help, c.err);
    return c;
  };

  const makeRow = (row) => {
    const base = uid("row");
    const entry = { id: row.id, controls: {} };
    entry.heading = h(`h${model.get("heading_level") || 3}`, { class: "jk-rt-title" });
    entry.tbody = h("tbody", { class: "jk-rt-row", "data-id": row.id },
      h("tr", { class: "jk-rt-head" }, h("td", { colspan: ncols() }, entry.heading)));
    const cells = h("tr", { class: "jk-rt-cells" });
    for (const col of cols()) {
      const c = makeControl(col, row.id, base);
      entry.controls[col.name] = c;
      cells.append(c.cell);
    }
    if (hasActions()) {
      const button = (part, cls, symbol, text, handler) => {
        const b = h("button", { type: "button", class: `jk-button jk-button-quiet jk-rt-btn ${cls}`,
          "data-part": part, title: text },
          h("span", { "aria-hidden": "true", class: "jk-rt-sym", text: symbol }),
          h("span", { class: "jk-rt-btext", text }));
        b.addEventListener("click", () => { if (b.getAttribute("aria-disabled") !== "true") handler(); });
        return b;
      };
      const box = h("div", { class: "jk-rt-buttons" });
      if (model.get("can_reorder")) {
        entry.up = button("up", "jk-rt-up", "↑", S().move_up, () => move(row.id, -1, "up"));
        entry.down = button("down", "jk-rt-down", "↓", S().move_down, () => move(row.id, 1, "down"));
        box.append(entry.up, entry.down);
      }
      if (model.get("can_delete")) {
        entry.del = button("del", "jk-rt-del", "✕", S().delete, () => remove(row.id));
        box.append(entry.del);
      }
      entry.actionsGroup = box;
      box.setAttribute("role", "group");
      cells.append(h("td", { class: "jk-rt-actions" }, box));
    }
    entry.sumTitle = h("p", { class: "jk-rt-sumtitle" });
    entry.sumList = h("ul", { class: "jk-rt-sumlist" });
    entry.sumRow = h("tr", { class: "jk-rt-sum", hidden: true },
      h("td", { colspan: ncols() }, h("div", { class: "jk-rt-summary" }, entry.sumTitle, entry.sumList)));
    entry.tbody.append(cells, entry.sumRow);
    return entry;
  };

  const setValues = (entry, row) => {
    const lang = model.get("lang");
    for (const c of Object.values(entry.controls)) {
      const value = row[c.col.name];
      if (c.col.type === "static") {
        const text = String(value ?? "");
        if (c.out.textContent !== text) c.out.textContent = text;
      } else if (c.col.type === "checks") {
        const chosen = (Array.isArray(value) ? value : []).map(String);
        c.boxes.forEach((b) => { b.checked = chosen.includes(b.value); });
      } else if (c.input !== document.activeElement) { // never under the reader's cursor
        const shown = c.col.type === "number" ? rtShowNumber(value, lang) : String(value ?? "");
        const typed = localErrors[entry.id] && localErrors[entry.id][c.col.name];
        if (c.col.type === "number") {
          if (typed === S().number_invalid) continue; // what was typed stays until it is corrected
          const errs = (localErrors[entry.id] = localErrors[entry.id] || {});
          if (rangeError(c.col, value)) errs[c.col.name] = rangeError(c.col, value);
          else delete errs[c.col.name];
        }
        if (c.input.value !== shown) c.input.value = shown;
      }
    }
  };

  const setLabels = (entry, row, n, count) => {
    const names = rowName(row, n);
    entry.names = names;
    if (entry.heading.textContent !== names.title) entry.heading.textContent = names.title;
    for (const c of Object.values(entry.controls)) {
      const label = fmt(S().cell, { field: c.col.label, row: names.ref });
      if (c.out) continue;
      (c.group || c.input).setAttribute("aria-label", label);
    }
    const name = { name: names.short };
    if (entry.actionsGroup) entry.actionsGroup.setAttribute("aria-label", fmt(S().actions_label, name));
    if (entry.up) {
      entry.up.setAttribute("aria-label", fmt(S().move_up_label, name));
      entry.up.setAttribute("aria-disabled", n === 1 ? "true" : "false");
      entry.down.setAttribute("aria-label", fmt(S().move_down_label, name));
      entry.down.setAttribute("aria-disabled", n === count ? "true" : "false");
    }
    if (entry.del) entry.del.setAttribute("aria-label", fmt(S().delete_label, name));
  };

  // -- errors: under each field (aria-invalid, aria-describedby) and a summary per row ---
  const applyErrors = () => {
    const given = model.get("errors") || {};
    for (const entry of entries.values()) {
      const mine = { ...(localErrors[entry.id] || {}), ...(given[entry.id] || {}) };
      const items = [];
      for (const c of Object.values(entry.controls)) {
        const message = mine[c.col.name] ? String(mine[c.col.name]) : "";
        const shown = message ? `⚠ ${message}` : "";
        if (c.err.textContent !== shown) c.err.textContent = shown;
        if (c.out) { if (message) items.push(`${c.col.label}: ${message}`); continue; }
        const targets = c.group ? c.boxes : [c.input];
        for (const t of targets) {
          if (message) t.setAttribute("aria-invalid", "true"); else t.removeAttribute("aria-invalid");
        }
        const described = [c.helpId, message ? c.errId : null].filter(Boolean).join(" ");
        const node = c.group || c.input;
        if (described) node.setAttribute("aria-describedby", described); else node.removeAttribute("aria-describedby");
        if (message) items.push(`${c.col.label}: ${message}`);
      }
      for (const [field, message] of Object.entries(given[entry.id] || {})) {
        if (!(field in entry.controls)) items.push(String(message)); // a row-level message
      }
      entry.sumRow.hidden = items.length === 0;
      entry.tbody.classList.toggle("jk-rt-invalid", items.length > 0);
      const title = items.length ? `⚠ ${fmt(S().row_errors, { name: entry.names ? entry.names.short : "" })}` : "";
      if (entry.sumTitle.textContent !== title) entry.sumTitle.textContent = title;
      const text = items.join("\n");
      if (entry.sumList.dataset.text !== text) {
        entry.sumList.dataset.text = text;
        entry.sumList.replaceChildren(...items.map((t) => h("li", { text: t })));
      }
      const before = announced[entry.id] || 0;
      if (items.length > before && entry.names) {
        say(fmt(S().errors_announce, { name: entry.names.title, count: items.length }));
      }
      announced[entry.id] = items.length;
    }
  };

  // -- focus: found again by row and part after a row's nodes moved ----------------------
  const focusKey = () => {
    const active = document.activeElement;
    if (!active || !root.contains(active)) return null;
    const tbody = active.closest("tbody.jk-rt-row");
    return tbody ? { rowId: tbody.dataset.id, part: active.dataset.part, node: active } : null;
  };
  const focusPart = (rowId, part) => {
    const entry = entries.get(rowId);
    const node = entry && entry.tbody.querySelector(`[data-part="${part}"]`);
    if (node) {
      const target = node.tagName === "FIELDSET" ? node.querySelector("input") : node;
      target.focus();
      return true;
    }
    return false;
  };

  // -- the whole: build what is new, keep what stays, drop what went ----------------------
  const sync = () => {
    const key = JSON.stringify([cols(), model.get("can_delete"), model.get("can_reorder"),
      model.get("can_add"), S(), model.get("title_field"), model.get("caption"),
      model.get("lang"), model.get("heading_level")]);
    const focused = focusKey();
    if (key !== shapeKey) {
      shapeKey = key;
      buildHead();
      for (const entry of entries.values()) entry.tbody.remove();
      entries = new Map();
    }
    const rows = (model.get("rows") || []).filter((r, i, all) => r && r.id !== undefined
      && all.findIndex((o) => o && o.id === r.id) === i);
    const seen = new Set(rows.map((r) => String(r.id)));
    for (const [id, entry] of entries) {
      if (!seen.has(String(id))) { entry.tbody.remove(); entries.delete(id); delete localErrors[id]; }
    }
    let previous = thead;
    rows.forEach((row, i) => {
      let entry = entries.get(row.id);
      if (!entry) { entry = makeRow(row); entries.set(row.id, entry); }
      setValues(entry, row);
      setLabels(entry, row, i + 1, rows.length);
      if (previous.nextSibling !== entry.tbody) previous.after(entry.tbody);
      previous = entry.tbody;
    });
    empty.textContent = rows.length ? "" : S().empty;
    empty.hidden = rows.length > 0;
    applyErrors();
    if (focused && focused.node !== document.activeElement && focused.part) {
      focusPart(focused.rowId, focused.part); // a moved row takes its focus along
    }
  };

  // -- what a person does ------------------------------------------------------------------
  const add = () => {
    const row = { id: rtNewId() };
    for (const col of cols()) row[col.name] = rtBlank(col);
    setRows([...(model.get("rows") || []), row]);
    const first = cols()[0];
    if (first) focusPart(row.id, `f:${first.name}`);
  };

  const remove = (rowId) => {
    const rows = model.get("rows") || [];
    const index = rows.findIndex((r) => r.id === rowId);
    if (index < 0) return;
    const entry = entries.get(rowId);
    const name = entry && entry.names ? entry.names.title : "";
    lastDeleted = { row: rows[index], index, name };
    setRows(rows.filter((r) => r.id !== rowId));
    undoText.textContent = `${fmt(S().deleted, { name })} `;
    undoButton.textContent = S().undo;
    undoButton.setAttribute("aria-label", fmt(S().undo_label, { name }));
    undoButton.hidden = false;
    undoButton.focus(); // the row and its buttons are gone: the way back is where focus lands
  };

  const undo = () => {
    if (!lastDeleted) return;
    const { row, index, name } = lastDeleted;
    lastDeleted = null;
    const rows = (model.get("rows") || []).slice();
    if (!rows.some((r) => r.id === row.id)) {
      const at = Math.min(index, rows.length);
      rows.splice(at, 0, row);
      setRows(rows);
      focusPart(row.id, "del") || focusPart(row.id, `f:${cols()[0] && cols()[0].name}`);
      undoText.textContent = fmt(S().restored, { name, n: at + 1 });
    }
    undoButton.hidden = true;
  };
  undoButton.addEventListener("click", undo);
  addButton.addEventListener("click", add);

  const move = (rowId, delta, part) => {
    const rows = (model.get("rows") || []).slice();
    const i = rows.findIndex((r) => r.id === rowId);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= rows.length) return;
    [rows[i], rows[j]] = [rows[j], rows[i]];
    setRows(rows);
    focusPart(rowId, part); // focus follows the moved row's button
    const entry = entries.get(rowId);
    if (entry && entry.names) say(fmt(S().moved, { name: entry.names.title, n: j + 1 }));
  };

  sync();
  const events = ["change:rows", "change:columns", "change:strings", "change:title_field",
    "change:caption", "change:can_add", "change:can_delete", "change:can_reorder", "change:lang",
    "change:heading_level"];
  for (const name of events) model.on(name, sync);
  model.on("change:errors", applyErrors);
  // Cards when the table's own width is too small for its columns: 40rem, or 64rem for a
  // table of six columns or more (a narrow column on a wide screen gets cards too); always
  // with layout "cards" (set before the width is known, so a hidden table is ready too).
  const fit = () => {
    if (model.get("arrangement") === "cards") { root.classList.add("jk-rt-cards"); return; }
    const width = root.getBoundingClientRect().width;
    if (!width) return; // not shown yet
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    const needed = (cols().length >= 6 ? 64 : 40) * rem;
    root.classList.toggle("jk-rt-cards", width < needed);
  };
  const observer = typeof ResizeObserver === "function" ? new ResizeObserver(fit) : null;
  if (observer) observer.observe(root);
  model.on("change:columns", fit);
  model.on("change:arrangement", fit);
  fit();
  return () => {
    for (const name of events) model.off(name, sync);
    model.off("change:errors", applyErrors);
    model.off("change:columns", fit);
    model.off("change:arrangement", fit);
    if (observer) observer.disconnect();
    root.remove();
  };
}

export default { render };

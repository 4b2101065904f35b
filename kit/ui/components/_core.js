// JämKit's shared helpers, put in front of every component's own file (kit/ui/widgets.py
// joins them), so each widget ships only what it uses. Every text goes into the page with
// textContent (never innerHTML), so nothing a participant types can become markup.

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


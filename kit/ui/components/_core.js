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
  const text = model.get("status") ? (STATUS_ICONS[kind] || "") + model.get("status") : "";
  if (node.textContent !== text) node.textContent = text;  // a live region: no needless re-reading
  node.className = `jk-status jk-status-${kind}`;
}


// Every subscription a view makes (model events, page events, timers), undone at once by
// the cleanup its render returns.
function subscriptions(model) {
  const undo = [];
  return {
    on(event, fn) { model.on(event, fn); undo.push(() => model.off(event, fn)); },
    listen(target, event, fn) {
      target.addEventListener(event, fn);
      undo.push(() => target.removeEventListener(event, fn));
    },
    every(ms, fn) { const timer = setInterval(fn, ms); undo.push(() => clearInterval(timer)); },
    add(fn) { undo.push(fn); },
    cleanup() { while (undo.length) undo.pop()(); },
  };
}

// Rebuilds the part of a view under `root` and, if a control in it had the focus, focuses
// the new control with the same data-jk-key and restores the caret.
function rebuildKeepingFocus(root, build) {
  const active = document.activeElement;
  const key = active && root.contains(active) ? active.getAttribute("data-jk-key") : null;
  let caret = null;
  try { caret = key && [active.selectionStart, active.selectionEnd]; } catch (e) { /* no caret */ }
  build();
  if (!key) return;
  const again = [...root.querySelectorAll("[data-jk-key]")].find((n) => n.getAttribute("data-jk-key") === key);
  if (!again) return;
  again.focus();
  try { if (caret && caret[0] !== null) again.setSelectionRange(caret[0], caret[1]); } catch (e) { /* no caret */ }
}

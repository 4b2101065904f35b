// ---------------------------------------------------------------- copy button
// A native button that copies `text` to the clipboard, with a polite live region beside it
// that says whether it worked. The Clipboard API first; where there is none (plain http on a
// LAN address is no secure context) or it refuses, a hidden readonly textarea and
// execCommand("copy"), after which the focus goes back to the button. The kernel hears
// {event: "copied", ok}; the root gets data-jk-copied="1" once a copy has worked.

const COPY_SAY_MS = 6000; // how long the result stays said

function render({ model, el }) {
  const subs = subscriptions(model);
  const button = h("button", { type: "button", class: "jk-button jk-button-quiet jk-copy-button" });
  const status = h("p", { class: "jk-status jk-copy-status", role: "status" });
  const root = h("div", { class: "jk-copy" }, button, status);
  el.append(root);
  let busy = false;
  let sayTimer = null;
  let clearTimer = null;
  subs.add(() => { clearTimeout(sayTimer); clearTimeout(clearTimer); });

  const clear = () => {
    clearTimeout(sayTimer);
    clearTimeout(clearTimer);
    status.textContent = "";
    status.className = "jk-status jk-copy-status";
  };
  // emptied first, filled a moment later: the same words twice are announced twice
  const say = (ok) => {
    clear();
    const S = model.get("strings") || {};
    sayTimer = setTimeout(() => {
      status.className = `jk-status jk-copy-status jk-status-${ok ? "saved" : "error"}`;
      status.replaceChildren(h("span", { "aria-hidden": "true", text: ok ? "✓ " : "⚠ " }),
        (ok ? S.done : S.failed) || "");
      clearTimer = setTimeout(clear, COPY_SAY_MS);
    }, 50);
  };

  // The older way: select the text in a textarea no one sees, copy, put everything back.
  const copyBySelection = (text) => {
    const scratch = h("textarea", { readonly: true, tabindex: "-1", "aria-hidden": "true",
      class: "jk-copy-scratch" });
    scratch.value = text;
    Object.assign(scratch.style, { position: "fixed", top: "0", left: "-9999px", width: "1px",
      height: "1px", opacity: "0" });
    document.body.append(scratch);
    let ok = false;
    try {
      scratch.focus();
      scratch.select();
      scratch.setSelectionRange(0, text.length);
      ok = document.execCommand("copy") === true;
    } catch (e) {
      ok = false;
    }
    scratch.remove();
    button.focus();
    return ok;
  };

  const copy = async () => {
    if (busy) return;
    busy = true;
    const text = String(model.get("text") ?? "");
    let ok = false;
    try {
      if (navigator.clipboard && typeof navigator.clipboard.writeText === "function") {
        await navigator.clipboard.writeText(text);
        ok = true;
      }
    } catch (e) {
      ok = false; // refused: try the older way below
    }
    if (!ok) ok = copyBySelection(text);
    busy = false;
    if (!root.isConnected) return; // the view went while the browser copied
    if (ok) root.setAttribute("data-jk-copied", "1");
    say(ok);
    model.send({ event: "copied", ok });
  };

  const sync = () => {
    const S = model.get("strings") || {};
    const label = model.get("label") || S.label || "";
    if (button.textContent !== label) button.textContent = label;
  };

  subs.listen(button, "click", copy);
  sync();
  subs.on("change:label change:strings", sync);
  subs.on("change:text", clear); // what was said is about the text before
  return () => {
    subs.cleanup();
    root.remove();
  };
}

export default { render };

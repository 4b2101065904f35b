// Download links (data URLs made in the kernel) and an upload field. The status and the
// upload label change in place; the links too, redrawn only when their number changes.

function render({ model, el }) {
  const subs = subscriptions(model);
  const id = uid("f");
  const links = h("div", { class: "jk-actions" });
  const input = h("input", { type: "file", id: `${id}-up`, class: "jk-file",
    accept: model.get("accept") || ".xlsx,.csv,.json,.txt" });
  const status = h("p", { class: "jk-status", role: "status", "aria-live": "polite" });
  input.addEventListener("change", async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    const buffer = await file.arrayBuffer();
    model.send({ event: "upload", name: file.name, size: file.size }, undefined, [buffer]);
    input.value = "";
  });
  const label = h("label", { for: input.id, class: "jk-button" });
  const upload = h("div", { class: "jk-upload" }, input, label);
  el.append(h("div", { class: "jk-files" }, links, upload, status));
  // a page whose upload sits elsewhere has none here (hidden, so nothing unnamed is focusable)
  const drawUpload = () => { upload.hidden = model.get("can_upload") === false; };
  const drawLabel = () => {
    const text = (model.get("strings") || {}).upload || "";
    if (label.textContent !== text) label.textContent = text;
  };
  const drawLinks = () => {
    const downloads = model.get("downloads") || [];
    const shown = [...links.children];
    if (shown.length === downloads.length && downloads.length) {
      // the same files made anew (e.g. after a save): the links stay, so a click or the focus
      // on one is never lost to a redraw
      downloads.forEach(({ label: text, filename, mime, b64 }, i) => {
        const a = shown[i];
        const href = `data:${mime};base64,${b64}`;
        if (a.getAttribute("href") !== href) a.setAttribute("href", href);
        if (a.getAttribute("download") !== filename) a.setAttribute("download", filename);
        a.dataset.jkKey = filename;
        if (a.textContent !== text) a.textContent = text;
      });
      return;
    }
    rebuildKeepingFocus(links, () => {
      links.replaceChildren(...downloads.map(({ label: text, filename, mime, b64 }) =>
        h("a", { class: "jk-button", href: `data:${mime};base64,${b64}`, download: filename, text,
          "data-jk-key": filename })));
    });
  };
  const drawStatus = () => showStatus(status, model);
  drawLabel();
  drawUpload();
  drawLinks();
  drawStatus();
  subs.on("change:downloads", drawLinks);
  subs.on("change:strings", drawLabel);
  subs.on("change:can_upload", drawUpload);
  subs.on("change:status change:status_kind", drawStatus);
  return () => subs.cleanup();
}

export default { render };

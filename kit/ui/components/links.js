// How the room joins (issue 15): the address to type and each place's code, large; each QR
// code (an SVG data URL, so it scales) with "Visa stort", which opens one place at a time
// full screen in a modal <dialog>: its name, its code, the address and the QR code as large
// as the screen allows. Föregående/Nästa (and the arrow keys) step through the places, Esc
// or Stäng closes, and the focus goes back to the button that opened it. The long link
// stays, small, to copy. links: [{label, code, qr, alt, url, note}]; address; notice (the
// links work on this computer only). Every text goes in with textContent.

function render({ model, el }) {
  const subs = subscriptions(model);
  const id = uid("links");
  const S = () => model.get("strings") || {};
  const setText = (node, text) => { if (node.textContent !== text) node.textContent = text; };

  const noticeLabel = h("strong", {});
  const noticeText = h("span", {});
  const notice = h("p", { class: "jk-join-notice" },
    h("span", { "aria-hidden": "true", text: "⚠ " }), noticeLabel, " ", noticeText);
  const addressCaption = h("span", { class: "jk-join-caption" });
  const addressText = h("span", { class: "jk-join-address-text" });
  const address = h("p", { class: "jk-join-address" }, addressCaption, " ", addressText);
  const list = h("ul", { class: "jk-links" });

  // the full-screen view of one place
  const titleId = `${id}-title`;
  const count = h("p", { class: "jk-qr-count" });
  const title = h("h2", { id: titleId, class: "jk-qr-title" });
  const bigCode = h("p", { class: "jk-join-code jk-join-code-big" });
  const typeHelp = h("p", { class: "jk-qr-help" });
  const bigAddress = h("p", { class: "jk-join-address-text jk-qr-address" });
  const bigQr = h("img", { class: "jk-qr jk-qr-big", alt: "" });
  const prev = h("button", { type: "button", class: "jk-button", onclick: () => step(-1) });
  const next = h("button", { type: "button", class: "jk-button", onclick: () => step(1) });
  const close = h("button", { type: "button", class: "jk-button jk-button-primary", onclick: () => dialog.close() });
  const dialog = h("dialog", { class: "jk-qr-dialog", "aria-labelledby": titleId },
    h("div", { class: "jk-qr-dialog-inner" },
      h("div", { class: "jk-qr-live", "aria-live": "polite", "aria-atomic": "true" }, count, title, bigCode),
      h("div", { class: "jk-qr-where" }, typeHelp, bigAddress),
      h("div", { class: "jk-qr-frame" }, bigQr),
      h("div", { class: "jk-qr-nav" }, prev, next, close)));
  el.append(h("div", { class: "jk-join" }, notice, address, list), dialog);

  let current = 0;  // the place the full-screen view shows
  let opener = null;  // the data-jk-key of the button that opened it
  const links = () => model.get("links") || [];

  const show = () => {
    const all = links();
    if (!all.length) { if (dialog.open) dialog.close(); return; }
    current = ((current % all.length) + all.length) % all.length;
    const item = all[current];
    const s = S();
    setText(count, fmt(s.count || "{n} / {total}", { n: current + 1, total: all.length }));
    setText(title, item.label || "");
    setText(bigCode, item.code || "");
    bigCode.hidden = !item.code;
    const where = model.get("address") || "";
    setText(typeHelp, where ? s.type_code || "" : "");
    setText(bigAddress, where);
    typeHelp.hidden = bigAddress.hidden = !where;
    if (bigQr.getAttribute("src") !== (item.qr || "")) bigQr.setAttribute("src", item.qr || "");
    bigQr.setAttribute("alt", item.alt || "");
    bigQr.hidden = !item.qr;
    const many = all.length > 1;
    prev.hidden = next.hidden = !many;
    setText(prev, `← ${s.prev || ""}`);
    setText(next, `${s.next || ""} →`);
    setText(close, s.close || "");
  };
  const step = (by) => { current += by; show(); };
  const open = (index, key) => {
    current = index;
    opener = key;
    show();
    if (!dialog.open) dialog.showModal();
    (links().length > 1 ? next : close).focus();
  };

  const card = (item, i) => {
    const s = S();
    const key = `big-${i}`;
    return h("li", { class: "jk-link-card" },
      item.qr ? h("img", { src: item.qr, alt: item.alt || "", class: "jk-qr", width: 132, height: 132 }) : null,
      h("div", { class: "jk-link-text" },
        h("p", { class: "jk-link-label", text: item.label }),
        item.code ? h("p", { class: "jk-join-code-line" },
          h("span", { class: "jk-join-caption", text: s.code || "" }), " ",
          h("span", { class: "jk-join-code", text: item.code })) : null,
        item.qr ? h("button", { type: "button", class: "jk-button jk-qr-open", "data-jk-key": key,
          onclick: () => open(i, key) },
          s.show_big || "", h("span", { class: "jk-sr", text: ` – ${item.label}` })) : null,
        item.url ? h("p", { class: "jk-small jk-link-long" },
          h("span", { class: "jk-muted", text: `${s.long_link || ""} ` }),
          h("a", { href: item.url, class: "jk-url", text: item.url, target: "_blank", rel: "noopener",
            "data-jk-key": item.url })) : null,
        item.note ? h("p", { class: "jk-muted", text: item.note }) : null));
  };

  const draw = () => {
    const s = S();
    const said = model.get("notice") || "";
    notice.hidden = !said;
    setText(noticeLabel, said ? s.only_here_label || "" : "");
    setText(noticeText, said);
    const where = model.get("address") || "";
    address.hidden = !where;
    setText(addressCaption, s.address || "");
    setText(addressText, where);
    rebuildKeepingFocus(list, () => list.replaceChildren(...links().map(card)));
    if (dialog.open) show();
  };

  subs.listen(dialog, "keydown", (event) => {
    if (event.key === "ArrowRight" || event.key === "ArrowDown") { event.preventDefault(); step(1); }
    else if (event.key === "ArrowLeft" || event.key === "ArrowUp") { event.preventDefault(); step(-1); }
  });
  subs.listen(dialog, "close", () => {
    const back = [...list.querySelectorAll("[data-jk-key]")].find((n) => n.getAttribute("data-jk-key") === opener);
    if (back) back.focus();
  });
  draw();
  subs.on("change:links change:address change:notice change:strings", draw);
  subs.add(() => { if (dialog.open) dialog.close(); });
  return () => subs.cleanup();
}

export default { render };

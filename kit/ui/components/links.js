// Join links, each with its QR code (an SVG data URL with alt text).

function render({ model, el }) {
  const subs = subscriptions(model);
  const list = h("ul", { class: "jk-links" });
  el.append(list);
  const draw = () => rebuildKeepingFocus(list, () => {
    list.replaceChildren(...model.get("links").map(({ label, url, qr, alt, note }) =>
      h("li", { class: "jk-link-card" },
        qr ? h("img", { src: qr, alt, class: "jk-qr", width: 132, height: 132 }) : null,
        h("div", { class: "jk-link-text" },
          h("p", { class: "jk-link-label", text: label }),
          h("a", { href: url, class: "jk-url", text: url, target: "_blank", rel: "noopener",
            "data-jk-key": url }),
          note ? h("p", { class: "jk-muted", text: note }) : null))));
  });
  draw();
  subs.on("change:links", draw);
  return () => subs.cleanup();
}

export default { render };

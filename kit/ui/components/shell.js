// The page header: brand (or a back button), the language switch; sets the page's language,
// title and address, and tells the kernel the page's folder URL.

function render({ model, el }) {
  const subs = subscriptions(model);
  const logo = h("span", { class: "jk-logo" });
  const tagline = h("span", { class: "jk-tagline" });
  const back = h("button", { type: "button", class: "jk-link-button",
    onclick: () => model.send({ event: "back" }) });
  const brand = h("div", { class: "jk-brand" });
  const language = h("button", { type: "button", class: "jk-button jk-button-quiet",
    onclick: () => model.send({ event: "lang", lang: language.lang }) });
  el.append(h("header", { class: "jk-header" }, brand, language));

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
    logo.textContent = S.title || "";
    tagline.textContent = S.tagline || "";
    back.textContent = `← ${S.back || ""}`;
    const parts = model.get("show_back") ? [back] : [logo, tagline];
    if (brand.children.length !== parts.length || parts.some((p, i) => brand.children[i] !== p)) {
      rebuildKeepingFocus(brand, () => brand.replaceChildren(...parts));
    }
    language.lang = lang === "sv" ? "en" : "sv";
    language.textContent = S.language_other || "";
  };
  back.setAttribute("data-jk-key", "back");
  apply();
  subs.on("change", apply);
  const base = window.location.href.split("?")[0].replace(/[^/]*$/, "");
  if (model.get("base_url") !== base) { model.set("base_url", base); model.save_changes(); }
  return () => subs.cleanup();
}

export default { render };

// The page header: brand (or a back button), the language switch; sets the page's language,
// title and address, and tells the kernel the page's folder URL.
//
// It also watches the connection (the Shell is on every page): a heartbeat {event: "ping", n}
// every few seconds, which the kernel answers with {event: "pong", n}; no answer for 20 s, or
// the kernel's websocket closing (the page's template reports it), means the page is cut off
// from its kernel. Then a banner in the page's language (role="alert") says so and, once the
// server answers again, offers to reload the page; the app below it is inert, except the parts
// that say what is going on (marked data-jk-live: the save bar, the overview's ticker).
// The state is window.jamkitConnection, announced by a "jamkit:connection" event on window.

const PING_MS = 3000;
// a kernel busy with a long task (a large export on a loaded laptop) is not "gone": 20 s
const LOST_MS = 20000;
const POLL_MS = 3000;

function connection() {
  if (!window.jamkitSetConnection) {  // outside the kit's template (JupyterLab, a test page)
    window.jamkitConnection = window.jamkitConnection || { online: true, reason: "" };
    window.jamkitSetConnection = (online, reason) => {
      const state = window.jamkitConnection;
      if (state.online === online) return;
      state.online = online;
      state.reason = online ? "" : reason || "";
      window.dispatchEvent(new CustomEvent("jamkit:connection", { detail: { online, reason: state.reason } }));
    };
  }
  return window.jamkitConnection;
}

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
    drawBanner();
  };
  back.setAttribute("data-jk-key", "back");

  // -- the connection ---------------------------------------------------------------------
  const state = connection();
  const said = h("strong", { class: "jk-conn-said" });
  const reload = h("button", { type: "button", class: "jk-button jk-button-primary jk-conn-reload",
    onclick: () => window.location.reload() });
  const kept = h("p", { class: "jk-conn-kept" });
  const banner = h("div", { class: "jk-conn", role: "alert", tabindex: "-1", hidden: true },
    h("div", { class: "jk-conn-row" }, h("p", { class: "jk-conn-line" }, said), reload), kept);
  let answers = false;  // the server answers again (a reload would work)
  const drawBanner = () => {
    const S = model.get("strings") || {};
    const text = `⚠ ${(answers ? S.conn_back : S.conn_lost) || ""}`;
    if (said.textContent !== text) said.textContent = text;
    // only what is true: the kept work where a save bar kept it (see savebar.js)
    const rest = document.querySelector("[data-jk-draft='kept']") ? S.conn_kept : S.conn_wait;
    if (kept.textContent !== (rest || "")) kept.textContent = rest || "";
    if (reload.textContent !== (S.conn_reload || "")) reload.textContent = S.conn_reload || "";
    reload.style.display = answers ? "" : "none";  // (the button's own display beats [hidden])
    room();
  };
  // the banner is fixed at the top: the page keeps its height free, so nothing is covered and
  // a focused element never scrolls in behind it
  const html = document.documentElement;
  const room = () => {
    const height = banner.hidden ? "" : `${banner.offsetHeight}px`;
    for (const [node, name] of [[html, "scroll-padding-top"], [document.body, "scroll-padding-top"],
      [document.body, "padding-top"]]) {
      if (node.style.getPropertyValue(name) === height) continue;
      if (height) node.style.setProperty(name, height, "important");  // over Voilà's own layout
      else node.style.removeProperty(name);
    }
  };
  const resize = typeof ResizeObserver === "function" ? new ResizeObserver(room) : null;
  if (resize) { resize.observe(banner); subs.add(() => resize.disconnect()); }

  // inert: everything of the app but what is marked data-jk-live (and the boxes around it)
  const appRoot = () => el.closest(".jk-app");
  const setInert = (on) => {
    const root = appRoot();
    if (!root) return;
    if (!on) {
      for (const node of root.querySelectorAll("[data-jk-inert]")) {
        node.removeAttribute("inert");
        node.removeAttribute("data-jk-inert");
      }
      return;
    }
    const keep = [banner, ...root.querySelectorAll("[data-jk-live]")];
    const walk = (box) => {
      for (const child of box.children) {
        if (keep.includes(child)) continue;
        if (keep.some((k) => child.contains(k))) walk(child);
        else if (!child.hasAttribute("inert")) {
          child.setAttribute("inert", "");
          child.setAttribute("data-jk-inert", "");
        }
      }
    };
    walk(root);
  };

  let poll = null;
  const stopPoll = () => { clearInterval(poll); poll = null; };
  const probe = () => {
    const base = (document.body && document.body.dataset.baseUrl) || "/voila/";
    fetch(`${base}static/voila.js`, { method: "HEAD", cache: "no-store", credentials: "same-origin" })
      .then((r) => { if (r.ok && !answers && !state.online) { answers = true; drawBanner(); } })
      .catch(() => { if (answers) { answers = false; drawBanner(); } });
  };
  const show = () => {
    if (state.online) {
      stopPoll();
      answers = false;
      setInert(false);
      banner.hidden = true;
      room();
      return;
    }
    const wasHidden = banner.hidden;
    banner.hidden = false;
    drawBanner();
    setInert(true);
    // the focus was in what is now inert: it goes to the banner, not to nowhere
    const active = document.activeElement;
    if (wasHidden && (!active || active === document.body || active.closest("[inert]"))) banner.focus();
    if (poll === null) { probe(); poll = setInterval(probe, POLL_MS); }
  };
  subs.add(stopPoll);
  const host = document.querySelector("main") || document.body;
  host.prepend(banner);
  subs.add(() => { banner.remove(); if (state.online) room(); });

  // the heartbeat: the oldest ping not answered yet tells how long the kernel has been silent
  let n = 0;
  let waiting = null;  // {n, at}
  const ping = () => {
    const now = Date.now();
    if (waiting && now - waiting.at > LOST_MS) window.jamkitSetConnection(false, "heartbeat");
    n += 1;
    if (!waiting) waiting = { n, at: now };
    try { model.send({ event: "ping", n }); } catch (e) { /* the comm is gone: no pong comes */ }
  };
  subs.every(PING_MS, ping);
  subs.on("msg:custom", (msg) => {
    if (!msg || msg.event !== "pong") return;
    if (waiting && Number(msg.n) >= waiting.n) waiting = null;
    window.jamkitSetConnection(true, "");
  });
  subs.listen(window, "jamkit:connection", show);
  subs.listen(window, "online", ping);  // back on the network: ask at once

  apply();
  subs.on("change", apply);
  if (!state.online) show();
  const base = window.location.href.split("?")[0].replace(/[^/]*$/, "");
  if (model.get("base_url") !== base) { model.set("base_url", base); model.save_changes(); }
  return () => { setInert(false); subs.cleanup(); };
}

export default { render };

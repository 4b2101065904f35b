"""One smoke test over every module in the registry, in a real Chromium: each renders in
Swedish and English, passes axe-core, fits a 320 px phone, and in English shows no Swedish
outside parts marked ``lang="sv"`` — apart from the official names the kit quotes as they stand.

A module added to the registry is covered by this test without editing it.
"""

import re

import pytest
from playwright.sync_api import expect

from kit import modules
from tests.test_e2e import TIMEOUT, axe_violations, open_page

pytestmark = pytest.mark.browser

READY = modules.ready("group") + modules.ready("facilitator")

#: Words that show a Swedish sentence (beside any word with å, ä or ö).
SWEDISH_WORDS = {"och", "att", "det", "som", "för", "är", "med", "inte", "eller", "ska", "vi", "ni",
                 "på", "till", "av", "om", "har", "kan", "hur", "vad", "vilka", "spara", "sparat",
                 "gruppen", "poäng", "skriv", "välj", "öppna", "ladda", "lägg", "ta", "bort"}
#: Names quoted as they stand in both languages (proper names, the kit's own name).
OFFICIAL = {"jämkit", "modellkonceptet", "skr", "sveriges", "kommuner", "regioner", "exempelby",
            "svenska", "kommun", "örby", "håj", "kolada"}

TEXT_OUTSIDE_SWEDISH_PARTS = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const out = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('script,style,noscript,[hidden],[aria-hidden="true"]')) continue;
    if (el.checkVisibility && !el.checkVisibility()) continue;  // not shown to anyone
    const part = el.closest('[lang]');
    if (part && part.getAttribute('lang').toLowerCase().startsWith('sv')) continue;
    const text = node.textContent.trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll('[aria-label],[placeholder],[title],img[alt]')) {
    const part = el.closest('[lang]');
    if (part && part.getAttribute('lang').toLowerCase().startsWith('sv')) continue;
    for (const a of ['aria-label', 'placeholder', 'title', 'alt']) {
      if (el.getAttribute(a)) out.push(el.getAttribute(a));
    }
  }
  return out;
}"""


def swedish_left(texts: list[str]) -> list[str]:
    """The texts that read as Swedish (a word with å/ä/ö, or a common Swedish word).

    >>> swedish_left(["Save", "Spara", "Stakeholders of Exempelby kommun", "Välj en roll"])
    ['Spara', 'Välj en roll']
    """
    found = []
    for text in texts:
        words = [w.lower() for w in re.findall(r"[A-Za-zÅÄÖåäöéÉ]+", text)]
        words = [w for w in words if w not in OFFICIAL]
        if any(re.search("[åäö]", w) or w in SWEDISH_WORDS for w in words):
            found.append(text)
    return found


def open_module(page, server, key, lang):
    open_page(page, server, f"module={key}&lang={lang}&workshop=Smoke&group=Grupp+A")
    expect(page.locator("html")).to_have_attribute("lang", lang, timeout=TIMEOUT)
    page.wait_for_timeout(500)  # late widgets (figures, tables) have rendered


@pytest.mark.parametrize("module", READY, ids=lambda m: m.key)
def test_every_module_renders_in_both_languages_accessibly(module, browser, voila_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        for lang in ("sv", "en"):
            open_module(page, voila_server, module.key, lang)
            assert page.title().endswith("JämKit")
            assert page.get_by_role("heading", level=1).count() == 1
            assert axe_violations(page) == [], (module.key, lang)
            if lang == "en":
                left = swedish_left(page.evaluate(TEXT_OUTSIDE_SWEDISH_PARTS))
                assert left == [], (module.key, left[:10])
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("module", READY, ids=lambda m: m.key)
def test_every_module_fits_a_320_px_phone(module, browser, voila_server):
    context = browser.new_context(viewport={"width": 320, "height": 640}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        open_module(page, voila_server, module.key, "sv")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (module.key, width)
        cut = page.evaluate("""() => [...document.querySelectorAll(
              '.jk-app button, .jk-app input, .jk-app select, .jk-app textarea, .jk-app h1, .jk-app h2,'
              + '.jk-app h3, .jk-app label, .jk-app p')]
            .filter(e => e.offsetParent !== null && !e.closest('.jk-table-wrap'))
            .filter(e => { const r = e.getBoundingClientRect(); return r.right > 321 || r.left < -1; })
            .map(e => e.tagName + ': ' + (e.textContent || e.getAttribute('aria-label') || '').slice(0, 40))""")
        assert cut == [], (module.key, cut[:5])
        assert axe_violations(page) == [], module.key
    finally:
        context.close()


VIEWPORTS = {"320": (320, 640), "768": (768, 1024), "1280": (1280, 800)}

#: Every element fixed to the viewport (the save bar, the connection banner): is a focused
#: element wholly or partly under one of them? And is any heading, label or button cut?
OBSCURED = """() => { const a = document.activeElement;
    if (!a || a === document.body) return null;
    const fixed = [...document.querySelectorAll('body *')].filter(n => {
      const p = getComputedStyle(n).position; return (p === 'fixed' || p === 'sticky') && n.getClientRects().length; })
      .filter(n => !n.contains(a) && !a.contains(n));
    const r = a.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return null;
    const under = fixed.filter(n => { const b = n.getBoundingClientRect();
      return r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top; });
    return { behind: under.map(n => n.className || n.tagName).join(' '),
             name: a.getAttribute('aria-label') || a.textContent.trim().slice(0, 40) }; }"""

CUT = """() => [...document.querySelectorAll('.jk-app h1, .jk-app h2, .jk-app h3, .jk-app h4, .jk-app label,'
    + ' .jk-app legend, .jk-app button, .jk-app summary, .jk-app figcaption')]
  .filter(e => e.offsetParent !== null && getComputedStyle(e).display !== 'inline')
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 40))"""


@pytest.mark.parametrize("size", sorted(VIEWPORTS, key=int))
@pytest.mark.parametrize("module", READY, ids=lambda m: m.key)
def test_no_focus_stop_hides_behind_a_fixed_bar_and_nothing_is_cut(module, size, browser, voila_server):
    """Tabbing through a module on a phone, a tablet and a laptop, no focused element is even
    partly under a fixed element (WCAG 2.2 SC 2.4.11, focus not obscured), and no heading,
    label or button is cut (long Swedish compounds wrap)."""
    width, height = VIEWPORTS[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        open_module(page, voila_server, module.key, "sv")
        assert page.evaluate(CUT) == [], (module.key, size)
        hidden, stops = [], 0
        page.locator("body").focus()
        for _ in range(120 if width == 320 else 90):
            page.keyboard.press("Tab")
            page.wait_for_timeout(20)  # smooth scrolling done
            found = page.evaluate(OBSCURED)
            if found is None:
                continue
            stops += 1
            if found["behind"]:
                hidden.append((found["name"], found["behind"]))
        assert stops > 10, (module.key, size, stops)
        assert hidden == [], (module.key, size, stops, hidden[:5])
    finally:
        context.close()

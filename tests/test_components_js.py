"""The JavaScript components: one module per widget, each updating in place and cleaning up.

Three levels: the modules as Python ships them (one component each, small, packaged); each
component alone in Chromium with a stand-in model (focus kept while traits change, every
listener and timer gone after cleanup); and the self-assessment page against a real kernel.
"""

from __future__ import annotations

import inspect
import re
import shutil
import subprocess
import tomllib
import urllib.parse
from pathlib import Path

import pytest

from kit.ui import widgets

ROOT = Path(__file__).resolve().parent.parent
COMPONENTS = ROOT / "kit" / "ui" / "components"
OLD_MODULE_LINES = 436  # kit/ui/jamkit.js, which served every component


def component_classes():
    return sorted((c for _, c in inspect.getmembers(widgets, inspect.isclass)
                   if issubclass(c, widgets._Component) and c is not widgets._Component),
                  key=lambda c: c.__name__)


def own_files():
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(COMPONENTS.glob("*.js"))
            if p.stem != "_core"}


# ------------------------------------------------------------------ as Python ships them
MINE = {"Shell": "shell", "ContextForm": "context", "MomentCard": "moment", "SaveBar": "savebar",
        "Files": "files", "ModuleList": "modules", "Form": "form", "Switches": "switches",
        "Ticker": "ticker", "Links": "links", "Disclosure": "disclosure", "CopyButton": "copy"}


def test_each_widget_carries_its_own_component_and_no_other():
    files = own_files()
    classes = component_classes()
    assert {c.__name__ for c in classes} >= set(MINE)
    seen = {}
    for cls in classes:
        code = cls._esm
        assert isinstance(code, str), cls
        inside = [name for name, text in files.items() if text in code]
        assert len(inside) == 1, (cls.__name__, inside)
        seen[cls.__name__] = inside[0]
        assert code.startswith((COMPONENTS / "_core.js").read_text(encoding="utf-8")), cls
        assert code.count("export default") == 1 and code.count("function render(") == 1, cls
        assert len(code.splitlines()) < OLD_MODULE_LINES * 0.6, (cls.__name__, len(code.splitlines()))
        assert "_kind" not in cls.class_traits(), cls
    assert {k: seen[k] for k in MINE} == MINE
    assert len(set(seen.values())) == len(seen)  # no two widgets share a module
    # the moment card (14 on a page) does not ship the shell's code, nor the shell the card's
    assert files["shell"] not in widgets.MomentCard._esm and files["moment"] not in widgets.Shell._esm
    assert not (ROOT / "kit" / "ui" / "jamkit.js").exists()


def test_every_component_file_ends_with_its_default_export_and_returns_its_cleanup():
    for name, text in own_files().items():
        assert text.rstrip().endswith("export default { render };"), name
        body = text[text.index("function render("):]
        assert re.search(r"\n  return \(\) => ", body), f"{name}: render returns no cleanup"
        assert "innerHTML" not in text and "insertAdjacentHTML" not in text, name


def test_only_the_shell_carries_the_stylesheet():
    assert widgets.Shell._css == widgets.CSS
    assert [c.__name__ for c in component_classes() if getattr(c, "_css", None) == widgets.CSS] == ["Shell"]


def test_the_wheel_ships_every_component_file():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["kit"]
    shipped = {p for pattern in patterns for p in (ROOT / "kit").glob(pattern)}
    wanted = set(COMPONENTS.glob("*.js")) | set(COMPONENTS.glob("*.css")) | {ROOT / "kit/ui/jamkit.css"}
    assert wanted <= shipped, sorted(str(p) for p in wanted - shipped)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_each_module_parses(tmp_path):
    for cls in component_classes():
        path = tmp_path / f"{cls.__name__}.mjs"
        path.write_text(cls._esm, encoding="utf-8")
        result = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, (cls.__name__, result.stderr)


# ------------------------------------------------------------------ alone, with a stand-in model
HARNESS = """
<!doctype html><html lang="sv"><head><meta charset="utf-8"><style>%s</style></head>
<body><main class="jk-app" id="app"></main><script>
// Timers are counted, so a test can see that a view's cleanup ended all of its own.
window.__timers = new Set();
const si = window.setInterval, ci = window.clearInterval, st = window.setTimeout, ct = window.clearTimeout;
window.setInterval = (fn, ms) => { const t = si(fn, ms); __timers.add(t); return t; };
window.clearInterval = (t) => { __timers.delete(t); ci(t); };
window.setTimeout = (fn, ms) => { const t = st(() => { __timers.delete(t); fn(); }, ms); __timers.add(t); return t; };
window.clearTimeout = (t) => { __timers.delete(t); ct(t); };
// A stand-in for anywidget's model: get/set/on/off/send/save_changes, Backbone's event names.
class FakeModel {
  constructor(traits) { this.traits = structuredClone(traits); this.handlers = []; this.sent = []; this.saves = 0; }
  get(k) { return this.traits[k]; }
  set(k, v) {
    const changed = JSON.stringify(this.traits[k]) !== JSON.stringify(v);
    this.traits[k] = structuredClone(v);
    if (!changed) return;
    for (const [e, fn] of [...this.handlers]) if (e === `change:${k}`) fn();
    for (const [e, fn] of [...this.handlers]) if (e === "change") fn();
  }
  on(events, fn) { for (const e of events.split(/\\s+/)) this.handlers.push([e, fn]); }
  off(events, fn) {
    for (const e of events.split(/\\s+/)) {
      const i = this.handlers.findIndex(([x, f]) => x === e && f === fn);
      if (i >= 0) this.handlers.splice(i, 1);
    }
  }
  send(msg) { this.sent.push(msg); }
  save_changes() { this.saves += 1; }
}
window.mount = async (name, traits) => {
  const { default: widget } = await import(`/c/${name}.js`);
  const el = document.createElement("div");
  document.getElementById("app").append(el);
  const model = new FakeModel(traits);
  const before = new Set(__timers);
  const cleanup = widget.render({ model, el });
  window.jk = { model, el, cleanup, before };
  return typeof cleanup;
};
// What the kernel does: a trait changes under the view; or a change event arrives for the
// value the view itself sent (an echo).
window.kernel = (k, v) => jk.model.set(k, v);
window.echo = (k) => { for (const [e, fn] of [...jk.model.handlers]) if (e === `change:${k}` || e === "change") fn(); };
window.unmount = () => {
  jk.cleanup();
  const left = [...__timers].filter((t) => !jk.before.has(t)).length;
  jk.el.remove();
  return { listeners: jk.model.handlers.length, timers: left };
};
</script></body></html>
"""

SCALE = {str(k): f"nivå {k}" for k in range(1, 5)}
MOMENT_STRINGS = {"title": "Politisk viljeinriktning", "explanation": "Förklaring", "more": "Mer",
                  "roles_heading": "Roller", "roles": [["Politiker", "Beslutar"]],
                  "examples_heading": "Exempel", "examples": ["Ett exempel"],
                  "levels_heading": "Nivåer", "levels": SCALE, "scale": SCALE, "source": "Källa: SKR",
                  "score_legend": "Poäng för moment 1", "comment": "Kommentar", "comment_for": "Kommentar, moment 1",
                  "actions": "Åtgärder", "actions_for": "Åtgärder, moment 1", "peers": "Rollernas skattningar",
                  "peers_none": "Inga än"}
CONTEXT_STRINGS = {"workshop": "Workshop", "organisation": "Organisation", "occasion": "Tillfälle",
                   "role": "Roll", "key": "Gruppnyckel", "workshop_placeholder": "t.ex. Kurs",
                   "organisation_placeholder": "t.ex. Örby"}
FIELDS = [{"name": "name", "label": "Namn"}, {"name": "kind", "label": "Sort", "type": "select",
                                              "options": [["a", "A"], ["b", "B"]], "value": "b"}]

TRAITS = {
    "shell": {"strings": {"title": "JämKit", "tagline": "Jämställt", "back": "Tillbaka", "language_other": "In English"},
              "lang": "sv", "page_title": "Test – JämKit", "query": None, "show_back": False, "base_url": ""},
    "context": {"strings": CONTEXT_STRINGS, "workshop": "Kurs", "organisation": "", "occasion": "uppstart",
                "role": "", "workshop_options": [], "organisation_options": ["Örby"],
                "occasion_options": [["uppstart", "Uppstart"], ["lt1", "Lärandeträff 1"]],
                "role_options": [["politiker", "Politiker"], ["chef", "Chef"]],
                "show_occasion": True, "show_role": True, "show_key": False, "key": "", "error": ""},
    "moment": {"strings": MOMENT_STRINGS, "number": 1, "value": 0, "comment": "", "actions": "",
               "peers": [], "show_peers": False},
    "savebar": {"strings": {}, "total_text": "Summa: 0 av 40", "status": "", "status_kind": "info",
                "button_label": "Spara", "busy": False},
    "files": {"strings": {"upload": "Läs in en fil"}, "status": "", "status_kind": "info",
              "downloads": [{"label": "Ladda ner Excel", "filename": "a.xlsx", "mime": "text/plain", "b64": "YQ=="}]},
    "modules": {"strings": {"open": "Öppna", "coming": "Kommer"},
                "modules": [{"key": "sjalvskattning", "title": "Självskattning", "text": "Tio moment", "ready": True},
                            {"key": "senare", "title": "Senare", "text": "Snart", "ready": False}]},
    "form": {"strings": {}, "fields": FIELDS, "submit_label": "Skapa", "error": "", "auto": False,
             "columns": 0, "reset": 0, "danger": False},
    "switches": {"strings": {}, "items": [{"name": "anonymous", "label": "Anonymt"},
                                          {"name": "projector", "label": "Projektor"}], "values": {}},
    "ticker": {"strings": {}, "seconds": 2, "text": "Uppdaterad 10:00", "kind": "info", "button_label": "Uppdatera"},
    "links": {"strings": {}, "links": [{"label": "Örby", "url": "http://x.test/?g=1", "qr": "", "alt": "", "note": "n"}]},
    "disclosure": {"strings": {}, "label": "Ta bort en grupp…", "expanded": False},
    "copy": {"strings": {"label": "Kopiera texten", "done": "Texten är kopierad.", "failed": "Det gick inte."},
             "label": "", "text": "Rad 1\nRad 2 <b>fet</b>"},
}


@pytest.fixture
def harness(page):
    """A page serving the components from kit/ui/components at /c/<name>.js."""
    def serve(route):
        path = urllib.parse.urlparse(route.request.url).path
        if path == "/":
            route.fulfill(body=HARNESS % widgets.CSS, content_type="text/html; charset=utf-8")
            return
        name = Path(path).stem
        cls = next((c for c in component_classes() if MINE.get(c.__name__) == name), None)
        if cls is None:
            route.fulfill(status=404, body="")
        else:
            route.fulfill(body=cls._esm, content_type="text/javascript; charset=utf-8")

    page.route("http://jamkit.test/**", serve)
    page.goto("http://jamkit.test/")
    page.mount = lambda name, traits=None: page.evaluate(
        "([n, t]) => mount(n, t)", [name, traits if traits is not None else TRAITS[name]])
    page.kernel = lambda key, value: page.evaluate("([k, v]) => kernel(k, v)", [key, value])
    page.echo = lambda key: page.evaluate("(k) => echo(k)", key)
    page.active = lambda: page.evaluate(
        "() => { const a = document.activeElement;"
        " return [a.tagName.toLowerCase(), a.getAttribute('name') || a.textContent,"
        " 'value' in a ? a.value : null, a.selectionStart ?? null]; }")
    return page


@pytest.mark.browser
@pytest.mark.parametrize("name", sorted(TRAITS))
def test_each_view_renders_and_its_cleanup_leaves_nothing_behind(harness, name):
    assert harness.mount(name) == "function"
    assert harness.evaluate("jk.model.handlers.length") > 0  # it does listen
    assert harness.evaluate("jk.el.children.length") > 0
    if name == "ticker":
        assert harness.evaluate("[...__timers].filter((t) => !jk.before.has(t)).length") == 1
    assert harness.evaluate("unmount()") == {"listeners": 0, "timers": 0}
    if name == "ticker":  # no tick after the view is gone
        harness.wait_for_timeout(2300)
        assert harness.evaluate("jk.model.sent") == []
    assert harness.js_errors == []


@pytest.mark.browser
def test_the_ticker_ticks_while_it_lives(harness):
    harness.mount("ticker")
    harness.wait_for_function("jk.model.sent.length > 0", timeout=5000)
    assert harness.evaluate("jk.model.sent[0]") == {"event": "tick"}


@pytest.mark.browser
def test_form_keeps_focus_caret_and_typing_while_traits_change(harness):
    harness.mount("form")
    box = harness.get_by_label("Namn", exact=True)
    box.focus()
    harness.keyboard.type("Örby kommun")
    harness.keyboard.press("ArrowLeft")
    harness.kernel("error", "Namnet finns redan")
    harness.kernel("submit_label", "Skapa nu")
    harness.kernel("columns", 2)
    assert harness.active() == ["input", "name", "Örby kommun", 10]
    assert harness.get_by_role("alert").text_content() == "Namnet finns redan"
    assert harness.get_by_role("button").text_content() == "Skapa nu"
    # the same fields with new labels: in place
    relabelled = [dict(FIELDS[0], label="Name"), dict(FIELDS[1], label="Kind")]
    harness.kernel("fields", relabelled)
    assert harness.active() == ["input", "name", "Örby kommun", 10]
    assert harness.get_by_label("Name", exact=True).count() == 1
    # a new field: rebuilt, the focus back in the same field, the typing kept
    harness.kernel("fields", relabelled + [{"name": "date", "label": "Datum", "type": "date"}])
    assert harness.active() == ["input", "name", "Örby kommun", 10]
    assert harness.get_by_label("Kind").input_value() == "b"
    # a value the kernel gives does arrive
    harness.kernel("fields", [dict(relabelled[0], value="Åby")] + relabelled[1:] + [{"name": "date", "label": "Datum", "type": "date"}])
    assert harness.get_by_label("Name", exact=True).input_value() == "Åby"
    harness.keyboard.press("Enter")
    assert harness.evaluate("jk.model.sent") == [{"event": "submit", "values": {"name": "Åby", "kind": "b", "date": ""}}]
    harness.kernel("reset", 1)
    assert harness.get_by_label("Name", exact=True).input_value() == ""
    harness.kernel("auto", True)
    assert harness.get_by_role("button").count() == 0


@pytest.mark.browser
def test_context_keeps_focus_while_suggestions_texts_and_parts_change(harness):
    harness.mount("context")
    box = harness.get_by_label("Organisation", exact=True)
    box.focus()
    harness.keyboard.type("Örb")
    harness.kernel("organisation_options", ["Örby", "Örnsköldsvik"])
    harness.kernel("error", "Fel")
    harness.kernel("show_key", True)
    harness.kernel("show_occasion", False)
    harness.kernel("occasion_options", [["uppstart", "Uppstart"], ["lt2", "Lärandeträff 2"]])
    harness.kernel("role_options", [["politiker", "Politiker"], ["strateg", "Strateg"]])
    harness.kernel("strings", dict(CONTEXT_STRINGS, organisation="Organisation eller grupp"))
    harness.kernel("workshop", "Annan kurs")
    assert harness.active() == ["input", "organisation", "Örb", 3]
    assert harness.get_by_label("Workshop", exact=True).input_value() == "Annan kurs"
    assert harness.locator("datalist option").evaluate_all("os => os.map((o) => o.value)") == ["Örby", "Örnsköldsvik"]
    assert harness.get_by_label("Gruppnyckel").count() == 1 and harness.get_by_label("Tillfälle").count() == 0
    harness.kernel("show_occasion", True)
    order = harness.locator(".jk-fields > *").evaluate_all(
        "ns => ns.map((n) => n.querySelector('input,select') ? n.querySelector('input,select').name : 'roles')")
    assert order[:3] == ["workshop", "organisation", "occasion"] and order[-1] == "key"
    # what this view sent and the kernel echoes back does not overwrite further typing
    harness.keyboard.press("Enter")  # sends the change
    assert harness.evaluate("jk.model.get('organisation')") == "Örb"
    harness.keyboard.type("y")
    harness.echo("organisation")
    assert harness.active() == ["input", "organisation", "Örby", 4]
    harness.kernel("organisation", "Örby kommun")  # a value the kernel chose does arrive
    assert harness.active() == ["input", "organisation", "Örby kommun", 11]
    # a role chosen with the keyboard stays focused when the roles are redrawn
    radio = harness.get_by_role("radio", name="Strateg")
    radio.focus()
    harness.keyboard.press("Space")
    harness.kernel("role_options", [["politiker", "Politician"], ["strateg", "Strategist"]])
    assert harness.evaluate("document.activeElement.value") == "strateg"
    assert harness.evaluate("jk.model.get('role')") == "strateg"


@pytest.mark.browser
def test_moment_keeps_focus_while_score_peers_and_strings_change(harness):
    harness.mount("moment")
    box = harness.get_by_role("textbox", name="Kommentar, moment 1")
    box.focus()
    harness.keyboard.type("Vi har börjat")
    harness.wait_for_function("jk.model.get('comment') === 'Vi har börjat'", timeout=3000)  # debounced
    harness.keyboard.type(" nu")
    harness.kernel("value", 3)
    harness.kernel("show_peers", True)
    harness.kernel("peers", [["Politiker", 3], ["Chef", 4]])
    harness.echo("comment")  # a change event for the text sent earlier
    assert harness.active() == ["textarea", "comment", "Vi har börjat nu", 16]
    assert harness.get_by_role("radio", name="3 – nivå 3").is_checked()
    assert harness.get_by_role("img", name="Rollernas skattningar: Politiker 3, Chef 4").count() == 1
    harness.kernel("strings", dict(MOMENT_STRINGS, comment_for="Comment, moment 1"))  # rebuilds
    assert harness.active() == ["textarea", "comment", "Vi har börjat nu", 16]
    assert harness.get_by_role("textbox", name="Comment, moment 1").count() == 1
    assert harness.get_by_role("radio", name="3 – nivå 3").is_checked()
    harness.kernel("actions", "Från kernel")  # another field, not focused: it follows the kernel
    assert harness.get_by_role("textbox", name="Åtgärder, moment 1").input_value() == "Från kernel"


@pytest.mark.browser
def test_savebar_files_switches_and_modules_keep_focus(harness):
    harness.mount("savebar")
    harness.get_by_role("button", name="Spara").focus()
    for key, value in [("total_text", "Summa: 3 av 40"), ("status", "Inte sparat"), ("status_kind", "unsaved"),
                       ("busy", True), ("button_label", "Spara nu")]:
        harness.kernel(key, value)
    assert harness.active()[:2] == ["button", "Spara nu"]
    assert harness.get_by_role("status").text_content() == "● Inte sparat"
    harness.evaluate("unmount()")

    harness.mount("files")
    harness.get_by_role("link", name="Ladda ner Excel").focus()
    harness.kernel("status", "Läste in 10 svar")
    harness.kernel("status_kind", "saved")
    harness.kernel("strings", {"upload": "Upload a file"})
    assert harness.active()[:2] == ["a", "Ladda ner Excel"]
    harness.kernel("downloads", [{"label": "Download Excel", "filename": "a.xlsx", "mime": "text/plain", "b64": "YQ=="}])
    assert harness.active()[:2] == ["a", "Download Excel"]
    harness.evaluate("unmount()")

    harness.mount("switches")
    harness.get_by_label("Projektor").focus()
    harness.keyboard.press("Space")
    assert harness.evaluate("jk.model.get('values')") == {"projector": True}
    harness.kernel("values", {"projector": True, "anonymous": True})
    assert harness.active()[:2] == ["input", "projector"] and harness.get_by_label("Anonymt").is_checked()
    harness.kernel("items", [{"name": "anonymous", "label": "Anonymous"}, {"name": "projector", "label": "Projector"}])
    assert harness.active()[:2] == ["input", "projector"] and harness.get_by_label("Projector").is_checked()
    harness.evaluate("unmount()")

    harness.mount("modules")
    harness.get_by_role("button", name="Öppna Självskattning").focus()
    harness.kernel("strings", {"open": "Open", "coming": "Later"})
    assert harness.active()[:2] == ["button", "Open"]
    harness.keyboard.press("Enter")
    assert harness.evaluate("jk.model.sent") == [{"event": "open", "module": "sjalvskattning"}]
    assert harness.js_errors == []


@pytest.mark.browser
def test_copy_button_falls_back_to_a_selection_and_gives_the_focus_back(harness):
    # http://jamkit.test/ is no secure context: there is no navigator.clipboard, so the
    # button copies from a hidden textarea (execCommand is watched here, and says what it got)
    assert harness.evaluate("window.isSecureContext") is False
    harness.evaluate("""() => { window.copies = [];
      document.execCommand = (cmd) => { const a = document.activeElement;
        copies.push([cmd, a.tagName, a.readOnly, a.value.slice(a.selectionStart, a.selectionEnd)]);
        return window.copyWorks !== false; }; }""")
    harness.mount("copy")
    button = harness.get_by_role("button", name="Kopiera texten")
    button.focus()
    harness.keyboard.press("Enter")
    harness.wait_for_function("jk.model.sent.length === 1", timeout=3000)
    assert harness.evaluate("copies") == [["copy", "TEXTAREA", True, "Rad 1\nRad 2 <b>fet</b>"]]
    assert harness.evaluate("jk.model.sent") == [{"event": "copied", "ok": True}]
    assert harness.active()[:2] == ["button", "Kopiera texten"]  # the focus is back
    assert harness.locator("textarea").count() == 0  # the scratch textarea is gone
    status = harness.get_by_role("status")
    harness.wait_for_function("document.querySelector('.jk-copy-status').textContent.includes('kopierad')")
    assert status.text_content() == "✓ Texten är kopierad."
    assert harness.locator(".jk-copy").get_attribute("data-jk-copied") == "1"
    harness.kernel("text", "Något annat")  # a new text: what was said is no longer true
    assert status.text_content() == ""
    harness.kernel("label", "Kopiera mejlet")
    assert harness.active()[:2] == ["button", "Kopiera mejlet"]  # relabelled in place
    # a copy that does not work says so, and how to copy by hand
    harness.evaluate("window.copyWorks = false")
    harness.keyboard.press("Space")
    harness.wait_for_function("jk.model.sent.length === 2", timeout=3000)
    assert harness.evaluate("jk.model.sent[1]") == {"event": "copied", "ok": False}
    harness.wait_for_function("document.querySelector('.jk-copy-status').textContent.includes('gick inte')")
    assert status.text_content() == "⚠ Det gick inte."
    assert harness.active()[:2] == ["button", "Kopiera mejlet"]
    assert harness.evaluate("unmount()") == {"listeners": 0, "timers": 0}  # the clearing timer too
    assert harness.js_errors == []


# ------------------------------------------------------------------ the real page, a real kernel
@pytest.mark.browser
def test_typing_keeps_focus_while_the_kernel_changes_other_traits_and_views_clean_up(page, voila_server):
    from playwright.sync_api import expect

    from tests.test_e2e import TIMEOUT, open_page

    query = urllib.parse.urlencode({"module": "sjalvskattning", "workshop": "Fokus", "group": "Åby",
                                    "role": "strateg", "lang": "sv"})
    open_page(page, voila_server, query)
    box = page.get_by_role("textbox", name="Kommentar, moment 1", exact=True)
    box.focus()
    page.keyboard.type("Skrivet medan")
    total = page.locator(".jk-savebar .jk-total")
    expect(total).to_have_text(re.compile("Summa: 0 av 40"))
    # a score chosen on another card without moving the focus: the kernel answers with a new
    # total and an "unsaved" status, and echoes nothing into the card being typed in
    page.get_by_role("group", name="Poäng för moment 2", exact=True).get_by_role("radio").nth(2).evaluate("r => r.click()")
    expect(total).to_have_text(re.compile("Summa: 3 av 40"), timeout=TIMEOUT)
    expect(page.locator(".jk-savebar .jk-status")).to_have_class(re.compile("jk-status-unsaved"), timeout=TIMEOUT)
    page.keyboard.type(" kerneln räknade")
    assert box.evaluate("b => b === document.activeElement")
    assert box.input_value() == "Skrivet medan kerneln räknade"
    assert box.evaluate("b => b.selectionStart") == len("Skrivet medan kerneln räknade")
    # the same card's score, chosen while its comment has the focus
    page.get_by_role("group", name="Poäng för moment 1", exact=True).get_by_role("radio").nth(3).evaluate("r => r.click()")
    expect(total).to_have_text(re.compile("Summa: 7 av 40"), timeout=TIMEOUT)
    assert box.evaluate("b => b === document.activeElement") and box.input_value() == "Skrivet medan kerneln räknade"
    # a language switch replaces every widget: no view may throw as it goes
    page.get_by_role("button", name="In English").click()
    expect(page.get_by_role("heading", name="Self-assessment", exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("textbox", name="Comment, moment 1", exact=True)).to_have_value(
        "Skrivet medan kerneln räknade", timeout=TIMEOUT)
    page.get_by_role("button", name="På svenska").click()
    expect(page.get_by_role("heading", name="Självskattning", exact=True)).to_be_visible(timeout=TIMEOUT)
    assert page.js_errors == []

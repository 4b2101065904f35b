"""A workshop's XLSX and HTML report: every part present, numbers as numbers, hostile text inert —
the self-assessment's and every other module's (through the hooks of :mod:`kit.io.workshop`)."""

import base64
import io
import re
import sys
import types
import zipfile
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

import kit
from kit import modules
from kit.domain import scores as sc
from kit.io import workshop as ws
from kit.io.workshop import report_html, workshop_workbook

HOSTILE = ['<script>alert("x")</script>', '=HYPERLINK("http://evil","klick")', "+SUM(1)", "-1", "@A1",
           '"><img src=x onerror=alert(1)>']


def frame():
    rows = []
    for g, name in enumerate(HOSTILE):
        for m in sc.MOMENTS:
            rows.append(sc.validate_answer(name, "uppstart", m, (g + m) % 4 + 1, None,
                                           HOSTILE[(g + m) % len(HOSTILE)], name))
            rows.append(sc.validate_answer(name, "lärandeträff 1", m, 4, None))
    return sc.to_frame(rows)


def test_workbook_has_every_part_in_the_workshops_language_with_numbers_and_no_formulas():
    data = workshop_workbook(frame(), "sv")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Självskattning", "Sammanställning", "Antal organisationer",
                               "Summa per organisation", "Modellkonceptet 2020–2022"]
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert not any("<f>" in z.read(n).decode("utf-8", "replace") for n in z.namelist()
                       if n.startswith("xl/worksheets/"))
    summary = book["Sammanställning"]
    assert summary["A12"].value == "Totalt" and summary["C12"].value == 40 and summary["C12"].data_type == "n"
    counts = book["Antal organisationer"]
    assert counts["B2"].value == len(HOSTILE)
    totals = book["Summa per organisation"]
    assert {totals.cell(row=r, column=1).value for r in range(2, 2 + len(HOSTILE))} == set(HOSTILE)
    answers = kit.read_scores("x.xlsx", data=data)
    assert set(answers["comment"]) - {""} == set(HOSTILE)
    english = load_workbook(io.BytesIO(workshop_workbook(frame(), "en")))
    assert english.sheetnames[0] == "Self-assessment"
    assert [c.value for c in english["Self-assessment"][1]][:4] == ["organisation", "occasion", "moment", "score"]


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_report_escapes_everything_and_embeds_tables_and_plots():
    html = report_html(frame(), name=HOSTILE[0], lang="sv")
    parser = Collector()
    parser.feed(html)
    tags = [t for t, _ in parser.tags]
    assert "script" not in tags
    assert all("onerror" not in attrs for _, attrs in parser.tags)
    text = "".join(parser.text)
    for hostile in HOSTILE:
        assert hostile in text  # shown as text, exactly as typed
    assert tags.count("table") == 6 and tags.count("img") == 3  # + each organisation's totals
    assert all(a["alt"] for t, a in parser.tags if t == "img")
    assert '<html lang="sv">' in html and "@page { size: A4" in html
    assert "17,8" in text and "31,0" in text


def test_anonymous_report_names_no_organisation():
    names = ["Örby kommun", "Åsa region", "Ekeby kommun"]
    df = sc.to_frame([sc.validate_answer(n, "uppstart", m, 2, None, "en kommentar")
                      for n in names for m in sc.MOMENTS])
    html = report_html(df, name="Kurs", lang="en", anonymous=True)
    assert not any(n in html for n in names)
    assert "Report: Kurs" in html and "en kommentar" in html
    assert report_html(df, name="Kurs", lang="en").count("Örby kommun") >= 1


# ====================================================================== the modules' parts
FAKE = "fake_jamkit_module"


def fake_records(calls: list, fail: bool = False):
    """A module's records with both hooks: one row per group that saved a ``fake`` record,
    its cells hostile, a number, a bool, a NaN and an odd object."""

    def rows(store, workshop, names):
        shown = (lambda g: names[g]) if names is not None else (lambda g: g)
        return [[shown(r.group), r.payload["note"], r.payload["n"], True, float("nan"), {"x": 1}]
                for r in store.latest(workshop, "fake")]

    def export_sheets(store, workshop, lang, names=None):
        calls.append(("sheets", lang, names))
        if fail:
            raise RuntimeError("the module broke")
        heads = ["=Grupp" if lang == "sv" else "=Group", "+note", "n", "ok", "nan", "obj"]
        return [("Sammanställning", heads, rows(store, workshop, names)),  # a title the kit holds
                ("Fake: [detail]/x" + "y" * 40, ["a"], [])]

    def report_section(store, workshop, lang, names=None):
        from kit.ui import html as H

        calls.append(("section", lang, names))
        cells = "".join(f"<li>{H.e(group)}: {H.e(note)}</li>"
                        for group, note, *_ in rows(store, workshop, names))
        return f"<h2>Fake {H.e(lang)}</h2><ul id=\"fake\">{cells}</ul>"

    records = types.ModuleType(f"{FAKE}.records")
    records.export_sheets, records.report_section = export_sheets, report_section
    return records


@pytest.fixture
def fake_module(monkeypatch):
    """The registry with the self-assessment, a fake module with hooks, one without, one not
    built and one not ready; returns the hooks' calls."""
    calls: list = []
    package = types.ModuleType(FAKE)
    package.__path__ = []
    bare = types.ModuleType(f"{FAKE}_bare.records")  # records, but no hooks
    for name, mod in ((FAKE, package), (f"{FAKE}.records", fake_records(calls)),
                      (f"{FAKE}_bare", types.ModuleType(f"{FAKE}_bare")), (f"{FAKE}_bare.records", bare)):
        monkeypatch.setitem(sys.modules, name, mod)
    sa_records = fake_records(calls)  # even with hooks, the self-assessment's part is the kit's own
    monkeypatch.setitem(sys.modules, "fake_sa", types.ModuleType("fake_sa"))
    monkeypatch.setitem(sys.modules, "fake_sa.records", sa_records)
    monkeypatch.setattr(modules, "REGISTRY", (
        modules.Module("sjalvskattning", "fake_sa", 45, True, record="självskattning"),
        modules.Module("fake", FAKE, 10, True, record="fake"),
        modules.Module("bare", f"{FAKE}_bare", 10, True, record="bare"),
        modules.Module("unbuilt", "kit.modules.no_such_module", 10, True, record="unbuilt"),
        modules.Module("coming", FAKE + "_coming", 10, False, record="coming"),
        modules.Module("facilitator", "kit.modules.facilitator", 0, True, audience="facilitator"),
    ))
    return calls


@pytest.fixture
def store(tmp_path):
    from kit.store import Store

    store = Store(f"sqlite:///{tmp_path / 'exports.sqlite'}")
    for group in ("Örby kommun", "Åsa region"):
        store.save_answers("Kurs", group, "uppstart", None, {m: {"score": 2} for m in sc.MOMENTS})
    for group, note in (("Örby kommun", HOSTILE[1]), ("Ekeby kommun", HOSTILE[0])):
        store.append(workshop="Kurs", group=group, module="fake", occasion="", role="", version="",
                     payload={"note": note, "n": 7})
    yield store
    store.dispose()


def test_the_exports_find_only_ready_modules_with_hooks_beside_the_self_assessment(
        fake_module, tmp_path, monkeypatch):
    assert [m.key for m, _ in ws.module_exports()] == ["fake"]
    # a module that is there but cannot be imported is never left out silently
    (tmp_path / "jk_broken").mkdir()
    (tmp_path / "jk_broken" / "__init__.py").write_text("")
    (tmp_path / "jk_broken" / "records.py").write_text("import jk_no_such_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(modules, "REGISTRY", (*modules.REGISTRY,
                                              modules.Module("broken", "jk_broken", 1, True, record="x")))
    with pytest.raises(ModuleNotFoundError, match="jk_no_such_dependency"):
        ws.module_exports()


def test_a_modules_sheets_follow_the_self_assessments_inert_and_with_numbers(fake_module, store):
    data = workshop_workbook(store.answers_frame("Kurs"), "sv", store=store, workshop="Kurs")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[:5] == ["Självskattning", "Sammanställning", "Antal organisationer",
                                   "Summa per organisation", "Modellkonceptet 2020–2022"]
    assert book.sheetnames[5:] == ["Sammanställning (2)", ("Fake detailx" + "y" * 40)[:31]]
    sheet = book["Sammanställning (2)"]
    assert [c.value for c in sheet[1]] == ["=Grupp", "+note", "n", "ok", "nan", "obj"]
    assert all(c.data_type == "s" and c.quotePrefix for c in sheet[1][:2])
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    assert set(rows) == {"Örby kommun", "Ekeby kommun"}
    note, n, ok, nan, obj = rows["Örby kommun"][1:]
    assert (note.value, note.data_type, note.quotePrefix) == (HOSTILE[1], "s", True)
    assert (n.value, n.data_type, ok.value, nan.value, obj.value) == (7, "n", True, None, "{'x': 1}")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert not any("<f>" in z.read(n).decode("utf-8", "replace") for n in z.namelist()
                       if n.startswith("xl/worksheets/"))
    assert fake_module == [("sheets", "sv", None)]  # the reader's language, names shown
    english = load_workbook(io.BytesIO(workshop_workbook(store.answers_frame("Kurs"), "en",
                                                         store=store, workshop="Kurs")))
    assert english["Sammanställning"]["A1"].value == "=Group"  # the kit's own "Sammanställning" is taken
    assert load_workbook(io.BytesIO(workshop_workbook(store.answers_frame("Kurs"), "sv"))).sheetnames[5:] == []


def test_anonymous_mode_reaches_the_modules_sheets_with_the_same_letters(fake_module, store):
    groups = ["Örby kommun", "Åsa region", "Ekeby kommun"]
    names = ws.shown_names(groups, "Kurs")
    data = workshop_workbook(store.answers_frame("Kurs"), "sv", anonymous=True, salt="Kurs",
                             store=store, workshop="Kurs", names=names)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        everything = "".join(z.read(n).decode("utf-8") for n in z.namelist())
    assert not any(g in everything for g in groups)
    book = load_workbook(io.BytesIO(data))
    own = {c.value for c in book["Självskattning"]["A"][1:]}
    theirs = {c.value for c in book["Sammanställning (2)"]["A"][1:]}
    assert own == {names["Örby kommun"], names["Åsa region"]}
    assert theirs == {names["Örby kommun"], names["Ekeby kommun"]}  # Örby: one letter in both
    assert fake_module[-1][2] is names
    # without a mapping a name the self-assessment never saw still gets a letter, never its name
    data = workshop_workbook(store.answers_frame("Kurs"), "sv", anonymous=True, salt="Kurs",
                             store=store, workshop="Kurs")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "Ekeby" not in "".join(z.read(n).decode("utf-8") for n in z.namelist())


def test_the_report_holds_each_modules_section_after_its_own_and_anonymous_mode_reaches_it(fake_module, store):
    answers = store.answers_frame("Kurs")
    html = report_html(answers, name="Kurs", lang="en", store=store, workshop="Kurs")
    assert html.index("Report: Kurs") < html.index('<section class="module" data-module="fake">')
    assert "<h2>Fake en</h2>" in html and '<ul id="fake">' in html  # the hook's markup as it is
    parser = Collector()
    parser.feed(html)
    assert "script" not in [t for t, _ in parser.tags]
    assert HOSTILE[0] in "".join(parser.text) and "Ekeby kommun" in html
    assert fake_module == [("section", "en", None)]
    names = ws.shown_names(["Örby kommun", "Åsa region", "Ekeby kommun"], "Kurs")
    hidden = report_html(answers, name="Kurs", lang="sv", anonymous=True, salt="Kurs",
                         store=store, workshop="Kurs", names=names)
    assert not re.search("Örby|Åsa|Ekeby", hidden)
    assert f"<li>{names['Ekeby kommun']}: " in hidden and fake_module[-1] == ("section", "sv", names)
    assert "data-module" not in report_html(answers, name="Kurs", lang="sv")


def test_a_failing_hook_fails_the_export_instead_of_leaving_its_part_out(fake_module, store, monkeypatch):
    monkeypatch.setitem(sys.modules, f"{FAKE}.records", fake_records([], fail=True))
    with pytest.raises(RuntimeError, match="the module broke"):
        workshop_workbook(store.answers_frame("Kurs"), "sv", store=store, workshop="Kurs")


def test_the_facilitators_files_hold_the_modules_part_and_follow_anonymous_mode(fake_module, tmp_path):
    from kit.modules.facilitator.app import App
    from kit.store import Store

    store = Store(f"sqlite:///{tmp_path / 'fac.sqlite'}")
    app = App({"lang": "sv"}, store=store)
    app.create_form._handle_custom_msg({"event": "submit", "values": {
        "name": "Kurs", "lang": "sv", "occ1": "Uppstart", "occ2": "", "occ3": "", "occ4": ""}}, [])
    assert app.workshop and app.files.downloads == []
    store.append(workshop="Kurs", group="Ekeby kommun", module="fake", occasion="", role="", version="",
                 payload={"note": "bara intressenter", "n": 1})
    app._refresh()  # only the module has saved: its files are offered all the same

    def files():
        return {d["filename"]: base64.b64decode(d["b64"]) for d in app.files.downloads}

    book = load_workbook(io.BytesIO(files()["jamkit-kurs.xlsx"]))
    assert book["Sammanställning (2)"]["A2"].value == "Ekeby kommun"
    store.save_answers("Kurs", "Örby kommun", "uppstart", None, {m: {"score": 3} for m in sc.MOMENTS})
    app.switches.values = {"anonymous": True, "projector": False}
    report = files()["jamkit-kurs-anonym-rapport.html"].decode()  # its name says so
    assert "Ekeby" not in report and "Örby" not in report and "bara intressenter" in report
    letter = app._names["Ekeby kommun"]
    assert f"<li>{letter}: bara intressenter</li>" in report
    assert app._names["Örby kommun"] in app.overview.value  # the overview's letters are the file's
    store.dispose()


def test_a_failing_hook_says_so_on_the_facilitators_page_and_offers_no_stale_file(
        fake_module, store, monkeypatch, caplog):
    from kit import content
    from kit.domain import access
    from kit.modules.facilitator.app import App

    key = access.new_facilitator_key()
    store.create_workshop("Kurs", facilitator_key_hash=access.hash_key(key))
    app = App({"lang": "en", "workshop": "Kurs", "fkey": key}, store=store)
    assert len(app.files.downloads) == 2 and app.files.status == ""
    monkeypatch.setitem(sys.modules, f"{FAKE}.records", fake_records([], fail=True))
    app._refresh(force=True)
    assert app.files.downloads == [] and app.files.status_kind == "error"
    assert app.files.status == content.text("files.export_failed", "en")
    assert "the module broke" in caplog.text and app.ticker.kind == "info"  # the overview itself stands
    monkeypatch.setitem(sys.modules, f"{FAKE}.records", fake_records([]))
    app._refresh(force=True)
    assert len(app.files.downloads) == 2 and app.files.status == ""

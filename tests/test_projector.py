"""Issue 15 from Python: the projector's view (its token, what it holds, its address),
projector mode that never shows a key, anonymous mode that shows no group's name anywhere,
the charts' text at the projector's size, tables that become cards, and danger actions."""

from __future__ import annotations

import base64
import hmac
import io
import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
from openpyxl import load_workbook

from kit.domain import access
from kit.domain import scores as sc
from kit.modules.facilitator import rules
from kit.modules.facilitator.app import FacilitatorApp
from kit.store import Store

GROUPS = ("Örby kommun", "Åsa region", "Ekeby kommun")


@pytest.fixture
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'proj.sqlite'}")


def submit(form, **values):
    form._handle_custom_msg({"event": "submit", "values": values}, [])


def workshop(store, name="Norr 2026", answers=True):
    """A workshop with three facilitator-added groups (two of them with answers)."""
    fac = FacilitatorApp({"lang": "sv"}, store=store)
    submit(fac.create_form, name=name, lang="sv", occ1="Uppstart", date1="", occ2="Lärandeträff 1",
           date2="", occ3="", occ4="")
    for group in GROUPS:
        submit(fac.add_form, group=group)
    if answers:
        for group, base in zip(GROUPS[:2], (2, 3)):
            for occ in ("uppstart", "lärandeträff 1"):
                store.save_answers(name, group, occ, None,
                                   {m: {"score": min(4, base + (occ != "uppstart")), "comment": "Bra start"}
                                    for m in sc.MOMENTS})
        fac._refresh(force=True)
    return fac


def group_keys(store, fac) -> dict[str, str]:
    name = fac.workshop["name"]
    return {g: access.unseal(store.group_record(name, g)["sealed_key"], fac.fkey, rules.seal_context(name, g))
            for g in GROUPS}


def widgets_of(widget):
    """The app's widget tree, every widget once."""
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from widgets_of(child)


def page_state(app, skip=()) -> str:
    """Every synced trait of every widget on the page, as one text (keys would show in it)."""
    parts = []
    for widget in widgets_of(app.widget):
        if any(widget is s for s in skip):
            continue
        state = widget.get_state()
        parts.append(json.dumps({k: v for k, v in state.items() if not isinstance(v, (bytes, memoryview))},
                                ensure_ascii=False, default=str))
    return "\n".join(parts)


def key_forms(key: str) -> list[str]:
    norm = access.normalise_key(key)
    return [key, norm, access.display_key(norm)]


# ------------------------------------------------------------------ the view token
def test_the_view_token_opens_only_that_workshops_view_and_is_compared_in_constant_time(store, monkeypatch):
    fac = workshop(store)
    record = store.workshop_record("Norr 2026")
    token = rules.view_token(record)
    assert token and token == rules.view_token(store.workshop_record("Norr 2026"))  # nothing stored
    assert fac.fkey not in token and record["facilitator_key_hash"] not in token
    other = workshop(store, "Söder 2026", answers=False)
    assert rules.view_token(store.workshop_record("Söder 2026")) != token

    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    view = FacilitatorApp({"workshop": "Norr 2026", "view": token}, store=store)
    assert view.view and view.workshop["name"] == "Norr 2026" and view.fkey == ""
    assert calls, "the token is checked with hmac.compare_digest"
    for wrong in ("", "x" * len(token), token[:-1], rules.view_token(store.workshop_record("Söder 2026"))):
        refused = FacilitatorApp({"workshop": "Norr 2026", "view": wrong}, store=store)
        assert refused.workshop is None and not refused.view and not hasattr(refused, "overview")
        assert "Norr 2026" not in page_state(refused, skip=[refused.open_form, refused.create_form])
    # a token opens the workshop it was made for, not another one
    assert FacilitatorApp({"workshop": "Söder 2026", "view": token}, store=store).workshop is None
    assert other.workshop["name"] == "Söder 2026"


def test_the_view_holds_no_key_no_exports_no_administration(store):
    fac = workshop(store)
    keys = group_keys(store, fac)
    assert all(keys.values())
    view = FacilitatorApp({"workshop": "Norr 2026", "view": rules.view_token(fac.workshop), "lang": "sv"},
                          store=store)
    for missing in ("files", "add_form", "delete_form", "restore_form", "reissue_form",
                    "delete_workshop_form", "create_form", "open_form"):
        assert not hasattr(view, missing), missing
    assert hasattr(view, "overview") and hasattr(view, "links") and view.switches.values["projector"]
    assert "jk-projector" in view.widget._dom_classes
    assert "<td>" in view.overview.value and "Medelvärde per moment" in view.overview.value
    state = page_state(view)
    for secret in [fac.fkey, *[form for key in keys.values() for form in key_forms(key)]]:
        assert secret not in state, secret
    assert "gkey" not in state and "fkey" not in state
    assert "Visa på projektorn" not in state  # no way on from here either
    # the groups' messages and the anonymous switch still work in the view
    view.switches.values = {"anonymous": True, "projector": True}
    assert not any(g in view.overview.value for g in GROUPS)


def test_the_view_keeps_view_not_fkey_in_its_address(store):
    fac = workshop(store)
    token = rules.view_token(fac.workshop)
    view = FacilitatorApp({"workshop": "Norr 2026", "view": token, "lang": "sv"}, store=store)
    assert view.place() == {"lang": "sv", "workshop": "Norr 2026", "view": token}
    query = parse_qs(view.shell.query)
    assert query["view"] == [token] and "fkey" not in query
    view._on_shell(None, {"event": "lang", "lang": "en"}, [])
    assert parse_qs(view.shell.query) == {"lang": ["en"], "workshop": ["Norr 2026"], "view": [token]}
    assert view.view and "Overview" in view.widget.children[2].children[0].value
    submit(view.occasion_form, occasion="lärandeträff 1")
    assert view.occasion == "lärandeträff 1" and "fkey" not in view.shell.query
    # with the key the page keeps the key (the facilitator's own page), never the view
    assert "fkey" in parse_qs(fac.shell.query) and "view" not in parse_qs(fac.shell.query)


def test_the_facilitators_page_links_to_the_view_in_a_new_tab(store):
    fac = workshop(store)
    link = next(w.value for w in widgets_of(fac.widget) if "jk-view-link" in getattr(w, "value", ""))
    href = re.search(r'href="([^"]+)"', link).group(1).replace("&amp;", "&")
    assert 'target="_blank"' in link and 'rel="noopener"' in link and "Visa på projektorn" in link
    assert "(öppnas i en ny flik)" in link
    url = urlparse(href)
    assert url.path == "facilitator.ipynb"
    assert parse_qs(url.query) == {"lang": ["sv"], "workshop": ["Norr 2026"], "view": [rules.view_token(fac.workshop)]}
    assert fac.fkey not in href


# ------------------------------------------------------------------ projector mode: no key
def test_projector_mode_hides_the_facilitator_key_notice_and_keys_in_messages(store):
    fac = workshop(store)
    key = fac.fkey
    assert key in fac.notice_box.value  # at the facilitator's desk the new key is said once
    fac.switches.values = {"anonymous": False, "projector": True}
    assert key not in fac.notice_box.value
    submit(fac.reissue_form, group="Örby kommun")
    new_key = group_keys(store, fac)["Örby kommun"]
    assert "Örby kommun" in fac.group_message.value and "visas inte i projektorläget" in fac.group_message.value
    assert all(k not in fac.group_message.value for k in key_forms(new_key))
    # nowhere on the page but in the address (which is why the view exists) and the links,
    # which follow self.projector themselves
    state = page_state(fac, skip=[fac.shell, fac.links])
    assert key not in state and all(k not in state for k in key_forms(new_key))
    fac.switches.values = {"anonymous": False, "projector": False}
    assert key in fac.notice_box.value and new_key in fac.group_message.value  # back at the desk
    fac._on_shell(None, {"event": "lang", "lang": "en"}, [])
    fac.switches.values = {"anonymous": False, "projector": True}
    assert key not in fac.notice_box.value and "not shown in projector mode" in fac.group_message.value


# ------------------------------------------------------------------ anonymous mode: no name
def test_anonymous_mode_shows_no_group_name_in_overview_messages_links_or_files(store):
    fac = workshop(store)
    submit(fac.add_form, group="Dalby kommun")
    names = (*GROUPS, "Dalby kommun")
    fac.switches.values = {"anonymous": True, "projector": False}
    assert "Dalby kommun" not in fac.group_message.value
    letter = fac._names["Dalby kommun"]
    assert f"Gruppen {letter} är tillagd" in fac.group_message.value
    submit(fac.delete_form, group="Ekeby kommun", confirm="Ekeby kommun")
    assert "Ekeby kommun" not in fac.group_message.value and "borttagen" in fac.group_message.value
    for name in names:
        assert name not in fac.overview.value, name
    downloads = {d["filename"]: base64.b64decode(d["b64"]) for d in fac.files.downloads}
    labels = [d["label"] for d in fac.files.downloads]
    assert labels == ["Ladda ner Excel, anonymiserad (.xlsx)", "Ladda ner rapport, anonymiserad (.html)"]
    book = load_workbook(io.BytesIO(downloads["jamkit-norr-2026-anonym.xlsx"]))
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
             if c.value is not None]
    assert len(cells) > 100
    for name in names:
        assert not any(name in c for c in cells), name
    letters = {fac._names[g] for g in GROUPS[:2]}
    answers_sheet = book[book.sheetnames[0]]
    assert {c.value for c in answers_sheet["A"][1:]} == letters  # the overview's letters
    report = downloads["jamkit-norr-2026-anonym-rapport.html"].decode("utf-8")
    for name in names:
        assert name not in report, name
    # the import preview, too
    frame = sc.to_frame([sc.validate_answer("Örby kommun", "uppstart", m, 3) for m in sc.MOMENTS])
    from kit.io.writers import workbook_bytes

    assert fac.preview_file("flytt.xlsx", workbook_bytes(frame))
    assert "Örby kommun" not in fac.preview.value and fac._names["Örby kommun"] in fac.preview.value
    # the links section (its letters are the overview's: self._names)
    for name in names:
        assert name not in json.dumps(fac.links.links, ensure_ascii=False), name
    # off again: the names, the full workbook
    fac.switches.values = {"anonymous": False, "projector": False}
    assert "Örby kommun" in fac.overview.value
    full = {d["filename"]: base64.b64decode(d["b64"]) for d in fac.files.downloads}
    book = load_workbook(io.BytesIO(full["jamkit-norr-2026.xlsx"]))
    assert {c.value for c in book[book.sheetnames[0]]["A"][1:]} == set(GROUPS[:2])


# ------------------------------------------------------------------ charts, tables
def test_projector_charts_have_every_text_at_least_18_px(store):
    from kit import plots

    fac = workshop(store)
    answers = store.answers_frame("Norr 2026")
    order = ["uppstart", "lärandeträff 1"]
    table = sc.summary_table(answers, order)
    figures = {"radar": plots.radar(table, large=True), "bars": plots.moment_bars(table, large=True),
               "distribution": plots.distribution(sc.organisation_scores(answers), "uppstart", large=True),
               "lines": plots.organisation_lines(sc.organisation_totals(answers, order, partial=True),
                                                 large=True)}
    for name, fig in figures.items():
        sizes = plots.text_sizes_px(fig)
        legend = [t.get_text() for legend in [*fig.legends, *(a.get_legend() for a in fig.axes)] if legend
                  for t in legend.get_texts()]
        assert legend, f"{name} has a legend"
        small = [(text, round(px, 1)) for text, px in sizes if px < plots.PROJECTOR_MIN_PX]
        assert small == [], (name, small)
    # the desk's charts stay as they were: smaller than the projector's
    small_radar = plots.text_sizes_px(plots.radar(table), dpi=90)
    assert min(px for _, px in small_radar) < plots.PROJECTOR_MIN_PX
    fac.switches.values = {"anonymous": False, "projector": True}
    html = fac.overview.value
    assert html.index("jk-overview-main") < html.index("Vilka har sparat?")  # means and chart first
    assert html.count("<img") == 4


def test_status_tables_carry_their_column_names_for_cards_and_wide_tables_say_they_scroll(store):
    fac = workshop(store)
    status = re.search(r'<table class="[^"]*jk-status-list.*?</table>', fac.overview.value, re.DOTALL).group(0)
    assert "jk-cards-narrow" in status
    cells = re.findall(r"<td[^>]*>", status)
    assert cells and all('data-label="' in c for c in cells)
    assert 'data-label="Sparat"' in status and 'data-label="Roller som sparat"' in status
    # the means (moment, two occasions, +/-) say that they scroll, visibly and in their name
    means = re.search(r'<div class="jk-scroll-head" aria-hidden="true">(.*?)</div><div class="jk-table-wrap '
                      r'jk-table-wrap-wide" role="region" tabindex="0" aria-label="([^"]*)"><table class="jk-table">'
                      r'<caption>Medelvärde', fac.overview.value, re.DOTALL)
    assert means and "Svep i sidled för fler kolumner" in means.group(1) and "Medelvärde per" in means.group(1)
    assert means.group(2).startswith("Medelvärde per") and means.group(2).endswith("Svep i sidled för fler kolumner")
    # a table of two columns fits a phone: it says nothing
    from kit.ui import html as H

    assert "jk-scroll-head" not in H.table_wrap("<table></table>", "T", hint=H.scroll_hint(2, "sv"))


# ------------------------------------------------------------------ danger actions
def test_danger_actions_sit_behind_a_disclosure_with_a_danger_button(store):
    fac = workshop(store, answers=False)
    assert fac.delete_form.danger and fac.delete_workshop_form.danger
    assert not fac.add_form.danger and not fac.restore_form.danger and not fac.create_form.danger
    for name, form in (("delete_group", fac.delete_form), ("delete_workshop", fac.delete_workshop_form)):
        toggle = getattr(fac, f"{name}_disclosure")
        box = next(w for w in widgets_of(fac.widget) if toggle in getattr(w, "children", ()))
        panel = box.children[1]
        assert "jk-disclosure-panel" in panel._dom_classes and form in widgets_of(panel)
        assert toggle.label.endswith("…") and panel.layout.display == "none" and not toggle.expanded
        toggle.expanded = True  # what the button does in the browser
        assert panel.layout.display is None
    assert fac.delete_group_disclosure.label == "Ta bort en grupp…"
    # open stays open over a language switch
    fac._on_shell(None, {"event": "lang", "lang": "en"}, [])
    assert fac.delete_group_disclosure.expanded and fac.delete_group_disclosure.label == "Remove a group…"
    fac.delete_workshop_disclosure.expanded = False
    fac._on_shell(None, {"event": "lang", "lang": "sv"}, [])
    assert fac.delete_group_disclosure.expanded and not fac.delete_workshop_disclosure.expanded
    submit(fac.delete_form, group="Örby kommun", confirm="Örby kommun")  # it still removes
    assert "Örby kommun" not in store.groups("Norr 2026")

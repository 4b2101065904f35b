"""The facilitator app driven from Python: create, keys, groups, live overview, exports."""

import base64
import io
import re
from urllib.parse import parse_qs, urlparse

import pytest
from openpyxl import load_workbook

from kit.domain import scores as sc
from kit.modules.facilitator.app import FacilitatorApp
from kit.modules.selfassessment.app import SelfAssessmentApp
from kit.store import Store


@pytest.fixture
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'fac.sqlite'}")


def submit(form, **values):
    form._handle_custom_msg({"event": "submit", "values": values}, [])


def create(store, name="Norr 2026"):
    app = FacilitatorApp({"lang": "sv"}, store=store)
    submit(app.create_form, name=name, lang="sv", occ1="Uppstart", date1="2026-12-01",
           occ2="Lärandeträff 1", date2="", occ3="", occ4="")
    return app


def test_create_gives_a_key_that_alone_opens_the_workshop(store):
    app = create(store)
    assert app.workshop["occasions"] == [{"key": "uppstart", "date": "2026-12-01"},
                                         {"key": "lärandeträff 1", "date": ""}]
    key = app.fkey
    assert key in app.widget.children[2].value  # the notice shows the key once
    assert f"fkey={key}" in app.shell.query
    assert FacilitatorApp({"workshop": "Norr 2026", "fkey": key}, store=store).workshop is not None
    locked = FacilitatorApp({"workshop": "Norr 2026", "fkey": "fel"}, store=store)
    assert locked.workshop is None and not hasattr(locked, "overview")
    submit(locked.open_form, name="Norr 2026", key="fel")
    assert "stämmer inte" in locked.open_form.error
    submit(locked.open_form, name="Norr 2026", key=key)
    assert locked.workshop["name"] == "Norr 2026"
    again = FacilitatorApp({"lang": "sv"}, store=store)
    submit(again.create_form, name="Norr 2026", lang="sv", occ1="Uppstart", occ2="", occ3="", occ4="")
    assert "finns redan" in again.create_form.error


def test_groups_get_links_with_their_keys_and_overview_follows_saves(store):
    fac = create(store)
    for group in ("Örby", "Åby", "Ekeby"):
        submit(fac.add_form, group=group)
    submit(fac.add_form, group="Örby")
    assert "finns redan" in fac.add_form.error
    links = fac.links.links
    assert len(links) == 4 and links[0]["qr"].startswith("data:image/svg+xml")
    assert all(link["alt"] for link in links)
    keys = {}
    for link in links[1:]:
        q = parse_qs(urlparse(link["url"]).query)
        keys[q["group"][0]] = q["gkey"][0]
        assert q["workshop"] == ["Norr 2026"]
    for group, score in (("Örby", 2), ("Åby", 3)):
        app = SelfAssessmentApp({"workshop": "Norr 2026", "group": group, "role": "konsensus",
                                 "gkey": keys[group]}, store=store)
        for card in app.cards.values():
            card.value = score
        assert app.save()
    fac._on_tick(None, {"event": "tick"}, [])
    html = fac.overview.value
    assert re.search(r"Örby</th><td[^>]*>✓ \d\d:\d\d", html) and re.search(r"Ekeby</th><td[^>]*>– Inte än", html)
    table = sc.summary_table(store.answers_frame("Norr 2026"))
    assert table.loc["Totalt", "uppstart"] == 25.0
    assert "<td>25,0</td>" in html and html.count("<img") == 4
    assert "17,8" in html  # Modellkonceptet beside the workshop
    fac.switches.values = {"anonymous": True, "projector": True}
    assert "Örby" not in fac.overview.value and "2 / 3" in fac.overview.value
    assert "jk-projector" in fac.widget._dom_classes
    downloads = {d["filename"]: base64.b64decode(d["b64"]) for d in fac.files.downloads}
    book = load_workbook(io.BytesIO(downloads["jamkit-norr-2026-anonym.xlsx"]))  # anonymous: its name says so
    assert book["Sammanställning"]["B12"].value == 25
    report = downloads["jamkit-norr-2026-anonym-rapport.html"].decode()
    assert "Rapport: Norr 2026" in report and report.count("<img") == 4  # the overview's own plots
    assert "Örby" not in report.split("Kommentarer")[0]  # anonymous mode reaches the report too


def test_removing_a_group_needs_its_name_twice_and_can_be_undone(store):
    fac = create(store)
    submit(fac.add_form, group="Örby")
    submit(fac.delete_form, group="Örby", confirm="Örb")
    assert "inget är borttaget" in fac.delete_form.error and store.groups("Norr 2026") == ["Örby"]
    submit(fac.delete_form, group="Örby", confirm="Örby")
    assert store.groups("Norr 2026") == [] and "kan återställas" in fac.group_message.value
    submit(fac.restore_form, group="Örby")
    assert store.groups("Norr 2026") == ["Örby"]


def test_hostile_names_are_escaped_in_the_overview(store):
    fac = create(store)
    hostile = '<img src=x onerror=alert(1)>'
    submit(fac.add_form, group=hostile)
    fac._refresh(force=True)
    assert hostile not in fac.overview.value and "&lt;img src=x onerror=alert(1)&gt;" in fac.overview.value


def test_language_switch(store):
    fac = create(store)
    fac._on_shell(None, {"event": "lang", "lang": "en"}, [])
    assert "Facilitator" in fac.widget.children[1].value and "lang=en" in fac.shell.query


def test_import_shows_a_preview_and_writes_only_on_confirm_and_never_a_bad_file(store):
    from kit.io.writers import workbook_bytes

    fac = create(store)
    submit(fac.add_form, group="Örby")
    before = store.count()
    bad = "organisation;tillfälle;moment;poäng\nÖrby;uppstart;1;3\nNy kommun;uppstart;2;8\n".encode("cp1252")
    assert not fac.preview_file("svar.csv", bad)
    assert "rad 3" in fac.files.status and fac.pending is None and store.count() == before
    frame = sc.to_frame([sc.validate_answer(o, "uppstart", m, 3) for o in ("Örby", "Ny kommun") for m in sc.MOMENTS])
    assert fac.preview_file("flytt.xlsx", workbook_bytes(frame))
    assert "Ny grupp" in fac.preview.value and "Finns" in fac.preview.value and store.count() == before
    assert fac.confirm_import() == 20
    assert set(store.answers_frame("Norr 2026")["organisation"]) == {"Örby", "Ny kommun"}
    assert any("Ny kommun" in link["label"] for link in fac.links.links)  # a new group gets its link
    assert fac.confirm_import() == 0  # nothing pending any more


def test_removing_the_workshop_needs_its_name_and_opening_it_with_the_key_restores_it(store):
    fac = create(store)
    key = fac.fkey
    submit(fac.delete_workshop_form, confirm="Norr")
    assert "inget är borttaget" in fac.delete_workshop_form.error and store.workshop_record("Norr 2026")
    submit(fac.delete_workshop_form, confirm="Norr 2026")
    assert fac.workshop is None and store.workshop_record("Norr 2026") is None
    assert "Norr 2026" not in store.workshops() and "borttagen" in fac.widget.children[2].value
    submit(fac.open_form, name="Norr 2026", key="fel")
    assert fac.workshop is None
    submit(fac.open_form, name="Norr 2026", key=key)
    assert fac.workshop["name"] == "Norr 2026" and "återställd" in fac.notice.render("sv")
    assert "Norr 2026" in store.workshops()


def test_join_links_carry_the_lan_token(store, monkeypatch):
    from kit import serve

    assert serve.environment("tok123")["JAMKIT_JOIN_TOKEN"] == "tok123"
    monkeypatch.setenv("JAMKIT_JOIN_TOKEN", "tok123")
    fac = create(store)
    fac.shell.base_url = "http://192.0.2.10:8866/voila/render/"
    url = fac.links.links[0]["url"]
    assert url.startswith("http://192.0.2.10:8866/voila/render/start.ipynb?")
    assert parse_qs(urlparse(url).query)["token"] == ["tok123"]


def test_participants_see_the_workshops_own_occasions_and_no_other_workshops(store):
    create(store)  # occasions: uppstart, lärandeträff 1
    store.save_answers("Hemlig kurs", "X", "uppstart", None, {1: {"score": 2}})
    app = SelfAssessmentApp({"workshop": "Norr 2026"}, store=store)
    assert [o[0] for o in app.context.occasion_options] == ["uppstart", "lärandeträff 1"]
    assert app.context.workshop_options == []
    app.context.occasion = "lärandeträff 1"
    app.context.workshop = "Något annat"
    assert [o[0] for o in app.context.occasion_options] == list(sc.DEFAULT_OCCASIONS)
    app.context.workshop = "Norr 2026"
    assert app.ctx["occasion"] == "lärandeträff 1"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_overview_shows_the_rooms_pool_and_warns_in_words_when_low(store, tmp_path, monkeypatch, lang):
    from kit.kernel import status as pool_status

    path = tmp_path / "pool.json"
    app = create(store)
    app._refresh(force=True)
    assert app.pool_line.value == "", "no pool (not served by kit serve): nothing shown"
    monkeypatch.setenv(pool_status.ENV, str(path))
    app.lang = lang
    pool_status.write_status(str(path), ready=24, target=30)
    app._refresh()
    expected = "Redo för 24 av 30 deltagare" if lang == "sv" else "Ready for 24 of 30 participants"
    assert expected in app.pool_line.value and "jk-pool-low" not in app.pool_line.value
    pool_status.write_status(str(path), ready=2, target=30)
    app._refresh()
    label = "Obs!" if lang == "sv" else "Note:"
    assert "jk-pool-low" in app.pool_line.value and f"<strong>{label}</strong>" in app.pool_line.value
    assert ("Bara 2 av 30" if lang == "sv" else "Only 2 of 30") in app.pool_line.value
    path.unlink()  # the server stopped
    app._refresh()
    assert app.pool_line.value == ""


def test_notices_are_said_again_in_the_new_language(store):
    fac = create(store)
    key = fac.fkey
    submit(fac.add_form, group="Örby")
    assert "Örby" in fac.group_message.value
    fac._on_shell(None, {"event": "lang", "lang": "en"}, [])
    top = fac.widget.children[2].value
    assert key in top and "created" in top.lower() and "skapad" not in top.lower()
    assert "Örby" in fac.group_message.value and "added" in fac.group_message.value.lower()
    submit(fac.delete_workshop_form, confirm="Norr 2026")
    fac._on_shell(None, {"event": "lang", "lang": "sv"}, [])
    assert any("borttagen" in getattr(c, "value", "") for c in fac.widget.children)

"""Join by code (issue 15): the code's format, making codes (unique and atomic, on SQLite and a
real PostgreSQL), what a code resolves to and when it stops working, the facilitator's join
section (anonymous mode, projector mode, the loopback notice) and the start page's field and
``?code=``, all driven from Python."""

from __future__ import annotations

import doctest
import json
import random
import threading
from urllib.parse import parse_qs, urlparse

import pytest
import sqlalchemy as sa

from kit.domain import access
from kit.modules.facilitator import rules
from kit.modules.facilitator.app import FacilitatorApp
from kit.modules.facilitator.groups import qr_data_uri
from kit.modules.selfassessment.app import SelfAssessmentApp
from kit.store import SCHEMA_VERSION, Store, join_codes
from kit.ui.start import StartApp
from tests.test_facilitator import create, submit
from tests.test_hardening_store import Databases, schema_versions

BACKENDS = ["sqlite", "postgres"]
HASH = access.hash_key("FAC-KEY")  # scrypt is slow on purpose: once for the module
LOCAL = "http://127.0.0.1:8866/voila/render/"
ROOM = "http://192.168.1.5:8866/"


@pytest.fixture(params=BACKENDS)
def dbs(request, tmp_path):
    pg = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    made = Databases(request.param, tmp_path, pg)
    yield made
    made.close()


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'codes.sqlite'}")
    yield s
    s.dispose()


@pytest.fixture(autouse=True)
def _no_room(monkeypatch):
    """As ``kit serve`` without ``--lan``: no room address, no token."""
    monkeypatch.delenv(rules.ROOM_ENV, raising=False)
    monkeypatch.delenv(rules.TOKEN_ENV, raising=False)


def workshop_with_groups(store, groups, name="Kurs"):
    store.create_workshop(name, facilitator_key_hash=HASH)
    keys = {g: access.new_group_key() for g in groups}
    for group, key in keys.items():
        store.claim_group(name, group, access.hash_key(key))
    return keys


# ------------------------------------------------------------------ the format
def test_the_format_and_its_doctests():
    for module in (access, rules):
        assert doctest.testmod(module).failed == 0
    code = access.new_join_code()
    assert len(code) == 8 and code.isdigit()
    assert access.display_code(code) == f"{code[:4]} {code[4:]}"
    for typed in (f"{code[:4]} {code[4:]}", f" {code[:4]}-{code[4:]} ", f"{code[:2]} {code[2:6]}.{code[6:]}",
                  f"{code[:4]}\u00a0{code[4:]}"):
        assert access.normalise_code(typed) == code, typed
    for wrong in ("", "1234567", "123456789", "1234 567a", "ABCD EFGH", "1234\n5678x", "٤٨٢١ ٧٧٣٠ ١"):
        assert access.normalise_code(wrong) == "", wrong
    assert access.normalise_code("٤٨٢١ ٧٧٣٠") == "48217730"  # Arabic-Indic digits, as some phones type
    codes = {access.new_join_code() for _ in range(2000)}
    assert len(codes) > 1990  # random, not a counter
    token = access.new_room_token()
    assert len(token) == 9 and token == token.lower() and token[4] == "-"


# ------------------------------------------------------------------ making and resolving
def test_codes_resolve_and_stop_working_when_the_group_changes(dbs):
    store = Store(dbs.new())
    try:
        keys = workshop_with_groups(store, ["Örby", "Åby"])
        everyone = store.join_code("Kurs")
        orby = store.join_code("Kurs", "Örby", keys["Örby"])
        aby = store.join_code("Kurs", "Åby", keys["Åby"])
        assert len({everyone, orby, aby}) == 3
        assert store.join_code("Kurs", "Örby", access.normalise_key(keys["Örby"])) == orby  # lazily: the same
        assert store.resolve_code(everyone) == (everyone, "Kurs", "", "")
        place = store.resolve_code(f"{orby[:4]} {orby[4:]}")
        assert (place.workshop, place.group, place.key) == ("Kurs", "Örby", keys["Örby"])
        assert store.group("Kurs", place.group, place.key).state == "open"
        wrong = next(c for c in (f"{n:08d}" for n in range(10 ** 8)) if c not in (everyone, orby, aby))
        assert store.resolve_code(wrong) is None and store.resolve_code("abc") is None
        assert store.resolve_code("") is None and store.resolve_code("12\x00") is None
        # a new key: a new code, and the old one leads nowhere
        new_key = access.new_group_key()
        store.reissue_group_key("Kurs", "Örby", access.hash_key(new_key))
        assert store.resolve_code(orby) is None  # the key it holds no longer opens the group
        again = store.join_code("Kurs", "Örby", new_key)
        assert again != orby and store.resolve_code(again).key == new_key
        assert store.resolve_code(orby) is None  # and it is gone
        # a removed group: its code leads nowhere (even before the facilitator drops it)
        store.delete_group("Kurs", "Åby")
        assert store.resolve_code(aby) is None
        assert set(store.join_codes("Kurs")) == {"", "Örby"}
        store.restore_group("Kurs", "Åby")
        assert store.resolve_code(aby).group == "Åby"
        store.drop_join_code("Kurs", "Åby")
        assert store.resolve_code(aby) is None
        # a removed workshop: none of its codes works
        store.delete_workshop("Kurs")
        assert store.resolve_code(everyone) is None and store.resolve_code(again) is None
        with pytest.raises(ValueError):
            store.join_code("Kurs", "Örby", "")
    finally:
        store.dispose()


def test_a_sealed_key_copied_onto_another_group_opens_nothing(store):
    keys = workshop_with_groups(store, ["Örby", "Åby"])
    orby = store.join_code("Kurs", "Örby", keys["Örby"])
    with store.engine.begin() as conn:  # somebody with the database moves the row to Åby
        conn.execute(join_codes.update().where(join_codes.c.code == orby).values(grp="Åby"))
    assert store.resolve_code(orby) is None


def _make_at_once(url, places, keys, threads=4):
    barrier = threading.Barrier(threads)
    results, errors = [], []

    def work(seed):
        own = Store(url)
        order = list(places)
        random.Random(seed).shuffle(order)
        try:
            barrier.wait(timeout=60)
            results.append({g: own.join_code("Kurs", g, keys.get(g)) for g in order})
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            own.dispose()

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert errors == []
    return results


def test_kernels_making_codes_at_once_get_one_code_per_place(dbs):
    url = dbs.new()
    setup = Store(url)
    try:
        groups = [f"Grupp {i}" for i in range(12)]
        keys = workshop_with_groups(setup, groups)
        results = _make_at_once(url, ["", *groups], keys)
        assert len(results) == 4 and all(r == results[0] for r in results)  # one code per place
        assert len(set(results[0].values())) == 13  # never one code for two places
        with setup.engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(join_codes)).scalar() == 13
        for group, code in results[0].items():
            assert setup.resolve_code(code).group == group
    finally:
        setup.dispose()


def test_a_taken_code_is_drawn_again(dbs, monkeypatch):
    """Codes from a tiny space, made by four kernels at once: every conflict (the same code for
    two places) is retried, and each place still gets a code of its own."""
    small = [f"1000{n:04d}" for n in range(24)]
    monkeypatch.setattr(access, "new_join_code", lambda: random.choice(small))
    url = dbs.new()
    setup = Store(url)
    try:
        groups = [f"Grupp {i}" for i in range(11)]
        keys = workshop_with_groups(setup, groups)
        results = _make_at_once(url, ["", *groups], keys)
        assert all(r == results[0] for r in results)
        assert len(set(results[0].values())) == 12 and set(results[0].values()) <= set(small)
        assert {g: setup.resolve_code(c).key for g, c in results[0].items() if g} == keys
    finally:
        setup.dispose()


def test_an_existing_store_gets_the_new_table(dbs):
    """A store made before join codes (schema 2: no join_codes table) is migrated on opening."""
    url = dbs.new()
    old = Store(url)
    workshop_with_groups(old, ["Örby"])
    with old.engine.begin() as conn:
        join_codes.drop(conn)
        conn.execute(sa.text("UPDATE jamkit_schema SET version = 2"))
    assert not sa.inspect(old.engine).has_table("join_codes")
    old.dispose()
    store = Store(url)
    try:
        assert schema_versions(store.engine) == [(1, SCHEMA_VERSION)] and SCHEMA_VERSION == 3
        assert sa.inspect(store.engine).has_table("join_codes")
        assert store.resolve_code(store.join_code("Kurs")).workshop == "Kurs"
    finally:
        store.dispose()


# ------------------------------------------------------------------ the facilitator's join section
def facilitator(store, groups=("Örby kommun", "Åsa region")):
    fac = create(store)
    for group in groups:
        submit(fac.add_form, group=group)
    return fac


def group_keys(fac) -> dict:
    name = fac.workshop["name"]
    found = {}
    for group in fac.store.groups(name):
        record = fac.store.group_record(name, group)
        found[group] = access.unseal(record["sealed_key"], fac.fkey, rules.seal_context(name, group))
    return found


def test_each_group_shows_its_code_and_the_qr_carries_the_short_link(store):
    fac = facilitator(store)
    fac.shell.base_url = LOCAL  # the browser says where the page is
    links = fac.links.links
    assert [link["label"] for link in links] == ["Alla deltagare (de skriver själva in sin organisation)",
                                                 "Grupp: Åsa region", "Grupp: Örby kommun"]
    keys = group_keys(fac)
    for link in links:
        code = access.normalise_code(link["code"])
        assert link["code"] == access.display_code(code) and link["code"][4] == " "
        place = store.resolve_code(code)
        assert place.workshop == "Norr 2026"
        if place.group:
            assert link["label"] == f"Grupp: {place.group}" and place.key == keys[place.group]
            assert link["note"] == f"Gruppnyckel {access.display_key(keys[place.group])} – finns redan i länken."
            assert parse_qs(urlparse(link["url"]).query)["gkey"] == [place.key]  # the long link, small
        # the QR code: the short link with the code, not the long one
        assert link["qr"] == qr_data_uri(f"{LOCAL}start.ipynb?code={code}") and link["qr"].startswith("data:image/svg+xml")
        assert "viewBox" in link["qr"] and "width=" not in link["qr"].split("%3E")[0]  # it scales
    assert fac.links.address == LOCAL.removesuffix("voila/render/")  # kit serve's root: the start page


def test_anonymous_mode_hides_names_and_projector_mode_hides_keys(store):
    fac = facilitator(store)
    fac.shell.base_url = LOCAL
    keys = group_keys(fac)
    fac.switches.values = {"anonymous": True, "projector": False}
    shown = json.dumps(fac.links.links, ensure_ascii=False)
    assert "Örby" not in shown and "Åsa" not in shown
    letters = [link["label"] for link in fac.links.links[1:]]  # in the letters' order, not the names'
    assert letters == ["Grupp: A", "Grupp: B"]
    names = fac._names  # the overview's letters
    assert {f"Grupp: {names[g]}" for g in keys} == set(letters)
    assert all(store.resolve_code(link["code"]) for link in fac.links.links)  # the codes stay
    fac.switches.values = {"anonymous": False, "projector": True}
    shown = json.dumps(fac.links.links, ensure_ascii=False)
    assert "Örby kommun" in shown
    for key in keys.values():
        assert key not in shown and access.normalise_key(key) not in shown and "gkey" not in shown
    assert all("note" not in link for link in fac.links.links)
    fac.switches.values = {"anonymous": False, "projector": False}
    assert all(key in json.dumps(fac.links.links) for key in keys.values())


def test_a_loopback_page_says_the_links_work_here_only(store, monkeypatch):
    fac = facilitator(store, ["Örby"])
    assert fac.links.notice == ""  # the browser has not said where the page is yet
    fac.shell.base_url = LOCAL
    assert "python3 jamkit.py serve --lan" in fac.links.notice
    assert "http://127.0.0.1:8866/" in fac.links.notice and "bara på den här datorn" in fac.links.notice
    fac.set_language("en")
    fac.shell.base_url = "http://localhost:8866/voila/render/"
    assert "computer only" in fac.links.notice and "python3 jamkit.py serve --lan" in fac.links.notice
    for elsewhere in ("http://192.168.1.5:8866/voila/render/", "https://hub.example.se/user/anna/voila/render/"):
        fac.shell.base_url = elsewhere
        assert fac.links.notice == ""
        # a LAN address of kit serve: its root; a hub's folder: the start page in it
        assert fac.links.address == (elsewhere.removesuffix("voila/render/") if "192.168" in elsewhere
                                     else f"{elsewhere}start.ipynb")
        assert fac.links.links[1]["url"].startswith(elsewhere)
    # kit serve --lan: the room's address and token, whatever the facilitator's browser says
    monkeypatch.setenv(rules.ROOM_ENV, ROOM)
    monkeypatch.setenv(rules.TOKEN_ENV, "k7qm-2xpa")
    fac.shell.base_url = LOCAL
    assert fac.links.notice == "" and fac.links.address == f"{ROOM}?token=k7qm-2xpa"
    code = access.normalise_code(fac.links.links[1]["code"])
    assert fac.links.links[1]["qr"] == qr_data_uri(f"{ROOM}voila/render/start.ipynb?code={code}&token=k7qm-2xpa")
    assert fac.links.links[1]["url"].startswith(f"{ROOM}voila/render/start.ipynb?") and "token=k7qm-2xpa" in fac.links.links[1]["url"]


def test_reissue_and_delete_on_the_page_end_the_old_codes(store):
    fac = facilitator(store)
    fac.shell.base_url = LOCAL
    codes = {store.resolve_code(link["code"]).group: link["code"] for link in fac.links.links}
    submit(fac.reissue_form, group="Örby kommun")
    assert store.resolve_code(codes["Örby kommun"]) is None
    new = next(link["code"] for link in fac.links.links if link["label"] == "Grupp: Örby kommun")
    assert new != codes["Örby kommun"] and store.resolve_code(new).key == group_keys(fac)["Örby kommun"]
    submit(fac.delete_form, group="Åsa region", confirm="Åsa region")
    assert store.resolve_code(codes["Åsa region"]) is None
    assert [link["label"] for link in fac.links.links] == ["Alla deltagare (de skriver själva in sin organisation)",
                                                           "Grupp: Örby kommun"]
    assert store.resolve_code(codes[""]).workshop == "Norr 2026"  # the workshop's code stays


def test_the_projector_view_shows_the_codes_without_any_key(store):
    fac = facilitator(store)
    fac.shell.base_url = LOCAL
    wanted = [(link["label"], link["code"]) for link in fac.links.links]
    keys = group_keys(fac)
    view = FacilitatorApp({"workshop": "Norr 2026", "view": rules.view_token(store.workshop_record("Norr 2026"))},
                          store=store)
    assert view.view and not view.fkey
    view.shell.base_url = LOCAL
    assert [(link["label"], link["code"]) for link in view.links.links] == wanted
    shown = json.dumps(view.links.links)
    assert not any(k in shown or access.normalise_key(k) in shown for k in keys.values())


# ------------------------------------------------------------------ the start page
def test_a_typed_code_fills_the_place_and_modules_carry_it(store):
    fac = facilitator(store, ["Örby kommun"])
    code = next(link["code"] for link in fac.links.links if link["label"] == "Grupp: Örby kommun")
    key = group_keys(fac)["Örby kommun"]
    start = StartApp({"lang": "sv"}, store=store)
    page = start.widget.children
    start.joincode._handle_custom_msg({"event": "join", "code": f" {code[:6]} {code[6:]} "}, [])
    assert start.widget.children == page  # filled in place: the live region stays, and is read out
    assert start.joincode.message == "Ni är med i Örby kommun i workshoppen Norr 2026 – välj en modul nedan."
    assert start.joincode.message_kind == "saved"
    assert (start.context.workshop, start.context.organisation) == ("Norr 2026", "Örby kommun")
    assert "Örby kommun" in start.context.organisation_options
    query = parse_qs(start.shell.query)
    assert query["workshop"] == ["Norr 2026"] and query["group"] == ["Örby kommun"] and query["gkey"] == [key]
    start.open("sjalvskattning")
    module = start.module
    assert isinstance(module, SelfAssessmentApp) and module.gkey == access.normalise_key(key)
    assert module.store.group("Norr 2026", "Örby kommun", module.gkey).state == "open"


def test_a_wrong_code_says_so_and_changes_nothing(store):
    fac = facilitator(store, ["Örby kommun"])
    codes = {access.normalise_code(link["code"]) for link in fac.links.links}
    wrong = next(c for c in (f"{n:08d}" for n in range(10 ** 8)) if c not in codes)
    start = StartApp({"lang": "sv", "workshop": "Annan", "group": "Åby"}, store=store)
    before = (dict(start.params), start.shell.query)
    start.joincode._handle_custom_msg({"event": "join", "code": wrong}, [])
    assert start.joincode.message_kind == "error"
    assert start.joincode.message == (f"Koden {access.display_code(wrong)} finns inte, eller gäller inte längre. "
                                      "Kontrollera siffrorna på skärmen och försök igen.")
    start.joincode._handle_custom_msg({"event": "join", "code": "<b>12ab</b>"}, [])
    assert start.joincode.message == "»<b>12ab</b>« är ingen kod: en kod är åtta siffror, t.ex. 4821 7730."
    start.joincode._handle_custom_msg({"event": "join", "code": "  "}, [])
    assert "Skriv in koden" in start.joincode.message
    assert (dict(start.params), start.shell.query) == before
    assert (start.context.workshop, start.context.organisation) == ("Annan", "Åby")
    start.set_language("en")  # said again in the other language
    assert start.joincode.message.startswith("Type the code from the screen")


def test_the_address_code_resolves_on_opening_and_the_address_shows_the_place(store):
    english = FacilitatorApp({"lang": "en"}, store=store)
    submit(english.create_form, name="South 2026", lang="en", occ1="Start-up", date1="", occ2="", occ3="", occ4="")
    submit(english.add_form, group="Åby")
    codes = {store.resolve_code(link["code"]).group: access.normalise_code(link["code"])
             for link in english.links.links}
    start = StartApp({"code": codes["Åby"]}, store=store)  # start.ipynb?code=… from a QR code
    assert start.lang == "en"  # the workshop's language, when the link names none
    assert start.joincode.message == "You have joined Åby in the workshop South 2026 – choose a module below."
    query = parse_qs(start.shell.query)
    assert "code" not in query and query["group"] == ["Åby"] and query["workshop"] == ["South 2026"]
    assert start.context.organisation == "Åby"
    # the workshop's own code: the workshop only; Swedish when the link says so
    everyone = StartApp({"code": codes[""], "lang": "sv", "group": "Kvar"}, store=store)
    assert everyone.lang == "sv" and everyone.context.workshop == "South 2026"
    assert everyone.joincode.message.startswith("Ni är med i workshoppen South 2026.")
    assert "gkey" not in parse_qs(everyone.shell.query) and everyone.context.organisation == ""
    # with a module: it opens at once, at the code's place
    opened = StartApp({"code": codes["Åby"], "module": "sjalvskattning"}, store=store)
    assert opened.module.ctx["organisation"] == "Åby" and opened.module.gkey
    # a wrong code in the address: said, the field shows it, nothing filled in
    wrong = StartApp({"code": "0000 0000"}, store=store)
    assert wrong.joincode.message_kind == "error" and wrong.joincode.value == "0000 0000"
    assert wrong.context.workshop == "" and "code" not in parse_qs(wrong.shell.query)


def test_changing_the_group_after_a_code_drops_its_key(store):
    fac = facilitator(store, ["Örby kommun"])
    code = next(link["code"] for link in fac.links.links if link["label"] == "Grupp: Örby kommun")
    start = StartApp({"code": code}, store=store)
    assert start.params.get("gkey")
    start.context.organisation = "Åby"  # the participant types another group
    assert "gkey" not in start.params and "gkey" not in parse_qs(start.shell.query)


def test_on_a_hub_every_link_goes_through_the_hubs_user_redirect(store, monkeypatch):
    """Each participant opens the facilitator's links on their own server: the long links, the
    QR codes' short links and the address to type all go through /hub/user-redirect/, and
    none names the facilitator's server (which would refuse a participant)."""
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/region/user/facil1/")
    monkeypatch.setenv("JUPYTERHUB_BASE_URL", "/region/")
    monkeypatch.setenv("JAMKIT_ROOM_URL", "http://192.0.2.7:8866/")  # a laptop's: not on the hub
    monkeypatch.setenv("JAMKIT_JOIN_TOKEN", "k7qm-2xpa")
    fac = facilitator(store)
    fac.shell.base_url = "https://hub.region.se/region/user/facil1/voila/render/"
    hub_start = "https://hub.region.se/region/hub/user-redirect/voila/render/start.ipynb"
    keys = group_keys(fac)
    links = fac.links.links
    assert len(links) == 3
    for link in links:
        assert link["url"].startswith(hub_start + "?")
        assert "facil1" not in link["url"] and "token=" not in link["url"]
        code = access.normalise_code(link["code"])
        assert link["qr"] == qr_data_uri(f"{hub_start}?code={code}")
        query = parse_qs(urlparse(link["url"]).query)
        assert query["workshop"] == ["Norr 2026"]
        if "group" in query:
            assert query["gkey"] == [keys[query["group"][0]]]
    assert fac.links.address == hub_start
    assert fac.links.notice == ""
    view = fac.view_link().value  # the projector's view, too, opens on whoever's server opens it
    assert ('href="https://hub.region.se/region/hub/user-redirect/voila/render/facilitator.ipynb'
            '?lang=sv&amp;workshop=Norr+2026&amp;view=') in view
    fac.shell.base_url = "http://127.0.0.1:8000/region/user/facil1/voila/render/"  # a hub on loopback
    assert fac.links.notice == ""  # "serve --lan" is no advice on a hub
    assert fac.links.links[0]["url"].startswith("http://127.0.0.1:8000/region/hub/user-redirect/")

"""Hardening of the store and of the pages that use it, on SQLite and on a real PostgreSQL.

Each block names the defect it guards against:

1. a language switch must never unlock a protected group;
4. check-then-write races: of tablets (threads or processes) claiming one new name, one wins;
5. many kernels opening a fresh (or a legacy v1) store at once all succeed;
6. what the database cannot hold is refused as the kit's InputError, and nothing is written;
7. the live overview's fingerprint cannot miss a save that commits late;
8. group keys are not kept in plain text, and the hashes are salted scrypt;
11. a failing live refresh says so, logs it, keeps the last view and recovers;
and an InputError reads in the page's language.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import multiprocessing
import re
import threading
import time
import uuid
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
import sqlalchemy as sa

from kit import content
from kit.domain import access
from kit.domain import scores as sc
from kit.errors import InputError
from kit.modules.facilitator.app import FacilitatorApp
from kit.modules.selfassessment.app import SelfAssessmentApp
from kit.store import GROUP, SCHEMA_VERSION, SELF_ASSESSMENT, WORKSHOP, Store, revisions

BACKENDS = ["sqlite", "postgres"]
MP = multiprocessing.get_context("fork")  # each child opens its own Store on the same URL
#: Words of the Swedish texts that no English text has.
SWEDISH = re.compile(r"\b(måste|saknas|innehåller|får|högst|tecken|inte|sparat|skriv|gruppen|"
                     r"nyckel|finns|redan|och)\b", re.IGNORECASE)
HASH = access.hash_key("HASH-ONCE")  # scrypt is slow on purpose: made once for the module


# ------------------------------------------------------------------ databases
def _admin(pg_url: str):
    """The cluster's maintenance database, outside any transaction (CREATE DATABASE)."""
    url = sa.engine.make_url(pg_url).set(database="postgres")
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


class Databases:
    """Fresh, empty databases: a SQLite file, or a PostgreSQL database of its own."""

    def __init__(self, backend: str, folder, pg_url: str | None):
        self.backend, self.folder, self.pg_url = backend, folder, pg_url
        self.admin = _admin(pg_url) if backend == "postgres" else None
        self.made: list[str] = []

    def new(self) -> str:
        name = f"jk_{uuid.uuid4().hex[:16]}"
        if self.backend == "sqlite":
            return f"sqlite:///{self.folder / (name + '.sqlite')}"
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        self.made.append(name)
        return sa.engine.make_url(self.pg_url).set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        if self.admin is None:
            return
        with self.admin.connect() as conn:
            for name in self.made:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def dbs(request, backend, tmp_path):
    pg = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    made = Databases(backend, tmp_path, pg)
    yield made
    made.close()


@pytest.fixture
def store(dbs):
    s = Store(dbs.new())
    yield s
    s.dispose()


@pytest.fixture
def pg_store(postgres_url, tmp_path):
    made = Databases("postgres", tmp_path, postgres_url)
    s = Store(made.new())
    yield s
    s.dispose()
    made.close()


def form(score, comment=""):
    return {m: {"score": score, "comment": comment, "actions": ""} for m in sc.MOMENTS}


def dump(engine) -> str:
    """Every row of every table, every column as text, in a fixed order."""
    meta = sa.MetaData()
    meta.reflect(engine)
    lines = []
    with engine.connect() as conn:
        for table in sorted(meta.tables.values(), key=lambda t: t.name):
            query = sa.select(table)
            if table.primary_key.columns:
                query = query.order_by(*table.primary_key.columns)
            for row in conn.execute(query):
                lines.append(table.name + "|" + "|".join("" if v is None else str(v) for v in row))
    return "\n".join(lines)


def count_where(store, **where) -> int:
    cols = revisions.c
    query = sa.select(sa.func.count()).select_from(revisions)
    for name, value in where.items():
        query = query.where(getattr(cols, name) == value)
    with store.engine.connect() as conn:
        return int(conn.execute(query).scalar())


def claim_rows(store, workshop, group) -> list:
    from kit.store import claims

    with store.engine.connect() as conn:
        return conn.execute(sa.select(claims).where(claims.c.workshop == workshop,
                                                    claims.c.grp == group)).all()


def submit(form_widget, **values):
    form_widget._handle_custom_msg({"event": "submit", "values": values}, [])


def create_workshop_app(store, name="Norr 2026", lang="sv"):
    app = FacilitatorApp({"lang": lang}, store=store)
    submit(app.create_form, name=name, lang=lang, occ1="Uppstart", date1="", occ2="Lärandeträff 1",
           date2="", occ3="", occ4="")
    assert app.workshop is not None, app.create_form.error
    return app


def link_keys(fac) -> dict:
    keys = {}
    for link in fac.links.links[1:]:
        query = parse_qs(urlparse(link["url"]).query)
        keys[query["group"][0]] = query["gkey"][0]
    return keys


# ====================================================================== 1. language switch
@pytest.fixture
def protected(store):
    """Two protected groups, each with answers for two occasions and two roles."""
    keys = {"Örby": access.new_group_key(), "Åby": access.new_group_key()}
    store.create_workshop("Kurs", facilitator_key_hash=HASH)
    for group, key in keys.items():
        store.claim_group("Kurs", group, access.hash_key(key))
        door = store.group("Kurs", group, key)
        for occasion in ("uppstart", "lärandeträff 1"):
            for role in (None, "chef"):
                door.save(occasion, role, form(3 if group == "Örby" else 2, f"hemligt-{group}"))
    return store, keys


def assert_sealed(app, group="Örby", cards=True):
    """Nothing of the group reachable from the page: no files, no figure or table of it."""
    assert app.files.downloads == [], "the group's XLSX/JSON are downloadable"
    html = app.results.value
    assert "<img" not in html and "<figure" not in html, "a figure of the group is shown"
    for lang in ("sv", "en"):
        assert f"<h3>{content.text('results.table', lang)}</h3>" not in html
        assert content.text("results.radar_alt", lang, who=group) not in html
    assert f"hemligt-{group}" not in html
    if cards:
        assert all(c.value == 0 and "hemligt" not in c.comment for c in app.cards.values())
    with pytest.raises(InputError):
        app.group_answers()


def open_app(store, key, lang="sv", group="Örby", occasion="uppstart", role="konsensus"):
    return SelfAssessmentApp({"lang": lang, "workshop": "Kurs", "group": group,
                              "occasion": occasion, "role": role, "gkey": key}, store=store)


def test_the_right_key_shows_files_and_results_in_both_languages(protected):
    """The control: with its key a group's page does show what the other tests must not."""
    store, keys = protected
    app = open_app(store, keys["Örby"])
    assert len(app.files.downloads) == 2 and "<img" in app.results.value
    app.set_language("en")
    assert len(app.files.downloads) == 2 and "<img" in app.results.value
    assert content.text("results.radar", "en") in app.results.value


@pytest.mark.parametrize("variant", ["wrong_key", "no_key", "other_groups_key"])
def test_language_switch_never_unlocks_a_protected_group(protected, variant):
    store, keys = protected
    key = {"wrong_key": access.new_group_key(), "no_key": "",
           "other_groups_key": keys["Åby"]}[variant]
    app = open_app(store, key)
    assert_sealed(app)
    for lang in ("en", "sv", "en"):
        app.set_language(lang)
        assert_sealed(app)
    app.context.occasion = "lärandeträff 1"  # another occasion the group has answered
    assert_sealed(app)
    app.set_language("sv")
    assert_sealed(app)
    app.context.role = "chef"
    assert_sealed(app)
    app.set_language("en")
    assert_sealed(app)
    app.context.role = "konsensus"
    app.context.occasion = "uppstart"
    app.set_language("sv")
    assert_sealed(app)


def test_language_switch_after_the_key_is_changed_or_the_group_switched(protected):
    store, keys = protected
    app = open_app(store, keys["Örby"])
    assert app.files.downloads  # open with the right key
    app.context.key = access.new_group_key()  # now a wrong key
    assert_sealed(app)
    app.set_language("en")
    assert_sealed(app)
    app.context.key = keys["Örby"]
    assert len(app.files.downloads) == 2
    app.context.organisation = "Åby"  # Örby's key does not open Åby
    assert_sealed(app, "Åby")
    for lang in ("sv", "en"):
        app.set_language(lang)
        assert_sealed(app, "Åby")


def test_language_switch_never_shows_a_deleted_group(protected):
    store, keys = protected
    already_open = open_app(store, keys["Örby"])
    assert already_open.files.downloads
    store.delete_group("Kurs", "Örby")
    already_open.set_language("en")  # the facilitator removed it while the page was open
    assert_sealed(already_open, cards=False)
    already_open.set_language("sv")
    assert_sealed(already_open, cards=False)
    fresh = open_app(store, keys["Örby"], lang="en")
    assert_sealed(fresh)
    fresh.set_language("sv")
    assert_sealed(fresh)
    fresh.context.occasion = "lärandeträff 1"
    fresh.set_language("en")
    assert_sealed(fresh)


# ====================================================================== 4. claim races
ALLOWED_LOSS = {"save": {"store.group_taken", "store.group_locked"},
                "workshop": {"store.workshop_taken"},
                "claim": {"store.group_exists", "store.group_taken"}}
WRITES = {"save": 2, "workshop": 1, "claim": 1}  # revisions the winner adds


def _attempt(store, op, workshop, name, idx, key, key_hash):
    if op == "save":
        _rev, made = store.group(workshop, name, key).save("uppstart", None,
                                                          form(1 + idx % 4, f"surfplatta {idx}"))
        return made or key
    if op == "workshop":
        store.create_workshop(name, facilitator_key_hash=key_hash, owner=f"facilitator {idx}")
        return key
    store.claim_group(workshop, name, key_hash)
    return key


def _outcome(fn):
    try:
        return ("ok", fn())
    except InputError as exc:
        return ("input", exc.key)
    except Exception as exc:  # noqa: BLE001 - a driver error is what the test looks for
        return ("crash", repr(exc))


def _race_child(url, op, workshop, name, idx, key, key_hash, barrier, queue):
    try:
        store = Store(url)  # each tablet's kernel has its own store
        barrier.wait(timeout=60)
        queue.put((idx, _outcome(lambda: _attempt(store, op, workshop, name, idx, key, key_hash))))
        store.dispose()
    except BaseException as exc:  # noqa: BLE001
        queue.put((idx, ("crash", repr(exc))))


def _race_threads(store, op, workshop, name, keys, hashes):
    barrier = threading.Barrier(len(keys))
    out = [None] * len(keys)

    def run(i):
        barrier.wait(timeout=60)
        out[i] = _outcome(lambda: _attempt(store, op, workshop, name, i, keys[i], hashes[i]))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(keys))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return out


def _race_processes(store, op, workshop, name, keys, hashes):
    store.engine.dispose()  # no connection of the parent crosses the fork
    barrier, queue = MP.Barrier(len(keys)), MP.Queue()
    procs = [MP.Process(target=_race_child, args=(store.url, op, workshop, name, i, keys[i],
                                                   hashes[i], barrier, queue))
             for i in range(len(keys))]
    for p in procs:
        p.start()
    out = [None] * len(keys)
    for _ in procs:
        idx, result = queue.get(timeout=120)
        out[idx] = result
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return out


def _keys_for(op, rnd, n):
    if op == "save" and rnd % 3 == 0:
        return [""] * n  # tablets without a key: each save makes one
    if op == "save" and rnd % 3 == 2:
        return [access.new_group_key() if i % 2 else "" for i in range(n)]
    return [access.new_group_key() for _ in range(n)]


@pytest.mark.parametrize("how", ["threads", "processes"])
@pytest.mark.parametrize("op", ["save", "workshop", "claim"])
def test_of_tablets_claiming_one_new_name_exactly_one_wins(store, op, how):
    race = _race_threads if how == "threads" else _race_processes
    contenders, rounds = 4, 3
    for rnd in range(rounds):
        workshop = "Kurs" if op != "workshop" else f"Workshop {rnd}"
        name = f"Ny grupp {rnd}" if op != "workshop" else workshop
        keys = _keys_for(op, rnd, contenders)
        hashes = [access.hash_key(k) if k else None for k in keys]
        before = store.count()
        out = race(store, op, workshop, name, keys, hashes)
        assert [o for o in out if o[0] == "crash"] == [], out
        winners = [i for i, o in enumerate(out) if o[0] == "ok"]
        assert len(winners) == 1, out
        assert {o[1] for o in out if o[0] == "input"} <= ALLOWED_LOSS[op], out
        winner, winner_key = winners[0], out[winners[0]][1]
        # nothing of a loser is written: exactly the winner's revisions, the winner's key
        assert store.count() == before + WRITES[op]
        claim_group = "" if op == "workshop" else name
        rows = claim_rows(store, workshop, claim_group)
        assert len(rows) == 1 and access.key_matches(winner_key, rows[0].key_hash)
        for i, key in enumerate(keys):
            if i != winner and key:
                assert not access.key_matches(key, rows[0].key_hash)
        if op == "save":
            history = store.history(workshop, name, "uppstart", None)
            assert [h.payload["answers"]["1"]["comment"] for h in history] == [f"surfplatta {winner}"]
            assert count_where(store, workshop=workshop, grp=name, module=GROUP) == 1
            assert store.group(workshop, name, winner_key).state == "open"
        elif op == "workshop":
            assert count_where(store, workshop=name, module=WORKSHOP) == 1
            record = store.workshop_record(name)
            assert record["owner"] == f"facilitator {winner}"
            assert access.may_facilitate(record, winner_key)
        else:
            assert count_where(store, workshop=workshop, grp=name, module=GROUP) == 1


# ====================================================================== 5. start-up
def _open_child(url, idx, barrier, queue):
    try:
        barrier.wait(timeout=60)
        store = Store(url)
        store.save_answers("Start", f"Grupp {idx}", "uppstart", None, form(2))
        store.dispose()
        queue.put((idx, "ok"))
    except BaseException as exc:  # noqa: BLE001
        queue.put((idx, repr(exc)))


def _open_at_once(url, n=8) -> list:
    barrier, queue = MP.Barrier(n), MP.Queue()
    procs = [MP.Process(target=_open_child, args=(url, i, barrier, queue)) for i in range(n)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    return sorted(results)


def schema_versions(engine) -> list:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text("SELECT id, version FROM jamkit_schema"))]


def test_many_kernels_opening_a_fresh_store_at_once_all_succeed(dbs):
    for _ in range(3):
        url = dbs.new()
        results = _open_at_once(url, 8)
        assert results == [(i, "ok") for i in range(8)]
        store = Store(url)
        try:
            assert schema_versions(store.engine) == [(1, SCHEMA_VERSION)]
            assert store.count() == 8 and len(store.groups("Start")) == 8
            assert sa.inspect(store.engine).has_table("claims")
        finally:
            store.dispose()


legacy_metadata = sa.MetaData()
legacy_revisions = sa.Table(  # the v1 store: only this table (as kit/store.py defines it)
    "revisions", legacy_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("workshop", sa.String(200), nullable=False),
    sa.Column("grp", sa.String(200), nullable=False),
    sa.Column("module", sa.String(40), nullable=False),
    sa.Column("occasion", sa.String(100), nullable=False),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("version", sa.String(40), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_revisions_key", "workshop", "grp", "module", "occasion", "role", "id"),
)


def legacy_hash(key) -> str:
    """How kit.domain.access hashed keys before scrypt: unsalted SHA-256."""
    return hashlib.sha256(("jamkit:" + access.normalise_key(key)).encode()).hexdigest()


LEGACY = {"fkey": "legacy-facilitator-key-123", "Örby": "K7QM-2XPA", "Åby": "HT3N-8WQR"}


def make_legacy_store(url: str) -> None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    legacy_metadata.create_all(engine)
    now = dt.datetime.now(dt.UTC)

    def row(group, module, payload, occasion="", role="", version=""):
        return {"workshop": "Kurs", "grp": group, "module": module, "occasion": occasion,
                "role": role, "version": version, "saved_at": now,
                "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True)}

    answers = {"answers": {str(m): {"score": 3, "comment": "gammal", "actions": ""} for m in sc.MOMENTS}}
    with engine.begin() as conn:
        conn.execute(legacy_revisions.insert(), [
            row("", WORKSHOP, {"name": "Kurs", "lang": "sv",
                               "occasions": [{"key": "uppstart", "date": ""}],
                               "facilitator_key_hash": legacy_hash(LEGACY["fkey"])}),
            row("Örby", GROUP, {"key_hash": legacy_hash(LEGACY["Örby"]), "key": LEGACY["Örby"]}),
            row("Åby", GROUP, {"key_hash": legacy_hash(LEGACY["Åby"]),
                               "key": access.normalise_key(LEGACY["Åby"])}),
            row("Örby", SELF_ASSESSMENT, answers, "uppstart", "", "skr-2020"),
        ])
    engine.dispose()


def assert_legacy_migrated(store: Store, legacy_rows: int = 4) -> None:
    assert schema_versions(store.engine) == [(1, SCHEMA_VERSION)]
    record = store.workshop_record("Kurs")
    assert access.may_facilitate(record, LEGACY["fkey"])
    assert not access.may_facilitate(record, "wrong")
    for group in ("Örby", "Åby"):
        assert store.group("Kurs", group, LEGACY[group]).state == "open"
        assert store.group("Kurs", group, "").state == "locked"
    assert store.group("Kurs", "Örby", LEGACY["Åby"]).state == "locked"
    assert store.group("Kurs", "Örby", LEGACY["Örby"]).load("uppstart", None)[1]["score"] == 3
    everything = dump(store.engine)
    for group in ("Örby", "Åby"):
        for form_of_key in (LEGACY[group], access.normalise_key(LEGACY[group])):
            assert form_of_key not in everything, f"{group}'s plain key is still stored"
    with store.engine.connect() as conn:
        payloads = [json.loads(p) for p in conn.execute(sa.select(revisions.c.payload)).scalars()]
    assert all("key" not in p and "key" not in (p.get("previous") or {}) for p in payloads)
    assert store.count() >= legacy_rows


def test_a_legacy_v1_store_is_migrated_and_its_keys_still_open(dbs):
    url = dbs.new()
    make_legacy_store(url)
    store = Store(url)
    try:
        assert_legacy_migrated(store)
        fac = FacilitatorApp({"workshop": "Kurs", "fkey": LEGACY["fkey"]}, store=store)
        assert fac.workshop is not None
        app = SelfAssessmentApp({"workshop": "Kurs", "group": "Örby", "role": "konsensus",
                                 "gkey": LEGACY["Örby"]}, store=store)
        assert app.answers[1]["score"] == 3 and len(app.files.downloads) == 2
        before = dump(store.engine)
        Store(url).dispose()  # opening again changes nothing
        assert dump(store.engine) == before
    finally:
        store.dispose()


def test_many_kernels_opening_a_legacy_store_at_once_migrate_it_once(dbs):
    url = dbs.new()
    make_legacy_store(url)
    results = _open_at_once(url, 6)
    assert results == [(i, "ok") for i in range(6)]
    store = Store(url)
    try:
        assert_legacy_migrated(store, legacy_rows=4 + 6)
        from kit.store import claims

        with store.engine.connect() as conn:
            held = sorted((r.workshop, r.grp) for r in conn.execute(sa.select(claims)))
        assert held == [("Kurs", ""), ("Kurs", "Åby"), ("Kurs", "Örby")]
    finally:
        store.dispose()


# ====================================================================== 6. input the db cannot hold
def _answers_frame(group, occasion, role, comment, version):
    return pd.DataFrame([{"organisation": group, "occasion": occasion, "moment": m, "score": 3.0,
                          "role": role, "comment": comment, "actions": "", "version": version}
                         for m in sc.MOMENTS], columns=list(sc.COLUMNS))


def run_op(store, op, workshop="Kurs", group="Örby", occasion="uppstart", role=None,
           version="skr-2020", comment="bra"):
    answers = {1: {"score": 3, "comment": comment, "actions": ""}, 2: {"score": 2}}
    if op == "save_answers":
        return store.save_answers(workshop, group, occasion, role, answers, version)
    if op == "group_save":
        return store.group(workshop, group, "").save(occasion, role, answers, version)
    if op == "claim_group":
        return store.claim_group(workshop, group, HASH)
    if op == "create_workshop":
        return store.create_workshop(workshop, facilitator_key_hash=HASH,
                                     occasions=[{"key": occasion, "date": ""}])
    if op == "import_answers":
        return store.import_answers(workshop, _answers_frame(group, occasion, role, comment, version),
                                    claims_for={group: (HASH, None)})
    if op == "append":
        return store.append(workshop=workshop, group=group, module=SELF_ASSESSMENT,
                            occasion=occasion, role=role or "", version=version,
                            payload={"answers": {"1": {"score": 3, "comment": comment}}})
    raise AssertionError(op)


ALL_OPS = ["save_answers", "group_save", "claim_group", "create_workshop", "import_answers", "append"]
FORM_OPS = ["save_answers", "group_save", "import_answers", "append"]
BAD = {  # name: (the bad value, the field the message must name, the operations that take it)
    "nul_in_workshop": ({"workshop": "Kurs\x00 2026"}, "workshop", ALL_OPS),
    "nul_in_group": ({"group": "Ör\x00by"}, "organisation",
                     [o for o in ALL_OPS if o != "create_workshop"]),
    "surrogate_in_workshop": ({"workshop": "Kurs \ud800"}, "workshop", ALL_OPS),
    "surrogate_in_group": ({"group": "\ud800"}, "organisation",
                           [o for o in ALL_OPS if o != "create_workshop"]),
    "surrogate_in_comment": ({"comment": "bra \ud800 jobbat"}, "comment", FORM_OPS),
    "version_over_40": ({"version": "v" * 41}, "version", FORM_OPS),
    "name_of_10kB": ({"workshop": "W" * 10_000}, "workshop", ALL_OPS),
    "group_of_10kB": ({"group": "G" * 10_000}, "organisation",
                      [o for o in ALL_OPS if o != "create_workshop"]),
    "occasion_of_200": ({"occasion": "O" * 200}, "occasion",
                        FORM_OPS + ["create_workshop"]),
}
CASES = [pytest.param(op, bad, id=f"{bad}-{op}") for bad, (_v, _f, ops) in BAD.items() for op in ops]


@pytest.fixture(scope="module", params=BACKENDS)
def shared_store(request, tmp_path_factory):
    pg = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    made = Databases(request.param, tmp_path_factory.mktemp("bad"), pg)
    s = Store(made.new())
    s.save_answers("Kurs", "Befintlig", "uppstart", None, form(2))
    yield s
    s.dispose()
    made.close()


def assert_names_field(exc: InputError, field: str) -> None:
    assert exc.field == field
    sv, en = str(exc), exc.text("en")
    assert content.text(f"errors.field.{field}", "sv").lower() in sv.lower(), sv
    assert content.text(f"errors.field.{field}", "en").lower() in en.lower(), en
    assert en != sv and not SWEDISH.search(en), en


@pytest.mark.parametrize("op, bad", CASES)
def test_what_the_database_cannot_hold_is_refused_as_input_and_nothing_is_written(shared_store, op, bad):
    values, field, _ops = BAD[bad]
    before, count = dump(shared_store.engine), shared_store.count()
    with pytest.raises(InputError) as caught:
        run_op(shared_store, op, **values)
    assert_names_field(caught.value, field)
    assert shared_store.count() == count
    assert dump(shared_store.engine) == before


@pytest.mark.parametrize("field, value", [("role", "r" * 100), ("module", "m" * 100),
                                          ("group", "g\x00"), ("occasion", "\ud800")])
def test_append_checks_every_column_it_writes(shared_store, field, value):
    kwargs = {"workshop": "Kurs", "group": "Örby", "module": "anteckning", "occasion": "",
              "role": "", "version": "", "payload": {"text": "hej"}, field: value}
    before = dump(shared_store.engine)
    with pytest.raises(InputError) as caught:
        shared_store.append(**kwargs)
    assert caught.value.text("en") != str(caught.value)
    assert dump(shared_store.engine) == before


def test_append_refuses_a_payload_the_database_cannot_hold(shared_store):
    before = dump(shared_store.engine)
    with pytest.raises(InputError):
        shared_store.append(workshop="Kurs", group="Örby", module="anteckning", occasion="", role="",
                            version="", payload={"text": "halv emoji \ud83d"})
    assert dump(shared_store.engine) == before


@pytest.mark.parametrize("name", ["Ör\x00by", "\ud800", "G" * 10_000])
def test_a_group_door_with_a_name_the_database_cannot_hold_reads_nothing_and_never_crashes(
        shared_store, name):
    door = shared_store.group("Kurs", name, "")
    for read in (lambda: door.state, lambda: door.load("uppstart", None), door.answers):
        try:
            read()
        except InputError:
            pass  # refusing is fine; a driver error is not


# ====================================================================== 7. the fingerprint
def test_the_fingerprint_changes_after_every_kind_of_save(store):
    seen = [store.changes("Kurs")]

    def moved():
        now = store.changes("Kurs")
        assert now not in seen
        seen.append(now)

    store.create_workshop("Kurs", facilitator_key_hash=HASH)
    moved()
    store.claim_group("Kurs", "Örby", HASH)
    moved()
    store.save_answers("Kurs", "Örby", "uppstart", None, form(2))
    moved()
    _rev, key = store.group("Kurs", "Åby").save("uppstart", None, form(3))
    moved()
    store.group("Kurs", "Åby", key).save("uppstart", "chef", form(1))
    moved()
    store.import_answers("Kurs", _answers_frame("Ekeby", "uppstart", None, "", "skr-2020"))
    moved()
    store.delete_group("Kurs", "Ekeby")
    moved()
    store.restore_group("Kurs", "Ekeby")
    moved()
    store.reissue_group_key("Kurs", "Örby", HASH)
    moved()
    store.save_workshop("Kurs", lang="en")
    moved()


def _late_transaction(store, group: str):
    """A transaction A that has inserted a revision (and so got its id) but not committed."""
    engine = sa.create_engine(store.url, poolclass=sa.pool.NullPool)
    conn = engine.connect()
    tx = conn.begin()
    payload = {"answers": {str(m): {"score": 2, "comment": "sent", "actions": ""} for m in sc.MOMENTS}}
    result = conn.execute(revisions.insert().values(
        workshop="Norr 2026", grp=group, module=SELF_ASSESSMENT, occasion="uppstart", role="",
        version="skr-2020", payload=json.dumps(payload), saved_at=dt.datetime.now(dt.UTC)))
    return engine, conn, tx, int(result.inserted_primary_key[0])


def test_the_fingerprint_sees_a_save_that_commits_after_one_with_a_higher_id(pg_store):
    store = pg_store
    store.save_answers("Norr 2026", "Första", "uppstart", None, form(1))
    engine, conn, tx, late_id = _late_transaction(store, "Sen")
    try:
        b = store.save_answers("Norr 2026", "Örby", "uppstart", None, form(3))
        assert b.id > late_id  # B has the higher id and commits first
        seen = store.changes("Norr 2026")
        tx.commit()
        assert store.changes("Norr 2026") != seen, "a late commit left the fingerprint unchanged"
        assert "Sen" in set(store.answers_frame("Norr 2026")["organisation"])
    finally:
        conn.close()
        engine.dispose()


def test_the_live_overview_picks_up_a_late_commit_on_the_next_tick(pg_store):
    store = pg_store
    fac = create_workshop_app(store)
    for group in ("Örby", "Sen grupp"):
        submit(fac.add_form, group=group)
    engine, conn, tx, late_id = _late_transaction(store, "Sen grupp")
    try:
        b = store.save_answers("Norr 2026", "Örby", "uppstart", None, form(3))
        assert b.id > late_id
        fac._refresh()
        html = fac.overview.value
        assert re.search(r"Örby</th><td[^>]*>✓ \d\d:\d\d", html)
        assert re.search(r"Sen grupp</th><td[^>]*>– ", html)
        tx.commit()
        fac._refresh()
        assert re.search(r"Sen grupp</th><td[^>]*>✓ \d\d:\d\d", fac.overview.value), \
            "the overview missed a save that committed after a higher id"
    finally:
        conn.close()
        engine.dispose()


# ====================================================================== 8. keys at rest
def test_group_keys_are_not_stored_in_plain_text_and_links_unseal_only_with_the_facilitator_key(store):
    fac = create_workshop_app(store)
    for group in ("Örby", "Åby", "Ekeby"):
        submit(fac.add_form, group=group)
    keys = link_keys(fac)
    assert set(keys) == {"Örby", "Åby", "Ekeby"}
    assert all(re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", k) for k in keys.values())
    everything = dump(store.engine)
    for key in keys.values():
        for shape in (key, access.normalise_key(key), key.lower(), access.normalise_key(key).lower()):
            assert shape not in everything, f"the group key {key} is stored as {shape!r}"
    assert fac.fkey not in everything  # nor the facilitator's
    for group, key in keys.items():
        record = store.group_record("Norr 2026", group)
        assert access.is_slow_hash(record["key_hash"]) and access.key_matches(key, record["key_hash"])
        assert store.group("Norr 2026", group, key).state == "open"
        assert access.unseal(record["sealed_key"], "another-facilitator", f"Norr 2026\x1f{group}") is None
    assert access.is_slow_hash(store.workshop_record("Norr 2026")["facilitator_key_hash"])
    # the facilitator's page shows the links again, unsealed from the store with its key
    again = FacilitatorApp({"workshop": "Norr 2026", "fkey": fac.fkey}, store=store)
    assert link_keys(again) == keys
    notes = " ".join(link.get("note", "") for link in again.links.links)
    assert all(key in notes for key in keys.values())
    # another key opens nothing, and a page holding another key unseals nothing
    other = FacilitatorApp({"workshop": "Norr 2026", "fkey": access.new_facilitator_key()}, store=store)
    assert other.workshop is None and not hasattr(other, "links")
    again.fkey = access.new_facilitator_key()
    again._refresh_links()
    assert link_keys(again) == {}
    assert not any(key in json.dumps(again.links.links) for key in keys.values())


def test_the_same_key_gives_two_groups_different_salted_hashes(store, monkeypatch):
    fac = create_workshop_app(store)
    monkeypatch.setattr(access, "new_group_key", lambda: "ABCD-EFGH")
    for group in ("Örby", "Åby"):
        submit(fac.add_form, group=group)
    assert link_keys(fac) == {"Örby": "ABCD-EFGH", "Åby": "ABCD-EFGH"}
    hashes = [store.group_record("Norr 2026", g)["key_hash"] for g in ("Örby", "Åby")]
    assert hashes[0] != hashes[1], "the hash is not salted"
    assert all(access.is_slow_hash(h) and access.key_matches("ABCD-EFGH", h) for h in hashes)
    everything = dump(store.engine)
    assert "ABCD-EFGH" not in everything and "ABCDEFGH" not in everything


def test_reissuing_a_group_key_closes_the_old_key_and_opens_the_new(store):
    fac = create_workshop_app(store)
    submit(fac.add_form, group="Örby")
    old = link_keys(fac)["Örby"]
    page = SelfAssessmentApp({"workshop": "Norr 2026", "group": "Örby", "role": "konsensus",
                              "gkey": old}, store=store)
    for card in page.cards.values():
        card.value = 3
    assert page.save() and len(page.files.downloads) == 2
    submit(fac.reissue_form, group="Örby")
    assert fac.reissue_form.error == ""
    new = link_keys(fac)["Örby"]
    assert new != old and new in fac.group_message.value
    assert store.group("Norr 2026", "Örby", old).state == "locked"
    assert store.group("Norr 2026", "Örby", new).state == "open"
    assert link_keys(FacilitatorApp({"workshop": "Norr 2026", "fkey": fac.fkey}, store=store)) == {"Örby": new}
    count = store.count()
    page.cards[1].value = 1
    assert not page.save()  # a page still holding the old key can no longer save
    assert store.count() == count
    stale = SelfAssessmentApp({"workshop": "Norr 2026", "group": "Örby", "role": "konsensus",
                               "gkey": old}, store=store)
    assert_sealed(stale)
    fresh = SelfAssessmentApp({"workshop": "Norr 2026", "group": "Örby", "role": "konsensus",
                               "gkey": new}, store=store)
    assert fresh.answers[1]["score"] == 3 and len(fresh.files.downloads) == 2
    everything = dump(store.engine)
    assert new not in everything and access.normalise_key(new) not in everything


# ====================================================================== 11. a failing refresh
TIME = re.compile(r"\d\d:\d\d:\d\d")


def _clock() -> str:
    return dt.datetime.now().astimezone().strftime("%H:%M:%S")


@pytest.mark.parametrize("failing", ["answers_frame", "changes"])
def test_a_failing_live_refresh_says_so_logs_it_keeps_the_view_and_recovers(store, caplog, failing):
    fac = create_workshop_app(store)
    submit(fac.add_form, group="Örby")
    store.save_answers("Norr 2026", "Örby", "uppstart", None, form(3))
    fac._on_tick(None, {"event": "tick", "manual": True}, [])
    assert fac.ticker.kind == "info"
    last_good = TIME.search(fac.ticker.text).group()
    view = fac.overview.value
    assert "Örby" in view
    while _clock() == last_good:  # so that a new time could not pass for the old one
        time.sleep(0.02)

    def broken(*_a, **_k):
        raise sa.exc.OperationalError("SELECT", {}, Exception("the database went away"))

    setattr(store, failing, broken)
    caplog.set_level(logging.ERROR, logger="kit.ui")
    for manual in (True, False, True):
        start = _clock()
        fac._on_tick(None, {"event": "tick", "manual": manual}, [])
        end = _clock()
        assert fac.ticker.kind == "error"
        assert last_good in fac.ticker.text, fac.ticker.text
        assert start not in fac.ticker.text and end not in fac.ticker.text
        assert fac.overview.value == view  # the last good view stays
    logged = [r for r in caplog.records if r.name.startswith("kit.ui") and r.levelno >= logging.ERROR]
    assert logged and all(r.exc_info for r in logged)
    assert "the database went away" in caplog.text
    store.save_answers("Norr 2026", "Åby", "uppstart", None, form(2))  # saved during the fault
    delattr(store, failing)
    fac._on_tick(None, {"event": "tick"}, [])  # the next (automatic) tick recovers
    assert fac.ticker.kind == "info"
    assert TIME.search(fac.ticker.text).group() != last_good
    assert "Åby" in fac.overview.value


# ====================================================================== the page's language
def _english_page(store, **kw):
    return SelfAssessmentApp({"lang": "en", "workshop": "Kurs",
                              "group": kw.pop("organisation", "Örby"), "occasion": "uppstart",
                              "role": "konsensus"}, store=store, **kw)


@pytest.mark.parametrize("bad", ["surrogate_comment", "nul_in_group", "surrogate_in_group",
                                 "group_of_10kB", "nul_in_workshop"])
def test_a_refused_save_reads_in_the_pages_language(store, bad):
    app = _english_page(store)
    for card in app.cards.values():
        card.value = 3
    if bad == "surrogate_comment":
        app.cards[4].comment = "good \ud83d"
    elif bad == "nul_in_group":
        app.context.organisation = "Ör\x00by"
    elif bad == "surrogate_in_group":
        app.context.organisation = "Ör\ud800by"
    elif bad == "group_of_10kB":
        app.context.organisation = "G" * 10_000
    else:
        app.context.workshop = "Kurs\x00"
    before = dump(store.engine)
    assert app.save() is False
    status = app.savebar.status
    assert app.savebar.status_kind == "error"
    assert status.startswith(content.text("save.not_saved", "en", reason="").strip()), status
    assert not SWEDISH.search(status), status
    assert content.text("app.failed", "en") not in status, "an unexpected error instead of the reason"
    assert dump(store.engine) == before


def test_a_name_taken_in_the_meantime_reads_in_the_pages_language(store, monkeypatch):
    app = _english_page(store, organisation="Ny grupp")
    for card in app.cards.values():
        card.value = 2
    store.claim_group("Kurs", "Ny grupp", HASH)  # another tablet got it first
    monkeypatch.setattr(app, "_group_state", lambda: "open")  # the check was made before that
    count = store.count()
    assert app.save() is False
    status = app.savebar.status
    assert status.startswith("Not saved") and "Ny grupp" in status and not SWEDISH.search(status)
    assert store.count() == count
    swedish = SelfAssessmentApp({"lang": "sv", "workshop": "Kurs", "group": "Ny grupp",
                                 "role": "konsensus"}, store=store)
    for card in swedish.cards.values():
        card.value = 2
    monkeypatch.setattr(swedish, "_group_state", lambda: "open")
    assert swedish.save() is False and swedish.savebar.status.startswith("Inte sparat")


def test_the_facilitators_forms_refuse_bad_names_in_their_language(store):
    fac = FacilitatorApp({"lang": "en"}, store=store)
    before = dump(store.engine)
    submit(fac.create_form, name="Kurs\x00", lang="en", occ1="Start-up", occ2="", occ3="", occ4="")
    assert fac.workshop is None and fac.create_form.error
    assert "Workshop" in fac.create_form.error and not SWEDISH.search(fac.create_form.error)
    assert dump(store.engine) == before
    fac = create_workshop_app(store, lang="en")
    before = dump(store.engine)
    for bad in ("Ör\x00by", "\ud800", "G" * 10_000):
        submit(fac.add_form, group=bad)
        assert fac.add_form.error and not SWEDISH.search(fac.add_form.error), fac.add_form.error
    assert dump(store.engine) == before


@pytest.mark.parametrize("extra", [{"note": "a\ud800b"}, {"n\udfff": 1}, {"nested": ["ok", {"x": "\ud83d"}]}])
def test_a_workshop_setting_that_cannot_be_stored_is_refused_before_anything_is_written(tmp_path, extra):
    from kit.errors import InputError
    from kit.store import Store

    store = Store(f"sqlite:///{tmp_path / 'extra.sqlite'}")
    with pytest.raises(InputError) as err:
        store.create_workshop("Kurs", facilitator_key_hash="h", **extra)
    assert err.value.key == "text.surrogate"
    assert store.workshops() == [] and store.workshop_record("Kurs") is None
    store.create_workshop("Kurs", facilitator_key_hash="h")  # the name was not claimed
    with pytest.raises(InputError):
        store.save_workshop("Kurs", **extra)
    assert "note" not in store.workshop_record("Kurs")

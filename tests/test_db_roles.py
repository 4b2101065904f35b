"""Two PostgreSQL roles on a region's hub (issue 19): the schema's owner runs
``python -m kit db migrate --grant ROLE`` once; the apps' runtime role may then do what the
apps do — and nothing more. Plus the SQL builder, the role-name check and the SQLite CLI."""

from __future__ import annotations

import contextlib
import io
import uuid

import pytest
import sqlalchemy as sa

from kit import cli
from kit.domain import access
from kit.domain import scores as sc
from kit.errors import InputError
from kit.store import (
    RUNTIME_SEQUENCES,
    RUNTIME_TABLES,
    Store,
    role_name,
    runtime_grants,
)

# ------------------------------------------------------------------ no database needed


def test_runtime_grants_name_exactly_the_runtime_privileges():
    sql = runtime_grants("jamkit_app")
    assert sql[0] == 'REVOKE ALL ON TABLE revisions, claims, join_codes, jamkit_schema FROM "jamkit_app"'
    assert sql[1] == 'REVOKE ALL ON SEQUENCE revisions_id_seq FROM "jamkit_app"'
    grants = sql[2:]
    assert grants == [
        'GRANT SELECT, INSERT ON TABLE revisions TO "jamkit_app"',
        'GRANT SELECT, INSERT, UPDATE ON TABLE claims TO "jamkit_app"',
        'GRANT SELECT, INSERT, DELETE ON TABLE join_codes TO "jamkit_app"',
        'GRANT SELECT ON TABLE jamkit_schema TO "jamkit_app"',
        'GRANT USAGE ON SEQUENCE revisions_id_seq TO "jamkit_app"',
    ]
    text = " ".join(sql).upper()
    for never in ("CREATE", "DROP", "ALTER", "TRUNCATE", "ALL PRIVILEGES", "TO PUBLIC", "WITH GRANT"):
        assert never not in text
    assert "UPDATE" not in grants[0] and "DELETE" not in grants[0]  # revisions: append-only


@pytest.mark.parametrize("good", ["jamkit_app", "_x", "app2", "a" * 63])
def test_plain_role_names_pass(good):
    assert role_name(good) == good
    assert all(f'"{good}"' in s for s in runtime_grants(good))


@pytest.mark.parametrize("bad", ["", " ", "a b", "Runtime", "2app", 'app"; DROP TABLE revisions; --',
                                 "app;", "a-b", "a.b", "åsa", "public", "pg_monitor", "a" * 64, None,
                                 "app\x00", '"app"'])
def test_other_role_names_are_refused_in_both_languages(bad):
    with pytest.raises(InputError) as caught:
        runtime_grants(bad)
    assert caught.value.key == "db.role_invalid"
    assert "Rollens namn" in caught.value.text("sv") and "a–z" in caught.value.text("sv")
    assert "The role name" in caught.value.text("en") and "a–z" in caught.value.text("en")


def test_cli_db_grants_prints_the_sql(capsys):
    assert cli.main(["db", "grants", "jamkit_app"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{s};" for s in runtime_grants("jamkit_app")]


@pytest.mark.parametrize("lang, label", [("sv", "Fel: Rollens namn"), ("en", "Error: The role name")])
def test_cli_db_grants_refuses_a_bad_role_with_exit_2(capsys, lang, label):
    assert cli.main(["db", "grants", "x; DROP TABLE claims", "--lang", lang]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith(label) and "Traceback" not in captured.err


def test_cli_db_migrate_on_sqlite(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'kit.sqlite'}"
    assert cli.main(["db", "migrate", "--url", url]) == 0
    out = capsys.readouterr().out
    assert "Schemaversion före: ingen (inga tabeller); efter: 3" in out
    assert "Skapade kitets tabeller (version 3)." in out
    assert cli.main(["db", "migrate", "--url", url, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Schema version before: 3; after: 3" in out and "already current" in out
    Store(url).save_answers("Kurs", "Örby", "uppstart", "chef", {1: {"score": 3}})  # usable


def test_cli_db_migrate_defaults_to_jamkit_db_url(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JAMKIT_DB_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    assert cli.main(["db", "migrate"]) == 0
    assert "env.sqlite" in capsys.readouterr().out and (tmp_path / "env.sqlite").exists()


@pytest.mark.parametrize("lang, said", [("sv", "behörigheter gäller inte SQLite"),
                                        ("en", "grants do not apply to SQLite")])
def test_cli_grant_does_not_apply_to_sqlite(tmp_path, capsys, lang, said):
    url = f"sqlite:///{tmp_path / 'kit.sqlite'}"
    assert cli.main(["db", "migrate", "--url", url, "--grant", "runtime", "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert said in out and "GRANT" not in out


def test_cli_db_migrate_bad_input_exits_2(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'kit.sqlite'}"
    assert cli.main(["db", "migrate", "--url", url, "--grant", "Bad Role"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Fel: Rollens namn 'Bad Role'") and "Traceback" not in err
    assert not (tmp_path / "kit.sqlite").exists()  # refused before anything was touched
    assert cli.main(["db", "migrate", "--url", "nonsense://u:secret@h/db", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: The database address") and "secret" not in err


def test_cli_db_migrate_refuses_a_newer_schema(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'kit.sqlite'}"
    store = Store(url)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE jamkit_schema SET version = 99"))
    store.dispose()
    assert cli.main(["db", "migrate", "--url", url]) == 2
    assert "version 99" in capsys.readouterr().err


# ------------------------------------------------------------------ PostgreSQL: two roles
PASSWORD = "jamkit-roles-test"


class Cluster:
    """The test cluster, as its superuser: roles and databases made for this module."""

    def __init__(self, url: str):
        self.url = sa.engine.make_url(url)
        self.admin = sa.create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        tag = uuid.uuid4().hex[:8]
        self.owner, self.runtime = f"jk_owner_{tag}", f"jk_runtime_{tag}"
        self.databases: list[str] = []
        with self.admin.connect() as conn:
            for role in (self.owner, self.runtime):
                conn.execute(sa.text(f'CREATE ROLE "{role}" LOGIN PASSWORD \'{PASSWORD}\''))

    def database(self) -> str:
        """A fresh database owned by the owner role, whose ``public`` schema only it may
        create in (as PostgreSQL 15 has it; older versions let everybody create there)."""
        name = f"jk_roles_{uuid.uuid4().hex[:8]}"
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}" OWNER "{self.owner}"'))
        with sa.create_engine(self.url.set(database=name), isolation_level="AUTOCOMMIT",
                              poolclass=sa.pool.NullPool).connect() as conn:
            conn.execute(sa.text(f'ALTER SCHEMA public OWNER TO "{self.owner}"'))
            conn.execute(sa.text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
        self.databases.append(name)
        return name

    def as_role(self, role: str, database: str) -> str:
        return self.url.set(username=role, password=PASSWORD, database=database).render_as_string(
            hide_password=False)

    def close(self) -> None:
        with self.admin.connect() as conn:
            for name in self.databases:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for role in (self.owner, self.runtime):
                conn.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))
        self.admin.dispose()


@pytest.fixture(scope="module")
def cluster(postgres_url):
    made = Cluster(postgres_url)
    yield made
    made.close()


@pytest.fixture(scope="module")
def migrated(cluster):
    """A database migrated by the owner with ``--grant`` for the runtime role: its name and
    what the command printed."""
    name = cluster.database()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["db", "migrate", "--url", cluster.as_role(cluster.owner, name),
                         "--grant", cluster.runtime])
    assert code == 0, err.getvalue()
    return name, out.getvalue(), err.getvalue()


def _statements(engine) -> list[str]:
    seen: list[str] = []
    sa.event.listen(engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *rest: seen.append(statement))
    return seen


def _denied(exc: BaseException) -> bool:
    return getattr(getattr(exc, "orig", None), "sqlstate", None) == "42501"


@pytest.mark.postgres
def test_owner_migrates_and_grants(cluster, migrated):
    name, out, err = migrated
    assert "Schemaversion före: ingen (inga tabeller); efter: 3" in out
    assert f"Gav rollen {cluster.runtime}" in out
    for statement in runtime_grants(cluster.runtime):
        assert f"  {statement};" in out
    assert err == ""  # no warning: the runtime role holds nothing beyond what it needs
    # a second run changes nothing and grants the same again
    again = io.StringIO()
    with contextlib.redirect_stdout(again):
        assert cli.main(["db", "migrate", "--url", cluster.as_role(cluster.owner, name),
                         "--grant", cluster.runtime, "--lang", "en"]) == 0
    assert "Schema version before: 3; after: 3" in again.getvalue()
    assert "already current" in again.getvalue()


@pytest.mark.postgres
def test_runtime_role_holds_exactly_the_runtime_privileges(cluster, migrated):
    name = migrated[0]
    engine = sa.create_engine(cluster.as_role(cluster.owner, name), poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT table_name, privilege_type FROM information_schema.role_table_grants "
                                    "WHERE grantee = :r"), {"r": cluster.runtime}).all()
        sequence = conn.execute(sa.text("SELECT pg_get_serial_sequence('revisions', 'id')")).scalar()
        on_sequence = {p: conn.execute(sa.text("SELECT has_sequence_privilege(:r, :s, :p)"),
                                       {"r": cluster.runtime, "s": sequence, "p": p}).scalar()
                       for p in ("USAGE", "SELECT", "UPDATE")}
        owner = conn.execute(sa.text("SELECT tableowner FROM pg_tables WHERE tablename = 'revisions'")).scalar()
    engine.dispose()
    assert sorted(rows) == sorted((t, p) for t, ps in RUNTIME_TABLES.items() for p in ps)
    assert sequence == f"public.{next(iter(RUNTIME_SEQUENCES))}"
    assert on_sequence == {"USAGE": True, "SELECT": False, "UPDATE": False}
    assert owner == cluster.owner


@pytest.mark.postgres
def test_runtime_role_does_everything_the_apps_do(cluster, migrated):
    url = cluster.as_role(cluster.runtime, migrated[0])
    opening: list[str] = []

    def record(conn, cursor, statement, *rest):  # every engine's, from its first statement
        opening.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        store = Store(url)
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)
    opened = " ".join(opening).upper()
    assert "JAMKIT_SCHEMA" in opened  # the version was read ...
    for ddl in ("CREATE", "ALTER", "DROP", "PG_ADVISORY", "INSERT", "UPDATE"):
        assert ddl not in opened  # ... and nothing else done: the schema is current
    try:
        seen = _statements(store.engine)
        # a facilitator makes a workshop and adds groups
        fkey = access.new_facilitator_key()
        store.create_workshop("Rollkurs", facilitator_key_hash=access.hash_key(fkey))
        store.save_workshop("Rollkurs", lang="en")
        assert access.may_facilitate(store.workshop_record("Rollkurs"), fkey)
        gkey = access.display_key(access.new_group_key())
        store.claim_group("Rollkurs", "Örby", access.hash_key(gkey),
                          sealed_key=access.seal(access.normalise_key(gkey), fkey, "Rollkurs\x1fÖrby"))
        # join codes: the workshop's and the group's, made once, resolved, listed
        wcode = store.join_code("Rollkurs")
        gcode = store.join_code("Rollkurs", "Örby", gkey)
        assert store.join_code("Rollkurs", "Örby", gkey) == gcode
        assert store.resolve_code(wcode)[1:] == ("Rollkurs", "", "")
        assert store.resolve_code(gcode).key == gkey
        assert store.join_codes_for("Rollkurs", {"Örby": gkey}) == {"": wcode, "Örby": gcode}
        # a participant saves the self-assessment, as a page does
        form = {m: {"score": (m % 4) + 1, "comment": "", "actions": ""} for m in sc.MOMENTS}
        door = store.group("Rollkurs", "Örby", gkey)
        _, made = door.save("uppstart", None, form)
        assert made is None and door.load("uppstart", None)[1]["score"] == 2
        _, new_key = store.group("Rollkurs", "Väsby").save("uppstart", "chef", form)  # claims the name
        assert new_key and len(store.group("Rollkurs", "Väsby", new_key).answers()) > 0
        store.group("Rollkurs", "Örby", gkey).save_payload("notes", "uppstart", "", {"n": 1})
        assert store.group("Rollkurs", "Örby", gkey).latest("notes", "uppstart").payload == {"n": 1}
        assert [r.group for r in store.group("Rollkurs", "Örby", gkey).records("notes")] == ["Örby"]
        # history and latest
        door.save("uppstart", None, {**form, 1: {"score": 4, "comment": "sedan", "actions": ""}})
        history = store.history("Rollkurs", "Örby", "uppstart", "")
        assert [h.payload["answers"]["1"]["score"] for h in history] == [2, 4]
        assert {r.group for r in store.latest("Rollkurs", "självskattning")} == {"Örby", "Väsby"}
        assert store.changes("Rollkurs")[0] > 0 and store.count() > 0
        assert store.groups("Rollkurs") == ["Väsby", "Örby"]
        assert len(store.saved_overview("Rollkurs")) > 0 and len(store.answers_frame("Rollkurs")) > 0
        # an import with new groups claimed in the same transaction
        rows = [{"workshop": "Rollkurs", "group": "Täby", "module": "notes", "occasion": "uppstart",
                 "role": "", "version": "", "payload": {"n": 2}}]
        store.append_many("Rollkurs", rows, claims_for={"Täby": (access.hash_key("t"), None)})
        # a new key for a group: its old code stops working, a new one is made
        newer = access.display_key(access.new_group_key())
        store.reissue_group_key("Rollkurs", "Örby", access.hash_key(newer))
        assert store.resolve_code(gcode) is None
        assert store.group("Rollkurs", "Örby", gkey).state == "locked"
        replaced = store.join_code("Rollkurs", "Örby", newer)
        assert replaced != gcode and store.resolve_code(replaced).key == newer
        assert store.join_codes("Rollkurs") == {"": wcode, "Örby": replaced}
        # delete and restore a group, drop its code; delete and restore the workshop
        store.delete_group("Rollkurs", "Väsby")
        assert store.deleted_groups("Rollkurs") == {"Väsby"} and "Väsby" not in store.groups("Rollkurs")
        assert store.group("Rollkurs", "Väsby", new_key).state == "deleted"
        store.restore_group("Rollkurs", "Väsby")
        assert store.group("Rollkurs", "Väsby", new_key).load("uppstart", "chef")[1]["score"] == 2
        store.drop_join_code("Rollkurs", "Örby")
        assert "Örby" not in store.join_codes("Rollkurs")
        store.delete_workshop("Rollkurs")
        assert store.workshop_record("Rollkurs") is None and store.deleted_workshop("Rollkurs")
        assert "Rollkurs" not in store.workshops() and "Rollkurs" in store.workshops(include_deleted=True)
        store.restore_workshop("Rollkurs")
        assert store.workshop_record("Rollkurs")["lang"] == "en"
        # and every statement of all this was a plain read or write, never a schema change
        words = {s.split(None, 1)[0].upper() for s in seen}
        assert words <= {"SELECT", "INSERT", "UPDATE", "DELETE", "SAVEPOINT", "RELEASE", "ROLLBACK"}, words
        changed = [s for s in seen if s.upper().startswith(("UPDATE", "DELETE"))]
        assert changed and all(s.upper().startswith(("UPDATE CLAIMS", "DELETE FROM JOIN_CODES"))
                               for s in changed), changed
    finally:
        store.dispose()


FORBIDDEN = [
    "CREATE TABLE sneaky (x int)",
    "DROP TABLE revisions",
    "ALTER TABLE revisions ADD COLUMN sneaky int",
    "ALTER TABLE claims DROP COLUMN sealed_key",
    "TRUNCATE revisions",
    "TRUNCATE claims",
    "UPDATE revisions SET payload = '{}'",
    "DELETE FROM revisions",
    "DELETE FROM claims",
    "UPDATE join_codes SET grp = ''",
    "UPDATE jamkit_schema SET version = 1",
    "INSERT INTO jamkit_schema (id, version) VALUES (2, 1)",
    "CREATE INDEX sneaky ON revisions (payload)",
    "CREATE SCHEMA sneaky",
    "SELECT setval('revisions_id_seq', 1)",
]


@pytest.mark.postgres
@pytest.mark.parametrize("statement", FORBIDDEN)
def test_runtime_role_is_refused(cluster, migrated, statement):
    engine = sa.create_engine(cluster.as_role(cluster.runtime, migrated[0]), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            before = conn.execute(sa.text("SELECT count(*) FROM revisions")).scalar()
            with pytest.raises(sa.exc.DBAPIError) as caught:
                conn.execute(sa.text(statement))
            assert _denied(caught.value), caught.value
            conn.rollback()
            assert conn.execute(sa.text("SELECT count(*) FROM revisions")).scalar() == before
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_runtime_role_on_an_empty_database_is_told_to_run_migrate(cluster):
    name = cluster.database()
    with pytest.raises(InputError) as caught:
        Store(cluster.as_role(cluster.runtime, name))
    error = caught.value
    assert error.key == "store.schema_owner"
    assert _denied(error.__cause__)  # the psycopg error stays behind it, for the server's log
    sv, en = error.text("sv"), error.text("en")
    assert f"python -m kit db migrate --grant {cluster.runtime}" in sv and "schemats ägare" in sv
    assert f"python -m kit db migrate --grant {cluster.runtime}" in en and "schema owner" in en
    assert "Traceback" not in sv + en and "psycopg" not in sv + en
    engine = sa.create_engine(cluster.as_role(cluster.owner, name), poolclass=sa.pool.NullPool)
    with engine.connect() as conn:  # nothing was made
        assert not sa.inspect(conn).get_table_names()
    engine.dispose()


@pytest.mark.postgres
def test_runtime_role_without_grants_or_on_an_old_schema_is_told_too(cluster, capsys):
    name = cluster.database()
    owner_url, runtime_url = cluster.as_role(cluster.owner, name), cluster.as_role(cluster.runtime, name)
    assert cli.main(["db", "migrate", "--url", owner_url]) == 0  # the owner forgot --grant
    with pytest.raises(InputError) as caught:
        Store(runtime_url)
    assert caught.value.key == "store.schema_owner"
    assert cli.main(["db", "migrate", "--url", owner_url, "--grant", cluster.runtime]) == 0
    Store(runtime_url).dispose()  # now it opens
    engine = sa.create_engine(owner_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:  # the schema as an older kit left it: version 2, no join codes
        conn.execute(sa.text("DROP TABLE join_codes"))
        conn.execute(sa.text("UPDATE jamkit_schema SET version = 2"))
    engine.dispose()
    with pytest.raises(InputError) as caught:
        Store(runtime_url)
    assert caught.value.key == "store.schema_owner"
    capsys.readouterr()
    assert cli.main(["db", "migrate", "--url", owner_url, "--grant", cluster.runtime]) == 0
    assert "Migrerade schemat från version 2 till 3." in capsys.readouterr().out
    Store(runtime_url).dispose()


@pytest.mark.postgres
def test_cli_migrate_as_the_runtime_role_or_to_a_missing_role(cluster, migrated, capsys):
    name = cluster.database()
    assert cli.main(["db", "migrate", "--url", cluster.as_role(cluster.runtime, name)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Fel: Rollen {cluster.runtime} får inte skapa") and "Traceback" not in err
    owner_url = cluster.as_role(cluster.owner, migrated[0])
    assert cli.main(["db", "migrate", "--url", owner_url, "--grant", "jk_nobody", "--lang", "en"]) == 2
    assert "There is no role called jk_nobody" in capsys.readouterr().err


@pytest.mark.postgres
def test_grant_warns_when_the_runtime_role_can_do_more(cluster, migrated, capsys):
    """A runtime role that is a member of the owner's role holds everything: the command
    says so (it cannot take privileges away that come from membership)."""
    tag = uuid.uuid4().hex[:8]
    member = f"jk_member_{tag}"
    with cluster.admin.connect() as conn:
        conn.execute(sa.text(f'CREATE ROLE "{member}" LOGIN IN ROLE "{cluster.owner}"'))
    try:
        owner_url = cluster.as_role(cluster.owner, migrated[0])
        assert cli.main(["db", "migrate", "--url", owner_url, "--grant", member]) == 0
        err = capsys.readouterr().err
        assert err.startswith(f"Varning: rollen {member} har fortfarande mer")
        assert "UPDATE revisions" in err and "TRUNCATE revisions" in err
    finally:
        there = sa.create_engine(cluster.url.set(database=migrated[0]), isolation_level="AUTOCOMMIT",
                                 poolclass=sa.pool.NullPool)
        with there.connect() as conn:
            conn.execute(sa.text(f'DROP OWNED BY "{member}"'))
            conn.execute(sa.text(f'DROP ROLE "{member}"'))
        there.dispose()


@pytest.mark.postgres
def test_grant_by_a_role_that_does_not_own_the_tables_is_an_error(cluster, migrated, capsys):
    """A role that does not own the tables may not grant on them: one clear line, exit 2."""
    other = f"jk_other_{uuid.uuid4().hex[:8]}"
    with cluster.admin.connect() as conn:
        conn.execute(sa.text(f'CREATE ROLE "{other}" LOGIN'))
    try:
        runtime_url = cluster.as_role(cluster.runtime, migrated[0])
        assert cli.main(["db", "migrate", "--url", runtime_url, "--grant", other]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"Fel: Rollen {cluster.runtime} får inte ge rollen {other} behörigheter")
        assert "Traceback" not in err
    finally:
        with cluster.admin.connect() as conn:
            conn.execute(sa.text(f'DROP ROLE "{other}"'))

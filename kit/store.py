"""The kit's store: one small interface over SQLAlchemy Core.

SQLite in a file by default (WAL mode, nothing to start); PostgreSQL when a URL is given in
the environment variable ``JAMKIT_DB_URL`` (e.g. ``postgresql://user:pw@host/db``), for a
region's JupyterHub. Saves are appended as revisions and never updated in place, so every
earlier answer can be recovered; the latest revision is what is shown.

The store keeps generic records only — a workshop, a group, a claim on a name, a join code
(:meth:`Store.join_code`, :meth:`Store.resolve_code`), and any module's revisions (:meth:`Store.append`, :meth:`Store.append_many`,
:meth:`GroupAccess.save_payload`) read back by :meth:`Store.history` and :meth:`Store.latest`.
What a module's payload holds, and the queries on it, live in the module's ``records.py``
(e.g. :mod:`kit.modules.selfassessment.records`). The self-assessment's methods here
(``save_answers``, ``load_answers``, ``answers_frame``, ``saved_overview``,
``import_answers``; ``GroupAccess.load/answers/save``) are the analyst's API: one-line
delegations to that module, kept because notebooks, pages and tests call them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import sqlalchemy as sa

from kit import content
from kit.domain import access
from kit.domain import (
    scores as sc,  # names and texts (parse_name, clean_text), a workshop's occasions
)
from kit.errors import InputError, Msg

if TYPE_CHECKING:
    import pandas as pd  # the self-assessment's frames (its records module); not the store's

ENV_URL = "JAMKIT_DB_URL"
#: The self-assessment's record name (its ``records.MODULE``; kept here for callers).
SELF_ASSESSMENT = "självskattning"
WORKSHOP = "workshop"  # a workshop's settings: name, language, occasions, facilitator key hash
GROUP = "grupp"        # a group's record in a workshop: its key hash, or a deletion

metadata = sa.MetaData()
revisions = sa.Table(
    "revisions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("workshop", sa.String(200), nullable=False),
    sa.Column("grp", sa.String(200), nullable=False),
    sa.Column("module", sa.String(40), nullable=False),
    sa.Column("occasion", sa.String(100), nullable=False),
    sa.Column("role", sa.String(40), nullable=False),  # "" = the group's consensus
    sa.Column("version", sa.String(40), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_revisions_key", "workshop", "grp", "module", "occasion", "role", "id"),
)
#: Who holds a name: one row per workshop (``grp`` = "") and per protected group. The primary
#: key makes a claim atomic — of two tablets claiming one name at once, one insert wins and the
#: other fails, on SQLite and PostgreSQL alike. ``key_hash`` is the slow hash of the
#: facilitator's or the group's key; ``sealed_key`` a facilitator-added group's key, sealed
#: with the facilitator's key (see :mod:`kit.domain.access`).
claims = sa.Table(
    "claims", metadata,
    sa.Column("workshop", sa.String(200), primary_key=True),
    sa.Column("grp", sa.String(200), primary_key=True),
    sa.Column("key_hash", sa.String(200), nullable=False),
    sa.Column("sealed_key", sa.String(200), nullable=True),
    sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
)
#: Join codes (issue 15): a short code a person types, resolving to a workshop (``grp`` = "", the
#: "all participants" code) or to a group with its key, which is kept sealed with the code
#: itself (:func:`kit.domain.access.seal`), so the code opens without the facilitator. One code
#: per place (the unique ``workshop, grp``): a new key replaces the group's code, and the
#: primary key makes every code unique, so two kernels making codes at once never share one.
join_codes = sa.Table(
    "join_codes", metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("workshop", sa.String(200), nullable=False),
    sa.Column("grp", sa.String(200), nullable=False),
    sa.Column("sealed_key", sa.String(200), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("workshop", "grp", name="uq_join_codes_place"),
)
schema_info = sa.Table(
    "jamkit_schema", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.Integer, nullable=False),
)
SCHEMA_VERSION = 3
_PG_LOCK = 0x4A414D4B  # "JAMK": one advisory lock for the kit's schema changes


def default_url() -> str:
    """``JAMKIT_DB_URL`` if set, else a SQLite file in ``~/.jamkit/``."""
    url = os.environ.get(ENV_URL, "").strip()
    if url:
        return url
    folder = Path.home() / ".jamkit"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'jamkit.sqlite'}"


def _normalise_url(url: str) -> str:
    """Use psycopg 3 for plain PostgreSQL URLs.

    >>> _normalise_url("postgresql://u@h/db"), _normalise_url("postgres://u@h/db")
    ('postgresql+psycopg://u@h/db', 'postgresql+psycopg://u@h/db')
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str) -> sa.Engine:
    """The store's engine for a URL: on SQLite with the kit's transactions (WAL, ``BEGIN
    IMMEDIATE`` for a write, which :func:`migrate` relies on); on PostgreSQL with psycopg 3
    and a pool. No table is touched (:class:`Store` and ``python -m kit db migrate`` do that)."""
    url = _normalise_url(url)
    kwargs: dict = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = sa.pool.StaticPool
    else:
        kwargs.update(pool_pre_ping=True, pool_size=5, max_overflow=10, pool_timeout=60)
    engine = sa.create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


@dataclass(frozen=True)
class Revision:
    id: int
    saved_at: dt.datetime
    payload: dict


class JoinPlace(NamedTuple):
    """Where a join code leads: ``code``, ``workshop``, and for a group's code ``group`` and
    its ``key`` (as it is shown, ``K7QM-2XPA``); ``""`` for the workshop's own code."""

    code: str
    workshop: str
    group: str
    key: str


#: How often making a code is tried again after a conflict (a code taken, another kernel first).
_CODE_TRIES = 20


def _code_context(workshop: str, group: str) -> str:
    """What a key sealed with a join code is bound to: this code's workshop and group."""
    return f"join\x1f{workshop}\x1f{group}"


def _code_key(row) -> str:
    """The group key a join code's row holds (normalised), or ``""``."""
    return access.normalise_key(access.unseal(row.sealed_key, row.code, _code_context(row.workshop, row.grp)))


@dataclass(frozen=True)
class Record:
    """The latest revision of one form of a module: where it belongs and what it holds."""

    id: int
    saved_at: dt.datetime
    group: str
    occasion: str
    role: str
    version: str
    payload: dict


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _context(workshop: str, group: str) -> str:
    return f"{workshop}\x1f{group}"


def _records():
    """The self-assessment's records module (imported on first use: it imports the store)."""
    from kit.modules.selfassessment import records

    return records


def _surrogate(text: str) -> str | None:
    r"""The first lone UTF-16 surrogate in a text (the one thing UTF-8 cannot encode), or ``None``.

    >>> _surrogate("Örby"), _surrogate("halv \ud83d emoji")
    (None, '\ud83d')
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return text[exc.start]
    return None


def _storable(value) -> bool:
    r"""Whether a text could be in the database at all (no NUL, no lone surrogate).

    >>> _storable("Örby"), _storable("Ör\x00by"), _storable("\udc80"), _storable(7)
    (True, False, False, True)
    """
    return not (isinstance(value, str) and ("\x00" in value or _surrogate(value)))


def _reads(empty):
    """A read by names that cannot be stored finds nothing — without asking the database,
    whose driver would raise on them (PostgreSQL on a NUL, both on a lone surrogate)."""
    import functools

    def wrap(method):
        @functools.wraps(method)
        def read(self, *args, **kwargs):
            if not all(_storable(v) for v in (*args, *kwargs.values())):
                return empty()
            return method(self, *args, **kwargs)
        return read
    return wrap


def _check_payload(node, field: str = "comment", fields: frozenset | None = None) -> None:
    r"""Every text in a payload must be storable as UTF-8: a lone surrogate is refused
    (named by its key when that is a field the kit has a name for, ``errors.field_cap.*``);
    control characters JSON escapes.

    >>> _check_payload({"answers": {"3": {"comment": "ok", "actions": ["bra", "x\ud800"]}}})
    Traceback (most recent call last):
    kit.errors.InputError: Åtgärder innehåller ett trasigt tecken (en halv emoji, U+D800) som inte går att spara. Skriv texten utan det.
    """
    if fields is None:
        fields = frozenset(content.lookup("errors.field_cap"))
    if isinstance(node, dict):
        for key, value in node.items():
            _check_payload(key, field, fields)
            _check_payload(value, key if key in fields else field, fields)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _check_payload(value, field, fields)
    elif isinstance(node, str) and (bad := _surrogate(node)):
        raise InputError("text.surrogate", field=field, value=node, what=Msg(f"field_cap.{field}"),
                         code=f"U+{ord(bad):04X}")


class Store:
    """Append-only storage of the kit's work.

    Any module appends its records and reads the latest of each form back:

    >>> s = Store("sqlite://")
    >>> r = s.append(workshop="Kurs", group="Örby", module="notes", occasion="uppstart",
    ...              role="chef", version="", payload={"text": "hej"})
    >>> [(h.id, h.payload) for h in s.history("Kurs", "Örby", "uppstart", "chef", module="notes")]
    [(1, {'text': 'hej'})]

    The analyst's self-assessment calls go to :mod:`kit.modules.selfassessment.records`:

    >>> r = s.save_answers("Kurs", "Örby", "uppstart", "chef", {1: {"score": 3}})
    >>> s.load_answers("Kurs", "Örby", "uppstart", "chef")[1]["score"]
    3
    """

    def __init__(self, url: str | None = None):
        self.url = _normalise_url(url or default_url())
        self.sqlite = self.url.startswith("sqlite")
        self.engine = make_engine(self.url)
        try:
            migrate(self.engine)
        except sa.exc.DBAPIError as exc:
            if not _denied(exc):
                raise
            # a runtime role (issue 19) on a schema that is missing, old, or not granted to it
            try:
                with self.engine.connect() as conn:
                    role = conn.execute(sa.text("SELECT current_user")).scalar()
            except sa.exc.DBAPIError:
                role = self.engine.url.username or "?"
            self.engine.dispose()
            raise InputError("store.schema_owner", role=role) from exc

    @contextlib.contextmanager
    def _write(self):
        """A write transaction. On SQLite it takes the write lock at its start (BEGIN
        IMMEDIATE), so a check and the write that depends on it can never interleave with
        another writer's; on PostgreSQL the claims' primary key does that job."""
        with self.engine.connect() as conn:
            conn.execution_options(jamkit_write=True)
            with conn.begin():
                yield conn

    # -- generic revisions -------------------------------------------------------------
    def append(self, *, workshop: str, group: str, module: str, occasion: str, role: str,
               version: str, payload: dict) -> Revision:
        """Append one revision (any module's record). Names are checked first."""
        row = _checked_row(workshop, group, module, occasion, role, version, payload)
        with self._write() as conn:
            return self._insert(conn, **row)

    def append_many(self, workshop, rows: list[dict], *, claims_for: dict | None = None) -> list[Revision]:
        """Append many revisions of one workshop (rows with :meth:`append`'s keywords) in one
        transaction: every row is checked first, then either all are written or none.
        ``claims_for`` maps a new group's name to ``(key_hash, sealed_key)``: those names are
        claimed in the same transaction (with the group's "claimed" record), and if any was
        taken meanwhile nothing is written.

        >>> s = Store("sqlite://")
        >>> note = {"workshop": "Kurs", "group": "Örby", "module": "notes", "occasion": "uppstart",
        ...         "role": "", "version": "", "payload": {"text": "a"}}
        >>> [r.payload["text"] for r in s.append_many("Kurs", [note, {**note, "payload": {"text": "b"}}],
        ...                                           claims_for={"Örby": ("hash", None)})]
        ['a', 'b']
        >>> s.append_many("Kurs", [note], claims_for={"Örby": ("other", None)})
        Traceback (most recent call last):
        kit.errors.InputError: Namnet Örby tog en annan grupp i workshoppen Kurs alldeles nyss. Era svar finns kvar här, osparade: skriv in gruppens nyckel om ni hör till den gruppen, eller välj ett annat namn och spara igen.
        >>> s.append_many("Kurs", [note, {**note, "role": "r" * 41}])
        Traceback (most recent call last):
        kit.errors.InputError: Roll får vara högst 40 tecken (41 nu).
        >>> s.count(), s.group_record("Kurs", "Örby")["key_hash"]  # two notes and one claim
        (3, 'hash')
        """
        workshop = sc.parse_name(workshop, "workshop")
        checked = [_checked_row(**row) for row in rows]
        strays = {row["workshop"] for row in checked} - {workshop}
        if strays:
            raise ValueError(f"rows of other workshops than {workshop!r}: {sorted(strays)!r}")
        with self._write() as conn:
            for group, (key_hash, sealed) in (claims_for or {}).items():
                group = sc.parse_name(group)
                if not self._claim(conn, workshop, group, key_hash, sealed):
                    raise InputError("store.group_taken", field="organisation", group=group,
                                     workshop=workshop)
                self._insert(conn, workshop, group, GROUP, "", "", "", {"event": "claimed"})
            return [self._insert(conn, **row) for row in checked]

    @staticmethod
    def _insert(conn, workshop, group, module, occasion, role, version, payload) -> Revision:
        saved_at = _now()
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        result = conn.execute(revisions.insert().values(
            workshop=workshop, grp=group, module=module, occasion=occasion, role=role,
            version=version, payload=text, saved_at=saved_at))
        return Revision(int(result.inserted_primary_key[0]), saved_at, payload)

    def _latest_ids(self, **where):
        cols = revisions.c
        keys = [cols.workshop, cols.grp, cols.module, cols.occasion, cols.role]
        query = sa.select(sa.func.max(cols.id).label("id")).group_by(*keys)
        for name, value in where.items():
            if value is not None:
                query = query.where(getattr(cols, name) == value)
        return query.subquery()

    @_reads(list)
    def history(self, workshop, group, occasion, role, module=SELF_ASSESSMENT) -> list[Revision]:
        """Every saved revision for one form of ``module``, oldest first (the module defaults
        to the self-assessment's record, for the analyst's calls)."""
        cols = revisions.c
        query = (sa.select(cols.id, cols.saved_at, cols.payload)
                 .where(cols.workshop == workshop, cols.grp == group, cols.module == module,
                        cols.occasion == occasion, cols.role == (role or ""))
                 .order_by(cols.id))
        with self.engine.connect() as conn:
            return [Revision(r.id, _aware(r.saved_at), json.loads(r.payload)) for r in conn.execute(query)]

    @_reads(list)
    def latest(self, workshop, module: str, group=None) -> list[Record]:
        """The latest revision of every form (group, occasion, role) of ``module`` in a
        workshop — or of one group — oldest first; a deleted group's forms are left out.

        This is the query every module's records build on: the store knows nothing of what
        a payload holds.

        >>> s = Store("sqlite://")
        >>> _ = s.append(workshop="Kurs", group="Örby", module="notes", occasion="uppstart",
        ...              role="", version="", payload={"text": "a"})
        >>> _ = s.append(workshop="Kurs", group="Örby", module="notes", occasion="uppstart",
        ...              role="", version="", payload={"text": "b"})
        >>> [(r.group, r.payload["text"]) for r in s.latest("Kurs", "notes")]
        [('Örby', 'b')]
        """
        latest = self._latest_ids(workshop=workshop, grp=group, module=module)
        cols = revisions.c
        query = (sa.select(cols.id, cols.saved_at, cols.grp, cols.occasion, cols.role, cols.version,
                           cols.payload).join(latest, latest.c.id == cols.id).order_by(cols.id))
        hidden = self.deleted_groups(workshop)
        with self.engine.connect() as conn:
            return [Record(r.id, _aware(r.saved_at), r.grp, r.occasion, r.role, r.version,
                           json.loads(r.payload)) for r in conn.execute(query) if r.grp not in hidden]

    @_reads(lambda: (0, 0))
    def changes(self, workshop: str) -> tuple[int, int]:
        """A fingerprint of everything saved in a workshop: how many revisions and the newest.

        Revisions are only ever added, so the count grows with every commit — also one that
        commits after a revision with a higher id (PostgreSQL hands out ids before commit) —
        and polling this cannot miss a save.
        """
        cols = revisions.c
        query = sa.select(sa.func.count(), sa.func.max(cols.id)).where(cols.workshop == workshop)
        with self.engine.connect() as conn:
            count, newest = conn.execute(query).one()
        return int(count or 0), int(newest or 0)

    def last_revision_id(self, workshop: str) -> int:
        """The newest revision id of a workshop (0 if none). To poll, use :meth:`changes`."""
        return self.changes(workshop)[1]

    # -- claims: who holds a name ----------------------------------------------------------
    def _claim_row(self, conn, workshop: str, group: str):
        return conn.execute(sa.select(claims).where(claims.c.workshop == workshop,
                                                    claims.c.grp == group)).first()

    def _claim(self, conn, workshop: str, group: str, key_hash: str, sealed_key=None) -> bool:
        """Insert a claim; False when somebody holds the name already (never raises for it)."""
        if self._claim_row(conn, workshop, group) is not None:
            return False
        try:
            with conn.begin_nested():
                conn.execute(claims.insert().values(workshop=workshop, grp=group, key_hash=key_hash,
                                                    sealed_key=sealed_key, claimed_at=_now()))
        except sa.exc.IntegrityError:
            return False  # another writer won the same name a moment ago
        return True

    # -- workshops (records in the same append-only log) ----------------------------------
    @_reads(lambda: None)
    def _latest_payload(self, workshop: str, module: str, group: str = "", conn=None) -> dict | None:
        cols = revisions.c
        query = (sa.select(cols.payload)
                 .where(cols.workshop == workshop, cols.module == module, cols.grp == group,
                        cols.occasion == "", cols.role == "")
                 .order_by(cols.id.desc()).limit(1))
        if conn is None:
            with self.engine.connect() as own:
                row = own.execute(query).first()
        else:
            row = conn.execute(query).first()
        return json.loads(row.payload) if row else None

    def create_workshop(self, name, *, lang: str = "sv", occasions: list | None = None,
                        facilitator_key_hash: str, **extra) -> Revision:
        """Create a workshop under a new name, atomically: of two facilitators creating the
        same name at once, one gets it and the other an :class:`InputError`."""
        name = sc.parse_name(name, "workshop")
        payload = self._workshop_payload(name, lang, occasions, extra)
        with self._write() as conn:
            if not self._claim(conn, name, "", facilitator_key_hash):
                raise InputError("store.workshop_taken", field="workshop", workshop=name)
            return self._insert(conn, name, "", WORKSHOP, "", "", "", payload)

    @staticmethod
    def _workshop_payload(name, lang, occasions, extra) -> dict:
        checked = []
        for o in occasions or [{"key": o, "date": ""} for o in sc.DEFAULT_OCCASIONS]:
            checked.append({"key": sc.parse_occasion(o.get("key")),
                            "date": sc.shown(o.get("date") or "", 10)})
        payload = {"name": name, "lang": "en" if lang == "en" else "sv", "occasions": checked, **extra}
        _check_payload(payload, "workshop")  # before any write: the claim and the row go together
        return payload

    def save_workshop(self, name, *, lang: str = "sv", occasions: list | None = None,
                      facilitator_key_hash: str | None = None, **extra) -> Revision:
        """Change a workshop's settings (a new revision); a new name is created (and claimed)."""
        name = sc.parse_name(name, "workshop")
        payload = self._workshop_payload(name, lang, occasions, extra)
        with self._write() as conn:
            if self._claim_row(conn, name, "") is None:
                if not facilitator_key_hash:
                    raise InputError("store.workshop_missing", field="workshop", workshop=name)
                self._claim(conn, name, "", facilitator_key_hash)
            return self._insert(conn, name, "", WORKSHOP, "", "", "", payload)

    def _with_key(self, record: dict | None, workshop: str) -> dict | None:
        if record is None:
            return None
        with self.engine.connect() as conn:
            claim = self._claim_row(conn, workshop, "")
        return {**record, "facilitator_key_hash": claim.key_hash if claim else None}

    @_reads(lambda: None)
    def workshop_record(self, name) -> dict | None:
        """The workshop's current settings (and its key's hash), or ``None`` if it has none or
        was deleted."""
        name = str(name or "")
        record = self._latest_payload(name, WORKSHOP)
        if not record or record.get("deleted"):
            return None
        return self._with_key(record, name)

    def delete_workshop(self, name) -> Revision:
        """Hide a workshop. Everything stays in the log; :meth:`restore_workshop` undoes it."""
        record = self._latest_payload(str(name or ""), WORKSHOP) or {}
        return self.append(workshop=name, group="", module=WORKSHOP, occasion="", role="", version="",
                           payload={"deleted": True, "previous": record})

    @_reads(lambda: None)
    def deleted_workshop(self, name) -> dict | None:
        """A deleted workshop's last settings (and key hash), or ``None`` if it is not deleted."""
        name = str(name or "")
        record = self._latest_payload(name, WORKSHOP)
        if not record or not record.get("deleted"):
            return None
        return self._with_key(record.get("previous") or {}, name)

    def restore_workshop(self, name) -> Revision:
        previous = self._latest_payload(str(name or ""), WORKSHOP) or {}
        return self.append(workshop=name, group="", module=WORKSHOP, occasion="", role="", version="",
                           payload=previous.get("previous") or {})

    # -- groups ----------------------------------------------------------------------------
    @_reads(lambda: None)
    def group_record(self, workshop, group) -> dict | None:
        """``None`` for a name nobody holds; else ``{"key_hash", "sealed_key"}`` and
        ``"deleted": True`` while the facilitator has removed the group."""
        workshop, group = str(workshop or ""), str(group or "")
        with self.engine.connect() as conn:
            claim = self._claim_row(conn, workshop, group)
            latest = self._latest_payload(workshop, GROUP, group, conn=conn)
        if claim is None and latest is None:
            return None
        record = {"key_hash": claim.key_hash if claim else None,
                  "sealed_key": claim.sealed_key if claim else None}
        if latest and latest.get("deleted"):
            record["deleted"] = True
        return record

    def group(self, workshop, group, key="") -> GroupAccess:
        """The one door to a group's answers for a participant's page (see :class:`GroupAccess`)."""
        return GroupAccess(self, workshop, group, key)

    def claim_group(self, workshop, group, key_hash: str, *, sealed_key: str | None = None) -> Revision:
        """Protect a group's name in a workshop with a key (its slow hash). A group the
        facilitator adds also keeps its key sealed with the facilitator's key, so that its join
        link can be shown again. Raises :class:`InputError` if the name is taken."""
        workshop = sc.parse_name(workshop, "workshop")
        group = sc.parse_name(group, "organisation")
        with self._write() as conn:
            if not self._claim(conn, workshop, group, key_hash, sealed_key):
                raise InputError("store.group_exists", field="organisation", group=group)
            return self._insert(conn, workshop, group, GROUP, "", "", "", {"event": "claimed"})

    def reissue_group_key(self, workshop, group, key_hash: str, *,
                          sealed_key: str | None = None) -> Revision:
        """Give a group a new key (the old one, and every link that carries it, stops working)."""
        workshop, group = sc.parse_name(workshop, "workshop"), sc.parse_name(group)
        with self._write() as conn:
            if self._claim_row(conn, workshop, group) is None:
                raise InputError("store.no_group", field="organisation", group=group)
            conn.execute(claims.update().where(claims.c.workshop == workshop, claims.c.grp == group)
                         .values(key_hash=key_hash, sealed_key=sealed_key))
            return self._insert(conn, workshop, group, GROUP, "", "", "", {"event": "key_reissued"})

    def delete_group(self, workshop, group) -> Revision:
        """Hide a group from the workshop. Its answers stay in the log; :meth:`restore_group` undoes."""
        return self.append(workshop=workshop, group=group, module=GROUP, occasion="", role="",
                           version="", payload={"deleted": True})

    def restore_group(self, workshop, group) -> Revision:
        return self.append(workshop=workshop, group=group, module=GROUP, occasion="", role="",
                           version="", payload={"event": "restored"})

    @_reads(set)
    def deleted_groups(self, workshop) -> set[str]:
        latest = self._latest_ids(workshop=workshop, module=GROUP)
        cols = revisions.c
        query = sa.select(cols.grp, cols.payload).join(latest, latest.c.id == cols.id)
        with self.engine.connect() as conn:
            return {r.grp for r in conn.execute(query) if json.loads(r.payload).get("deleted")}

    # -- the self-assessment: the analyst's API, delegated to its records module ------------
    def saved_overview(self, workshop) -> pd.DataFrame:
        """:func:`kit.modules.selfassessment.records.saved_overview` of this store."""
        return _records().saved_overview(self, workshop)

    def save_answers(self, workshop, group, occasion, role, answers: dict, version=None) -> Revision:
        """:func:`kit.modules.selfassessment.records.save_answers` to this store (no key check)."""
        return _records().save_answers(self, workshop, group, occasion, role, answers, version)

    def load_answers(self, workshop, group, occasion, role) -> dict | None:
        """:func:`kit.modules.selfassessment.records.load_answers` from this store."""
        return _records().load_answers(self, workshop, group, occasion, role)

    def answers_frame(self, workshop, group=None) -> pd.DataFrame:
        """:func:`kit.modules.selfassessment.records.answers_frame` of this store."""
        return _records().answers_frame(self, workshop, group)

    def import_answers(self, workshop, answers: pd.DataFrame, *, claims_for: dict | None = None) -> int:
        """:func:`kit.modules.selfassessment.records.import_answers` into this store."""
        return _records().import_answers(self, workshop, answers, claims_for=claims_for)

    def workshops(self, include_deleted: bool = False) -> list[str]:
        """The workshops' names (a deleted workshop only with ``include_deleted``)."""
        with self.engine.connect() as conn:
            names = sorted(r[0] for r in conn.execute(sa.select(revisions.c.workshop).distinct()))
        if include_deleted:
            return names
        latest = self._latest_ids(module=WORKSHOP)
        query = sa.select(revisions.c.workshop, revisions.c.payload).join(latest, latest.c.id == revisions.c.id)
        with self.engine.connect() as conn:
            hidden = {r.workshop for r in conn.execute(query) if json.loads(r.payload).get("deleted")}
        return [n for n in names if n not in hidden]

    @_reads(list)
    def groups(self, workshop: str) -> list[str]:
        """The groups of a workshop (added by the facilitator or saved by themselves)."""
        query = (sa.select(revisions.c.grp).where(revisions.c.workshop == workshop,
                                                  revisions.c.grp != "").distinct())
        hidden = self.deleted_groups(workshop)
        with self.engine.connect() as conn:
            return sorted(r[0] for r in conn.execute(query) if r[0] not in hidden)

    # -- join codes (issue 15) ---------------------------------------------------------------
    def join_code(self, workshop, group: str = "", key=None) -> str:
        """The code that joins ``workshop`` (``group`` "") or one ``group`` with its ``key``
        (:func:`kit.domain.access.new_join_code`): made the first time it is asked for, the
        same one after that, and a new one when the group's key is new (the old code stops
        working). Atomic: of two kernels asking at once both get the same code, and a code is
        never given to two places (insert, and on a conflict read again and retry).

        >>> s = Store("sqlite://")
        >>> _ = s.create_workshop("Kurs", facilitator_key_hash=access.hash_key("f"))
        >>> _ = s.claim_group("Kurs", "Örby", access.hash_key("K7QM-2XPA"))
        >>> code = s.join_code("Kurs", "Örby", "K7QM-2XPA")
        >>> code == s.join_code("Kurs", "Örby", "k7qm2xpa"), s.resolve_code(code).key
        (True, 'K7QM-2XPA')
        >>> s.resolve_code(s.join_code("Kurs"))[1:]
        ('Kurs', '', '')
        """
        workshop = sc.parse_name(workshop, "workshop")
        group = sc.parse_name(group, "organisation") if group else ""
        want = access.normalise_key(key) if group else ""
        if group and not want:
            raise ValueError("a group's join code needs the group's key")
        cols = join_codes.c
        for _ in range(_CODE_TRIES):
            with self._write() as conn:
                row = conn.execute(sa.select(join_codes).where(cols.workshop == workshop,
                                                               cols.grp == group)).first()
                if row is not None and (not group or _code_key(row) == want):
                    return row.code
                code = access.new_join_code()
                sealed = access.seal(want, code, _code_context(workshop, group)) if group else None
                try:
                    with conn.begin_nested():
                        if row is not None:  # the group's key is new: its old code goes
                            conn.execute(join_codes.delete().where(cols.code == row.code))
                        conn.execute(join_codes.insert().values(code=code, workshop=workshop, grp=group,
                                                                sealed_key=sealed, created_at=_now()))
                except sa.exc.IntegrityError:
                    continue  # the code was taken, or another kernel made this place's code
                return code
        raise RuntimeError(f"no free join code after {_CODE_TRIES} tries")

    def join_codes_for(self, workshop, keys: dict) -> dict[str, str]:
        """The codes of a workshop (``""``) and of each group in ``keys`` (group → its key),
        as :meth:`join_code` gives them, with one read when they all exist already (the
        facilitator's page asks on every redraw of its links)."""
        with self.engine.connect() as conn:
            rows = {r.grp: r for r in conn.execute(sa.select(join_codes)
                                                   .where(join_codes.c.workshop == str(workshop)))}
        found = {}
        for group in ["", *keys]:
            row = rows.get(group)
            if row is not None and (not group or _code_key(row) == access.normalise_key(keys[group])):
                found[group] = row.code
            else:
                found[group] = self.join_code(workshop, group, keys.get(group))
        return found

    @_reads(lambda: None)
    def resolve_code(self, typed) -> JoinPlace | None:
        """Where a typed join code leads (``"4821 7730"``, with or without spaces or dashes):
        its workshop, and for a group's code the group and its key; ``None`` for a code that
        is not one, or no longer works — its workshop or group removed, or the group given a
        new key (the key sealed with the code no longer opens the group)."""
        code = access.normalise_code(typed)
        if not code:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(join_codes).where(join_codes.c.code == code)).first()
        return self._live_code(row) if row is not None else None

    @_reads(dict)
    def join_codes(self, workshop) -> dict[str, str]:
        """The working codes of a workshop: group → code (``""`` → the workshop's own code).
        The projector's view shows these without holding any key."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(join_codes).where(join_codes.c.workshop == str(workshop))).all()
        return {row.grp: row.code for row in rows if self._live_code(row) is not None}

    def drop_join_code(self, workshop, group: str = "") -> None:
        """The code of a place stops working (a group the facilitator removes)."""
        with self._write() as conn:
            conn.execute(join_codes.delete().where(join_codes.c.workshop == str(workshop),
                                                   join_codes.c.grp == str(group or "")))

    def _live_code(self, row) -> JoinPlace | None:
        if self.workshop_record(row.workshop) is None:
            return None
        if not row.grp:
            return JoinPlace(row.code, row.workshop, "", "")
        key = _code_key(row)
        record = self.group_record(row.workshop, row.grp)
        if not key or not record or record.get("deleted") or not access.key_matches(key, record.get("key_hash")):
            return None
        return JoinPlace(row.code, row.workshop, row.grp, access.display_key(key))

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(revisions)).scalar())

    def dispose(self) -> None:
        self.engine.dispose()


class GroupAccess:
    """A participant's door to one group: every read and every write checks the key first.

    The state is looked up anew on each call, so a group the facilitator removes, or gives
    a new key, closes at once. A save under a name nobody holds claims it in the same
    transaction as the answers, with the page's key or a new one (returned once, to show).

    >>> s = Store("sqlite://")
    >>> mine = s.group("Kurs", "Örby")
    >>> revision, key = mine.save("uppstart", "chef", {1: {"score": 3}})
    >>> len(key), s.group("Kurs", "Örby", key).load("uppstart", "chef")[1]["score"]
    (9, 3)
    >>> s.group("Kurs", "Örby", "fel").answers()
    Traceback (most recent call last):
    kit.errors.InputError: Gruppen Örby är skyddad med en gruppnyckel. Skriv in nyckeln för att se och spara gruppens svar.
    """

    def __init__(self, store: Store, workshop, group, key=""):
        self.store = store
        self.workshop = " ".join(str(workshop or "").split())
        self.name = " ".join(str(group or "").split())
        self.key = access.normalise_key(key)

    @property
    def state(self) -> str:
        """``"new"``, ``"open"``, ``"locked"`` or ``"deleted"`` (:func:`access.group_state`)."""
        return access.group_state(self.store.group_record(self.workshop, self.name), self.key)

    def require(self) -> str:
        """The state, if the page may read and write; else the reason as an :class:`InputError`."""
        state = self.state
        if state in ("locked", "deleted"):
            raise InputError(f"store.group_{state}", field="organisation", group=self.name)
        return state

    # -- the self-assessment (the analyst's API; its records module holds the logic) --------
    def load(self, occasion, role) -> dict | None:
        """This group's latest self-assessment form (:meth:`Store.load_answers`), key checked."""
        self.require()
        return self.store.load_answers(self.workshop, self.name, occasion, role)

    def answers(self) -> pd.DataFrame:
        """This group's latest self-assessment answers (:meth:`Store.answers_frame`), key checked."""
        self.require()
        return self.store.answers_frame(self.workshop, self.name)

    def save(self, occasion, role, answers: dict, version=None):
        """Save one self-assessment form (:func:`kit.modules.selfassessment.records.form_row`);
        returns ``(revision, new_key)`` — ``new_key`` is set only when this save claimed the
        name with a key made for it."""
        return self.save_row(_records().form_row(self.workshop, self.name, occasion, role,
                                                 answers, version))

    # -- any module's records ------------------------------------------------------------------

    def save_payload(self, module: str, occasion, role, payload: dict, version: str = ""):
        """Save any module's record for this group, under the same key rules as the
        self-assessment; returns ``(revision, new_key)`` like :meth:`save`.

        >>> s = Store("sqlite://")
        >>> revision, key = s.group("Kurs", "Örby").save_payload("notes", "uppstart", "", {"n": 1})
        >>> s.group("Kurs", "Örby", key).latest("notes", "uppstart", "").payload
        {'n': 1}
        """
        row = _checked_row(self.workshop, self.name, module, occasion, role, version, payload)
        row["group"] = sc.parse_name(row["group"], "organisation")
        return self.save_row(row)

    def latest(self, module: str, occasion, role="") -> Revision | None:
        """This group's latest record of ``module`` at ``occasion`` (and ``role``), or ``None``."""
        self.require()
        found = self.store.history(self.workshop, self.name, occasion, role or "", module=module)
        return found[-1] if found else None

    def records(self, module: str) -> list[Record]:
        """This group's latest record of ``module`` at every occasion and role."""
        self.require()
        return self.store.latest(self.workshop, module, group=self.name)

    def save_row(self, row: dict):
        """Append a checked row (:func:`_checked_row`) for this group — claiming the name in
        the same transaction when nobody holds it; returns ``(revision, new_key)``."""
        workshop, group = row["workshop"], row["group"]
        made = None
        with self.store._write() as conn:
            claim = self.store._claim_row(conn, workshop, group)
            latest = self.store._latest_payload(workshop, GROUP, group, conn=conn)
            if latest and latest.get("deleted"):
                raise InputError("store.group_deleted", field="organisation", group=group)
            if claim is None:
                key = self.key or access.normalise_key(access.new_group_key())
                if not self.store._claim(conn, workshop, group, access.hash_key(key)):
                    raise InputError("store.group_taken", field="organisation", group=group,
                                     workshop=workshop)
                self.store._insert(conn, workshop, group, GROUP, "", "", "", {"event": "claimed"})
                made = None if self.key else access.display_key(key)
            elif not access.key_matches(self.key, claim.key_hash):
                raise InputError("store.group_locked", field="organisation", group=group)
            revision = self.store._insert(conn, **row)
        if made:
            self.key = access.normalise_key(made)
        return revision, made


def _checked_row(workshop, group, module, occasion, role, version, payload) -> dict:
    """Check a generic revision's names and payload before the database sees them."""
    _check_payload(payload)
    return {"workshop": sc.parse_name(workshop, "workshop"),
            "group": sc.clean_text(group, "organisation", sc.NAME_LIMIT),
            "module": sc.clean_text(module, "name", 40),
            "occasion": sc.clean_text(occasion, "occasion", sc.OCCASION_LIMIT),
            "role": sc.clean_text(role, "role", 40),
            "version": sc.clean_text(version, "version", 40),
            "payload": payload}


# -- schema: created and migrated safely while many kernels start at once ----------------
def _current_version(conn) -> int | None:
    """The schema's version, or ``None`` when there is no ``jamkit_schema`` table. A role
    that may not read it is an error (:func:`_denied`), never "no schema": it must not go on
    to try to create the tables."""
    try:
        return conn.execute(sa.select(schema_info.c.version).where(schema_info.c.id == 1)).scalar()
    except sa.exc.DBAPIError as exc:
        if _denied(exc):
            raise
        return None


def schema_version(engine) -> int | None:
    """The store's schema version at ``engine``, or ``None`` for a database without the
    kit's tables.

    >>> engine = sa.create_engine("sqlite://")
    >>> schema_version(engine), migrate(engine), schema_version(engine)
    (None, 3, 3)
    """
    with engine.connect() as conn:
        return _current_version(conn)


def _denied(exc: sa.exc.DBAPIError) -> bool:
    """Whether PostgreSQL refused a statement for want of a privilege (SQLSTATE 42501,
    ``insufficient_privilege``: no CREATE on the schema, not the table's owner, no grant)."""
    orig = getattr(exc, "orig", None)
    return (getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)) == "42501"


def _migrate_1_to_2(conn) -> None:
    """Keys move out of the log into ``claims``; plain keys kept before are removed."""
    cols = revisions.c
    rows = conn.execute(sa.select(cols.id, cols.workshop, cols.grp, cols.module, cols.payload)
                        .where(cols.module.in_([WORKSHOP, GROUP])).order_by(cols.id)).all()
    hashes: dict[tuple, str] = {}
    for r in rows:
        payload = json.loads(r.payload)
        found = payload.get("key_hash") or payload.get("facilitator_key_hash")
        previous = payload.get("previous") or {}
        found = found or previous.get("key_hash") or previous.get("facilitator_key_hash")
        if found:
            hashes[(r.workshop, r.grp)] = found
        if r.module == GROUP and ("key" in payload or "key" in previous):
            payload.pop("key", None)
            previous.pop("key", None)
            conn.execute(revisions.update().where(cols.id == r.id)
                         .values(payload=json.dumps(payload, ensure_ascii=False, sort_keys=True)))
    for (workshop, group), key_hash in hashes.items():
        exists = conn.execute(sa.select(claims.c.grp).where(claims.c.workshop == workshop,
                                                           claims.c.grp == group)).first()
        if exists is None:
            conn.execute(claims.insert().values(workshop=workshop, grp=group, key_hash=key_hash,
                                                sealed_key=None, claimed_at=_now()))


def _migrate_2_to_3(conn) -> None:
    """Join codes: the table is new (``create_all`` has just made it); nothing moves."""
    assert sa.inspect(conn).has_table("join_codes")


MIGRATIONS = {2: _migrate_1_to_2, 3: _migrate_2_to_3}


def migrate(engine) -> int:
    """Create or upgrade the kit's tables to :data:`SCHEMA_VERSION`; safe when many kernels
    do it at the same moment (one lock: ``BEGIN IMMEDIATE`` on SQLite, an advisory lock on
    PostgreSQL), and cheap when nothing is to be done. Returns the version found before."""
    with engine.connect() as conn:
        found = _current_version(conn)
    if found == SCHEMA_VERSION:
        return found
    if found is not None and found > SCHEMA_VERSION:
        raise RuntimeError(f"the store's schema {found} is newer than this kit's {SCHEMA_VERSION}")
    with engine.connect() as conn:
        conn.execution_options(jamkit_write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
            had_revisions = sa.inspect(conn).has_table("revisions")
            metadata.create_all(conn, checkfirst=True)
            found = _current_version(conn)
            if found is None:
                found = 1 if had_revisions else SCHEMA_VERSION
                conn.execute(schema_info.insert().values(id=1, version=found))
            for version in range(found + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[version](conn)
            if found < SCHEMA_VERSION:
                conn.execute(schema_info.update().where(schema_info.c.id == 1)
                             .values(version=SCHEMA_VERSION))
    return found


# -- two PostgreSQL roles on a region's hub (issue 19) -----------------------------------
#: What the apps' servers do at run time, and nothing more — the privileges of the runtime
#: role (:func:`runtime_grants`). Every statement outside :func:`migrate` and its migrations:
#:
#: * ``revisions``: SELECT (every read), INSERT (``_insert``: every save, a workshop's or a
#:   group's record, a deletion and its undoing — all appended, never changed in place);
#: * ``claims``: SELECT (``_claim_row``), INSERT (``_claim``), UPDATE (``reissue_group_key``);
#: * ``join_codes``: SELECT (``resolve_code``, ``join_codes``), INSERT (``join_code``),
#:   DELETE (``join_code`` replacing a group's code after a new key, ``drop_join_code``);
#: * ``jamkit_schema``: SELECT (:func:`migrate`'s check that the schema is current);
#: * the sequence of ``revisions.id``: USAGE (``nextval`` on an insert).
RUNTIME_TABLES: dict[str, tuple[str, ...]] = {
    "revisions": ("SELECT", "INSERT"),
    "claims": ("SELECT", "INSERT", "UPDATE"),
    "join_codes": ("SELECT", "INSERT", "DELETE"),
    "jamkit_schema": ("SELECT",),
}
RUNTIME_SEQUENCES: dict[str, tuple[str, ...]] = {"revisions_id_seq": ("USAGE",)}
#: Every privilege a table can have (to check that the runtime role holds no more).
_TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
_ROLE = re.compile(r"[a-z_][a-z0-9_]*")


def role_name(role) -> str:
    """A PostgreSQL role's name, if it is a plain identifier: lower-case letters ``a–z``,
    digits and ``_``, not starting with a digit, at most 63 characters — the name means the
    same quoted or not, and cannot carry any SQL. ``public`` (everybody) and the reserved
    ``pg_`` names are refused.

    >>> role_name("jamkit_app")
    'jamkit_app'
    >>> role_name('app"; DROP TABLE revisions; --')
    Traceback (most recent call last):
    kit.errors.InputError: Rollens namn 'app"; DROP TABLE revisions; --' går inte att använda: skriv ett enkelt namn med små bokstäver a–z, siffror och _ (högst 63 tecken, inte public eller pg_…), till exempel jamkit_app.
    >>> role_name("Public")
    Traceback (most recent call last):
    kit.errors.InputError: Rollens namn 'Public' går inte att använda: skriv ett enkelt namn med små bokstäver a–z, siffror och _ (högst 63 tecken, inte public eller pg_…), till exempel jamkit_app.
    """
    text = "" if role is None else str(role)
    if (not _ROLE.fullmatch(text) or len(text) > 63 or text == "public"
            or text.startswith("pg_")):
        raise InputError("db.role_invalid", field="name", value=text, shown=sc.shown(text, 80))
    return text


def runtime_grants(role) -> list[str]:
    """The SQL that gives the runtime role ``role`` exactly :data:`RUNTIME_TABLES` and
    :data:`RUNTIME_SEQUENCES`: first everything it had on the kit's tables is revoked, so a
    second run (after an upgrade) leaves exactly these. Run it as the tables' owner, after
    :func:`migrate`. ``role`` is checked by :func:`role_name` and quoted.

    >>> for statement in runtime_grants("jamkit_app"):
    ...     print(statement + ";")
    REVOKE ALL ON TABLE revisions, claims, join_codes, jamkit_schema FROM "jamkit_app";
    REVOKE ALL ON SEQUENCE revisions_id_seq FROM "jamkit_app";
    GRANT SELECT, INSERT ON TABLE revisions TO "jamkit_app";
    GRANT SELECT, INSERT, UPDATE ON TABLE claims TO "jamkit_app";
    GRANT SELECT, INSERT, DELETE ON TABLE join_codes TO "jamkit_app";
    GRANT SELECT ON TABLE jamkit_schema TO "jamkit_app";
    GRANT USAGE ON SEQUENCE revisions_id_seq TO "jamkit_app";
    """
    quoted = f'"{role_name(role)}"'
    return [f"REVOKE ALL ON TABLE {', '.join(RUNTIME_TABLES)} FROM {quoted}",
            f"REVOKE ALL ON SEQUENCE {', '.join(RUNTIME_SEQUENCES)} FROM {quoted}",
            *(f"GRANT {', '.join(privileges)} ON TABLE {table} TO {quoted}"
              for table, privileges in RUNTIME_TABLES.items()),
            *(f"GRANT {', '.join(privileges)} ON SEQUENCE {sequence} TO {quoted}"
              for sequence, privileges in RUNTIME_SEQUENCES.items())]


def grant_runtime(engine, role) -> tuple[list[str], list[str]]:
    """Run :func:`runtime_grants` (PostgreSQL; as the tables' owner) in one transaction and
    check the outcome: returns ``(statements, extra)`` — ``extra`` the privileges the role
    still holds beyond :data:`RUNTIME_TABLES` (as a superuser, the tables' owner, a member of
    their owner's role, or ``CREATE`` on the schema granted to everybody), which the
    administrator should take away. Raises :class:`InputError` when the role does not exist
    or did not get every privilege (PostgreSQL refuses, or only warns, when a role that does
    not own the tables grants)."""
    role = role_name(role)
    statements = runtime_grants(role)
    with engine.connect() as conn, conn.begin():
        if conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first() is None:
            raise InputError("db.role_missing", field="name", value=role, role=role)
        who = conn.execute(sa.text("SELECT current_user")).scalar()
        try:
            for statement in statements:
                conn.execute(sa.text(statement))
        except sa.exc.DBAPIError as exc:
            if not _denied(exc):
                raise
            raise InputError("db.grant_denied", role=role, who=who) from None
        missing, extra = runtime_privileges(conn, role)
    if missing:
        raise InputError("db.grant_incomplete", role=role, missing=", ".join(missing))
    return statements, extra


def runtime_privileges(conn, role: str) -> tuple[list[str], list[str]]:
    """What ``role`` lacks of :data:`RUNTIME_TABLES` and :data:`RUNTIME_SEQUENCES`, and what
    it holds beyond them (on the kit's tables, and ``CREATE`` on the tables' schema), as
    ``"PRIVILEGE table"`` texts (PostgreSQL's ``has_*_privilege``, which count inherited
    roles, ownership and superusers)."""
    missing, extra = [], []
    check = sa.text("SELECT has_table_privilege(:r, :t, :p)")
    for table, granted in RUNTIME_TABLES.items():
        for privilege in _TABLE_PRIVILEGES:
            has = conn.execute(check, {"r": role, "t": table, "p": privilege}).scalar()
            if privilege in granted and not has:
                missing.append(f"{privilege} {table}")
            elif has and privilege not in granted:
                extra.append(f"{privilege} {table}")
    check = sa.text("SELECT has_sequence_privilege(:r, :s, :p)")
    for sequence, granted in RUNTIME_SEQUENCES.items():
        for privilege in ("USAGE", "SELECT", "UPDATE"):
            has = conn.execute(check, {"r": role, "s": sequence, "p": privilege}).scalar()
            if privilege in granted and not has:
                missing.append(f"{privilege} {sequence}")
            elif has and privilege not in granted:
                extra.append(f"{privilege} {sequence}")
    schema = conn.execute(sa.text("SELECT n.nspname FROM pg_class c JOIN pg_namespace n "
                                  "ON n.oid = c.relnamespace WHERE c.oid = 'revisions'::regclass")).scalar()
    if conn.execute(sa.text("SELECT has_schema_privilege(:r, :s, 'CREATE')"),
                    {"r": role, "s": schema}).scalar():
        extra.append(f"CREATE ON SCHEMA {schema}")
    return missing, extra


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _sqlite_connect(dbapi_connection, _record) -> None:
    # SQLAlchemy's recipe for real transactions on pysqlite: the driver stays out of it and
    # _sqlite_begin says BEGIN (or BEGIN IMMEDIATE for a write) itself
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except Exception:  # noqa: BLE001 - another connection is changing it; it stays WAL
        pass
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn) -> None:
    immediate = conn.get_execution_options().get("jamkit_write")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


_default: Store | None = None
_lock = threading.Lock()


def default_store() -> Store:
    """The process-wide store at :func:`default_url` (created on first use)."""
    global _default
    with _lock:
        if _default is None or _default.url != _normalise_url(default_url()):
            _default = Store()
        return _default

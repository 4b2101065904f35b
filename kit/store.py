"""The kit's store: one small interface over SQLAlchemy Core.

SQLite in a file by default (WAL mode, nothing to start); PostgreSQL when a URL is given in
the environment variable ``JAMKIT_DB_URL`` (e.g. ``postgresql://user:pw@host/db``), for a
region's JupyterHub. Saves are appended as revisions and never updated in place, so every
earlier answer can be recovered; the latest revision is what is shown.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from kit.domain import scores as sc
from kit.errors import InputError

ENV_URL = "JAMKIT_DB_URL"
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


@dataclass(frozen=True)
class Revision:
    id: int
    saved_at: dt.datetime
    payload: dict


class Store:
    """Append-only storage of the kit's work.

    >>> s = Store("sqlite://")
    >>> r = s.save_answers("Kurs", "Örby", "uppstart", "chef", {1: {"score": 3}})
    >>> s.load_answers("Kurs", "Örby", "uppstart", "chef")[1]["score"]
    3
    """

    def __init__(self, url: str | None = None):
        self.url = _normalise_url(url or default_url())
        kwargs: dict = {"future": True}
        if self.url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
            if self.url in ("sqlite://", "sqlite:///:memory:"):
                kwargs["poolclass"] = sa.pool.StaticPool
        else:
            kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=20, pool_timeout=60)
        self.engine = sa.create_engine(self.url, **kwargs)
        if self.url.startswith("sqlite"):
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)

    # -- generic revisions -------------------------------------------------------------
    def append(self, *, workshop: str, group: str, module: str, occasion: str, role: str,
               version: str, payload: dict) -> Revision:
        with self.engine.begin() as conn:
            return self._insert(conn, workshop, group, module, occasion, role, version, payload)

    @staticmethod
    def _insert(conn, workshop, group, module, occasion, role, version, payload) -> Revision:
        saved_at = dt.datetime.now(dt.timezone.utc)
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

    def history(self, workshop, group, occasion, role, module=SELF_ASSESSMENT) -> list[Revision]:
        """Every saved revision for one form, oldest first."""
        cols = revisions.c
        query = (sa.select(cols.id, cols.saved_at, cols.payload)
                 .where(cols.workshop == workshop, cols.grp == group, cols.module == module,
                        cols.occasion == occasion, cols.role == (role or ""))
                 .order_by(cols.id))
        with self.engine.connect() as conn:
            return [Revision(r.id, _aware(r.saved_at), json.loads(r.payload)) for r in conn.execute(query)]

    # -- workshops and groups (records in the same append-only log) -----------------------
    def _latest_payload(self, workshop: str, module: str, group: str = "") -> dict | None:
        cols = revisions.c
        query = (sa.select(cols.payload)
                 .where(cols.workshop == workshop, cols.module == module, cols.grp == group,
                        cols.occasion == "", cols.role == "")
                 .order_by(cols.id.desc()).limit(1))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return json.loads(row.payload) if row else None

    def save_workshop(self, name, *, lang: str = "sv", occasions: list | None = None,
                      facilitator_key_hash: str, **extra) -> Revision:
        """Create or change a workshop (a new revision of its settings)."""
        name = sc.parse_name(name, "workshop")
        occasions = occasions or [{"key": o, "date": ""} for o in sc.DEFAULT_OCCASIONS]
        payload = {"name": name, "lang": lang, "occasions": occasions,
                   "facilitator_key_hash": facilitator_key_hash, **extra}
        return self.append(workshop=name, group="", module=WORKSHOP, occasion="", role="",
                           version="", payload=payload)

    def workshop_record(self, name) -> dict | None:
        """The workshop's current settings, or ``None`` if it has none or was deleted."""
        record = self._latest_payload(str(name or ""), WORKSHOP)
        return None if not record or record.get("deleted") else record

    def delete_workshop(self, name) -> Revision:
        """Hide a workshop. Everything stays in the log; :meth:`restore_workshop` undoes it."""
        record = self.workshop_record(name) or {}
        return self.append(workshop=name, group="", module=WORKSHOP, occasion="", role="", version="",
                           payload={"deleted": True, "previous": record})

    def deleted_workshop(self, name) -> dict | None:
        """A deleted workshop's last settings, or ``None`` if it is not deleted."""
        record = self._latest_payload(str(name or ""), WORKSHOP)
        return record.get("previous") if record and record.get("deleted") else None

    def restore_workshop(self, name) -> Revision:
        previous = self.deleted_workshop(name) or {}
        return self.append(workshop=name, group="", module=WORKSHOP, occasion="", role="", version="",
                           payload=previous)

    def group_record(self, workshop, group) -> dict | None:
        """The group's record (``{"key_hash": ...}``), ``None`` if unclaimed; deleted → ``{"deleted": True}``."""
        return self._latest_payload(str(workshop or ""), GROUP, str(group or ""))

    def claim_group(self, workshop, group, key_hash: str, key: str | None = None) -> Revision:
        """Protect a group's name in a workshop with a key. Only its hash is needed; a group the
        facilitator adds also keeps ``key``, so that its join link can be shown again."""
        workshop = sc.parse_name(workshop, "workshop")
        group = sc.parse_name(group, "organisation")
        payload = {"key_hash": key_hash} | ({"key": key} if key else {})
        return self.append(workshop=workshop, group=group, module=GROUP, occasion="", role="",
                           version="", payload=payload)

    def delete_group(self, workshop, group) -> Revision:
        """Hide a group from the workshop. Its answers stay in the log; :meth:`restore_group` undoes."""
        previous = self.group_record(workshop, group) or {}
        return self.append(workshop=workshop, group=group, module=GROUP, occasion="", role="",
                           version="", payload={"deleted": True, "previous": previous})

    def restore_group(self, workshop, group) -> Revision:
        previous = (self.group_record(workshop, group) or {}).get("previous") or {}
        return self.append(workshop=workshop, group=group, module=GROUP, occasion="", role="",
                           version="", payload=previous)

    def deleted_groups(self, workshop) -> set[str]:
        latest = self._latest_ids(workshop=workshop, module=GROUP)
        cols = revisions.c
        query = sa.select(cols.grp, cols.payload).join(latest, latest.c.id == cols.id)
        with self.engine.connect() as conn:
            return {r.grp for r in conn.execute(query) if json.loads(r.payload).get("deleted")}

    def saved_overview(self, workshop) -> pd.DataFrame:
        """When each group last saved, per occasion and role: columns organisation, occasion,
        role ("" = consensus), saved_at, scored (how many moments have a score)."""
        latest = self._latest_ids(workshop=workshop, module=SELF_ASSESSMENT)
        cols = revisions.c
        query = (sa.select(cols.grp, cols.occasion, cols.role, cols.saved_at, cols.payload)
                 .join(latest, latest.c.id == cols.id).order_by(cols.grp))
        hidden = self.deleted_groups(workshop)
        with self.engine.connect() as conn:
            rows = [{"organisation": r.grp, "occasion": r.occasion, "role": r.role,
                     "saved_at": _aware(r.saved_at),
                     "scored": sum(1 for a in json.loads(r.payload).get("answers", {}).values()
                                   if a.get("score"))}
                    for r in conn.execute(query) if r.grp not in hidden]
        return pd.DataFrame(rows, columns=["organisation", "occasion", "role", "saved_at", "scored"])

    # -- self-assessment ---------------------------------------------------------------
    def save_answers(self, workshop, group, occasion, role, answers: dict,
                     version: str = sc.DEFAULT_VERSION) -> Revision:
        """Validate and append one form: ``answers`` maps moment → {score, comment, actions}.

        Nothing is written if any answer is invalid.
        """
        row = self._form_row(workshop, group, occasion, role, answers, version)
        with self.engine.begin() as conn:
            return self._insert(conn, **row)

    @staticmethod
    def _form_row(workshop, group, occasion, role, answers: dict, version) -> dict:
        workshop = sc.parse_name(workshop, "workshop")
        group = sc.parse_name(group, "organisation")
        occasion = sc.parse_occasion(occasion)
        role_key = sc.parse_role(role) or ""
        clean = {}
        for moment, answer in answers.items():
            answer = answer or {}
            checked = sc.validate_answer(group, occasion, moment, answer.get("score"), role_key,
                                         answer.get("comment"), answer.get("actions"), version)
            if checked.score is None and not checked.comment and not checked.actions:
                continue
            clean[str(checked.moment)] = {"score": checked.score, "comment": checked.comment,
                                          "actions": checked.actions}
        return {"workshop": workshop, "group": group, "module": SELF_ASSESSMENT,
                "occasion": occasion, "role": role_key, "version": version or sc.DEFAULT_VERSION,
                "payload": {"answers": clean}}

    def load_answers(self, workshop, group, occasion, role) -> dict | None:
        """The latest saved form as ``{moment: {score, comment, actions}}``, or ``None``."""
        try:
            workshop, group = sc.parse_name(workshop, "workshop"), sc.parse_name(group)
            occasion, role_key = sc.parse_occasion(occasion), sc.parse_role(role) or ""
        except InputError:
            return None
        found = self.history(workshop, group, occasion, role_key)
        if not found:
            return None
        latest = found[-1]
        answers = {int(k): v for k, v in latest.payload.get("answers", {}).items()}
        answers["_saved_at"] = latest.saved_at
        answers["_revision"] = latest.id
        return answers

    def answers_frame(self, workshop, group=None) -> pd.DataFrame:
        """The latest answers of a workshop (or one group) in the long format of
        :func:`kit.read_scores`."""
        latest = self._latest_ids(workshop=workshop, grp=group, module=SELF_ASSESSMENT)
        cols = revisions.c
        query = (sa.select(cols.grp, cols.occasion, cols.role, cols.version, cols.payload)
                 .join(latest, latest.c.id == cols.id).order_by(cols.id))
        rows = []
        hidden = self.deleted_groups(workshop)
        with self.engine.connect() as conn:
            for r in conn.execute(query):
                if r.grp in hidden:
                    continue
                for moment, a in json.loads(r.payload).get("answers", {}).items():
                    rows.append(sc.Answer(r.grp, r.occasion, int(moment), a.get("score"),
                                          r.role or None, a.get("comment") or "",
                                          a.get("actions") or "", r.version))
        frame = sc.to_frame(rows)
        return frame.sort_values(["organisation", "occasion", "moment"], kind="stable",
                                 ignore_index=True) if len(frame) else frame

    def import_answers(self, workshop, answers: pd.DataFrame) -> int:
        """Append the answers of a file (long format) as revisions, one per form, in one
        transaction: either every form is written or none. Returns the number of forms."""
        rows = []
        roles = answers["role"].map(lambda r: r if isinstance(r, str) else "")
        for (org, occ, role), part in answers.groupby(
                [answers["organisation"], answers["occasion"], roles], sort=False):
            form = {int(a.moment): {"score": None if pd.isna(a.score) else int(a.score),
                                    "comment": a.comment, "actions": a.actions}
                    for a in part.itertuples()}
            rows.append(self._form_row(workshop, org, occ, role or None, form, part["version"].iloc[0]))
        with self.engine.begin() as conn:
            for row in rows:
                self._insert(conn, **row)
        return len(rows)

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

    def groups(self, workshop: str) -> list[str]:
        """The groups of a workshop (added by the facilitator or saved by themselves)."""
        query = (sa.select(revisions.c.grp).where(revisions.c.workshop == workshop,
                                                  revisions.c.grp != "").distinct())
        hidden = self.deleted_groups(workshop)
        with self.engine.connect() as conn:
            return sorted(r[0] for r in conn.execute(query) if r[0] not in hidden)

    def last_revision_id(self, workshop: str) -> int:
        """The newest revision of a workshop (0 if none): cheap to poll for "anything new?"."""
        query = sa.select(sa.func.max(revisions.c.id)).where(revisions.c.workshop == workshop)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(revisions)).scalar())

    def dispose(self) -> None:
        self.engine.dispose()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_default: Store | None = None
_lock = threading.Lock()


def default_store() -> Store:
    """The process-wide store at :func:`default_url` (created on first use)."""
    global _default
    with _lock:
        if _default is None or _default.url != _normalise_url(default_url()):
            _default = Store()
        return _default

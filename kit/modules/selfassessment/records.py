"""The self-assessment's records: the payload one form saves, and the queries on it.

One form is one group's answers at one occasion, by one role (``""`` = the group's
consensus). Its payload is ``{"answers": {"<moment>": {"score", "comment", "actions"}}}``,
appended through the store's generic API (:meth:`kit.store.Store.append`,
:meth:`~kit.store.Store.append_many`, :meth:`~kit.store.GroupAccess.save_row`) and read back
through :meth:`~kit.store.Store.history` and :meth:`~kit.store.Store.latest`. The store knows
nothing of what a payload holds; every function here takes the store as its first argument.
The analyst's names on the store (``store.save_answers(...)``, ``store.answers_frame(...)``,
``store.group(...).save(...)``) are one-line delegations to these functions.

    >>> from kit.store import Store
    >>> s = Store("sqlite://")
    >>> _ = save_answers(s, "Kurs", "Örby", "uppstart", "chef", {1: {"score": 3}, 2: {"score": 2}})
    >>> load_answers(s, "Kurs", "Örby", "Uppstart", "Chef")[1]
    {'actions': '', 'comment': '', 'score': 3}
    >>> [(r.organisation, r.moment, int(r.score), r.role) for r in answers_frame(s, "Kurs").itertuples()]
    [('Örby', 1, 3, 'chef'), ('Örby', 2, 2, 'chef')]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kit.domain import scores as sc
from kit.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from kit.store import Revision, Store

#: The record's name in the store (the registry's ``Module.record`` for ``sjalvskattning``).
MODULE = "självskattning"
OVERVIEW_COLUMNS = ["organisation", "occasion", "role", "saved_at", "scored"]


def form_row(workshop, group, occasion, role, answers: dict, version=None) -> dict:
    """Check one form and return the row to append (:meth:`kit.store.Store.append`'s keywords).

    ``answers`` maps moment → ``{score, comment, actions}``. Every answer is validated (the
    first bad one raises :class:`kit.errors.InputError` and nothing is returned): each needs a
    score, or a comment or actions while the score is still open. A blank ``version`` is the
    checklist's default.

    >>> row = form_row(" Kurs ", "Örby  kommun", "Uppstart", "konsensus",
    ...                {"2": {"score": "3", "comment": " bra "}, 5: {"actions": "fråga"}})
    >>> row["group"], row["occasion"], row["role"], row["version"]
    ('Örby kommun', 'uppstart', '', 'skr-2020')
    >>> row["payload"]["answers"]
    {'2': {'score': 3, 'comment': 'bra', 'actions': ''}, '5': {'score': None, 'comment': '', 'actions': 'fråga'}}
    >>> form_row("Kurs", "Örby", "uppstart", "chef", {3: {}})
    Traceback (most recent call last):
    kit.errors.InputError: Poäng saknas: skriv 1, 2, 3 eller 4.
    >>> form_row("Kurs", "Örby", "uppstart", "chef", {11: {"score": 2}})
    Traceback (most recent call last):
    kit.errors.InputError: Moment måste vara ett nummer 1–10, inte '11'.
    """
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
    return {"workshop": workshop, "group": group, "module": MODULE, "occasion": occasion,
            "role": role_key, "version": sc.parse_version(version),
            "payload": {"answers": clean}}


def save_answers(store: Store, workshop, group, occasion, role, answers: dict,
                 version=None) -> Revision:
    """Validate and append one form (:func:`form_row`); nothing is written if any answer is
    invalid. No key is checked here: a participant's page saves through
    :meth:`kit.store.Store.group` (:class:`kit.store.GroupAccess`), which does.

    >>> from kit.store import Store
    >>> s = Store("sqlite://")
    >>> first = save_answers(s, "Kurs", "Örby", "uppstart", None, {1: {"score": 2}})
    >>> second = save_answers(s, "Kurs", "Örby", "uppstart", None, {1: {"score": 4}})
    >>> second.id > first.id, s.count()  # appended, never overwritten
    (True, 2)
    >>> save_answers(s, "Kurs", "Örby", "uppstart", None, {1: {"score": 1}, 2: {"score": 5}})
    Traceback (most recent call last):
    kit.errors.InputError: Poäng måste vara ett heltal 1, 2, 3 eller 4, inte '5'.
    >>> s.count()
    2
    """
    return store.append(**form_row(workshop, group, occasion, role, answers, version))


def load_answers(store: Store, workshop, group, occasion, role) -> dict | None:
    """The latest saved form as ``{moment: {score, comment, actions}}`` plus ``_saved_at``
    and ``_revision``, or ``None`` if there is none (or a name could not be one).

    >>> from kit.store import Store
    >>> s = Store("sqlite://")
    >>> load_answers(s, "Kurs", "Örby", "uppstart", None) is None
    True
    >>> revision = save_answers(s, "Kurs", "Örby", "uppstart", None, {4: {"score": 1, "actions": "plan"}})
    >>> form = load_answers(s, "Kurs", "Örby", "uppstart", "konsensus")
    >>> form[4], form["_revision"] == revision.id
    ({'actions': 'plan', 'comment': '', 'score': 1}, True)
    >>> load_answers(s, "Kurs", "", "uppstart", None) is None  # no name: nothing, no error
    True
    """
    try:
        workshop, group = sc.parse_name(workshop, "workshop"), sc.parse_name(group)
        occasion, role_key = sc.parse_occasion(occasion), sc.parse_role(role) or ""
    except InputError:
        return None
    found = store.history(workshop, group, occasion, role_key, module=MODULE)
    if not found:
        return None
    latest = found[-1]
    answers = {int(k): v for k, v in latest.payload.get("answers", {}).items()}
    answers["_saved_at"] = latest.saved_at
    answers["_revision"] = latest.id
    return answers


def answers_frame(store: Store, workshop, group=None) -> pd.DataFrame:
    """The latest answers of a workshop (or of one group) in the long format of
    :func:`kit.read_scores`, sorted by organisation, occasion and moment; a deleted group's
    answers are left out.

    >>> from kit.store import Store
    >>> s = Store("sqlite://")
    >>> _ = save_answers(s, "Kurs", "Örby", "uppstart", None, {2: {"score": 1}, 1: {"score": 2}})
    >>> _ = save_answers(s, "Kurs", "Åby", "uppstart", None, {1: {"score": 4}})
    >>> _ = save_answers(s, "Kurs", "Örby", "uppstart", None, {1: {"score": 3}})  # the latest counts
    >>> frame = answers_frame(s, "Kurs")
    >>> [(r.organisation, r.moment, int(r.score)) for r in frame.itertuples()]
    [('Åby', 1, 4), ('Örby', 1, 3)]
    >>> len(answers_frame(s, "Kurs", "Åby")), len(answers_frame(s, "Annan"))
    (1, 0)
    """
    rows = []
    for record in store.latest(workshop, MODULE, group=group):
        for moment, a in record.payload.get("answers", {}).items():
            rows.append(sc.Answer(record.group, record.occasion, int(moment), a.get("score"),
                                  record.role or None, a.get("comment") or "",
                                  a.get("actions") or "", record.version))
    frame = sc.to_frame(rows)
    return frame.sort_values(["organisation", "occasion", "moment"], kind="stable",
                             ignore_index=True) if len(frame) else frame


def saved_overview(store: Store, workshop) -> pd.DataFrame:
    """When each group last saved, per occasion and role: columns organisation, occasion,
    role (``""`` = consensus), saved_at, scored (how many moments have a score); by
    organisation, then in the order saved.

    >>> from kit.store import Store
    >>> s = Store("sqlite://")
    >>> list(saved_overview(s, "Kurs").columns) == OVERVIEW_COLUMNS
    True
    >>> _ = save_answers(s, "Kurs", "Örby", "uppstart", "chef", {1: {"score": 2}, 2: {"comment": "?"}})
    >>> _ = save_answers(s, "Kurs", "Åby", "uppstart", None, {1: {"score": 3}})
    >>> saved_overview(s, "Kurs")[["organisation", "role", "scored"]].to_dict("records")
    [{'organisation': 'Åby', 'role': '', 'scored': 1}, {'organisation': 'Örby', 'role': 'chef', 'scored': 1}]
    """
    import pandas as pd

    records = sorted(store.latest(workshop, MODULE), key=lambda r: r.group)
    rows = [{"organisation": r.group, "occasion": r.occasion, "role": r.role,
             "saved_at": r.saved_at,
             "scored": sum(1 for a in r.payload.get("answers", {}).values() if a.get("score"))}
            for r in records]
    return pd.DataFrame(rows, columns=OVERVIEW_COLUMNS)


def import_rows(workshop, answers: pd.DataFrame) -> list[dict]:
    """The rows to append for a file's answers (long format): one checked form per
    organisation, occasion and role, in the file's order (:func:`form_row`).

    >>> frame = sc.to_frame([sc.validate_answer("A", "uppstart", m, 2, "chef") for m in (1, 2)]
    ...                     + [sc.validate_answer("B", "uppstart", 1, 3)])
    >>> [(r["group"], r["role"], sorted(r["payload"]["answers"])) for r in import_rows("Kurs", frame)]
    [('A', 'chef', ['1', '2']), ('B', '', ['1'])]
    """
    import pandas as pd

    rows = []
    roles = answers["role"].map(lambda r: r if isinstance(r, str) else "")
    for (org, occ, role), part in answers.groupby(
            [answers["organisation"], answers["occasion"], roles], sort=False):
        form = {int(a.moment): {"score": None if pd.isna(a.score) else int(a.score),
                                "comment": a.comment, "actions": a.actions}
                for a in part.itertuples()}
        rows.append(form_row(workshop, org, occ, role or None, form, part["version"].iloc[0]))
    return rows


def import_answers(store: Store, workshop, answers: pd.DataFrame, claims_for: dict | None = None) -> int:
    """Append the answers of a file (long format) as revisions, one per form, in one
    transaction: either every form is written or none. ``claims_for`` maps a new group's
    name to ``(key_hash, sealed_key)``: those names are claimed in the same transaction, and
    if any was taken meanwhile nothing is written. Returns the number of forms.

    >>> from kit.store import Store
    >>> s = Store("sqlite://")
    >>> frame = sc.to_frame([sc.validate_answer("A", "uppstart", 1, 2), sc.validate_answer("B", "uppstart", 1, 3)])
    >>> import_answers(s, "Kurs", frame, claims_for={"B": ("hash", None)})
    2
    >>> s.group_record("Kurs", "B")["key_hash"], s.group_record("Kurs", "A")
    ('hash', None)
    >>> import_answers(s, "Kurs", frame, claims_for={"B": ("other", None)})  # B is taken now
    Traceback (most recent call last):
    kit.errors.InputError: Namnet B tog en annan grupp i workshoppen Kurs alldeles nyss. Era svar finns kvar här, osparade: skriv in gruppens nyckel om ni hör till den gruppen, eller välj ett annat namn och spara igen.
    >>> s.count(), len(answers_frame(s, "Kurs"))  # two forms and B's claim; nothing more
    (3, 2)
    """
    rows = import_rows(workshop, answers)
    store.append_many(workshop, rows, claims_for=claims_for)
    return len(rows)

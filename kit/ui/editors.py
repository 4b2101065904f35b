"""The shared editing components the modules build their pages from (anywidget, native HTML).

- :class:`RowTable` — an editable table of rows (a table on a wide screen, cards on a narrow
  one): add, delete with undo, move up and down, errors per field and per row.
- :class:`ChoiceGroup` — a fieldset of radios (``value``) or checkboxes (``values``).
- :class:`StepSequence` — a guided sequence's heading, progress list and Back/Next.

Their texts live in ``kit/content/components.<lang>.yaml`` and are read here
(:func:`rowtable_strings`, :func:`steps_strings`, and :func:`copy_strings` for the copy
button, :class:`kit.ui.widgets.CopyButton`)::

    >>> rowtable_strings("sv")["deleted"].format(name="Socialnämnden")
    'Socialnämnden borttagen.'
    >>> steps_strings("en")["step_of"].format(n=2, m=4)
    'Step 2 of 4'
    >>> copy_strings("sv")["label"]
    'Kopiera texten'
"""

from __future__ import annotations

import functools
import uuid
from pathlib import Path

import traitlets as t
import yaml

from kit import content
from kit.ui.widgets import _Component, css, esm

TEXTS = Path(content.__file__).parent
#: The kinds of column a :class:`RowTable` knows.
COLUMN_TYPES = ("text", "textarea", "number", "select", "checks", "static")
#: How a :class:`RowTable` lays its rows out: "auto" (a table when there is room, cards when
#: not) or "cards" (always cards: a one-row table so becomes a form of labelled fields).
LAYOUTS = ("auto", "cards")
_COLUMN_KEYS = {"name", "label", "type", "options", "min", "max", "required", "help", "maxlength"}


@functools.cache
def component_texts(lang: str) -> dict:
    """All texts of the components in one language (``components.<lang>.yaml``)."""
    lang = content.normalise_lang(lang)
    return yaml.safe_load((TEXTS / f"components.{lang}.yaml").read_text(encoding="utf-8"))


def rowtable_strings(lang: str) -> dict:
    """What a :class:`RowTable` says, in ``lang``."""
    return dict(component_texts(lang)["rowtable"])


def steps_strings(lang: str) -> dict:
    """What a :class:`StepSequence` says, in ``lang``."""
    return dict(component_texts(lang)["steps"])


def copy_strings(lang: str) -> dict:
    """What a :class:`kit.ui.widgets.CopyButton` says, in ``lang``.

    >>> copy_strings("en")["done"]
    'The text has been copied.'
    """
    return dict(component_texts(lang)["copy"])


def new_row_id() -> str:
    """A fresh row id (the browser makes its own for rows added there).

    >>> len(new_row_id()), new_row_id() != new_row_id()
    (12, True)
    """
    return uuid.uuid4().hex[:12]


def check_columns(columns: list) -> list:
    """The column schema of a :class:`RowTable`, checked; a mistake in it is the programmer's,
    so it raises ``ValueError`` naming the column.

    >>> check_columns([{"name": "x", "label": "X", "type": "number", "min": 1, "max": 4}])[0]["type"]
    'number'
    >>> check_columns([{"name": "x", "label": "X", "type": "colour"}])
    Traceback (most recent call last):
    ValueError: column 'x': type 'colour' is not one of text, textarea, number, select, checks, static
    >>> check_columns([{"name": "s", "label": "S", "type": "select"}])
    Traceback (most recent call last):
    ValueError: column 's': a select needs options [[value, label], ...]
    >>> check_columns([{"name": "t", "label": "T", "type": "textarea", "maxlength": 20000}])[0]["maxlength"]
    20000
    """
    names, checked = set(), []
    for col in columns:
        if not isinstance(col, dict):
            raise TypeError(f"a column is a dict, not {col!r}")
        name = col.get("name")
        if not isinstance(name, str) or not name or name == "id":
            raise ValueError(f"column {name!r}: a name is a non-empty text other than 'id'")
        if name in names:
            raise ValueError(f"column {name!r} comes twice")
        names.add(name)
        unknown = set(col) - _COLUMN_KEYS
        if unknown:
            raise ValueError(f"column {name!r}: unknown keys {sorted(unknown)}")
        if not isinstance(col.get("label"), str) or not col["label"].strip():
            raise ValueError(f"column {name!r}: a label is needed")
        kind = col.get("type", "text")
        if kind not in COLUMN_TYPES:
            raise ValueError(f"column {name!r}: type {kind!r} is not one of {', '.join(COLUMN_TYPES)}")
        if kind in ("select", "checks"):
            options = col.get("options")
            if not options or not all(isinstance(o, (list, tuple)) and len(o) == 2 for o in options):
                raise ValueError(f"column {name!r}: a {kind} needs options [[value, label], ...]")
            values = [str(o[0]) for o in options]
            if len(set(values)) != len(values):
                raise ValueError(f"column {name!r}: option values come twice")
        for bound in ("min", "max"):
            if bound in col and col[bound] is not None and not isinstance(col[bound], (int, float)):
                raise ValueError(f"column {name!r}: {bound} is a number")
        limit = col.get("maxlength")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            raise ValueError(f"column {name!r}: maxlength is a whole number above 0")
        checked.append({**col, "type": kind})
    return checked


def blank_row(columns: list, **values) -> dict:
    """A new row for ``columns`` with a fresh id: "" for text, ``None`` for a number, [] for checks.

    >>> row = blank_row([{"name": "n", "label": "N"}, {"name": "k", "label": "K", "type": "checks",
    ...                  "options": [["a", "A"]]}], n="Socialnämnden")
    >>> (row["n"], row["k"], len(row["id"]))
    ('Socialnämnden', [], 12)
    """
    row = {"id": new_row_id()}
    for col in columns:
        kind = col.get("type", "text")
        row[col["name"]] = [] if kind == "checks" else None if kind == "number" else ""
    row.update(values)
    return row


def missing_required(columns: list, rows: list, lang: str = "sv") -> dict:
    """``errors`` for a :class:`RowTable`: every required field left empty, per row id.

    >>> cols = [{"name": "name", "label": "Namn", "required": True}, {"name": "n", "label": "N"}]
    >>> missing_required(cols, [{"id": "a", "name": " "}, {"id": "b", "name": "Skolan"}])
    {'a': {'name': 'Fyll i Namn.'}}
    """
    template = rowtable_strings(lang)["missing"]
    errors: dict = {}
    for row in rows:
        for col in columns:
            if not col.get("required"):
                continue
            value = row.get(col["name"])
            if value is None or (isinstance(value, str) and not value.strip()) or value == []:
                errors.setdefault(row["id"], {})[col["name"]] = template.format(field=col["label"])
    return errors


def merge_rows(base: list, theirs: list, ours: list) -> list:
    """The rows after a browser's edit: ``theirs`` is what the browser made of ``base`` (the
    rows it had), ``ours`` what the kernel holds now. When the kernel changed the rows
    meanwhile (a pick added while a note was typed), the browser's edit is applied to ours
    instead of replacing them: its changed fields, its deleted and added rows and its moves.

    >>> a, b = {"id": "a", "note": ""}, {"id": "b", "note": ""}
    >>> merge_rows([a], [{"id": "a", "note": "Kvinnor väntar längre."}], [a, b])
    [{'id': 'a', 'note': 'Kvinnor väntar längre.'}, {'id': 'b', 'note': ''}]

    A row the browser deleted goes, a row the kernel added stays, a row the browser added
    comes after the row it followed there:

    >>> c = {"id": "c", "note": "ny"}
    >>> [r["id"] for r in merge_rows([a, b], [a, c], [a, b, {"id": "k"}])]
    ['a', 'c', 'k']

    A move is the browser's order of the rows both know; a field the kernel changed and the
    browser did not keeps the kernel's value:

    >>> ours = [{"id": "a", "note": "från kärnan"}, b, {"id": "k"}]
    >>> merge_rows([a, b], [b, a], ours)
    [{'id': 'b', 'note': ''}, {'id': 'a', 'note': 'från kärnan'}, {'id': 'k'}]

    With no change in between, the browser's rows are taken as they are:

    >>> merge_rows([a], [b], [a])
    [{'id': 'b', 'note': ''}]
    """
    def ids(rows):
        return [str(r.get("id")) for r in rows if isinstance(r, dict)]

    if base == ours:
        return list(theirs)
    before = {str(r.get("id")): r for r in base if isinstance(r, dict)}
    after = {str(r.get("id")): r for r in theirs if isinstance(r, dict)}
    result = [dict(r) for r in ours if isinstance(r, dict) and not (str(r.get("id")) in before
                                                                     and str(r.get("id")) not in after)]
    at = {str(r.get("id")): r for r in result}
    for rid, row in after.items():  # the fields the browser changed
        if rid in before and rid in at:
            old = before[rid]
            for key in set(row) | set(old):
                if key != "id" and row.get(key) != old.get(key):
                    if key in row:
                        at[rid][key] = row[key]
                    else:
                        at[rid].pop(key, None)
    # the browser's order of the rows all three know, in the places those rows hold now
    common = [rid for rid in ids(theirs) if rid in before and rid in at]
    if common != [rid for rid in ids(base) if rid in after and rid in at]:
        places = [i for i, r in enumerate(result) if str(r.get("id")) in set(common)]
        for i, rid in zip(places, common):
            result[i] = at[rid]
    order = ids(theirs)
    for n, rid in enumerate(order):  # the rows the browser added, after the row they follow
        if rid in before or rid in at:
            continue
        new = dict(after[rid])
        previous = next((p for p in reversed(order[:n]) if p in at), None)
        index = 0 if previous is None else 1 + next(i for i, r in enumerate(result) if str(r.get("id")) == previous)
        result.insert(index, new)
        at[rid] = new
    return result


class RowTable(_Component):
    """An editable table of rows. ``columns`` is the schema ({name, label, type, options,
    min, max, required, help, maxlength}); ``rows`` are dicts with a unique ``"id"`` (one is
    given to a row without); ``errors`` maps a row id to {field: message} (a key that is no
    field shows in the row's summary only). The browser writes ``rows`` back on every edit.

    ``RowTable(layout=...)`` is "auto" (a table when its own width has room for the columns,
    cards when not) or "cards" (always cards). One row in cards, with adding, deleting and
    moving turned off, is an accessible form: a heading (from ``title_field``), and per field
    a visible label, its help and its errors; a textarea is at least four lines tall there.

    The choice is kept, and synced, as ``arrangement``: the name ``layout`` belongs to
    ipywidgets (the widget's box, ``table.layout.display = "none"``), and a text there would
    break both that and the browser's view. So the constructor takes either.

    >>> table = RowTable(layout="cards", can_add=False)
    >>> table.arrangement, type(table.layout).__name__
    ('cards', 'Layout')
    >>> table.arrangement = "grid"
    Traceback (most recent call last):
    traitlets.traitlets.TraitError: layout is one of auto, cards, not 'grid'
    """

    _esm = esm("rowtable")
    _css = css("rowtable")
    columns = t.List(t.Dict()).tag(sync=True)
    rows = t.List(t.Dict()).tag(sync=True)
    errors = t.Dict().tag(sync=True)
    title_field = t.Unicode("").tag(sync=True)
    caption = t.Unicode("").tag(sync=True)
    can_add = t.Bool(True).tag(sync=True)
    can_delete = t.Bool(True).tag(sync=True)
    can_reorder = t.Bool(True).tag(sync=True)
    lang = t.Unicode("sv").tag(sync=True)  # numbers shown with a decimal comma in Swedish
    heading_level = t.Int(3).tag(sync=True)  # of each card's heading on a narrow screen
    arrangement = t.Unicode("auto").tag(sync=True)  # one of LAYOUTS; RowTable(layout=...)
    applied = t.Dict().tag(sync=True)  # per browser view, the last edit the kernel has taken in

    def __init__(self, lang: str = "sv", **kwargs):
        lang = content.normalise_lang(lang)
        kwargs.setdefault("strings", rowtable_strings(lang))
        if isinstance(kwargs.get("layout"), str):  # one of LAYOUTS, not ipywidgets' Layout
            kwargs["arrangement"] = kwargs.pop("layout")
        super().__init__(lang=lang, **kwargs)
        self._applied: dict[str, int] = {}

    def set_state(self, sync_data):
        # The browser sends its rows with the rows each of its edits started from ("edit":
        # {"view", "n", "bases": [[n, rows], ...]}, kept until ``applied`` says the kernel has
        # them: ipywidgets folds edits sent while the kernel is busy into one message). When
        # the kernel changed the rows meanwhile, the edit is merged into them rather than the
        # kernel's change lost; the echo then brings the merged rows back to the browser.
        edit = sync_data.pop("edit", None) if isinstance(sync_data, dict) else None
        theirs = sync_data.get("rows") if isinstance(sync_data, dict) else None
        if isinstance(edit, dict) and isinstance(theirs, list):
            view, n = str(edit.get("view") or ""), edit.get("n")
            done = self._applied.get(view, 0)
            later = sorted((b[0], b[1]) for b in edit.get("bases") or []
                           if isinstance(b, list) and len(b) == 2 and isinstance(b[0], int)
                           and isinstance(b[1], list) and b[0] > done)
            if later:
                sync_data = {**sync_data, "rows": merge_rows(later[0][1], theirs, list(self.rows))}
            if isinstance(n, int):
                self._applied[view] = max(done, n)
            super().set_state(sync_data)
            self.applied = dict(self._applied)
            return
        super().set_state(sync_data)

    @t.validate("columns")
    def _check_columns(self, proposal):
        return check_columns(proposal["value"])

    @t.validate("rows")
    def _check_rows(self, proposal):
        rows, seen = [], set()
        for row in proposal["value"]:
            row = dict(row)
            if not row.get("id"):
                row["id"] = new_row_id()
            row["id"] = str(row["id"])
            if row["id"] in seen:
                raise t.TraitError(f"row id {row['id']!r} comes twice")
            seen.add(row["id"])
            rows.append(row)
        return rows

    @t.validate("heading_level")
    def _check_level(self, proposal):
        if not 2 <= proposal["value"] <= 6:
            raise t.TraitError("heading_level is 2–6")
        return proposal["value"]

    @t.validate("arrangement")
    def _check_arrangement(self, proposal):
        if proposal["value"] not in LAYOUTS:
            raise t.TraitError(f"layout is one of {', '.join(LAYOUTS)}, not {proposal['value']!r}")
        return proposal["value"]


class ChoiceGroup(_Component):
    """A fieldset with a legend (``label``): radios for one ``value``, or checkboxes for
    ``values`` when ``multiple``; ``options`` are [[value, label], ...]."""

    _esm = esm("choice")
    _css = css("choice")
    options = t.List(t.List()).tag(sync=True)
    value = t.Unicode("").tag(sync=True)
    values = t.List(t.Unicode()).tag(sync=True)
    multiple = t.Bool(False).tag(sync=True)
    label = t.Unicode("").tag(sync=True)
    help = t.Unicode("").tag(sync=True)
    disabled = t.Bool(False).tag(sync=True)

    @t.validate("options")
    def _check_options(self, proposal):
        options = proposal["value"]
        if not all(len(o) == 2 for o in options):
            raise t.TraitError("options are [[value, label], ...]")
        return [[str(v), str(label)] for v, label in options]


class StepSequence(_Component):
    """The navigation of a guided sequence: ``steps`` [{key, title}], ``current`` (0-based,
    set by the browser on Back, Next or a step in the list), ``done`` (keys completed).
    The app observes ``current`` and swaps the content below."""

    _esm = esm("steps")
    _css = css("steps")
    steps = t.List(t.Dict()).tag(sync=True)
    current = t.Int(0).tag(sync=True)
    done = t.List(t.Unicode()).tag(sync=True)
    heading_level = t.Int(2).tag(sync=True)
    #: Incremented by the app to move the focus to the step's heading (e.g. after a "Nästa"
    #: button of its own at the end of a long step).
    focus = t.Int(0).tag(sync=True)

    def __init__(self, lang: str = "sv", **kwargs):
        kwargs.setdefault("strings", steps_strings(lang))
        super().__init__(**kwargs)

    @t.validate("steps")
    def _check_steps(self, proposal):
        steps = proposal["value"]
        keys = [s.get("key") for s in steps]
        if not all(isinstance(s.get("title"), str) and k for s, k in zip(steps, keys)):
            raise t.TraitError("a step is {key, title}")
        if len(set(keys)) != len(keys):
            raise t.TraitError("step keys come twice")
        return steps

    @t.validate("current")
    def _check_current(self, proposal):
        value = proposal["value"]
        if self.steps and not 0 <= value < len(self.steps):
            raise t.TraitError(f"current is 0–{len(self.steps) - 1}, not {value}")
        return value

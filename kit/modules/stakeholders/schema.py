"""The column schemas of the stakeholder table and the communication plan, for the shared
RowTable widget — built from the module's texts, no widget imported.

A column is ``{name, label, type, options, min, max, required, help, maxlength}`` with
``type`` one of ``text``, ``textarea``, ``number``, ``select``, ``checks`` and ``options``
``[[value, label], ...]``. A yes/no column is a ``select`` of ``"no"``/``"yes"``
(:func:`table_rows` turns the clean rows' booleans into those, and
:func:`kit.modules.stakeholders.rules.flag` reads them back). Columns the page should show
but not let the group edit (in the plan: the stakeholder and its strategy, which follow the
analysis) are ``static``.

>>> [c["name"] for c in table_columns("sv")][:5]
['name', 'kind', 'power', 'interest', 'attitude']
>>> power = table_columns("en")[2]
>>> power["label"], power["type"], power["min"], power["max"], power["required"]
('Power/influence', 'number', 1, 5, True)
>>> [c["type"] for c in plan_columns("sv")][:3]
['static', 'static', 'textarea']
"""

from __future__ import annotations

from kit import content
from kit.modules.stakeholders import rules as r


def _t(key: str, lang: str) -> str:
    return content.text(f"stakeholders.{key}", lang)


def _column(name: str, kind: str, lang: str, *, plan: bool = False, **extra) -> dict:
    base = "plan_columns" if plan else "columns"
    column = {"name": name, "label": _t(f"{base}.{name}.label", lang), "type": kind,
              "options": [], "min": None, "max": None, "required": False,
              "help": _t(f"{base}.{name}.help", lang), "maxlength": None}
    column.update(extra)
    return column


def _options(family: str, keys, lang: str) -> list[list]:
    return [[k, _t(f"{family}.{k}", lang)] for k in keys]


def _yes_no(lang: str) -> list[list]:
    return [["no", _t("answer_no", lang)], ["yes", _t("answer_yes", lang)]]


def table_columns(lang: str = "sv") -> list[dict]:
    """The stakeholder table's columns, in the order of :data:`rules.FIELDS` (the id is the
    widget's own)."""
    return [
        _column("name", "text", lang, required=True, maxlength=r.NAME_LIMIT),
        _column("kind", "select", lang, options=_options("kinds", r.KINDS, lang)),
        _column("power", "number", lang, min=1, max=5, required=True),
        _column("interest", "number", lang, min=1, max=5, required=True),
        _column("attitude", "select", lang, options=_options("attitudes", r.ATTITUDES, lang)),
        _column("concerns", "checks", lang, options=_options("concerns", r.CONCERNS, lang)),
        _column("other_groups", "text", lang, maxlength=r.SHORT_LIMIT),
        _column("note", "textarea", lang, maxlength=r.NOTE_LIMIT),
        _column("legitimacy", "select", lang, options=_yes_no(lang)),
        _column("urgency", "select", lang, options=_yes_no(lang)),
        _column("strategy_override", "select", lang,
                options=[["", _t("suggestion_option", lang)],
                         *_options("strategies", r.STRATEGIES, lang)]),
        _column("override_reason", "textarea", lang, maxlength=r.REASON_LIMIT),
    ]


def plan_columns(lang: str = "sv") -> list[dict]:
    """The communication plan's columns. The stakeholder and its strategy are shown, not
    edited (``static``): they follow the analysis."""
    moments = [[m, f"{m}. {content.text(f'moments.{m}.short', lang)}"] for m in r.MOMENTS]
    return [
        _column("stakeholder", "static", lang, plan=True),
        {**_column("strategy", "static", lang, plan=True), "name": "strategy_shown"},
        _column("message", "textarea", lang, plan=True, maxlength=r.NOTE_LIMIT),
        _column("channel", "select", lang, plan=True, options=_options("channels", r.CHANNELS, lang)),
        _column("frequency", "select", lang, plan=True,
                options=_options("frequencies", r.FREQUENCIES, lang)),
        _column("owner", "text", lang, plan=True, maxlength=r.SHORT_LIMIT),
        _column("moments", "checks", lang, plan=True, options=moments),
    ]


def table_rows(stakeholders) -> list[dict]:
    """Clean stakeholder rows as the widget holds them: yes/no as ``"yes"``/``"no"``.

    >>> table_rows([{"id": "a", "name": "X", "legitimacy": True, "urgency": False}])[0]["legitimacy"]
    'yes'
    >>> table_rows(table_rows([{"id": "a", "legitimacy": False, "urgency": True}]))[0]["urgency"]
    'yes'
    """
    return [{**s, **{f: "yes" if _yes(s.get(f), f) else "no" for f in ("legitimacy", "urgency")}}
            for s in stakeholders]


def _yes(value, field: str) -> bool:
    """A yes/no cell as a bool, whether it is one already or the widget's "yes"/"no"."""
    try:
        return r.flag(value, field)
    except Exception:  # noqa: BLE001 - an unreadable answer shows as "no" until it is chosen
        return False


def plan_rows(plan, lang: str = "sv") -> list[dict]:
    """Plan rows as the widget holds them: the strategy shown by its name in ``lang``.

    >>> plan_rows([{"id": "a", "stakeholder": "Facket", "strategy": "monitor"}], "en")[0]["strategy_shown"]
    'Monitor'
    """
    return [{**p, "strategy_shown": _t(f"strategies.{p['strategy']}", lang)} for p in plan]


def from_plan_rows(rows) -> list[dict]:
    """What the widget gives back, without the shown-only fields (the rules recompute them)."""
    return [{k: v for k, v in row.items() if k != "strategy_shown"} for row in rows]

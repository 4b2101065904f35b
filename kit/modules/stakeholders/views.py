"""The stakeholder analysis's static views: the side panel, the grid as a figure with its
text alternative, the salience table and the strategies' legend. Pure HTML strings, every
typed text escaped (:func:`kit.ui.html.e`); no widgets.
"""

from __future__ import annotations

import base64

from kit import content
from kit.errors import InputError
from kit.modules.stakeholders import rules as r
from kit.ui.html import e
from kit.ui.tables import data_table


def T(key: str, lang: str, **values) -> str:
    return content.text(f"stakeholders.{key}", lang, **values)


def usable(rows) -> list[dict]:
    """The rows that can be drawn and planned for while the table is being filled in: each
    row that passes its own checks, the first of two with the same name.

    >>> [s["name"] for s in usable([{"id": "a", "name": "Facket", "power": 4, "interest": 2},
    ...                             {"id": "b", "name": "", "power": 9},
    ...                             {"id": "c", "name": "facket", "power": 1, "interest": 1}])]
    ['Facket']
    """
    seen, clean = set(), []
    for raw in rows or []:
        try:
            row = r.clean_row(raw)
        except InputError:  # an unfinished row is shown in the table (with its error), not here
            continue
        if r.name_key(row["name"]) in seen or not row["id"]:
            continue
        seen.add(r.name_key(row["name"]))
        clean.append(row)
    return clean


def side_panel(lang: str, example_title: str, example_note: str) -> str:
    """The questions to ask, and what the worked example is (it is loaded by a button)."""
    questions = "".join(f"<li>{e(q)}</li>" for q in r.questions(lang))
    return (f'<h2>{e(T("app.support", lang))}</h2>'
            f'<details class="jk-details"><summary>{e(T("headings.questions", lang))}</summary>'
            f'<ul>{questions}</ul></details>'
            f'<details class="jk-details"><summary>{e(example_title)}</summary>'
            f'<p>{e(example_note)}</p></details>')


def strategies_legend(lang: str) -> str:
    """The four squares with their strategies, and where the midpoint falls and why."""
    items = "".join(f"<li><strong>{e(T(f'strategies.{k}', lang))}</strong> "
                    f"({e(T(f'quadrants.{k}.name', lang).lower())}): {e(T(f'quadrants.{k}.text', lang))}</li>"
                    for k in r.STRATEGIES)
    return f'<ul class="jk-list">{items}</ul><p class="jk-muted">{e(T("midpoint_note", lang))}</p>'


def _png(fig) -> str:
    from kit.plots import png_bytes

    return base64.b64encode(png_bytes(fig)).decode("ascii")


def grid_figure(stakeholders: list[dict], lang: str) -> str:
    """The grid as a ``<figure>``: names beside the points on a wide screen, numbers with a
    numbered list on a narrow one (one ``<picture>``), the grid in words as its text
    alternative and, for everyone, under a disclosure."""
    from kit.modules.stakeholders import plots

    if not stakeholders:
        return f'<p class="jk-note">{e(T("plot.empty", lang))}</p>'
    words = r.text_alternative(stakeholders, lang)
    wide = _png(plots.grid(stakeholders, lang))
    narrow = _png(plots.grid(stakeholders, lang, compact=True, key=False))
    key = "".join(f"<li>{e(name)}</li>" for _n, name in plots.numbered_key(stakeholders))
    intro, *lines = words.split("\n")
    listed = "".join(f"<li>{e(line)}</li>" for line in lines)
    return (f'<figure class="jk-figure jk-grid"><figcaption>{e(T("plot.caption", lang))}</figcaption>'
            f'<picture><source media="(max-width: 50rem)" srcset="data:image/png;base64,{narrow}">'
            f'<img src="data:image/png;base64,{wide}" alt="{e(words)}"></picture>'
            f'<ol class="jk-grid-key">{key}</ol></figure>'
            f'<details class="jk-details jk-grid-words"><summary>{e(T("app.grid_in_words", lang))}</summary>'
            f'<p>{e(intro)}</p><ul>{listed}</ul></details>')


def salience_table(stakeholders: list[dict], lang: str) -> str:
    """Each stakeholder's salience type (Mitchell, Agle & Wood) as an accessible table."""
    rows = []
    for row in stakeholders:
        kind = r.row_salience(row)
        yes, no = T("answer_yes", lang), T("answer_no", lang)
        rows.append({"name": row["name"], "power": yes if r.high(row["power"]) else no,
                     "legitimacy": yes if row["legitimacy"] else no,
                     "urgency": yes if row["urgency"] else no,
                     "type": T(f"salience.types.{kind}.name", lang),
                     "text": T(f"salience.types.{kind}.text", lang)})
    columns = [("name", T("columns.name.label", lang)), ("power", T("salience.power", lang)),
               ("legitimacy", T("salience.legitimacy", lang)), ("urgency", T("salience.urgency", lang)),
               ("type", T("export.salience", lang)), ("text", T("app.meaning", lang))]
    return data_table(columns, rows, T("plot.salience_title", lang), row_header="name", lang=lang)

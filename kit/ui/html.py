"""Small HTML builders for static content. Every text is escaped here, once.

Light to import (no pandas): the tables take frames that their callers have built.
"""

from __future__ import annotations

import base64
from html import escape
from typing import TYPE_CHECKING

from kit import content
from kit.domain import scores as sc
from kit.fmt import number

if TYPE_CHECKING:
    import pandas as pd


def e(value) -> str:
    """Escape any value for HTML text or attribute.

    >>> e('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    return escape("" if value is None else str(value), quote=True)


#: A table of more columns than this may need to scroll sideways on a phone: it says so.
WIDE_COLUMNS = 2


def table_wrap(table_markup: str, label: str, hint: str = "") -> str:
    """A table in a wrapper that may scroll sideways on a narrow screen; the wrapper is a
    named region that takes keyboard focus, so the scrolling works without a mouse.

    With a ``hint`` ("Svep i sidled för fler kolumner", part of the region's name) a narrow
    screen shows, above the region, the table's caption (``label``) and the hint: the caption
    inside, as wide as the table, would scroll out of sight with it (it stays for a screen
    reader; the copy above is hidden from one).

    >>> print(table_wrap("<table></table>", "Tabell", hint="Svep"))  # doctest: +NORMALIZE_WHITESPACE
    <div class="jk-scroll-head" aria-hidden="true"><p class="jk-scroll-caption">Tabell</p><p
    class="jk-scroll-hint">↔ Svep</p></div><div class="jk-table-wrap jk-table-wrap-wide" role="region"
    tabindex="0" aria-label="Tabell, Svep"><table></table></div>
    """
    if not hint:
        return (f'<div class="jk-table-wrap" role="region" tabindex="0" aria-label="{e(label)}">'
                f'{table_markup}</div>')
    return (f'<div class="jk-scroll-head" aria-hidden="true"><p class="jk-scroll-caption">{e(label)}</p>'
            f'<p class="jk-scroll-hint">↔ {e(hint)}</p></div>'
            f'<div class="jk-table-wrap jk-table-wrap-wide" role="region" tabindex="0" '
            f'aria-label="{e(label)}, {e(hint)}">{table_markup}</div>')


def scroll_hint(columns: int, lang: str) -> str:
    """The hint a table of ``columns`` columns (its row header too) carries, or ``""``.

    >>> scroll_hint(3, "sv"), scroll_hint(2, "sv")
    ('Svep i sidled för fler kolumner', '')
    """
    return content.text("proj.scroll_hint", lang) if columns > WIDE_COLUMNS else ""


def card_table(heads: list[str], rows: list[list], caption: str, cls: str = "") -> str:
    """A table that becomes one card per row on a narrow screen: the first cell of a row is
    its header (``th scope="row"``), every other cell carries its column's name in
    ``data-label``, which the style shows before it when the columns are gone.

    >>> print(card_table(["Grupp", "Sparat"], [["Örby <kommun>", "✓ 10:02"]], "Vilka"))
    ... # doctest: +NORMALIZE_WHITESPACE
    <div class="jk-table-wrap" role="region" tabindex="0" aria-label="Vilka"><table class="jk-table
    jk-cards-narrow"><caption>Vilka</caption><thead><tr><th scope="col">Grupp</th><th
    scope="col">Sparat</th></tr></thead><tbody><tr><th scope="row">Örby &lt;kommun&gt;</th><td
    data-label="Sparat">✓ 10:02</td></tr></tbody></table></div>
    """
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in heads)
    body = []
    for row in rows:
        first, *rest = row
        cells = "".join(f'<td data-label="{e(h)}">{e(v)}</td>' for h, v in zip(heads[1:], rest))
        body.append(f'<tr><th scope="row">{e(first)}</th>{cells}</tr>')
    classes = " ".join(["jk-table", "jk-cards-narrow", *([cls] if cls else [])])
    return table_wrap(f'<table class="{classes}"><caption>{e(caption)}</caption>'
                      f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>', caption)


def figure(png: bytes, caption: str, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure class="jk-figure"><figcaption>{e(caption)}</figcaption>'
            f'<img src="data:image/png;base64,{data}" alt="{e(alt)}"></figure>')


def summary_table(table: pd.DataFrame, lang: str, caption: str) -> str:
    """A summary table as an accessible HTML table (header cells with scope, a caption)."""
    from kit.io.writers import occasion_label

    heads = [occasion_label(c, lang) if c != sc.CHANGE else c for c in table.columns]
    rows = []
    for i, row in table.iterrows():
        label = content.text("table.total", lang) if i == sc.TOTAL else i
        cls = ' class="jk-total-row"' if i == sc.TOTAL else ""
        cells = "".join(f"<td>{e(number(v, lang))}</td>" for v in row)
        rows.append(f'<tr{cls}><th scope="row">{e(label)}</th>{cells}</tr>')
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in heads)
    return table_wrap(f'<table class="jk-table"><caption>{e(caption)}</caption>'
                      f'<thead><tr><th scope="col">{e(content.text("table.moment", lang))}</th>{head}</tr>'
                      f'</thead><tbody>{"".join(rows)}</tbody></table>', caption,
                      hint=scroll_hint(len(heads) + 1, lang))


def count_table(counts: pd.DataFrame, lang: str, caption: str) -> str:
    """The number of organisations behind each mean, as an HTML table."""
    from kit.io.writers import occasion_label

    heads = "".join(f'<th scope="col">{e(occasion_label(c, lang))}</th>' for c in counts.columns)
    rows = []
    for i, row in counts.iterrows():
        label = content.text("table.total", lang) if i == sc.TOTAL else i
        cells = "".join(f"<td>{int(v)}</td>" for v in row)
        rows.append(f'<tr><th scope="row">{e(label)}</th>{cells}</tr>')
    return table_wrap(f'<table class="jk-table"><caption>{e(caption)}</caption>'
                      f'<thead><tr><th scope="col">{e(content.text("table.moment", lang))}</th>{heads}</tr></thead>'
                      f'<tbody>{"".join(rows)}</tbody></table>', caption,
                      hint=scroll_hint(len(counts.columns) + 1, lang))


def totals_table(totals: pd.DataFrame, notes: dict, lang: str, caption: str) -> str:
    """Each organisation's total per occasion; one that lacks a moment is shown, marked, with
    what it lacks under its name (never left out silently)."""
    from kit.io.writers import occasion_label

    heads = "".join(f'<th scope="col">{e(occasion_label(c, lang))}</th>' for c in totals.columns)
    mark = content.text("overview.incomplete_mark", lang)
    rows = []
    for org, row in totals.iterrows():
        cells = "".join(f"<td>{e(number(v, lang))}</td>" for v in row)
        note = notes.get(org, "")
        label = (f'{e(org)} {e(mark)}<br><span class="jk-muted jk-small">{e(note)}</span>'
                 if note else e(org))
        rows.append(f'<tr><th scope="row">{label}</th>{cells}</tr>')
    return table_wrap(f'<table class="jk-table"><caption>{e(caption)}</caption><thead><tr>'
                      f'<th scope="col">{e(content.text("columns.organisation", lang).capitalize())}</th>'
                      f'{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table>', caption,
                      hint=scroll_hint(len(totals.columns) + 1, lang))

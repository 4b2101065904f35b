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


def table_wrap(table_markup: str, label: str) -> str:
    """A table in a wrapper that may scroll sideways on a narrow screen; the wrapper is a
    named region that takes keyboard focus, so the scrolling works without a mouse."""
    return (f'<div class="jk-table-wrap" role="region" tabindex="0" aria-label="{e(label)}">'
            f'{table_markup}</div>')


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
                      f'</thead><tbody>{"".join(rows)}</tbody></table>', caption)


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
                      f'<tbody>{"".join(rows)}</tbody></table>', caption)


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
                      f'{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table>', caption)

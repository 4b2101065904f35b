"""A generic accessible HTML table for static content: caption, column headers with scope, an
optional row header, numbers in the reader's language. Pure string building; every text is
escaped (:func:`kit.ui.html.e`).

>>> print(data_table([("org", "Organisation"), ("score", "Poäng")],
...                  [{"org": "Örby <kommun>", "score": 2.5}], "Poäng per organisation",
...                  row_header="org", numeric={"score"}))  # doctest: +NORMALIZE_WHITESPACE
<div class="jk-table-wrap" role="region" tabindex="0" aria-label="Poäng per organisation"><table
class="jk-table"><caption>Poäng per organisation</caption><thead><tr><th scope="col"
class="jk-cell-text">Organisation</th><th scope="col">Poäng</th></tr></thead><tbody><tr><th
scope="row" class="jk-cell-text">Örby &lt;kommun&gt;</th><td>2,5</td></tr></tbody></table></div>
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from kit.fmt import number
from kit.ui.html import e, table_wrap


def cell_number(value, lang: str = "sv", decimals: int = 1) -> str:
    """A numeric cell's text: a whole number as it is, anything else rounded half up to
    ``decimals`` with the language's decimal mark; nothing is "–"; text stays text.

    >>> cell_number(3), cell_number(2.25), cell_number(2.25, "en"), cell_number(None), cell_number("n/a")
    ('3', '2,3', '2.3', '–', 'n/a')
    >>> cell_number(True), cell_number(float("nan"))
    ('True', '–')
    """
    if isinstance(value, (bool, str)):
        return str(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and decimals == 0):
        return number(value, lang, decimals=0)
    try:
        return number(float(value), lang, decimals=decimals)
    except (TypeError, ValueError):
        return str(value)


def data_table(columns: list[tuple[str, str]], rows: Iterable[dict], caption: str,
               row_header: str | None = None, numeric: Iterable[str] = frozenset(),
               lang: str = "sv", decimals: int = 1) -> str:
    """``rows`` (dicts keyed by the columns' keys) as a ``<table class="jk-table">`` in a
    focusable scroll region named by ``caption``. The ``row_header`` column's cells are
    ``<th scope="row">``; the ``numeric`` columns' values are formatted in ``lang`` (right
    aligned by the kit's table style), the others are text (class ``jk-cell-text``, left).
    A missing value is an empty cell (a number's is "–").

    >>> html = data_table([("a", "A")], [{"a": '<img src=x onerror=alert(1)>'}], "T")
    >>> "<img" in html, "&lt;img src=x onerror=alert(1)&gt;" in html
    (False, True)
    """
    numeric = set(numeric)
    keys = [key for key, _ in columns]
    if row_header is not None and row_header not in keys:
        raise ValueError(f"row_header {row_header!r} is not one of the columns {keys}")

    def cls(key: str) -> str:
        return "" if key in numeric else ' class="jk-cell-text"'

    head = "".join(f'<th scope="col"{cls(key)}>{e(label)}</th>' for key, label in columns)
    body = []
    for row in rows:
        cells = []
        for key in keys:
            value = row.get(key)
            text = cell_number(value, lang, decimals) if key in numeric else ("" if value is None else value)
            tag = "th" if key == row_header else "td"
            scope = ' scope="row"' if key == row_header else ""
            cells.append(f"<{tag}{scope}{cls(key)}>{e(text)}</{tag}>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    markup = (f'<table class="jk-table"><caption>{e(caption)}</caption>'
              f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')
    return table_wrap(markup, caption)

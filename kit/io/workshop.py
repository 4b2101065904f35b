"""A workshop's record: one XLSX with a sheet per part, and a printable HTML report.

Both are written in the reader's language (the page's, not only the workshop's), show labels
rather than the kit's internal codes, and keep every typed text inert (see
:mod:`kit.io.writers`). In anonymous mode each organisation has one letter everywhere — the
charts, the tables and the comments — from :func:`shown_names`.

The modules' own parts: the hook contract
-----------------------------------------
Besides the self-assessment, both exports hold a part of every *ready* module of the registry
that saves records (:func:`kit.modules.with_records`) and whose ``records`` module
(``module.load("records")``) defines one or both of these functions — found by name, in the
registry's order (:func:`module_exports`)::

    export_sheets(store, workshop, lang, names=None) -> list[tuple[str, list[str], list[list]]]
    report_section(store, workshop, lang, names=None) -> str

- ``store`` is the kit's :class:`kit.store.Store`, ``workshop`` the workshop's name, ``lang``
  the reader's language (``"sv"``/``"en"``): every label in it.
- ``names`` is ``None`` for an export with the groups' names. In anonymous mode it is a
  mapping from a group's real name to its shown name (a letter, the same letter the
  self-assessment's sheets and charts give that group in the same file). A hook then writes
  ``names[group]`` wherever it would write a group's name — in sheets and section alike —
  and never the real name. Looking up a name the mapping has not seen gives it a new letter
  (:class:`ShownNames`), never the name itself; so write ``names[group]``, never
  ``names.get(group, group)``.
- ``export_sheets`` returns its sheets as ``(title, headers, rows)``: the title is made one
  Excel accepts (:func:`kit.io.writers.sheet_title`, and `` (2)`` when already taken); a
  sheet holds the headers in its first row, then each row. A cell is a text, a number, a
  bool, ``None``, a date or a datetime; anything else is written as its ``str()``. Every cell,
  headers included, goes through :func:`kit.io.writers.put`: a text never becomes a formula,
  control characters are removed. The hook returns plain values, never a workbook.
- ``report_section`` returns its part of the printable report as HTML that is *already
  escaped* (every typed text through :func:`kit.ui.html.e`), headings from ``<h2>`` down;
  ``""`` adds nothing. It is placed after the self-assessment's parts in a
  ``<section class="module">``. Tables should have a ``<caption>`` and ``th scope``.
- A hook that raises makes the whole export fail (the facilitator's page says so and logs
  it): no part is ever left out silently.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import math
import numbers
from pathlib import Path

import pandas as pd

from kit import content
from kit.domain import scores as sc
from kit.fmt import letters, number
from kit.io.writers import (
    add_answers_sheet,
    add_table_sheet,
    clean,
    occasion_label,
    role_label,
    sheet_title,
    write_row,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
#: The self-assessment's key in the registry: its parts are the exports' own, not a hook's.
SELF_ASSESSMENT = "sjalvskattning"
log = logging.getLogger("kit.io")


class ShownNames(dict):
    """Anonymous mode's names: real name → letter. A name not seen yet gets the next free
    letter, so a lookup never gives the real name back.

    >>> names = shown_names(["Örby", "Åby"], "Kurs")
    >>> sorted(names.values()), names["Ny grupp"], names["Ny grupp"], len(names)
    (['A', 'B'], 'C', 'C', 3)
    """

    def __missing__(self, name):
        letter = letters(len(self))
        self[name] = letter
        return letter


def shown_names(organisations, salt: str = "") -> ShownNames:
    """The letters of anonymous mode for these organisations (salted with the workshop's
    name), from :func:`kit.domain.scores.anonymous_names`."""
    return ShownNames(sc.anonymous_names(organisations, salt))


def anonymise(answers: pd.DataFrame, salt: str = "", names: dict | None = None) -> pd.DataFrame:
    """The answers with each organisation's name replaced by its letter (from ``names``, else
    from :func:`shown_names` of these answers)."""
    if answers.empty:
        return answers
    if names is None:
        names = shown_names(answers["organisation"], salt)
    frame = answers.copy()
    frame["organisation"] = [names[o] for o in frame["organisation"]]
    return frame


def module_exports() -> list:
    """``(module, records)`` for every module whose parts the exports hold (see the hook
    contract above), in the registry's order; a module whose package is not there yet is
    left out.
    """
    from kit import modules

    found = []
    for module in modules.with_records():
        if module.key == SELF_ASSESSMENT:
            continue
        try:
            records = module.load("records")
        except ModuleNotFoundError as exc:
            if exc.name not in (module.package, f"{module.package}.records"):
                raise  # the module is there but broken: never leave its part out silently
            log.warning("JämKit: module %s has no records yet; the exports leave it out", module.key)
            continue
        if any(callable(getattr(records, hook, None)) for hook in ("export_sheets", "report_section")):
            found.append((module, records))
    return found


def cell_value(value):
    """A hook's cell as the workbook takes it: texts, bools and ``None`` as they are, numbers
    as numbers (a NaN or infinity empty), a datetime in local time without its zone, anything
    else as its text.

    >>> cell_value(3), cell_value(float("nan")), cell_value(True), cell_value(["x"])
    (3, None, True, "['x']")
    """
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dt.datetime):
        return value.astimezone().replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date):
        return value
    return str(value)


def free_title(book, title) -> str:
    """A sheet title Excel accepts that the book does not hold yet (Excel ignores case).

    >>> from openpyxl import Workbook
    >>> book = Workbook()
    >>> book.active.title = "Intressenter"
    >>> free_title(book, "intressenter"), free_title(book, "X" * 40) == "X" * 31
    ('intressenter (2)', True)
    """
    base = sheet_title(title)
    taken = {name.lower() for name in book.sheetnames}
    found, n = base, 2
    while found.lower() in taken:
        suffix = f" ({n})"
        found, n = base[:31 - len(suffix)] + suffix, n + 1
    return found


def add_module_sheets(book, store, workshop: str, lang: str, names=None) -> None:
    """Append every module's sheets (the ``export_sheets`` hooks) to the workbook."""
    for _module, records in module_exports():
        hook = getattr(records, "export_sheets", None)
        if not callable(hook):
            continue
        for title, headers, rows in hook(store, workshop, lang, names=names) or []:
            sheet = book.create_sheet(free_title(book, title))
            write_row(sheet, [cell_value(h) for h in headers or []])
            for row in rows or []:
                write_row(sheet, [cell_value(v) for v in row])


def module_sections(store, workshop: str, lang: str, names=None) -> list[tuple[str, str]]:
    """``(module key, HTML)`` of every module's part of the report (the ``report_section``
    hooks), those that have something to say."""
    sections = []
    for module, records in module_exports():
        hook = getattr(records, "report_section", None)
        if callable(hook):
            markup = hook(store, workshop, lang, names=names)
            if markup:
                sections.append((module.key, str(markup)))
    return sections


def totals_with_notes(answers: pd.DataFrame, occasions, lang: str) -> tuple[pd.DataFrame, dict]:
    """Each organisation's totals per occasion, and for the incomplete ones a note per
    organisation saying which moments are missing where (so nobody drops out silently).

    >>> rows = [sc.validate_answer("A", "uppstart", m, 2) for m in sc.MOMENTS[:-1]]
    >>> totals, notes = totals_with_notes(sc.to_frame(rows), ["uppstart"], "sv")
    >>> float(totals.loc["A", "uppstart"]), notes["A"]
    (nan, 'Uppstart: saknar moment 10')
    """
    totals = sc.organisation_totals(answers, occasions)
    notes: dict[str, list[str]] = {}
    for org, occ, missing in sc.incomplete(answers):
        moments = ", ".join(str(m) for m in missing)
        notes.setdefault(org, []).append(content.text("overview.missing_moments", lang,
                                                      occasion=occasion_label(occ, lang),
                                                      moments=moments))
    for org in notes:
        if org not in totals.index:
            totals.loc[org] = float("nan")
    return totals.sort_index(), {org: "; ".join(parts) for org, parts in notes.items()}


def workshop_workbook(answers: pd.DataFrame, lang: str = "sv", occasions=None,
                      anonymous: bool = False, salt: str = "", *, store=None,
                      workshop: str | None = None, names: dict | None = None) -> bytes:
    """Sheets: the raw answers (comments and actions too), the summary table, the number of
    organisations behind each mean, each organisation's totals (an incomplete one named, with
    what it lacks), and Modellkonceptet's tables with their notes. Numbers as numbers.

    With ``store`` and ``workshop`` the other modules' sheets follow (the hook contract
    above). In anonymous mode ``names`` (real name → letter, e.g. :func:`shown_names` of all
    the workshop's groups) names every group in every sheet; without it the letters are
    those of ``answers``' organisations."""
    from openpyxl import Workbook

    from kit.reference import published_table

    T = lambda key, **kw: content.text(key, lang, **kw)
    if anonymous:
        names = names if names is not None else shown_names(answers["organisation"], salt)
        answers = anonymise(answers, names=names)
    table = sc.summary_table(answers, occasions)
    order = list(table.columns.drop(sc.CHANGE))
    book = Workbook()
    book.remove(book.active)
    add_answers_sheet(book, answers, lang, T("export.sheet_answers"))
    add_table_sheet(book, table, lang, T("export.sheet_summary"))
    counts = table.attrs["n"].copy()
    add_table_sheet(book, counts.astype(float), lang, T("overview.sheet_counts"))
    totals, notes = totals_with_notes(answers, order, lang)
    sheet = book.create_sheet(sheet_title(T("overview.sheet_totals")))
    write_row(sheet, [content.text("columns.organisation", lang)]
              + [occasion_label(c, lang) for c in totals.columns] + [T("overview.note")])
    for org, row in totals.iterrows():
        write_row(sheet, [str(org)] + [None if pd.isna(v) else float(v) for v in row]
                  + [notes.get(org, "")])
    ref = book.create_sheet(sheet_title(T("overview.sheet_reference")))
    for which, note in (("participants", "results.note_table1"), ("mentors", "results.note_table2")):
        write_row(ref, [T(f"results.{which}")])
        published = published_table(which)
        write_row(ref, [T("table.moment")] + [occasion_label(c, lang) if c != sc.CHANGE else c
                                              for c in published.columns])
        for i, row in published.iterrows():
            write_row(ref, [T("table.total") if i == sc.TOTAL else i] + [float(v) for v in row])
        write_row(ref, [T(note)])
        write_row(ref, [None])
    write_row(ref, [T("sa.source", source="SKR, Modellkonceptet 2020–2022. Resultatrapport (2022)")])
    if store is not None and workshop:
        add_module_sheets(book, store, workshop, lang, names=names if anonymous else None)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def standard_figures(answers: pd.DataFrame, table: pd.DataFrame, lang: str) -> list:
    """The report's plots, when the page has none to hand over: ``(caption, alt, png)``."""
    from kit import plots

    T = lambda key, **kw: content.text(key, lang, **kw)
    figures = []
    if len(answers):
        figures.append((T("overview.radar"), T("overview.radar_alt"),
                        plots.png_bytes(plots.radar(table, lang=lang))))
        figures.append((T("overview.bars"), T("overview.bars_alt"),
                        plots.png_bytes(plots.moment_bars(table, lang=lang))))
        order = list(table.columns.drop(sc.CHANGE))
        totals, notes = totals_with_notes(answers, order, lang)
        if len(totals):
            figures.append((T("overview.lines"), T("overview.lines_alt"),
                            plots.png_bytes(plots.organisation_lines(
                                sc.organisation_totals(answers, order, partial=True), lang=lang,
                                incomplete=set(notes)))))
    return figures


def report_html(answers: pd.DataFrame, *, name: str, lang: str = "sv", occasions=None,
                anonymous: bool = False, figures: list | None = None, salt: str = "",
                store=None, workshop: str | None = None, names: dict | None = None) -> str:
    """A self-contained HTML report (Jinja2, autoescaped) that prints on A4.

    ``figures`` is a list of ``(caption, alt, png_bytes)`` drawn from the same (anonymised)
    answers; without it the standard plots are drawn here. With ``store`` and ``workshop``
    the other modules' sections follow the self-assessment's; ``names`` as for
    :func:`workshop_workbook`.
    """
    import base64

    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    from kit.reference import published_table

    if anonymous:
        names = names if names is not None else shown_names(answers["organisation"], salt)
        answers = anonymise(answers, names=names)
    sections = ([(key, Markup(markup)) for key, markup in  # already escaped by the hook
                 module_sections(store, workshop, lang, names=names if anonymous else None)]
                if store is not None and workshop else [])
    table = sc.summary_table(answers, occasions)
    order = list(table.columns.drop(sc.CHANGE))
    T = lambda key, **kw: content.text(key, lang, **kw)
    if figures is None:
        figures = standard_figures(answers, table, lang)

    def rows(frame, fmt=lambda v: number(v, lang)):
        out = []
        for i, row in frame.iterrows():
            label = T("table.total") if i == sc.TOTAL else i
            out.append((label, [fmt(v) for v in row], i == sc.TOTAL))
        return out

    heads = [occasion_label(c, lang) if c != sc.CHANGE else c for c in table.columns]
    totals, notes = totals_with_notes(answers, order, lang)
    total_rows = [(clean(str(org)), [number(v, lang) for v in row], notes.get(org, ""))
                  for org, row in totals.iterrows()]
    comments = []
    for a in answers.sort_values(["organisation", "occasion", "moment"]).itertuples():
        if a.comment or a.actions:
            comments.append({"organisation": clean(a.organisation),
                             "occasion": clean(occasion_label(a.occasion, lang)),
                             "moment": int(a.moment), "role": role_label(a.role, lang),
                             "comment": clean(a.comment), "actions": clean(a.actions)})
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]))
    template = env.get_template("report.html.j2")
    return template.render(
        fit=" fit" if any(len(word) > 16 for h in heads for word in str(h).split()) else "",
        lang=lang, title=clean(T("overview.report_title", name=name)),
        made=T("overview.report_made", time=dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")),
        table_heading=T("overview.table_heading"), table_caption=T("overview.table_caption"),
        moment_label=T("table.moment"), heads=[clean(h) for h in heads], rows=rows(table),
        n_heading=T("overview.n_heading"), n_rows=rows(table.attrs["n"], fmt=lambda v: str(int(v))),
        n_heads=[clean(h) for h in heads[:-1]],
        totals_heading=T("overview.lines"), totals_heads=[clean(occasion_label(c, lang)) for c in order],
        total_rows=total_rows, note_label=T("overview.note"),
        organisation_label=content.text("columns.organisation", lang),
        figures=[(c, a, base64.b64encode(p).decode("ascii")) for c, a, p in figures],
        reference=[(T(f"results.{w}"), rows(published_table(w)),
                    [occasion_label(c, lang) if c != sc.CHANGE else c for c in published_table(w).columns],
                    T(note))
                   for w, note in (("participants", "results.note_table1"),
                                   ("mentors", "results.note_table2"))],
        reference_heading=T("results.reference"),
        comments_heading=T("overview.comments"), comments=comments,
        columns={k: content.text(f"columns.{k}", lang) for k in
                 ("organisation", "occasion", "moment", "role", "comment", "actions")},
        source=T("sa.source", source="SKR, Modellkonceptet 2020–2022. Resultatrapport (2022)"),
        sections=sections,
    )

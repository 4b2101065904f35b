"""A workshop's record: one XLSX with a sheet per part, and a printable HTML report.

Both are written in the reader's language (the page's, not only the workshop's), show labels
rather than the kit's internal codes, and keep every typed text inert (see
:mod:`kit.io.writers`). In anonymous mode each organisation has one letter everywhere — the
charts, the tables and the comments — from :func:`kit.domain.scores.anonymous_names`.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd

from kit import content
from kit.domain import scores as sc
from kit.fmt import number
from kit.io.writers import (add_answers_sheet, add_table_sheet, clean, occasion_label, role_label,
                            sheet_title, write_row)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def anonymise(answers: pd.DataFrame, salt: str = "") -> pd.DataFrame:
    """The answers with each organisation's name replaced by its letter."""
    if answers.empty:
        return answers
    names = sc.anonymous_names(answers["organisation"], salt)
    frame = answers.copy()
    frame["organisation"] = frame["organisation"].map(names)
    return frame


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
                      anonymous: bool = False, salt: str = "") -> bytes:
    """Sheets: the raw answers (comments and actions too), the summary table, the number of
    organisations behind each mean, each organisation's totals (an incomplete one named, with
    what it lacks), and Modellkonceptet's tables with their notes. Numbers as numbers."""
    from openpyxl import Workbook

    from kit.reference import published_table

    T = lambda key, **kw: content.text(key, lang, **kw)  # noqa: E731
    if anonymous:
        answers = anonymise(answers, salt)
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
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def standard_figures(answers: pd.DataFrame, table: pd.DataFrame, lang: str) -> list:
    """The report's plots, when the page has none to hand over: ``(caption, alt, png)``."""
    from kit import plots

    T = lambda key, **kw: content.text(key, lang, **kw)  # noqa: E731
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
                anonymous: bool = False, figures: list | None = None, salt: str = "") -> str:
    """A self-contained HTML report (Jinja2, autoescaped) that prints on A4.

    ``figures`` is a list of ``(caption, alt, png_bytes)`` drawn from the same (anonymised)
    answers; without it the standard plots are drawn here.
    """
    import base64

    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from kit.reference import published_table

    if anonymous:
        answers = anonymise(answers, salt)
    table = sc.summary_table(answers, occasions)
    order = list(table.columns.drop(sc.CHANGE))
    T = lambda key, **kw: content.text(key, lang, **kw)  # noqa: E731
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
    )

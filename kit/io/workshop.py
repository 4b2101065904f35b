"""A workshop's record: one XLSX with a sheet per part, and a printable HTML report."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd

from kit import content
from kit.domain import scores as sc
from kit.fmt import number
from kit.io.writers import add_answers_sheet, add_table_sheet, occasion_label

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _anonymise(answers: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    from kit.plots import anonymous_label

    names = {org: anonymous_label(i) for i, org in enumerate(sorted(answers["organisation"].unique()))}
    frame = answers.copy()
    frame["organisation"] = frame["organisation"].map(names)
    return frame, names


def workshop_workbook(answers: pd.DataFrame, lang: str = "sv", occasions=None) -> bytes:
    """Sheets: the raw answers (comments and actions too), the summary table, the number of
    organisations behind each mean, each organisation's totals, and Modellkonceptet's tables.
    Headers in the workshop's language; numbers as numbers; typed text never a formula."""
    from openpyxl import Workbook

    from kit.reference import published_table

    T = lambda key: content.text(key, lang)  # noqa: E731
    table = sc.summary_table(answers, occasions)
    book = Workbook()
    book.remove(book.active)
    add_answers_sheet(book, answers, lang, T("export.sheet_answers"))
    add_table_sheet(book, table, lang, T("export.sheet_summary"))
    counts = table.attrs["n"].copy()
    counts[sc.CHANGE] = pd.NA
    add_table_sheet(book, counts.drop(columns=sc.CHANGE).astype(float), lang, T("overview.sheet_counts"))
    totals = sc.organisation_totals(answers, list(table.columns.drop(sc.CHANGE)))
    sheet = book.create_sheet(T("overview.sheet_totals")[:31])
    sheet.append([content.text("columns.organisation", lang)] +
                 [occasion_label(c, lang) for c in totals.columns])
    for org, row in totals.iterrows():
        sheet.append([None] + [None if pd.isna(v) else float(v) for v in row])
        cell = sheet.cell(row=sheet.max_row, column=1)
        cell.value = str(org)
        cell.data_type = "s"
    ref = book.create_sheet(T("overview.sheet_reference")[:31])
    for which in ("participants", "mentors"):
        ref.append([T(f"results.{which}")])
        published = published_table(which)
        ref.append([T("table.moment")] + [occasion_label(c, lang) if c != sc.CHANGE else c
                                          for c in published.columns])
        for i, row in published.iterrows():
            ref.append([T("table.total") if i == sc.TOTAL else i] + [float(v) for v in row])
        ref.append([])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_html(answers: pd.DataFrame, *, name: str, lang: str = "sv", occasions=None,
                anonymous: bool = False, figures: list | None = None) -> str:
    """A self-contained HTML report (Jinja2, autoescaped) that prints on A4.

    ``figures`` is a list of ``(caption, alt, png_bytes)``; without it the standard plots are drawn.
    """
    import base64

    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from kit import plots
    from kit.reference import published_table

    if anonymous and len(answers):
        answers, _ = _anonymise(answers)
    table = sc.summary_table(answers, occasions)
    order = list(table.columns.drop(sc.CHANGE))
    T = lambda key, **kw: content.text(key, lang, **kw)  # noqa: E731
    if figures is None:
        figures = []
        if len(answers):
            figures.append((T("overview.radar"), T("overview.radar_alt"),
                            plots.png_bytes(plots.radar(table, lang=lang))))
            figures.append((T("overview.bars"), T("overview.bars_alt"),
                            plots.png_bytes(plots.moment_bars(table, lang=lang))))
            totals = sc.organisation_totals(answers, order)
            if len(totals):
                figures.append((T("overview.lines"), T("overview.lines_alt"),
                                plots.png_bytes(plots.organisation_lines(totals, lang=lang))))
    def rows(frame, fmt=lambda v: number(v, lang)):
        out = []
        for i, row in frame.iterrows():
            label = T("table.total") if i == sc.TOTAL else i
            out.append((label, [fmt(v) for v in row], i == sc.TOTAL))
        return out

    heads = [occasion_label(c, lang) if c != sc.CHANGE else c for c in table.columns]
    comments = []
    for a in answers.sort_values(["organisation", "occasion", "moment"]).itertuples():
        if a.comment or a.actions:
            role = content.text(f"role_one.{a.role}", lang) if isinstance(a.role, str) else \
                content.text("role_one.konsensus", lang)
            comments.append({"organisation": a.organisation, "occasion": occasion_label(a.occasion, lang),
                             "moment": int(a.moment), "role": role, "comment": a.comment,
                             "actions": a.actions})
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]))
    template = env.get_template("report.html.j2")
    return template.render(
        lang=lang, title=T("overview.report_title", name=name),
        made=T("overview.report_made", time=dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")),
        table_heading=T("overview.table_heading"), table_caption=T("overview.table_caption"),
        moment_label=T("table.moment"), heads=heads, rows=rows(table),
        n_heading=T("overview.n_heading"), n_rows=rows(table.attrs["n"], fmt=lambda v: str(int(v))),
        n_heads=heads[:-1],
        figures=[(c, a, base64.b64encode(p).decode("ascii")) for c, a, p in figures],
        reference=[(T(f"results.{w}"), rows(published_table(w)),
                    [occasion_label(c, lang) if c != sc.CHANGE else c for c in published_table(w).columns])
                   for w in ("participants", "mentors")],
        reference_heading=T("results.reference"),
        comments_heading=T("overview.comments"), comments=comments,
        columns={k: content.text(f"columns.{k}", lang) for k in
                 ("organisation", "occasion", "moment", "role", "comment", "actions")},
        source=T("sa.source", source="SKR, Modellkonceptet 2020–2022. Resultatrapport (2022)"),
    )

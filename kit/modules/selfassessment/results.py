"""What Självskattning's page shows of a group's saved work: results (radar, totals, the
comparison with Modellkonceptet 2020–2022, the summary table) and the published reference
tables; and the texts of one moment card. Functions of their inputs; every text escaped.
"""

from __future__ import annotations

from kit import content
from kit.domain import scores as sc
from kit.ui import html as H
from kit.ui.base import BaseApp


def moment_strings(n: int, lang: str) -> dict:
    """Everything a moment card shows, in one language.

    >>> s = moment_strings(1, "en")
    >>> s["score_legend"], len(s["roles"]), sorted(s["scale"])
    ('Score for moment 1', 3, ['1', '2', '3', '4'])
    """
    def T(key, **values):
        return content.text(key, lang, **values)

    roles = content.lookup(f"moments.{n}.roles", lang)
    return {
        "title": T(f"moments.{n}.title"),
        "explanation": T(f"moments.{n}.explanation"),
        "roles": [[T(f"roles.{k}"), roles[k]] for k in ("politiker", "chef", "strateg")],
        "examples": list(content.lookup(f"moments.{n}.examples", lang)),
        "levels": {str(k): T(f"moments.{n}.levels.{k}") for k in sc.SCORES},
        "scale": {str(k): T(f"scale.{k}") for k in sc.SCORES},
        "more": T("sa.more"), "roles_heading": T("sa.roles_heading"),
        "examples_heading": T("sa.examples"), "levels_heading": T("sa.levels"),
        "score_legend": T("sa.score_legend", n=n), "comment": T("sa.comment"),
        "comment_for": T("sa.comment_for", n=n), "actions": T("sa.actions"),
        "actions_for": T("sa.actions_for", n=n), "peers": T("sa.peers"),
        "peers_none": T("sa.peers_none"),
        "source": T("sa.source", source=content.lookup(f"moments.{n}.source", lang)),
    }


def results_html(answers, who: str, lang: str) -> str:
    """A group's results from its saved answers (long format), then the reference tables."""
    from kit import plots
    from kit.io.writers import occasion_label

    def T(key, **values):
        return content.text(key, lang, **values)

    parts = [f"<h2>{H.e(T('results.heading'))}</h2>"]
    if answers.empty or answers["score"].notna().sum() == 0:
        parts.append(f"<p class=\"jk-muted\">{H.e(T('results.empty'))}</p>")
        return "".join(parts) + reference_html(lang)
    table = sc.summary_table(answers)
    parts.append(BaseApp.figure_html(plots.radar(table, lang=lang), T("results.radar"),
                                     T("results.radar_alt", who=who)))
    if table.loc[sc.TOTAL].drop(sc.CHANGE).notna().sum() >= 2:
        parts.append(BaseApp.figure_html(plots.totals(table, lang=lang), T("results.totals"),
                                         T("results.totals_alt", who=who)))
    parts.append(BaseApp.figure_html(plots.compare(table, lang=lang, group_label=who),
                                     T("results.compare"), T("results.compare_alt", who=who)))
    parts.append(f"<h3>{H.e(T('results.table'))}</h3>")
    parts.append(H.summary_table(table, lang, T("results.table_caption")))
    left_out = table.attrs.get("incomplete") or []
    if left_out:
        names = ", ".join(f"{occasion_label(occ, lang)} ({len(miss)})" for _, occ, miss in left_out)
        parts.append(f"<p class=\"jk-muted\">{H.e(T('results.incomplete', list=names))}</p>")
    return "".join(parts) + reference_html(lang)


def failed_html(lang: str) -> str:
    """What the results say when they could not be drawn."""
    return (f"<h2>{H.e(content.text('results.heading', lang))}</h2><p class=\"jk-status-error\" "
            f"role=\"status\">⚠ {H.e(content.text('results.failed', lang))}</p>")


def reference_html(lang: str) -> str:
    """Modellkonceptet 2020–2022's published Tabell 1 and 2, as published.

    >>> html = reference_html("en")
    >>> "<details" in html and "Tabell 1" in html and "<td>17.8</td>" in html
    True
    """
    from kit.reference import SOURCE, published_table

    def T(key, **values):
        return content.text(key, lang, **values)

    tables = "".join(
        H.summary_table(published_table(which), lang, T(f"results.{which}"))
        + f"<p class=\"jk-source\">{H.e(T(note))}</p>"
        for which, note in (("participants", "results.note_table1"),
                            ("mentors", "results.note_table2")))
    return (f"<details class=\"jk-details\"><summary>{H.e(T('results.reference'))}</summary>"
            f"<p>{H.e(T('results.reference_help'))}</p>{tables}"
            f"<p class=\"jk-source\">{H.e(T('sa.source', source=SOURCE))}</p></details>")

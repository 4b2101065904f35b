"""The facilitator's live overview: who has saved, the workshop's means beside
Modellkonceptet's, the charts for the projector, and the room's pool of kernels.

The page asks every ``REFRESH_SECONDS`` (and on its button) and redraws only when anything
was saved since. A refresh that fails says so on the ticker and in the log, keeps the last
good view, and the next tick tries again.
"""

from __future__ import annotations

import datetime as dt
import logging

from kit import content
from kit.domain import scores as sc
from kit.io.writers import occasion_label
from kit.modules.facilitator import rules
from kit.ui import html as H
from kit.ui.base import html, section
from kit.ui.widgets import Switches, Ticker

#: The overview's own log (the name it has always had, so the server's log reads the same).
log = logging.getLogger("kit.ui.facilitator")
REFRESH_SECONDS = 10


class OverviewPart:
    """The overview panel (a part of :class:`~.app.App`)."""

    def _overview_box(self, occasions: list[str]):
        self.occasion_form = self.form(
            [{"name": "occasion", "label": self.T("overview.occasion"), "type": "select",
              "value": self.occasion, "options": [[o, occasion_label(o, self.lang)] for o in occasions]}],
            self.T("fac.open_button"), self._choose_occasion, auto=True)
        self.switches = Switches(items=[{"name": "anonymous", "label": self.T("overview.anonymous")},
                                        {"name": "projector", "label": self.T("overview.projector")}],
                                 values={"anonymous": self.anonymous, "projector": self.projector})
        self.switches.observe(lambda change: self.act(self._switch, change["new"]), names="values")
        self.ticker = Ticker(seconds=REFRESH_SECONDS, button_label=self.T("overview.refresh"),
                             strings={"stale": self.T("conn.stale")})
        self.ticker.on_msg(self._on_tick)
        self.overview = html()
        self.pool_line = html()  # "Redo för 24 av 30 deltagare", when kit serve keeps a pool
        # in projector mode the controls share one row, so the table and chart fit the screen
        controls = [self.occasion_form, self.switches, self.ticker, self.pool_line]
        if not self.view:  # the facilitator's own page: the way to the clean projector view
            controls.append(self.view_link())
        return section([html(f"<h2>{H.e(self.T('overview.heading'))}</h2>"),
                        section(controls, cls="jk-overview-controls"), self.overview])

    def _choose_occasion(self, _form, values: dict) -> None:
        chosen = values.get("occasion")
        if chosen in rules.occasion_keys(self.workshop):
            self.occasion = chosen
        self._refresh(force=True)

    def _switch(self, values: dict) -> None:
        self.anonymous, self.projector = bool(values.get("anonymous")), bool(values.get("projector"))
        if self.projector:
            self.widget.add_class("jk-projector")
        else:
            self.widget.remove_class("jk-projector")
        self._show_notice()  # in projector mode, no key; in anonymous mode, no name
        if self._group_said and hasattr(self, "group_message"):
            self._group_message(*self._group_said)
        self._refresh(force=True)  # first: the letters the links and files use
        self._refresh_links()

    def _on_tick(self, _widget, msg, _buffers) -> None:
        """The ticker's message: ``{"event": "tick", "manual": bool}``."""
        if isinstance(msg, dict) and msg.get("event") == "tick":
            self.act(self._refresh, force=bool(msg.get("manual")))

    def _refresh(self, force: bool = False) -> bool:
        """Redraw the overview when anything was saved since the last time (or when asked)."""
        name = self.workshop["name"]
        self._refresh_pool()
        try:
            fingerprint = self.store.changes(name)
            if force or fingerprint != self._fingerprint:
                answers = self.store.answers_frame(name)
                letters = dict(self._names or {})
                self.overview.value = self.overview_html(answers)
                self._fingerprint = fingerprint
                if self.anonymous and dict(self._names or {}) != letters:
                    self._refresh_links()  # a new group: every letter is drawn again, the same
                    if self._group_said and hasattr(self, "group_message"):
                        self._group_message(*self._group_said)
                if not self.view:  # the projector's view has no files
                    self._refresh_exports(answers)
        except Exception as exc:
            log.error("JämKit: overview refresh failed", exc_info=exc)
            self._fingerprint = None
            self.ticker.text = self.T("overview.refresh_failed", time=self._last_good or "–")
            self.ticker.kind = "error"
            return False
        self._last_good = dt.datetime.now().astimezone().strftime("%H:%M:%S")
        self.ticker.text = self.T("overview.ticker", seconds=REFRESH_SECONDS, time=self._last_good)
        self.ticker.kind = "info"
        return True

    def _refresh_pool(self) -> None:
        """The room's pool of ready kernels (``kit serve --participants N``), or nothing."""
        from kit.kernel import status as pool_status

        state = pool_status.read_status()
        if state is None:
            value = ""
        elif pool_status.is_low(state):
            value = (f"<p class=\"jk-pool jk-pool-low\"><strong>{H.e(self.T('pool.low_label'))}</strong> "
                     f"{H.e(pool_status.warning(state, self.lang))}</p>")
        else:
            value = f"<p class=\"jk-pool\">{H.e(pool_status.describe(state, self.lang))}</p>"
        if self.pool_line.value != value:
            self.pool_line.value = value

    def _answered(self, answers) -> list[str]:
        """The occasions anyone has answered for, in the workshop's order."""
        return rules.answered_order(rules.occasion_keys(self.workshop),
                                    answers.loc[answers["score"].notna(), "occasion"])

    def overview_html(self, answers) -> str:
        from kit import plots
        from kit.io.workshop import anonymise, shown_names, totals_with_notes
        from kit.reference import published_table

        lang, occ, large, name = self.lang, self.occasion, self.projector, self.workshop["name"]
        # one letter per group in every chart, table and file (its other modules' parts too)
        self._names = shown_names([*self.store.groups(name), *answers["organisation"]], name)
        self._figures = []  # (caption, alt, png), reused by the report so nothing is drawn twice
        saved = [f"<h3>{H.e(self.T('overview.saved_heading'))}</h3>", self._saved_table()]
        if answers.empty or answers["score"].notna().sum() == 0:
            return "".join([*saved, f"<p class=\"jk-muted\">{H.e(self.T('overview.empty'))}</p>"])
        if self.anonymous:
            answers = anonymise(answers, names=self._names)
        order = self._answered(answers)
        table = sc.summary_table(answers, order)
        means = (f"<h3>{H.e(self.T('overview.table_heading'))}</h3>"
                 + H.summary_table(table, lang, self.T("overview.table_caption")))
        tables = [H.count_table(table.attrs["n"], lang, self.T("overview.n_heading"))]
        totals, notes = totals_with_notes(answers, order, lang)
        if len(totals):
            tables.append(H.totals_table(totals, notes, lang, self.T("overview.lines")))
        tables.append("<details class=\"jk-details\"><summary>"
                      f"{H.e(self.T('results.reference'))}</summary>"
                      + "".join(H.summary_table(published_table(wh), lang, self.T(f"results.{wh}"))
                                + f"<p class=\"jk-source\">{H.e(self.T(note))}</p>"
                                for wh, note in (("participants", "results.note_table1"),
                                                 ("mentors", "results.note_table2")))
                      + "</details>")
        figures = [
            (self.T("overview.radar"), self.T("overview.radar_alt"), plots.radar(table, lang=lang, large=large)),
            (self.T("overview.bars"), self.T("overview.bars_alt"), plots.moment_bars(table, lang=lang, large=large)),
            (self.T("overview.distribution"),
             self.T("overview.distribution_alt", occasion=occasion_label(occ, lang)),
             plots.distribution(sc.organisation_scores(answers), occ, lang=lang, large=large)),
        ]
        if len(totals):
            figures.append((self.T("overview.lines"), self.T("overview.lines_alt"),
                            plots.organisation_lines(sc.organisation_totals(answers, order, partial=True),
                                                     lang=lang, large=large, incomplete=set(notes))))
        drawn = []
        for caption, alt, fig in figures:
            png = plots.png_bytes(fig, dpi=90 if not large else plots.PROJECTOR_DPI)
            self._figures.append((caption, alt, png))
            drawn.append(H.figure(png, caption, alt))
        if not large:
            return "".join([*saved, means, *tables, *drawn])
        # the projector: the means and the first chart side by side, in the first screen
        main = f"<div class=\"jk-overview-main\"><div class=\"jk-overview-means\">{means}</div>{drawn[0]}</div>"
        return "".join([main, f"<div class=\"jk-overview-more\"><div>{''.join(saved)}</div>{''.join(tables)}</div>",
                        f"<div class=\"jk-overview-figures\">{''.join(drawn[1:])}</div>"])

    def _saved_table(self) -> str:
        import pandas as pd

        name, occ, lang = self.workshop["name"], self.occasion, self.lang
        overview = self.store.saved_overview(name)
        overview = overview[overview["occasion"] == occ]
        groups = self.store.groups(name)
        if self.anonymous:
            saved = overview["organisation"].nunique()
            return f"<p>{H.e(f'{saved} / {len(groups)}')}</p>"
        if not groups:
            return f"<p class=\"jk-muted\">{H.e(self.T('overview.nobody'))}</p>"
        rows = []
        for group in groups:
            part = overview[overview["organisation"] == group]
            if part.empty:
                rows.append([group, f"– {self.T('overview.not_yet')}", "", ""])
                continue
            last = pd.Timestamp(part["saved_at"].max()).to_pydatetime().astimezone().strftime("%H:%M")
            roles = ", ".join(content.text(f"role_one.{r or 'konsensus'}", lang)
                              for r in rules.roles_in_order(part["role"]))
            joint = part[part["role"] == ""]
            moments = f"{int(joint['scored'].iloc[0])} / 10" if len(joint) else "–"
            rows.append([group, f"✓ {last}", roles, moments])
        caption = self.T("overview.saved_caption", occasion=occasion_label(occ, lang))
        heads = [self.T(f"overview.{k}") for k in ("group", "saved", "roles", "moments")]
        # cards on a narrow screen: each cell says its column
        return H.card_table(heads, rows, caption, cls="jk-status-list")

"""The Könskonsekvensanalys page: four steps, one a page — the könskonsekvensanalys per
indicator (its numbers beside the questions), the jämställdhetsanalys against the organisation's
own goals and the six national goals, the 4R of the group's activity, and the decision paper:
SKL's checklist for gender-equal decisions, then the section "Konsekvenser för kvinnor och män,
flickor och pojkar", to copy or download, and the paper before and after it.

The page holds the analysis as one payload (``self.a``, :func:`rules.blank`'s shape); every
rule — the checklist's routing, the text, the 4R, what is done — is :mod:`rules`'s. The
indicators come from the group's statistics record at the same occasion (or the worked case),
numbers from suppressed data only. Moving to another step saves the work (when the place is
complete), and a group coming back opens at the first step not yet done.
"""

from __future__ import annotations

import copy

import ipywidgets as w

from kit.modules.analysis import records, sources
from kit.modules.analysis.records import paragraph_html
from kit.modules.analysis import rules as r
from kit.modules.statistics import rules as stat
from kit.ui import html as H
from kit.ui.base import JSON, download, html, section, slug
from kit.ui.editors import ChoiceGroup, RowTable, StepSequence, rowtable_strings, steps_strings
from kit.ui.group import GroupApp
from kit.ui.strings import Say
from kit.ui.widgets import Ask, CopyButton, Files, Form

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"


class App(GroupApp):
    """The guided gender-impact analysis for one group at one occasion."""

    key = "konskonsekvensanalys"
    record = records.MODULE
    title_key = "analysis.title"
    can_upload = False
    texts = GroupApp.texts | {"files_help": "analysis.app.files_help", "who": "analysis.app.who",
                              "who_help": "analysis.app.who_help"}

    def __init__(self, params: dict | None = None, *, store=None, on_back=None, on_query=None):
        params = params or {}
        self.a = r.blank()
        self.step = _step(params.get("step"))
        self._step_given = params.get("step") not in (None, "")
        self.current = 0  # the indicator shown in step 1
        self.stat = None  # the group's statistics record at the place
        self._confirm_sync = False
        self._drawing = False  # the page writes its widgets: what they report back is no edit
        super().__init__(params, store=store, on_back=on_back, on_query=on_query)
        self.widget.add_class("jk-wide")

    def edit(self, fn, *args) -> None:
        """An edit in the browser (a widget's value changed) — not the page's own redraw."""
        if not self._drawing:
            self.act(fn, *args)

    def AT(self, key: str, **values) -> str:
        return self.T(f"analysis.{key}", **values)

    # -- the page ----------------------------------------------------------------------
    def header(self) -> list:
        return [html(f"<h1>{H.e(self.AT('title')).replace('konsekvens', '<wbr>konsekvens<wbr>')}</h1><p class=\"jk-lead\">{H.e(self.AT('intro'))}</p>"
                     f"<p class=\"jk-source\">{H.e(self.AT('source_note'))}</p>")]

    def body(self) -> list:
        strings = rowtable_strings(self.lang)
        self.source = Ask()
        self.on(self.source, "answer", lambda msg, _b: self.source_answer(msg.get("value")))
        self.steps = StepSequence(steps=[{"key": k, "title": _breakable(self.AT(f"steps.{k}"))} for k in r.STEPS],
                                  current=self.step, strings=steps_strings(self.lang))
        self.steps.observe(lambda ch: self._drawing or self.act(self.go, ch["new"]), names="current")
        # step 1
        self.which = ChoiceGroup(label=self.AT("app.which"), options=[["0", "–"]], value="0")
        self.which.observe(lambda ch: self.edit(self._choose_indicator, ch["new"]), names="value")
        self.numbers = html("")
        self.numbers.add_class("jk-an-numbers-wrap")
        self.questions = RowTable(columns=self._question_columns(), rows=[], title_field="heading", lang=self.lang,
                                  can_add=False, can_delete=False, can_reorder=False, layout="cards",
                                  strings=strings)
        self.questions.observe(lambda ch: self.edit(self._questions_edited, ch["new"]), names="rows")
        # step 2
        self.national = RowTable(columns=self._goal_columns(national=True), rows=[], title_field="goal",
                                 lang=self.lang, can_add=False, can_delete=False, can_reorder=False,
                                 caption=self.AT("app.national_caption"), strings=strings)
        self.national.observe(lambda ch: self.edit(self._national_edited, ch["new"]), names="rows")
        self.own = RowTable(columns=self._goal_columns(national=False), rows=[], title_field="goal",
                            lang=self.lang, caption=self.AT("app.own_caption"), layout="cards",
                            strings=strings | {"add": self.AT("app.add_goal")})
        self.own.observe(lambda ch: self.edit(self._own_edited, ch["new"]), names="rows")
        # step 3
        self.feed = html("")
        self.fourr = RowTable(columns=self._fourr_columns(), rows=[], title_field="heading", lang=self.lang,
                              can_add=False, can_delete=False, can_reorder=False, layout="cards", strings=strings)
        self.fourr.observe(lambda ch: self.edit(self._fourr_edited, ch["new"]), names="rows")
        self.fourr_view = html("")
        # step 4
        self.paper_choice = ChoiceGroup(label=self.AT("app.paper_choice"), value="sample",
                                        options=[["sample", self.AT("app.paper_sample")],
                                                 ["own", self.AT("app.paper_own")]])
        self.paper_choice.observe(lambda ch: self.edit(self._paper_kind, ch["new"]), names="value")
        self.paper_view = html("")
        self.own_paper = RowTable(columns=[
            {"name": "title", "label": self.AT("app.paper_title"), "type": "text", "maxlength": 300},
            {"name": "text", "label": self.AT("app.paper_text"), "type": "textarea", "help": self.AT("app.paper_help"),
             "maxlength": r.PAPER_LIMIT}], rows=[], title_field="heading", lang=self.lang, can_add=False,
            can_delete=False, can_reorder=False, layout="cards", strings=strings)
        self.own_paper.observe(lambda ch: self.edit(self._own_paper_edited, ch["new"]), names="rows")
        self.statements = []
        for i, key in enumerate(r.STATEMENTS, start=1):
            choice = ChoiceGroup(label=f"{i}. {self.AT(f'checklist.statements.{key}')}",
                                 options=[["yes", self.AT("choices.answer.yes")], ["no", self.AT("choices.answer.no")]])
            choice.observe(lambda ch, i=i: self.edit(self._answer, i, ch["new"]), names="value")
            self.statements.append(choice)
        self.reason = RowTable(columns=[{"name": "reason", "label": self.AT("app.reason"), "type": "textarea",
                                         "help": self.AT("app.reason_help"), "maxlength": r.ANSWER_LIMIT}],
                               rows=[], title_field="heading", lang=self.lang, can_add=False, can_delete=False,
                               can_reorder=False, layout="cards", strings=strings)
        self.reason.observe(lambda ch: self.edit(self._reason_edited, ch["new"]), names="rows")
        self.verdict = html("")
        self.note_copy = CopyButton(lang=self.lang, label=self.AT("app.copy_note"))
        self.section_intro = html("")
        self.section_table = RowTable(columns=[{"name": "text", "label": self.AT("app.section_label"),
                                                "type": "textarea", "help": self.AT("app.section_help"),
                                                "maxlength": r.SECTION_LIMIT}],
                                      rows=[], title_field="heading", lang=self.lang, can_add=False,
                                      can_delete=False, can_reorder=False, layout="cards", strings=strings)
        self.section_table.add_class("jk-an-section")
        self.section_table.observe(lambda ch: self.edit(self._section_edited, ch["new"]), names="rows")
        self.section_copy = CopyButton(lang=self.lang)
        self.regenerate = Ask()
        self.on(self.regenerate, "answer", lambda msg, _b: self.regenerate_section(msg.get("value")))
        self.section_files = Files(can_upload=False, strings={"upload": ""})
        self.compare = html("")
        self.bottom = Form(fields=[], submit_label="")
        self.on(self.bottom, "submit", lambda _m, _b: self.next_step())
        self.content = w.VBox()
        self.content.add_class("jk-steps-content")
        return [section([self.source]), section([self.steps, self.content], "jk-section jk-analysis")]

    # -- columns -----------------------------------------------------------------------
    def _question_columns(self) -> list[dict]:
        cols = []
        for q in r.QUESTIONS:
            col = {"name": q, "label": self.AT(f"questions.{q}.label"), "help": self.AT(f"questions.{q}.help")}
            if q in r.CHOICES:
                col.update(type="select", options=[["", self.AT("app.choose")],
                                                   *([v, self.AT(f"choices.{q}.{v}")] for v in r.CHOICES[q])])
            else:
                col.update(type="textarea", maxlength=r.ANSWER_LIMIT)
            cols.append({k: v for k, v in col.items() if v != ""})
        return cols

    def _indicator_options(self) -> list:
        return [[row["id"], self._title(row)] for row in self.a["indicators"]]

    def _goal_columns(self, national: bool) -> list[dict]:
        goal = ({"name": "goal", "label": self.AT("app.national_goal"), "type": "static"} if national else
                {"name": "goal", "label": self.AT("app.own_goal"), "type": "text", "required": True, "maxlength": 300,
                 "help": self.AT("app.own_goal_help")})
        cols = [goal]
        options = self._indicator_options()
        if options:
            cols.append({"name": "indicators", "label": self.AT("app.goal_indicators"), "type": "checks",
                         "options": options})
        cols += [{"name": "met", "label": self.AT("app.met"), "type": "select",
                  "options": [["", self.AT("app.choose")], *([m, self.AT(f"met.{m}")] for m in r.MET)]},
                 {"name": "why", "label": self.AT("app.why"), "type": "textarea", "maxlength": r.ANSWER_LIMIT}]
        return cols

    def _fourr_columns(self) -> list[dict]:
        cols = [{"name": "activity", "label": self.AT("fourr.activity.name"), "type": "text", "maxlength": 300,
                 "help": self.AT("fourr.activity.question")}]
        cols += [{"name": k, "label": self.AT(f"fourr.{k}.name"), "type": "textarea", "maxlength": r.ANSWER_LIMIT,
                  "help": self.AT(f"fourr.{k}.question")} for k in r.FOUR_R]
        return cols

    # -- views in the page's language ----------------------------------------------------
    def _title(self, row: dict) -> str:
        return r._title(sources.in_language(row, self.lang))

    def view(self) -> dict:
        """The analysis with its indicators named in the page's language."""
        return {**self.a, "indicators": [sources.in_language(row, self.lang) for row in self.a["indicators"]]}

    def area(self) -> str:
        names = [sources.area(row, self.lang) for row in self.a["indicators"]]
        return r._join(list(dict.fromkeys(n for n in names if n)), self.lang)

    def generated(self) -> str:
        return r.section_text(self.view(), self.lang, area=self.area())

    def section_now(self) -> str:
        """The section as the group has it: its own edited text, or the one generated now."""
        return self.a["section"]["text"] if self.a["section"]["edited"] else self.generated()

    # -- steps -------------------------------------------------------------------------
    def go(self, step: int) -> None:
        """Show step ``step`` (0-based); work not yet saved is saved on the way (when the place
        is complete and the group open), so that leaving a step never loses it."""
        step = max(0, min(int(step), len(r.STEPS) - 1))
        moved = step != self.step
        self.step = step
        if self.steps.current != step:
            self.steps.current = step
        if moved and self._complete() and self._dirty() and self._group_state() == "open" and not self._asked:
            self.save()
        self._redraw()
        self.update_url()

    def next_step(self) -> None:
        """The button at the end of a step: on to the next, the focus on its heading."""
        if self.step < len(r.STEPS) - 1:
            self.go(self.step + 1)
            self.steps.focus += 1

    def _draw_bottom(self) -> None:
        """A long step ends with a way on (the step list and its buttons are at the top)."""
        if self.step < len(r.STEPS) - 1:
            nxt = r.STEPS[self.step + 1]
            self.bottom.submit_label = self.AT("app.next_step", title=self.AT(f"steps.{nxt}"))
            self.content.children = [*[c for c in self.content.children if c is not self.bottom], self.bottom]

    def place(self) -> dict:
        return super().place() | ({"step": str(self.step + 1)} if self.step else {})

    def _redraw(self) -> None:
        name = r.STEPS[self.step]
        was, self._drawing = self._drawing, True
        try:
            self.steps.done = [k for k in r.progress(self.a) if k != name]
            getattr(self, f"_draw_{name}")()
            self._draw_bottom()
        finally:
            self._drawing = was

    def _draw_impact(self) -> None:
        rows = self.a["indicators"]
        if not rows:
            self.content.children = [html(f'<p class="jk-note">{H.e(self.AT("app.no_indicators"))}</p>')]
            return
        self.current = max(0, min(self.current, len(rows) - 1))
        row = rows[self.current]
        self.which.options = [[str(i), self._title(x)] for i, x in enumerate(rows)]
        self.which.value = str(self.current)
        self.numbers.value = self._numbers_html(row)
        self.questions.columns = self._question_columns_for(row)
        self.questions.rows = [{"id": row["id"], "heading": self.AT("app.questions_heading", title=self._title(row)),
                                **{q: row[q] for q in r.QUESTIONS}}]
        pair = w.Box([self.numbers, self.questions])
        pair.add_class("jk-an-pair")
        case = sources.case(self.lang)
        scenario = (f'<p class="jk-note"><strong>{H.e(self.AT("app.scenario"))}:</strong> {H.e(case["scenario"])}</p>'
                    if self._is_case() and case.get("scenario") else "")
        self.content.children = [html(f"{scenario}<p>{H.e(self.AT('app.impact_help'))}</p>"),
                                 *([self.which] if len(rows) > 1 else []), pair]

    def _is_case(self) -> bool:
        """Whether the analysis is of the worked case's indicators."""
        return [r.pick_key(x) for x in self.a["indicators"]] == [r.pick_key(p) for p in sources.case_picks(self.lang)]

    def _question_columns_for(self, row: dict) -> list[dict]:
        """The questions, with this indicator's numbers in the help of the first two."""
        cols = self._question_columns()
        v = sources.in_language(row, self.lang)
        unit = f" {v['unit']}" if v.get("unit") else ""
        diff = (self.AT("app.hint_diff", period=row["period"] or "–", diff=stat.fmt(row["diff"], self.lang, signed=True)
                        + unit, ratio=stat.fmt(row["ratio"], self.lang, 2)) if row.get("diff") is not None
                else self.AT("app.hint_no_diff"))
        limit = stat.parse_threshold(self.a["threshold"], self.lang) if self.a["threshold"] else None
        size = (self.AT("app.hint_limit", limit=stat.fmt(limit, self.lang) + unit) if limit is not None
                else self.AT("app.hint_no_limit"))
        for col in cols:
            if col["name"] == "difference":
                col["help"] = diff
            elif col["name"] == "size":
                col["help"] = f"{self.AT('questions.size.help')} {size}"
        return cols

    def _numbers_html(self, row: dict) -> str:
        v = sources.in_language(row, self.lang)
        hidden = r.suppression_words(row, self.lang)
        table = sources.series_table(row, self.lang)
        place = f" – {H.e(v['area_name'])}" if v.get("area_name") else ""
        return (f'<div class="jk-an-numbers"><h3>{H.e(self.AT("app.numbers"))}: {H.e(r._title(v))}{place}</h3>'
                f"<p>{H.e(r.facts(v, self.lang))}</p>"
                + (f'<p class="jk-note">{H.e(hidden)}</p>' if hidden else "")
                + table + "</div>")

    def _draw_goals(self) -> None:
        titles = self._indicator_options()
        self.national.columns = self._goal_columns(national=True)
        self.own.columns = self._goal_columns(national=False)
        keep = {i for i, _ in titles}
        self.national.rows = [{"id": g["id"], "goal": r.goal_name(g["id"], self.lang),
                               **({"indicators": [i for i in g["indicators"] if i in keep]} if titles else {}),
                               "met": g["met"], "why": g["why"]} for g in self.a["national"]]
        self.own.rows = [{"id": g["id"], "goal": g["goal"],
                          **({"indicators": [i for i in g["indicators"] if i in keep]} if titles else {}),
                          "met": g["met"], "why": g["why"]} for g in self.a["own_goals"]]
        goals = "".join(f"<li><strong>{H.e(r.goal_name(k, self.lang))}</strong> – {H.e(self.AT(f'goals.{k}.text'))}</li>"
                        for k in r.NATIONAL_GOALS)
        self.content.children = [
            html(f"<p>{H.e(self.AT('app.goals_help'))}</p>"
                 f'<details class="jk-disclosure-html"><summary>{H.e(self.AT("app.goals_list"))}</summary>'
                 f"<ul>{goals}</ul><p class=\"jk-source\">{H.e(self.AT('app.goals_source'))}</p></details>"),
            self.own, self.national]

    def _draw_fourr(self) -> None:
        f = self.a["fourr"]
        self.fourr.rows = [{"id": "fourr", "heading": self.AT("app.fourr_caption"),
                            **{k: f[k] for k in ("activity", *r.FOUR_R)}}]
        feed = r.statistics_feed(self.view(), self.lang)
        items = "".join(f"<li>{H.e(x)}</li>" for x in feed["resources"])
        self.feed.value = (f'<div class="jk-an-feed"><h3>{H.e(self.AT("app.feed_heading"))}</h3>'
                           f"<p>{H.e(self.AT('app.feed_help'))}</p><ul>{items}</ul></div>" if items else
                           f'<p class="jk-note">{H.e(self.AT("app.feed_none"))}</p>')
        self._draw_fourr_view()
        self.content.children = [html(f"<p>{H.e(self.AT('app.fourr_help'))}</p>"), self.feed, self.fourr,
                                 self.fourr_view]

    def _draw_fourr_view(self) -> None:
        summary = [x for x in r.four_r_summary(self.view(), self.lang) if x["text"]]
        if not summary:
            self.fourr_view.value = ""
            return
        items = "".join(f"<dt>{H.e(x['name'])}</dt><dd>{paragraph_html(x['text'])}</dd>" for x in summary)
        self.fourr_view.value = (f'<div class="jk-an-summary"><h3>{H.e(self.AT("app.fourr_summary"))}</h3>'
                                 f"<dl>{items}</dl></div>")

    def _draw_decision(self) -> None:
        a = self.a
        self.paper_choice.value = a["paper"]["kind"]
        parts = [html(f"<p>{H.e(self.AT('app.decision_help'))}</p>"), self.paper_choice]
        if a["paper"]["kind"] == "own":
            self.own_paper.rows = [{"id": "paper", "heading": self.AT("app.paper_own"), "title": a["paper"]["title"],
                                    "text": a["paper"]["text"]}]
            parts.append(self.own_paper)
        else:
            parts.append(self.paper_view)
            scenario = sources.case(self.lang).get("scenario") or ""
            self.paper_view.value = ((f'<p class="jk-note"><strong>{H.e(self.AT("app.scenario"))}:</strong> '
                                      f"{H.e(scenario)}</p>" if scenario else "")
                                     + f'<details class="jk-disclosure-html"><summary>{H.e(self.AT("app.read_paper"))}'
                                     f"</summary>{self._paper_html(None, before=None)}</details>")
        route = r.route(a["checklist"])
        checks = [html(f'<h3 id="jk-an-checklist">{H.e(self.AT("app.checklist_heading"))}</h3>'
                       f"<p>{H.e(self.AT('app.checklist_help'))}</p>")]
        for i, choice in enumerate(self.statements, start=1):
            choice.value = a["checklist"][f"s{i}"]
            if i in route["asked"]:
                checks.append(choice)
        status = route["status"]
        if status == "not_applicable":
            self.reason.rows = [{"id": "reason", "heading": self.AT("app.reason_heading"),
                                 "reason": a["checklist"]["reason"]}]
            checks.append(self.reason)
        self._draw_verdict()
        checks += [self.verdict, self.note_copy]
        parts += checks
        if status != "not_applicable":
            parts += self._section_parts()
        self.content.children = parts

    def _draw_verdict(self) -> None:
        """The checklist's verdict in words (the återremiss note, or why it does not apply)."""
        a, route = self.a, r.route(self.a["checklist"])
        status = route["status"]
        note = (r.remiss_note(a["checklist"], self._paper_title(), self.lang) if route["missing"] else
                r.not_applicable_note(a["checklist"], self.lang))
        said = paragraph_html(note) if note else H.e(self.AT(f"app.checklist.status.{status}"))
        more = (f"<p>{H.e(self.AT('app.checklist.status.open'))}</p>" if status == "open" and note else "")
        self.verdict.value = (f'<div class="jk-an-verdict jk-an-{status}" role="status">'
                              f"<p><strong>{H.e(self.AT('app.verdict'))}:</strong> {said}</p>{more}</div>")
        self.note_copy.text = note
        self.note_copy.layout.display = "" if note else "none"

    def _section_parts(self) -> list:
        text = self.section_now()
        self.section_table.rows = [{"id": "section", "heading": self.AT("section.heading"), "text": text}]
        self.section_copy.text = text
        self.section_intro.value = (f"<p>{H.e(self.AT('app.section_intro'))}</p>"
                                    + (f'<p class="jk-note">{H.e(self.AT("app.section_edited"))}</p>'
                                       if self.a["section"]["edited"] else ""))
        self._regenerate_buttons()
        self.section_files.downloads = self._section_downloads(text)
        self.compare.value = self._compare_html(text)
        actions = w.Box([self.section_copy, self.regenerate])
        actions.add_class("jk-an-actions")
        return [self.section_intro, self.section_table, actions, self.section_files, self.compare]

    def _regenerate_buttons(self, confirm: bool = False) -> None:
        if confirm:
            self.regenerate.text = self.AT("app.regenerate_confirm")
            self.regenerate.buttons = [{"value": "yes", "label": self.AT("app.regenerate_yes"), "kind": "danger"},
                                       {"value": "no", "label": self.AT("app.regenerate_no"), "kind": "quiet"}]
        elif self.a["section"]["edited"]:
            self.regenerate.text = ""
            self.regenerate.buttons = [{"value": "ask", "label": self.AT("app.regenerate"), "kind": "quiet"}]
        else:
            self.regenerate.text, self.regenerate.buttons = "", []

    # -- the decision paper ------------------------------------------------------------
    def _paper(self) -> dict:
        if self.a["paper"]["kind"] == "own":
            return r.own_paper(self.a["paper"]["title"], self.a["paper"]["text"])
        paper = sources.case(self.lang)["paper"]
        return paper

    def _paper_title(self) -> str:
        return self._paper().get("title") or ""

    def _paper_html(self, text: str | None, before: bool | None) -> str:
        """The paper as an article; ``text`` the consequence section to put in (``None``: none)."""
        paper = self._paper()
        sections = r.paper_sections(paper, self.AT("section.heading"), text)
        body = []
        for s in sections:
            paras = "".join(f"<p>{paragraph_html(p)}</p>" for p in str(s["text"]).split("\n\n") if p.strip())
            head = f"<h5>{H.e(s['heading'])}</h5>" if s["heading"] else ""
            if s["added"]:
                body.append(f'<section class="jk-paper-added"><p class="jk-tag">{H.e(self.AT("app.added"))}</p>'
                            f"{head}{paras}</section>")
            else:
                body.append(f"<section>{head}{paras}</section>")
        title = paper.get("title") or self.AT("app.paper_untitled")
        meta = f'<p class="jk-paper-meta">{H.e(paper["meta"])}</p>' if paper.get("meta") else ""
        label = "" if before is None else \
            f'<p class="jk-paper-label">{H.e(self.AT("app.before" if before else "app.after"))}</p>'
        return f'<article class="jk-paper">{label}<h4>{H.e(title)}</h4>{meta}{"".join(body)}</article>'

    def _compare_html(self, text: str) -> str:
        if self.a["paper"]["kind"] == "own" and not self.a["paper"]["text"].strip():
            return ""
        before, after = self._paper_html(None, True), self._paper_html(text, False)
        # side by side where there is room; on a phone the paper with the section, the one
        # without it folded (two whole papers one after the other are too long to compare)
        return (f'<h3 id="jk-an-compare">{H.e(self.AT("app.compare_heading"))}</h3>'
                f"<p>{H.e(self.AT('app.compare_help'))}</p>"
                f'<div class="jk-an-compare jk-an-compare-wide">{before}{after}</div>'
                f'<div class="jk-an-compare-narrow">{after}<details class="jk-disclosure-html">'
                f'<summary>{H.e(self.AT("app.show_before"))}</summary>{before}</details></div>')

    def _section_downloads(self, text: str) -> list:
        from kit.modules.analysis import files

        heading = self.AT("section.heading")
        stem = f"konsekvenser-{slug(self.ctx.get('organisation') or 'grupp')}"
        title = self._paper_title()
        return [download(self.AT("app.download_docx"), f"{stem}.docx",
                         files.to_docx(heading, text, self.lang, subject=title), DOCX),
                download(self.AT("app.download_odt"), f"{stem}.odt",
                         files.to_odt(heading, text, self.lang, subject=title), ODT)]

    # -- edits -------------------------------------------------------------------------
    def _touched(self, redraw: bool = False) -> None:
        """The analysis changed: redraw what depends on it and say the work is unsaved."""
        self.steps.done = [k for k in r.progress(self.a) if k != r.STEPS[self.step]]
        if redraw:
            self._redraw()
        self.changed()

    def _choose_indicator(self, value) -> None:
        try:
            index = int(value)
        except (TypeError, ValueError):
            return
        if index != self.current and 0 <= index < len(self.a["indicators"]):
            self.current = index
            self._redraw()

    def _questions_edited(self, rows) -> None:
        for given in rows:
            for row in self.a["indicators"]:
                if row["id"] == given.get("id"):
                    for q in r.QUESTIONS:
                        value = given.get(q)
                        row[q] = (value if value in r.CHOICES[q] else "") if q in r.CHOICES else str(value or "")
        self._touched()

    def _goal_rows(self, rows, national: bool) -> list[dict]:
        known = {row["id"] for row in self.a["indicators"]}
        out = []
        for given in rows:
            item = {"id": str(given.get("id")), "indicators": [i for i in given.get("indicators") or [] if i in known],
                    "met": given.get("met") if given.get("met") in r.MET else "", "why": str(given.get("why") or "")}
            if not national:
                item["goal"] = str(given.get("goal") or "")
            out.append(item)
        return out

    def _national_edited(self, rows) -> None:
        given = {g["id"]: g for g in self._goal_rows(rows, True)}
        self.a["national"] = [given.get(g["id"], g) for g in self.a["national"]]
        self._touched()

    def _own_edited(self, rows) -> None:
        self.a["own_goals"] = self._goal_rows(rows, False)[: r.MAX_OWN_GOALS]
        self._touched()

    def _fourr_edited(self, rows) -> None:
        given = rows[0] if rows else {}
        self.a["fourr"] = {k: str(given.get(k) or "") for k in ("activity", *r.FOUR_R)}
        self._draw_fourr_view()
        self._touched()

    def _paper_kind(self, value) -> None:
        kind = "own" if value == "own" else "sample"
        if kind != self.a["paper"]["kind"]:
            self.a["paper"]["kind"] = kind
            self._touched(redraw=True)

    def _own_paper_edited(self, rows) -> None:
        given = rows[0] if rows else {}
        self.a["paper"].update(title=str(given.get("title") or ""), text=str(given.get("text") or ""))
        if self.a["section"]["edited"] is False:
            self.compare.value = self._compare_html(self.section_now())
        self._touched()

    def _answer(self, number: int, value) -> None:
        value = value if value in r.ANSWERS else ""
        if self.a["checklist"][f"s{number}"] != value:
            self.a["checklist"][f"s{number}"] = value
            self._touched(redraw=True)

    def _reason_edited(self, rows) -> None:
        self.a["checklist"]["reason"] = str((rows[0] if rows else {}).get("reason") or "")
        self._draw_verdict()
        self._touched()

    def _section_edited(self, rows) -> None:
        text = str((rows[0] if rows else {}).get("text") or "")
        if text == self.section_now():
            return
        generated = self.generated()
        self.a["section"] = {"text": text if text != generated else "", "edited": text != generated}
        self.section_copy.text = text
        self.section_files.downloads = self._section_downloads(text)
        self.compare.value = self._compare_html(text)
        self._regenerate_buttons()
        self._touched()

    def regenerate_section(self, value) -> None:
        """Make the section again from the analysis (asked first: the group's edits go)."""
        if value == "ask":
            self._regenerate_buttons(confirm=True)
            return
        if value == "yes":
            self.a["section"] = {"text": "", "edited": False}
            self._touched(redraw=True)
            self.notify(Say("analysis.app.regenerated"), "unsaved")
            return
        self._regenerate_buttons()

    # -- where the indicators come from ------------------------------------------------
    def _read_statistics(self) -> None:
        self.stat = None
        if self._complete() and self._group_state() == "open":
            try:
                self.stat = sources.statistics_record(self._access(), self.ctx["occasion"])
            except Exception:  # the analysis is still usable without it
                self.stat = None

    def _picks(self) -> list:
        return list((self.stat or {}).get("picks") or [])

    def _draw_source(self) -> None:
        picks, rows = self._picks(), self.a["indicators"]
        same = [r.pick_key(p) for p in picks] == [r.pick_key(x) for x in rows]
        buttons = []
        if picks and not same:
            buttons.append({"value": "sync", "label": self.AT("app.sync"), "kind": "primary"})
        buttons.append({"value": "example", "label": self.AT("app.example"), "kind": "quiet"})
        if rows and same and picks:
            text = self.AT(_n("app.source_statistics", rows), n=len(rows))
        elif rows:
            text = self.AT(_n("app.source_changed" if picks else "app.source_kept", rows), n=len(rows))
        elif picks:
            text = self.AT(_n("app.source_ready", picks), n=len(picks))
        else:
            text = self.AT("app.source_none")
        self.source.text, self.source.buttons = text, buttons

    def source_answer(self, value) -> None:
        if value == "sync":
            self.take_picks(self._picks(), Say(f"analysis.{_n('app.synced', self._picks())}", n=len(self._picks())))
        elif value == "example":
            self.take_picks(sources.case_picks(self.lang), Say("analysis.app.example_loaded"), example=True)

    def take_picks(self, picks: list, said: Say, example: bool = False) -> None:
        """Take these picks as the analysis' indicators (answers kept where a pick stays);
        asked twice when answers would go."""
        rows, dropped = r.merge_picks(self.a["indicators"], picks, sources.suppressed_of)
        if dropped and not self._confirm_sync:
            self._confirm_sync = True
            names = ", ".join(self._title(x) for x in dropped)
            self.notify(Say("analysis.app.sync_confirm", names=names), "info")
            return
        self._confirm_sync = False
        self.a["indicators"] = rows
        if example:
            case = sources.case(self.lang)
            if not self.a["fourr"]["activity"]:
                self.a["fourr"]["activity"] = case.get("activity") or ""
            self.a["paper"]["kind"] = "sample"
        if self.stat and self.stat.get("threshold") and not example:
            self.a["threshold"] = self.stat["threshold"]
        known = {x["id"] for x in rows}
        for goal in [*self.a["national"], *self.a["own_goals"]]:
            goal["indicators"] = [i for i in goal["indicators"] if i in known]
        self.current = 0
        self._draw_source()
        self._touched(redraw=True)
        self.notify(said, "unsaved")

    # -- the group page's hooks --------------------------------------------------------
    def blank(self) -> dict:
        return r.blank()

    def collect(self) -> dict:
        return copy.deepcopy(self.a)

    def draft_template(self):
        template = r.blank()
        template["indicators"] = [r.indicator_from_pick({"indicator": "x"})]
        return template

    def draft_ok(self, payload: dict) -> bool:
        try:
            return r.clean_payload(payload) is not None
        except Exception:
            return False

    def show(self, payload) -> None:
        self.a = r.clean_payload(payload) if payload else r.blank()
        self.current = 0
        if getattr(self, "steps", None) is not None:
            was, self._drawing = self._drawing, True
            try:
                self.steps.current = self.step
            finally:
                self._drawing = was
            self._draw_source()
            self._redraw()

    def read(self):
        found = records.load(self._access(), self.ctx["occasion"])
        if not found:
            return None
        if not self._step_given:  # a group coming back opens where it left off
            self.step = r.first_open(found["payload"])
        return found["payload"], found["saved_at"]

    def write(self, payload):
        return records.save(self._access(), self.ctx["occasion"], payload)

    def context_changed(self) -> None:
        self._read_statistics()
        if not self.a["indicators"] and self._picks() and self._complete():
            rows, _ = r.merge_picks([], self._picks(), sources.suppressed_of)
            self.a["indicators"] = rows
            self.a["threshold"] = str(self.stat.get("threshold") or "")
            self._redraw()
            self.changed()
        self._draw_source()
        self.update_url()

    def downloads(self) -> list:
        from kit.modules.analysis import files

        found = records.load(self._access(), self.ctx["occasion"])
        if not found:
            return []
        a = found["payload"]
        stem = f"konsekvensanalys-{slug(self.ctx['workshop'])}-{slug(self.ctx['organisation'])}"
        out = [download(self.AT("app.download_json"), f"{stem}.json",
                        files.to_json(a, self.ctx["workshop"], self.ctx["organisation"], self.ctx["occasion"]), JSON)]
        return out


def _step(value) -> int:
    """The 0-based step from the address's 1-based ``step`` (the first when absent or odd).

    >>> _step("3"), _step(None), _step("9"), _step("x")
    (2, 0, 3, 0)
    """
    try:
        return max(0, min(int(value) - 1, len(r.STEPS) - 1))
    except (TypeError, ValueError):
        return 0


#: Where a long Swedish compound may break on a phone (a soft hyphen there, shown only at a break).
_JOINTS = {"Könskonsekvensanalys": "Köns\u00adkonsekvens\u00adanalys",
           "Jämställdhetsanalys": "Jämställdhets\u00adanalys"}


def _breakable(text: str) -> str:
    """A heading whose long compounds may break at their joints (on a 320 px phone a word
    like Könskonsekvensanalys is wider than the screen).

    >>> _breakable("Könskonsekvensanalys") == "Köns\u00adkonsekvens\u00adanalys"
    True
    """
    for word, joints in _JOINTS.items():
        text = text.replace(word, joints)
    return text


def _n(key: str, items) -> str:
    """The key of a text about ``items``: its ``_one`` form for a single one.

    >>> _n("app.synced", [1]), _n("app.synced", [1, 2])
    ('app.synced_one', 'app.synced')
    """
    return f"{key}_one" if len(items) == 1 else key

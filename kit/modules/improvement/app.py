"""The Förbättringsteori page: the results chain built backwards — one page per step, from the
effect ("Vart ska vi nå?") down to the resources — then the chain as a diagram, the Model for
Improvement with its PDSA cycles, and the measurements on a run chart with its rules.

The page holds the improvement theory as one payload (``self.p``, :func:`rules.blank`'s shape,
as typed: it is cleaned when saved); every rule — what an item holds, which links count, the
hints, the run chart's signals — is :mod:`rules`' and :func:`kit.run_chart_rules`'. Moving to
another step saves the work (when the place is complete and the group open), and a reload
lands on the same step (``?step=``).
"""

from __future__ import annotations

import copy

import ipywidgets as w

from kit.errors import InputError
from kit.modules.improvement import rules as r
from kit.ui import html as H
from kit.ui.base import JSON, XLSX, download, html, section, slug
from kit.ui.editors import RowTable, StepSequence, rowtable_strings, steps_strings
from kit.ui.group import GroupApp
from kit.ui.strings import Say
from kit.ui.widgets import Files, Form

#: The pages, in the order the group walks them: the chain backwards, then the rest.
PAGES = (*r.BACKWARDS, "diagram", "pdsa", "measure")
PNG = "image/png"
SVG = "image/svg+xml"
CSV = "text/csv"


class App(GroupApp):
    """The improvement theory for one group at one occasion."""

    key = "forbattringsteori"
    record = "forbattringsteori"
    title_key = "improvement.title"
    texts = GroupApp.texts | {"files_help": "improvement.app.files_help", "who": "improvement.app.who",
                              "who_help": "improvement.app.who_help", "upload": "improvement.app.upload"}

    def __init__(self, params: dict | None = None, *, store=None, on_back=None, on_query=None):
        params = params or {}
        self.p = r.blank()
        self.step = _step(params.get("step"))
        self.picks: list[dict] = []  # the group's statistics picks at the place
        self._drawing = False  # the page writes its widgets: what they report back is no edit
        super().__init__(params, store=store, on_back=on_back, on_query=on_query)
        self.widget.add_class("jk-wide")

    def IT(self, key: str, **values) -> str:
        return self.T(f"improvement.{key}", **values)

    def edit(self, fn, *args) -> None:
        """An edit in the browser — not the page's own redraw."""
        if not self._drawing:
            self.act(fn, *args)

    # -- the page ----------------------------------------------------------------------
    def header(self) -> list:
        return [html(f"<h1>{H.e(self.IT('title'))}</h1><p class=\"jk-lead\">{H.e(self.IT('intro'))}</p>"
                     f"<p class=\"jk-source\">{H.e(self.IT('source_note'))}</p>")]

    def body(self) -> list:
        strings = rowtable_strings(self.lang)
        self.steps = StepSequence(steps=[{"key": k, "title": self._page_title(k)} for k in PAGES],
                                  current=self.step, strings=steps_strings(self.lang))
        self.steps.observe(lambda ch: self._drawing or self.act(self.go, ch["new"]), names="current")
        self.tables: dict[str, RowTable] = {}
        for step in r.STEPS:
            table = RowTable(columns=self._item_columns(step), rows=[], title_field="heading", lang=self.lang,
                             layout="cards", caption=r.step_name(step, self.lang),
                             strings=strings | {"add": self.IT("app.add", step=r.step_name(step, self.lang).lower())})
            table.observe(lambda ch, step=step: self.edit(self._items_edited, step, ch["new"]), names="rows")
            self.tables[step] = table
        self.chain_view = html("")
        self.hints_view = html("")
        self.chain_files = Files(can_upload=False, strings={"upload": ""})
        self.aims = RowTable(columns=self._aim_columns(), rows=[], title_field="heading", lang=self.lang,
                             can_add=False, can_delete=False, can_reorder=False, layout="cards", strings=strings)
        self.aims.observe(lambda ch: self.edit(self._aims_edited, ch["new"]), names="rows")
        self.cycles = RowTable(columns=self._cycle_columns(), rows=[], title_field="heading", lang=self.lang,
                               layout="cards", caption=self.IT("app.cycles_caption"),
                               strings=strings | {"add": self.IT("app.add_cycle")})
        self.cycles.observe(lambda ch: self.edit(self._cycles_edited, ch["new"]), names="rows")
        self.series = RowTable(columns=self._series_columns(), rows=[], title_field="heading", lang=self.lang,
                               can_add=False, can_delete=False, can_reorder=False, layout="cards", strings=strings)
        self.series.observe(lambda ch: self.edit(self._series_edited, ch["new"]), names="rows")
        self.measurements = RowTable(columns=self._measurement_columns(), rows=[], lang=self.lang,
                                     caption=self.IT("app.measurements_caption"), can_reorder=False,
                                     strings=strings | {"add": self.IT("app.add_measurement")})
        self.measurements.observe(lambda ch: self.edit(self._measurements_edited, ch["new"]), names="rows")
        self.chart_view = html("")
        self.chart_files = Files(can_upload=False, strings={"upload": ""})
        self.bottom = Form(fields=[], submit_label="")
        self.on(self.bottom, "submit", lambda _m, _b: self.next_step())
        self.content = w.VBox()
        self.content.add_class("jk-steps-content")
        from kit.modules.improvement import examples

        ex = examples.example(self.lang)
        self._confirm_example = False
        self.example = Form(fields=[], submit_label=self._example_label())
        self.on(self.example, "submit", lambda _m, _b: self.load_example())
        side = section([html(f'<h2>{H.e(ex["title"])}</h2><p>{H.e(ex["note"])}</p>'), self.example],
                       "jk-section jk-side-panel")
        return [side, section([self.steps, self.content])]

    def changed(self) -> None:
        super().changed()
        example = getattr(self, "example", None)
        if example is not None and example.submit_label != self._example_label():
            example.submit_label = self._example_label()

    def _example_label(self) -> str:
        return self.IT("app.example_replace" if not r.is_empty(self.p) else "app.example_load")

    def load_example(self) -> None:
        """Load the worked example; it replaces typed work only when asked twice."""
        from kit.modules.improvement import examples

        if not r.is_empty(self.p) and not self._confirm_example:
            self._confirm_example = True
            self.notify(Say("improvement.app.example_confirm"), "info")
            return
        self._confirm_example = False
        self.p = _editable(examples.example(self.lang)["payload"])
        self._redraw()
        self.example.submit_label = self._example_label()
        self.changed()
        self.notify(Say("improvement.app.example_loaded"), "info")

    def _page_title(self, key: str) -> str:
        return r.step_name(key, self.lang) if key in r.STEPS else self.IT(f"app.pages.{key}")

    # -- the columns -------------------------------------------------------------------
    def _item_columns(self, step: str) -> list[dict]:
        cols = [{"name": "text", "label": self.IT(f"app.item_text.{step}"), "type": "textarea",
                 "maxlength": r.LONG, "help": self.IT(f"steps.{step}.example")}]
        up = r.next_step(step)
        targets = [i for i in r.at_step(self.p, up)] if up else []
        if targets:
            cols.append({"name": "leads_to", "label": self.IT("app.leads_to", next=r.step_name(up, self.lang).lower()),
                         "type": "checks", "options": [[i["id"], _short(i.get("text") or "–")] for i in targets]})
        if step == "effect":
            cols.append({"name": "goals", "label": self.IT("app.goals"), "type": "checks",
                         "help": self.IT("app.goals_help"),
                         "options": [[g, r.goal_name(g, self.lang)] for g in r.NATIONAL_GOALS]})
        cols.append({"name": "indicator", "label": self.IT("app.indicator"), "type": "text", "maxlength": r.SHORT,
                     "help": self.IT("app.indicator_help")})
        if self.picks:
            cols.append({"name": "indicator_id", "label": self.IT("app.indicator_id"), "type": "select",
                         "options": [["", self.IT("app.indicator_none")],
                                     *[[p["id"], _pick_label(p, self.lang)] for p in self.picks]]})
        cols += [{"name": "by_sex", "label": self.IT("app.by_sex_label"), "type": "checks",
                  "options": [["yes", self.IT("app.by_sex")]]},
                 {"name": "baseline", "label": self.IT("app.baseline"), "type": "number"},
                 {"name": "target", "label": self.IT("app.target"), "type": "number"},
                 {"name": "date", "label": self.IT("app.date"), "type": "text", "maxlength": 10,
                  "help": self.IT("app.date_help")}]
        return cols

    def _aim_columns(self) -> list[dict]:
        return [{"name": f, "label": self.IT(f"app.mfi.{f}"), "type": "textarea", "maxlength": r.LONG,
                 "help": self.IT(f"app.mfi.{f}_help")} for f in r.AIM_FIELDS]

    def _cycle_columns(self) -> list[dict]:
        cols = []
        for f in ("start", "end"):
            cols.append({"name": f, "label": self.IT(f"app.cycle.{f}"), "type": "text", "maxlength": 10,
                         "help": self.IT("app.date_help")})
        for f in r.CYCLE_TEXT:
            if f == "reason":
                continue
            cols.append({"name": f, "label": self.IT(f"app.cycle.{f}"), "type": "textarea", "maxlength": r.LONG,
                         "help": self.IT(f"app.cycle.{f}_help")})
        cols.append({"name": "decision", "label": self.IT("app.cycle.decision"), "type": "select",
                     "help": self.IT("app.cycle.decision_help"),
                     "options": [["", self.IT("app.cycle.undecided")],
                                 *[[d, r.decision_name(d, self.lang)] for d in r.DECISIONS]]})
        cols.append({"name": "reason", "label": self.IT("app.cycle.reason"), "type": "textarea", "maxlength": r.LONG,
                     "help": self.IT("app.cycle.reason_help")})
        return cols

    def _series_columns(self) -> list[dict]:
        return [{"name": "name", "label": self.IT("app.series.name"), "type": "text", "maxlength": r.SHORT,
                 "help": self.IT("app.series.name_help")},
                {"name": "unit", "label": self.IT("app.series.unit"), "type": "text", "maxlength": 40},
                {"name": "baseline", "label": self.IT("app.series.baseline"), "type": "number", "min": 0,
                 "max": r.MAX_MEASUREMENTS, "help": self.IT("app.series.baseline_help")},
                {"name": "method", "label": self.IT("app.series.method"), "type": "select",
                 "help": self.IT("app.series.method_help"),
                 "options": [[m, self.IT(f"app.series.methods.{m}")] for m in r.METHODS]}]

    def _measurement_columns(self) -> list[dict]:
        return [{"name": "date", "label": self.IT("app.m.date"), "type": "text", "maxlength": 10,
                 "help": self.IT("app.date_help")},
                {"name": "value", "label": self.IT("app.m.value"), "type": "number"},
                {"name": "women", "label": self.IT("app.m.women"), "type": "number"},
                {"name": "men", "label": self.IT("app.m.men"), "type": "number"}]

    # -- steps -------------------------------------------------------------------------
    def go(self, step: int) -> None:
        """Show page ``step`` (0-based); work not yet saved is saved on the way."""
        step = max(0, min(int(step), len(PAGES) - 1))
        moved = step != self.step
        self.step = step
        if self.steps.current != step:
            self.steps.current = step
        if moved and self._complete() and self._dirty() and self._group_state() == "open" and not self._asked:
            self.save()
        self._redraw()
        self.update_url()

    def next_step(self) -> None:
        if self.step < len(PAGES) - 1:
            self.go(self.step + 1)
            self.steps.focus += 1

    def place(self) -> dict:
        return super().place() | ({"step": str(self.step + 1)} if self.step else {})

    def _redraw(self) -> None:
        name = PAGES[self.step]
        was, self._drawing = self._drawing, True
        try:
            self.steps.done = [k for k in self._done() if k != name]
            if name in r.STEPS:
                self._draw_step(name)
            else:
                getattr(self, f"_draw_{name}")()
            if self.step < len(PAGES) - 1:
                self.bottom.submit_label = self.IT("app.next", title=self._page_title(PAGES[self.step + 1]))
                self.content.children = [*self.content.children, self.bottom]
        finally:
            self._drawing = was

    def _done(self) -> list[str]:
        done = [s for s in r.STEPS if any(_typed(i) for i in r.at_step(self.p, s))]
        if done:
            done.append("diagram")
        if any(self.p["aims"].values()) or self.p["cycles"]:
            done.append("pdsa")
        if self.p["measurements"]:
            done.append("measure")
        return done

    def _draw_step(self, step: str) -> None:
        table = self.tables[step]
        table.columns = self._item_columns(step)
        table.rows = [self._item_row(i, n) for n, i in enumerate(r.at_step(self.p, step), start=1)]
        table.errors = self._item_errors(step)
        question = self.IT(f"steps.{step}.question")
        intro = (f'<p class="jk-im-question"><strong>{H.e(question)}</strong></p>'
                 f'<p>{H.e(self.IT(f"steps.{step}.definition"))}</p>')
        if step == "effect":
            intro += f'<p class="jk-note">{H.e(self.IT("backwards_note"))}</p>'
        if step == "outcome":
            from kit import content

            intro += f'<p class="jk-note">{H.e(content.lookup("improvement.questions", self.lang)[3])}</p>'
        above = ""
        up = r.next_step(step)
        if up and not r.at_step(self.p, up):
            above = f'<p class="jk-note">{H.e(self.IT("app.nothing_above", next=r.step_name(up, self.lang).lower()))}</p>'
        self.hints_view.value = self._hints_html(step)
        self.content.children = [html(intro + above), table, self.hints_view]

    def _item_row(self, item: dict, n: int) -> dict:
        step = item["step"]
        row = {"id": item["id"], "heading": f"{r.step_name(step, self.lang)} {n}",
               "text": item.get("text") or "", "indicator": item.get("indicator") or "",
               "by_sex": ["yes"] if item.get("by_sex") else [], "baseline": item.get("baseline"),
               "target": item.get("target"), "date": item.get("date") or ""}
        if r.next_step(step):
            row["leads_to"] = r.leads_to(self.p, item["id"])
        if step == "effect":
            row["goals"] = list(item.get("goals") or [])
        if self.picks:
            row["indicator_id"] = item.get("indicator_id") or ""
        return row

    def _item_errors(self, step: str) -> dict:
        errors = {}
        for item in r.at_step(self.p, step):
            try:
                r.clean_items([item])
            except InputError as exc:
                errors[item["id"]] = {exc.field or "_row": exc.text(self.lang)}
        return errors

    def _hints_html(self, step: str | None = None) -> str:
        found = [h for h in r.hints(self.p) if step is None or h["step"] in (step, None)]
        if step is not None:  # "not by sex" is for the diagram, where the whole chain is seen
            found = [h for h in found if h["hint"] != "not_by_sex"] if step != "effect" else found
        if not found:
            if step is None:
                return (f'<aside class="jk-im-hints" aria-label="{H.e(self.IT("hints_heading"))}">'
                        f'<p>{H.e(self.IT("hints_none"))}</p></aside>')
            return ""
        items = "".join(f"<li>{H.e(r.hint_text(h, self.p, self.lang))}</li>" for h in found)
        return (f'<aside class="jk-im-hints" aria-label="{H.e(self.IT("hints_heading"))}">'
                f'<h3>{H.e(self.IT("hints_heading"))}</h3><ul>{items}</ul></aside>')

    def _clean_or_none(self) -> dict | None:
        try:
            return r.clean_payload(self.p)
        except InputError:
            return None

    def _draw_diagram(self) -> None:
        from kit.modules.improvement import plots

        clean = self._clean_or_none()
        if clean is None:
            self.content.children = [html(f'<p class="jk-note">{H.e(self.IT("app.fix_first"))}</p>')]
            return
        listing = _chain_list_html(r.chain_text(clean, self.lang), self.lang)
        figure = _picture(plots.chain_figure(clean, self.lang), plots.chain_figure(clean, self.lang, compact=True),
                          self.IT("app.diagram_caption"), self.IT("app.diagram_alt"),
                          narrow_below="60rem", cls="jk-im-chain")  # an upright tablet reads it as rows
        from kit import content

        questions = "".join(f"<li>{H.e(q)}</li>" for q in content.lookup("improvement.questions", self.lang))
        self.chain_view.value = (f'<p>{H.e(self.IT("app.diagram_help"))}</p>{figure}'
                                 f'<h3>{H.e(self.IT("app.list_heading"))}</h3>{listing}'
                                 f'<h3>{H.e(self.IT("questions_heading"))}</h3><ul>{questions}</ul>')
        stem = self._stem()
        self.chain_files.downloads = [
            download(self.IT("app.download_png"), f"{stem}-kedja.png", plots.chain_png(clean, self.lang), PNG),
            download(self.IT("app.download_svg"), f"{stem}-kedja.svg", plots.chain_svg(clean, self.lang), SVG)]
        self.hints_view.value = self._hints_html()
        self.content.children = [self.chain_view, self.hints_view, self.chain_files]

    def _draw_pdsa(self) -> None:
        self.aims.rows = [{"id": "aims", "heading": self.IT("app.mfi.heading"), **self.p["aims"]}]
        self.cycles.rows = [self._cycle_row(c, n) for n, c in enumerate(self.p["cycles"], start=1)]
        self.cycles.errors = self._cycle_errors()
        intro = f'<p>{H.e(self.IT("app.pdsa_help"))}</p>'
        self.content.children = [html(intro), self.aims, html(f'<p>{H.e(self.IT("app.cycles_help"))}</p>'),
                                 self.cycles]

    def _cycle_row(self, cycle: dict, n: int) -> dict:
        return {"id": cycle["id"], "heading": self.IT("app.cycle.heading", n=n),
                **{f: cycle.get(f) or "" for f in (*r.CYCLE_DATES, *r.CYCLE_TEXT, "decision")}}

    def _cycle_errors(self) -> dict:
        errors = {}
        for n, cycle in enumerate(self.p["cycles"], start=1):
            try:
                r.clean_cycles([cycle])
            except InputError as exc:
                errors[cycle["id"]] = {exc.field or "_row": exc.text(self.lang).replace("PDSA-cykel 1", f"PDSA-cykel {n}")
                                       .replace("PDSA cycle 1", f"PDSA cycle {n}")}
        return errors

    def _draw_measure(self) -> None:
        s = self.p["series"]
        self.series.rows = [{"id": "series", "heading": self.IT("app.series.heading"), "name": s.get("name") or "",
                             "unit": s.get("unit") or "", "baseline": s.get("baseline"),
                             "method": s.get("method") or "ihi"}]
        self.measurements.rows = [{"id": m["id"], "date": m.get("date") or "", "value": m.get("value"),
                                   "women": m.get("women"), "men": m.get("men")} for m in self.p["measurements"]]
        self.measurements.errors = self._measurement_errors()
        self._draw_chart()
        self.content.children = [html(f'<p>{H.e(self.IT("app.measure_help"))}</p>'), self.series,
                                 self.measurements, html(f'<p class="jk-note">{H.e(self.IT("app.upload_hint"))}</p>'),
                                 self.chart_view, self.chart_files]

    def _measurement_errors(self) -> dict:
        errors = {}
        for m in self.p["measurements"]:
            try:
                r.clean_measurements([m])
            except InputError as exc:
                errors[m["id"]] = {exc.field or "_row": exc.text(self.lang).replace("Rad 1", "Raden").replace("Row 1", "The row")}
        return errors

    def _draw_chart(self) -> None:
        from kit.modules.improvement import plots

        try:
            ms = r.clean_measurements(self.p["measurements"])
            series = r.clean_series(self.p["series"])
            cycles = r.clean_cycles(self.p["cycles"])
        except InputError:
            ms = None
        if not ms:
            self.chart_view.value = f'<p class="jk-note">{H.e(self.IT("app.no_measurements"))}</p>'
            self.chart_files.downloads = []
            return
        kw = {"cycles": cycles, "baseline": series["baseline"], "method": series["method"],
              "name": series["name"], "unit": series["unit"]}
        wide, narrow = plots.run_chart(ms, self.lang, **kw), plots.run_chart(ms, self.lang, compact=True, **kw)
        notes = plots.run_chart_notes(ms, self.lang, baseline=series["baseline"], method=series["method"])
        words = "".join(f"<li>{H.e(n)}</li>" for n in notes)
        figure = _picture(wide, narrow, self.IT("app.chart_caption", name=series["name"] or self.IT("app.m.value")),
                          self.IT("app.chart_alt"))
        self.chart_view.value = (f'<div class="jk-im-chart">{figure}<div class="jk-im-signals" role="status">'
                                 f'<h3>{H.e(self.IT("app.signals_heading"))}</h3><ul>{words}</ul></div></div>')
        self.chart_files.downloads = [download(self.IT("app.download_chart"), f"{self._stem()}-korschema.png",
                                               plots.run_chart_png(ms, self.lang, **kw), PNG)]

    def _stem(self) -> str:
        return f"forbattringsteori-{slug(self.ctx.get('workshop') or '')}-{slug(self.ctx.get('organisation') or '')}"

    # -- edits -------------------------------------------------------------------------
    def _items_edited(self, step: str, rows) -> None:
        """A step's cards changed: its items and the links from them follow; a statistics pick
        chosen names the indicator when none is typed."""
        picks = {p["id"]: p for p in self.picks}
        items, links = [], []
        for row in rows:
            item = {k: row.get(k) for k in ("id", "text", "indicator", "baseline", "target", "date")}
            item["step"] = step
            item["by_sex"] = bool(row.get("by_sex"))
            was = next((i for i in r.at_step(self.p, step) if i["id"] == row.get("id")), {})
            chosen = row.get("indicator_id") if self.picks else was.get("indicator_id", "")
            item["indicator_id"] = chosen or ""
            typed = str(item.get("indicator") or "").strip()
            named_by_pick = was.get("indicator_id") in picks and typed == _pick_label(picks[was["indicator_id"]], self.lang)
            if chosen and chosen in picks and (not typed or named_by_pick):
                item["indicator"] = _pick_label(picks[chosen], self.lang)  # the pick names it, until typed over
            if step == "effect":
                item["goals"] = [g for g in row.get("goals") or [] if g in r.NATIONAL_GOALS]
            items.append({k: ("" if v is None and k in r.ITEM_TEXT else v) for k, v in item.items()})
            links += [[item["id"], b] for b in row.get("leads_to") or []]
        before = {i["id"] for i in r.at_step(self.p, step)} | {i["id"] for i in items}
        kept = [lk for lk in self.p["links"] if lk[0] not in before]  # the other steps' links
        others = [i for i in self.p["items"] if i["step"] != step]
        self.p["items"] = _in_step_order(others + items)
        now = self._ids()
        self.p["links"] = [lk for lk in kept + links if lk[0] in now and lk[1] in now]
        table = self.tables[step]
        was, self._drawing = self._drawing, True
        try:
            fresh = [self._item_row(i, n) for n, i in enumerate(r.at_step(self.p, step), start=1)]
            if fresh != rows:
                table.rows = fresh
            table.errors = self._item_errors(step)
            self.hints_view.value = self._hints_html(step)
            self.steps.done = [k for k in self._done() if k != PAGES[self.step]]
        finally:
            self._drawing = was
        self.changed()

    def _ids(self) -> set[str]:
        return {i["id"] for i in self.p["items"]}

    def _aims_edited(self, rows) -> None:
        row = rows[0] if rows else {}
        self.p["aims"] = {f: row.get(f) or "" for f in r.AIM_FIELDS}
        self.changed()

    def _cycles_edited(self, rows) -> None:
        self.p["cycles"] = [{"id": row.get("id"), **{f: row.get(f) or "" for f in
                                                    (*r.CYCLE_DATES, *r.CYCLE_TEXT, "decision")}} for row in rows]
        was, self._drawing = self._drawing, True
        try:
            fresh = [self._cycle_row(c, n) for n, c in enumerate(self.p["cycles"], start=1)]
            if [x["heading"] for x in fresh] != [x.get("heading") for x in rows]:
                self.cycles.rows = fresh
            self.cycles.errors = self._cycle_errors()
        finally:
            self._drawing = was
        self.changed()

    def _series_edited(self, rows) -> None:
        row = rows[0] if rows else {}
        self.p["series"] = {"name": row.get("name") or "", "unit": row.get("unit") or "",
                            "baseline": row.get("baseline"), "method": row.get("method") or "ihi"}
        self._draw_chart()
        self.changed()

    def _measurements_edited(self, rows) -> None:
        self.p["measurements"] = [{k: row.get(k) for k in ("id", "date", "value", "women", "men")} for row in rows]
        was, self._drawing = self._drawing, True
        try:
            self.measurements.errors = self._measurement_errors()
        finally:
            self._drawing = was
        self._draw_chart()
        self.changed()

    # -- the group page's hooks --------------------------------------------------------
    def blank(self) -> dict:
        return r.blank()

    def collect(self) -> dict:
        return copy.deepcopy(self.p)

    def draft_template(self):
        template = r.blank()
        template["items"] = [{"id": "x", "step": "effect", "text": "", "indicator": "", "indicator_id": "",
                              "by_sex": False, "baseline": None, "target": None, "date": "", "goals": []}]
        template["links"] = [["a", "b"]]
        template["cycles"] = [{"id": "c", **{f: "" for f in (*r.CYCLE_DATES, *r.CYCLE_TEXT, "decision")}}]
        template["measurements"] = [{"id": "m", "date": "", "value": None, "women": None, "men": None}]
        return template

    def draft_ok(self, payload: dict) -> bool:
        try:
            return r.clean_payload(payload) is not None
        except Exception:
            return False

    def show(self, payload) -> None:
        self.p = _editable(r.clean_payload(payload) if payload else r.blank())
        if getattr(self, "example", None) is not None:
            self.example.submit_label = self._example_label()
        if getattr(self, "steps", None) is not None:
            was, self._drawing = self._drawing, True
            try:
                self.steps.current = self.step
            finally:
                self._drawing = was
            self._redraw()

    def read(self):
        from kit.modules.improvement import records

        found = records.load(self._access(), self.ctx["occasion"])
        return (found["payload"], found["saved_at"]) if found else None

    def write(self, payload):
        from kit.modules.improvement import records

        return records.save(self._access(), self.ctx["occasion"], payload)

    def context_changed(self) -> None:
        self._read_picks()
        self._redraw()
        self.update_url()

    def _read_picks(self) -> None:
        self.picks = []
        if self._complete() and self._group_state() == "open":
            try:
                from kit.modules.analysis import sources

                found = sources.statistics_record(self._access(), self.ctx["occasion"]) or {}
                self.picks = [p for p in found.get("picks") or [] if isinstance(p, dict) and p.get("id")]
            except Exception:  # the chain is still usable without them
                self.picks = []

    def downloads(self) -> list:
        from kit.modules.improvement import files, plots, records

        found = records.load(self._access(), self.ctx["occasion"])
        if not found or r.is_empty(found["payload"]):
            return []
        p, stem = found["payload"], self._stem()
        out = [download(self.IT("app.download_xlsx"), f"{stem}.xlsx", files.to_xlsx(p, self.lang), XLSX),
               download(self.IT("app.download_json"), f"{stem}.json",
                        files.to_json(p, self.ctx["workshop"], self.ctx["organisation"], self.ctx["occasion"]), JSON)]
        if p["items"]:
            out.append(download(self.IT("app.download_png"), f"{stem}-kedja.png", plots.chain_png(p, self.lang), PNG))
            out.append(download(self.IT("app.download_svg"), f"{stem}-kedja.svg", plots.chain_svg(p, self.lang), SVG))
        if p["measurements"]:
            out.append(download(self.IT("app.download_csv"), f"{stem}-matvarden.csv",
                                files.measurements_csv(p, self.lang), CSV))
        return out

    def read_upload(self, name: str, data: bytes) -> Say:
        """A file comes into the form, unsaved (Save keeps it): the kit's own JSON or XLSX of
        an improvement theory replaces it; a file of measurements adds its rows."""
        from kit.modules.improvement import files

        found = files.read(name, data)
        if set(found) == {"measurements"}:
            self.p["measurements"] = _editable({**r.blank(), "measurements": r.clean_measurements(
                [*r.clean_measurements(self.p["measurements"]), *found["measurements"]])})["measurements"]
            said = Say("improvement.app.uploaded_measurements", name=name, n=len(found["measurements"]))
        else:
            self.p = _editable(r.clean_payload(found))
            said = Say("improvement.app.uploaded", name=name)
        self._redraw()
        self.changed()
        return said

    def upload(self, name: str, data: bytes) -> bool:
        said = self.act(self.read_upload, name, data, report=lambda reason, _kind: self._files_status(
            Say("files.upload_failed", reason=reason), "error"))
        if said is None:
            return False
        self._files_status(said, "saved")
        return True


# -- helpers ---------------------------------------------------------------------------------
def _step(value) -> int:
    """The 0-based page from the address's 1-based ``step`` (the first when absent or odd).

    >>> _step("7"), _step(None), _step("99"), _step("x")
    (6, 0, 8, 0)
    """
    try:
        return max(0, min(int(value) - 1, len(PAGES) - 1))
    except (TypeError, ValueError):
        return 0


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _typed(item: dict) -> bool:
    return bool(str(item.get("text") or "").strip() or str(item.get("indicator") or "").strip())


def _in_step_order(items: list[dict]) -> list[dict]:
    """Items grouped by step in the chain's order, each step's in the order given."""
    return sorted(items, key=lambda i: r.STEPS.index(i["step"]))


def _editable(payload: dict) -> dict:
    """A clean payload as the page edits it (the same shape; copies)."""
    return copy.deepcopy(payload)


def _pick_label(pick: dict, lang: str) -> str:
    """A statistics pick as an indicator's name: its title, area and age group."""
    try:
        from kit.modules.analysis import sources

        title = sources.title(pick, lang)
    except Exception:
        title = str(pick.get("title") or pick.get("indicator") or "")
    extra = [str(x) for x in (pick.get("area"), pick.get("age_group")) if x]
    return f"{title} ({', '.join(extra)})" if extra else title


def _picture(wide, narrow, caption: str, alt: str, narrow_below: str = "40rem", cls: str = "") -> str:
    """A figure with a phone's layout for screens up to ``narrow_below`` (``<picture>``), its
    caption and alt."""
    import base64

    from kit.plots import png_bytes

    b64 = lambda fig, dpi=110: base64.b64encode(png_bytes(fig, dpi=dpi)).decode("ascii")
    return (f'<figure class="jk-figure {cls}"><figcaption>{H.e(caption)}</figcaption><picture>'
            f'<source media="(max-width: {narrow_below})" srcset="data:image/png;base64,{b64(narrow, 220)}">'
            f'<img src="data:image/png;base64,{b64(wide)}" alt="{H.e(alt)}"></picture></figure>')


def _chain_list_html(steps: list[dict], lang: str) -> str:
    """The chain read as a list, from the effect down: the diagram's text alternative."""
    from kit import content

    parts = ['<ol class="jk-im-list">']
    for s in steps:
        parts.append(f"<li><strong>{H.e(s['name'])}</strong>")
        if not s["items"]:
            parts.append(f" – {H.e(content.text('improvement.app.list_empty', lang))}</li>")
            continue
        parts.append("<ul>")
        for item in s["items"]:
            bits = [H.e(item["label"])]
            if item["goals"]:
                bits.append(H.e(content.text("improvement.app.list_goals", lang, goals=", ".join(item["goals"]))))
            if item["leads_to"]:
                bits.append(H.e(content.text("improvement.app.list_leads", lang, items="; ".join(item["leads_to"]))))
            parts.append(f"<li>{' – '.join(bits)}</li>")
        parts.append("</ul></li>")
    parts.append("</ol>")
    return "".join(parts)

"""The Intressentanalys page: the stakeholder table, the grid with its four strategies, the
group's own strategies, and the communication plan — four steps, saved per group and
occasion under the same keys and rules as the self-assessment.

The page holds the analysis as rows (``self.rows``, the table's own format) and the plan
(``self.plan``); every rule — what is valid, which square, which strategy, what the plan
suggests — is :mod:`kit.modules.stakeholders.rules`'s.
"""

from __future__ import annotations

import ipywidgets as w

from kit.errors import InputError
from kit.modules.stakeholders import examples, files, records, schema, views
from kit.modules.stakeholders import rules as r
from kit.ui import html as H
from kit.ui.base import JSON, XLSX, download, html, section, slug
from kit.ui.editors import ChoiceGroup, RowTable, StepSequence, rowtable_strings
from kit.ui.group import GroupApp
from kit.ui.strings import Say
from kit.ui.widgets import Form

STEPS = ("stakeholders", "grid", "strategies", "plan")
TABLE = ("name", "kind", "power", "interest", "attitude", "concerns", "other_groups", "note")
STRATEGY = ("strategy_override", "override_reason")
SALIENCE = ("legitimacy", "urgency")
#: The columns whose help shows in the table (the scales, and "always sex, never only sex");
#: the others are plain from their names.
HELPED = ("power", "interest", "other_groups", "strategy_override", "legitimacy", "urgency")


class App(GroupApp):
    """The stakeholder analysis for one group at one occasion."""

    key = record = "intressentanalys"
    title_key = "stakeholders.title"
    texts = GroupApp.texts | {"who": "stakeholders.app.who", "who_help": "stakeholders.app.who_help",
                              "files_help": "stakeholders.app.files_help",
                              "upload": "stakeholders.app.upload"}

    def __init__(self, params: dict | None = None, *, store=None, on_back=None, on_query=None):
        self.rows: list[dict] = []
        self.plan: list[dict] = []
        self.step = _step((params or {}).get("step"))  # the address keeps the step (1-based)
        self.visited = set(STEPS[: self.step + 1])
        self.salience = False
        self._confirm_example = False
        super().__init__(params, store=store, on_back=on_back, on_query=on_query)
        self.widget.add_class("jk-wide")  # a table of many columns: the page takes the room

    def ST(self, key: str, **values) -> str:
        return self.T(f"stakeholders.{key}", **values)

    # -- the page ----------------------------------------------------------------------
    def header(self) -> list:
        return [html(f"<h1>{H.e(self.ST('title'))}</h1><p class=\"jk-lead\">{H.e(self.ST('intro'))}</p>"
                     f"<p class=\"jk-source\">{H.e(self.ST('source_note'))}</p>")]

    def body(self) -> list:
        ex = examples.example(self.lang)
        self.example = Form(fields=[], submit_label=self._example_label())
        self.on(self.example, "submit", lambda _m, _b: self.load_example())
        side = section([html(views.side_panel(self.lang, ex["title"], ex["note"])), self.example],
                       "jk-section jk-side-panel")
        self.steps = StepSequence(steps=[{"key": k, "title": self.ST(f"app.steps.{k}")} for k in STEPS],
                                  current=self.step, strings=_steps_strings(self.lang))
        self.steps.observe(lambda ch: self.act(self.go, ch["new"]), names="current")
        strings = rowtable_strings(self.lang)
        cols = {c["name"]: c if c["name"] in HELPED else {**c, "help": ""}
                for c in schema.table_columns(self.lang)}
        self.table = RowTable(columns=[cols[n] for n in TABLE], title_field="name", lang=self.lang,
                              caption=self.ST("headings.stakeholders"), strings=strings)
        self.table.observe(lambda ch: self.act(self._edited, ch["new"]), names="rows")
        name = {**cols["name"], "type": "static"}
        suggested = {**name, "name": "suggested", "label": self.ST("export.suggested")}
        self.strategies = RowTable(columns=[name, suggested, *(cols[n] for n in STRATEGY)],
                                   title_field="name", lang=self.lang, can_add=False, can_delete=False,
                                   can_reorder=False, caption=self.ST("headings.strategies"),
                                   strings=strings)
        self.strategies.observe(lambda ch: self.act(self._merge, ch["new"], STRATEGY), names="rows")
        self.salience_switch = ChoiceGroup(
            label=self.ST("headings.salience"), multiple=True, help=self.ST("salience.intro"),
            options=[["show", self.ST("app.show_salience")]], values=["show"] if self.salience else [])
        self.salience_switch.observe(lambda ch: self.act(self._toggle_salience, ch["new"]),
                                     names="values")
        self.salience_edit = RowTable(columns=[name, *(cols[n] for n in SALIENCE)], title_field="name",
                                      lang=self.lang, can_add=False, can_delete=False,
                                      can_reorder=False, caption=self.ST("headings.salience"),
                                      strings=strings)
        self.salience_edit.observe(lambda ch: self.act(self._merge, ch["new"], SALIENCE), names="rows")
        self.plan_table = RowTable(columns=schema.plan_columns(self.lang), title_field="stakeholder",
                                   lang=self.lang, can_add=False, can_delete=False, can_reorder=False,
                                   caption=self.ST("headings.plan"), strings=strings)
        self.plan_table.observe(lambda ch: self.act(self._plan_edited, ch["new"]), names="rows")
        self.grid = html("")
        self.salience_view = html("")
        self.content = w.VBox()
        self.content.add_class("jk-steps-content")
        work = section([self.steps, self.content])
        return [side, work]

    def _example_label(self) -> str:
        return self.ST("app.example_replace" if self._typed() else "app.example_load")

    def _typed(self) -> bool:
        return any(not _untouched(row) for row in self.rows)

    # -- steps -------------------------------------------------------------------------
    def go(self, step: int) -> None:
        """Show step ``step`` (0-based) of :data:`STEPS`."""
        self.step = max(0, min(int(step), len(STEPS) - 1))
        self.visited.add(STEPS[self.step])
        if self.steps.current != self.step:
            self.steps.current = self.step
        self._redraw()
        self.update_url()

    def place(self) -> dict:
        return super().place() | ({"step": str(self.step + 1)} if self.step else {})

    def _redraw(self) -> None:
        """Fill the widgets of the current step from the page's state."""
        name = STEPS[self.step]
        usable = views.usable(self.rows)
        self.steps.done = [k for k in STEPS if k in self.visited and k != name]
        if name == "stakeholders":
            self.content.children = [html(f"<p>{H.e(self.ST('gender_note'))}</p>"), self.table]
        elif name == "grid":
            self.grid.value = views.grid_figure(usable, self.lang)
            self.salience_view.value = views.salience_table(usable, self.lang) if self.salience and usable else ""
            self.salience_edit.rows = [{"id": s["id"], "name": s["name"], **schema.table_rows([s])[0]}
                                       for s in usable]
            extra = [self.salience_edit, self.salience_view] if self.salience else []
            self.content.children = [html(views.strategies_legend(self.lang)), self.grid,
                                     self.salience_switch, *extra]
        elif name == "strategies":
            self.strategies.rows = [{"id": s["id"], "name": s["name"],
                                     "suggested": self.ST(f"strategies.{r.suggested_strategy(s)}"),
                                     "strategy_override": s["strategy_override"],
                                     "override_reason": s["override_reason"]} for s in usable]
            self.content.children = [html(f"<p>{H.e(self.ST('app.strategies_help'))}</p>"), self.strategies]
        else:
            self.plan_table.rows = schema.plan_rows(self.plan, self.lang)
            self.content.children = [html(f"<p>{H.e(self.ST('app.plan_help'))}</p>"), self.plan_table]

    # -- edits -------------------------------------------------------------------------
    def _edited(self, rows) -> None:
        """The table changed: check each row (errors shown at their fields), follow with the
        plan, say the work is unsaved."""
        self.rows = [dict(row) for row in rows]
        self.table.errors = self._row_errors()
        self.plan = r.communication_plan(views.usable(self.rows), self.plan)
        self.example.submit_label = self._example_label()
        self.changed()

    def _merge(self, rows, fields) -> None:
        """Another step's table edited some fields of the stakeholders: take them in."""
        given = {row["id"]: row for row in rows}
        self.rows = [{**row, **{f: given[row["id"]][f] for f in fields if f in given[row["id"]]}}
                     if row["id"] in given else row for row in self.rows]
        self.table.rows = self.rows
        self.strategies.errors = self._row_errors(fields)
        self.plan = r.communication_plan(views.usable(self.rows), self.plan)
        if fields == SALIENCE and self.salience:
            self.salience_view.value = views.salience_table(views.usable(self.rows), self.lang)
        self.changed()

    def _plan_edited(self, rows) -> None:
        self.plan = r.communication_plan(views.usable(self.rows), schema.from_plan_rows(rows))
        self.changed()

    def _toggle_salience(self, values) -> None:
        self.salience = "show" in values
        self._redraw()

    def _row_errors(self, fields=None, live=True) -> dict:
        """``{row id: {field: message}}`` for every problem the rules find in the table; while
        typing (``live``), a row just added and still empty is not yet an error."""
        try:
            r.clean_stakeholders(self.rows)
            return {}
        except InputError as exc:  # one error listing every problem, each with row and field
            problems = exc.values.get("problems") or [exc]
        errors: dict = {}
        for problem in problems:
            number, inner = problem.row, problem.values.get("error", problem)
            if not number or number > len(self.rows) or (fields and problem.field not in fields):
                continue
            if live and _untouched(self.rows[number - 1]):
                continue
            errors.setdefault(self.rows[number - 1]["id"], {})[problem.field or "_row"] = inner.text(self.lang)
        return errors

    def load_example(self) -> None:
        """Load the worked example (it replaces the table only when asked twice)."""
        if self._typed() and not self._confirm_example:
            self._confirm_example = True
            self.notify(Say("stakeholders.app.example_confirm", n=len(self.rows)), "info")
            return
        self._confirm_example = False
        ex = examples.example(self.lang)
        self.show({"stakeholders": ex["stakeholders"], "plan": ex.get("plan") or []})
        self.changed()
        self.notify(Say("stakeholders.notices.example_loaded"), "info")

    # -- the group page's hooks --------------------------------------------------------
    def blank(self) -> dict:
        return {"stakeholders": [], "plan": []}

    def collect(self) -> dict:
        return {"stakeholders": [dict(row) for row in self.rows], "plan": [dict(p) for p in self.plan]}

    def show(self, payload) -> None:
        payload = payload or self.blank()
        self.rows = schema.table_rows(payload.get("stakeholders") or [])
        self.plan = r.communication_plan(views.usable(self.rows), payload.get("plan") or [])
        self.table.rows = self.rows
        self.table.errors = self._row_errors()
        self.example.submit_label = self._example_label()
        self._redraw()

    def read(self):
        found = records.load(self._access(), self.ctx["occasion"])
        return ({"stakeholders": found["stakeholders"], "plan": found["plan"]}, found["saved_at"]) if found else None

    def write(self, payload):
        try:
            return records.save(self._access(), self.ctx["occasion"], payload["stakeholders"], payload["plan"])
        except InputError:
            self.table.errors = self._row_errors(live=False)  # shown at the fields, too
            raise

    def context_changed(self) -> None:
        self.update_url()

    def downloads(self) -> list:
        found = records.load(self._access(), self.ctx["occasion"])
        if not found or not found["stakeholders"]:
            return []
        data = {"stakeholders": found["stakeholders"], "plan": found["plan"]}
        stem = f"intressentanalys-{slug(self.ctx['workshop'])}-{slug(self.ctx['organisation'])}"
        return [download(self.ST("notices.download_xlsx"), f"{stem}.xlsx", files.to_xlsx(data, self.lang), XLSX),
                download(self.ST("notices.download_json"), f"{stem}.json",
                         files.to_json(data, self.ctx["workshop"], self.ctx["organisation"],
                                       self.ctx["occasion"]), JSON)]

    def read_upload(self, name: str, data: bytes) -> Say:
        """A file's analysis comes into the form, unsaved (Save keeps it): nothing is written
        to the store by reading a file."""
        found = files.read(name, data)
        self.show({"stakeholders": found["stakeholders"], "plan": found.get("plan") or []})
        self.changed()
        return Say("stakeholders.notices.uploaded", name=name, n=len(self.rows))

    def upload(self, name: str, data: bytes) -> bool:
        said = self.act(self.read_upload, name, data, report=lambda reason, _kind: self._files_status(
            Say("files.upload_failed", reason=reason), "error"))
        if said is None:
            return False
        self._files_status(said, "saved")
        return True


def _step(value) -> int:
    """The 0-based step from the address's 1-based ``step`` (the first when absent or odd).

    >>> _step("3"), _step(None), _step("9"), _step("x")
    (2, 0, 3, 0)
    """
    try:
        return max(0, min(int(value) - 1, len(STEPS) - 1))
    except (TypeError, ValueError):
        return 0


def _untouched(row: dict) -> bool:
    """A row with nothing typed yet (no name, no ratings)."""
    return not str(row.get("name") or "").strip() and all(row.get(f) in (None, "") for f in ("power", "interest"))


def _steps_strings(lang: str) -> dict:
    from kit.ui.editors import steps_strings

    return steps_strings(lang)

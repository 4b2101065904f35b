"""The start page: the shell that carries a participant into a module in the same kernel.

Opening a module swaps the module's widgets into the same page (one kernel per participant
from joining to leaving); the URL follows, so a reload lands in the same place.

The page itself stays light: a module app (and pandas with it) is imported when it is opened,
and the store (SQLAlchemy) when a workshop's groups are first looked up.
"""

from __future__ import annotations

from urllib.parse import urlencode

import ipywidgets as w

from kit import content
from kit.ui import html as H
from kit.ui.strings import context_strings, shell_strings
from kit.ui.widgets import ContextForm, ModuleList, Shell

MODULES = ("sjalvskattning", "introduktion", "intressentanalys", "konskonsekvensanalys",
           "forbattringsteori")
READY = {"sjalvskattning", "facilitator"}


class StartApp:
    """Start page; ``params`` are the URL's query parameters (lang, workshop, group, module...)."""

    def __init__(self, params: dict | None = None, store=None):
        self.params = {k: v for k, v in (params or {}).items() if v}
        self.lang = content.normalise_lang(self.params.get("lang"))
        self._store = store
        self.widget = w.VBox()
        self.widget.add_class("jk-app")
        self.module = None
        if self.params.get("module") in READY:
            self.open(self.params["module"])
        else:
            self._build()

    @property
    def store(self):
        """The store given, else the process's default store, opened on first use."""
        if self._store is None:
            from kit.store import default_store

            self._store = default_store()
        return self._store

    @store.setter
    def store(self, value) -> None:
        self._store = value

    def T(self, key, **values):
        return content.text(key, self.lang, **values)

    def _query(self, **extra) -> str:
        keep = {k: self.params.get(k) for k in ("lang", "workshop", "group", "gkey")}
        keep.update(extra)
        return urlencode({k: v for k, v in keep.items() if v}, errors="replace")

    def _build(self) -> None:
        self.module = None
        self.params.pop("module", None)
        self.params["lang"] = self.lang
        shell = Shell(strings=shell_strings(self.lang), lang=self.lang, query=self._query(),
                      page_title="JämKit")
        shell.on_msg(self._on_shell)
        heading = w.HTML(f"<h1>{H.e(self.T('start.heading'))}</h1>"
                         f"<p class=\"jk-lead\">{H.e(self.T('start.intro'))}</p>")
        self.context = ContextForm(
            strings=context_strings(self.lang), workshop=self.params.get("workshop", ""),
            organisation=self.params.get("group", ""), show_occasion=False, show_role=False,
            organisation_options=self.store.groups(self.params["workshop"]) if self.params.get("workshop") else [])
        self.context.observe(self._on_context, names=["workshop", "organisation"])
        where = w.VBox([w.HTML(f"<h2>{H.e(self.T('start.where'))}</h2>"
                               f"<p>{H.e(self.T('start.where_help'))}</p>"), self.context])
        where.add_class("jk-section")
        modules = ModuleList(strings={"open": self.T("start.open"), "coming": self.T("start.coming")},
                             modules=[{"key": k, "title": self.T(f"start.module.{k}.title"),
                                       "text": self.T(f"start.module.{k}.text"), "ready": k in READY}
                                      for k in MODULES])
        modules.on_msg(self._on_modules)
        facilitator = ModuleList(strings={"open": self.T("start.open"), "coming": ""},
                                 modules=[{"key": "facilitator", "title": self.T("start.facilitator"),
                                           "text": self.T("start.facilitator_text"), "ready": True}])
        facilitator.on_msg(self._on_modules)
        self.shell = shell
        self.widget.children = [shell, heading, where,
                                w.HTML(f"<h2>{H.e(self.T('start.modules'))}</h2>"), modules,
                                w.HTML(f"<h2>{H.e(self.T('start.for_facilitators'))}</h2>"), facilitator]

    def _on_context(self, change) -> None:
        key = "group" if change["name"] == "organisation" else "workshop"
        self.params[key] = " ".join((change["new"] or "").split())
        if key == "workshop":
            self.context.organisation_options = (self.store.groups(self.params["workshop"])
                                                 if self.params["workshop"] else [])
        self.shell.query = self._query()

    def _on_shell(self, _widget, msg, _buffers) -> None:
        if msg.get("event") == "lang":
            self.lang = content.normalise_lang(msg.get("lang"))
            self._build()

    def _on_modules(self, _widget, msg, _buffers) -> None:
        if msg.get("event") == "open" and msg.get("module") in READY:
            self.open(msg["module"])

    def open(self, module: str) -> None:
        """Swap a module into the page, carrying workshop, group and language."""
        self.params["module"] = module

        def on_query(params: dict) -> str:
            self.lang = params.get("lang", self.lang)
            self.params.update({k: params.get(k) for k in ("lang", "workshop", "group", "gkey")})
            return urlencode({k: v for k, v in {"module": module, **params}.items() if v}, errors="replace")

        back = lambda _app: self._build()  # noqa: E731
        if module == "facilitator":
            from kit.ui.facilitator import FacilitatorApp

            app = FacilitatorApp(self.params, store=self.store, on_back=back, on_query=on_query)
        else:
            from kit.ui.selfassessment import SelfAssessmentApp

            app = SelfAssessmentApp(lang=self.lang, workshop=self.params.get("workshop", ""),
                                    organisation=self.params.get("group", ""),
                                    occasion=self.params.get("occasion", "uppstart"),
                                    role=self.params.get("role", ""), group_key=self.params.get("gkey", ""),
                                    store=self.store, on_back=back, on_query=on_query)
        self.module = app
        app.widget.observe(lambda ch: setattr(self.widget, "children", ch["new"]), names="children")
        app.widget.observe(lambda ch: setattr(self.widget, "_dom_classes", ch["new"]), names="_dom_classes")
        self.widget.children = app.widget.children

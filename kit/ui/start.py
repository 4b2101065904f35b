"""The start page: the shell that carries a participant into a module in the same kernel.

Opening a module swaps the module's widgets into the same page (one kernel per participant
from joining to leaving); the URL follows, so a reload lands in the same place. The list of
modules is the registry's (:mod:`kit.modules`): a new module appears here by its line there.

The page itself stays light: a module's app (and pandas with it) is imported when it is
opened, and the store (SQLAlchemy) when a workshop's groups are first looked up.
"""

from __future__ import annotations

from urllib.parse import urlencode

from kit import modules
from kit.ui import html as H
from kit.ui.base import PLACE, BaseApp, html, section
from kit.ui.strings import context_strings
from kit.ui.widgets import ContextForm, ModuleList


class StartApp(BaseApp):
    """Start page; ``params`` are the URL's query parameters (lang, workshop, group, module...).
    With ``module=<key>`` of a ready module the page opens that module at once."""

    key = "start"

    def __init__(self, params: dict | None = None, store=None):
        super().__init__(params, store=store)
        self.module = None
        found = modules.get(self.params.get("module"))
        if found is not None and found.ready:
            self.open(found.key)
        else:
            self.render()

    # -- the start page itself --------------------------------------------------------------
    def place(self) -> dict:
        return {k: self.params.get(k) for k in ("workshop", "group", "gkey")} | {"lang": self.lang}

    def query(self) -> str:
        return urlencode({k: v for k, v in self.place().items() if v}, errors="replace")

    def render(self) -> None:
        self.module = None
        self.params.pop("module", None)
        self.params["lang"] = self.lang
        self.widget._dom_classes = ("jk-app",)  # a module's own classes (e.g. jk-wide) go with it
        super().render()

    def build(self) -> list:
        heading = html(f"<h1>{H.e(self.T('start.heading'))}</h1>"
                       f"<p class=\"jk-lead\">{H.e(self.T('start.intro'))}</p>")
        workshop = self.params.get("workshop", "")
        self.context = ContextForm(
            strings=context_strings(self.lang), workshop=workshop,
            organisation=self.params.get("group", ""), show_occasion=False, show_role=False,
            organisation_options=self.store.groups(workshop) if workshop else [])
        self.context.observe(self._on_context, names=["workshop", "organisation"])
        where = section([html(f"<h2>{H.e(self.T('start.where'))}</h2>"
                              f"<p>{H.e(self.T('start.where_help'))}</p>"), self.context])
        groups = self._module_list("group", self.T("start.coming"))
        facilitators = self._module_list("facilitator", "")
        return [heading, where, html(f"<h2>{H.e(self.T('start.modules'))}</h2>"), groups,
                html(f"<h2>{H.e(self.T('start.for_facilitators'))}</h2>"), facilitators]

    def _module_list(self, audience: str, coming: str) -> ModuleList:
        items = [{"key": m.key, "title": m.title(self.lang), "text": m.text(self.lang),
                  "ready": m.ready, "minutes": m.minutes}
                 for m in modules.listed(audience)]
        widget = ModuleList(strings={"open": self.T("start.open"), "coming": coming,
                                     "minutes": self.T("start.minutes")}, modules=items)
        self.on(widget, "open", lambda msg, _b: self.open(msg.get("module")))
        return widget

    def _on_context(self, change) -> None:
        key = "group" if change["name"] == "organisation" else "workshop"
        self.params[key] = " ".join((change["new"] or "").split())
        if key == "workshop":
            self.context.organisation_options = (self.store.groups(self.params["workshop"])
                                                 if self.params["workshop"] else [])
        self.update_url()

    # -- hosting a module ---------------------------------------------------------------
    def open(self, key: str) -> None:
        """Swap a ready module into the page, carrying workshop, group and language; an
        unknown or unfinished module leaves the start page as it is."""
        module = modules.get(key)
        if module is None or not module.ready:
            return
        self.params["module"] = module.key

        def on_query(params: dict) -> str:
            self.lang = params.get("lang", self.lang)
            self.params.update({k: params.get(k) for k in PLACE if k in params})
            return urlencode({k: v for k, v in {"module": module.key, **params}.items() if v},
                             errors="replace")

        def back(_app) -> None:
            self.render()

        app = module.app(dict(self.params), store=self.store, on_back=back, on_query=on_query)
        self.module = app
        app.widget.observe(lambda ch: setattr(self.widget, "children", ch["new"]), names="children")
        app.widget.observe(lambda ch: setattr(self.widget, "_dom_classes", ch["new"]),
                           names="_dom_classes")
        self.widget._dom_classes = app.widget._dom_classes
        self.widget.children = app.widget.children

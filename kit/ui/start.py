"""The start page: the shell that carries a participant into a module in the same kernel.

Opening a module swaps the module's widgets into the same page (one kernel per participant
from joining to leaving); the URL follows, so a reload lands in the same place. The list of
modules is the registry's (:mod:`kit.modules`): a new module appears here by its line there.

The page itself stays light: a module's app (and pandas with it) is imported when it is
opened, and the store (SQLAlchemy) when a workshop's groups are first looked up.

**Join by code** (issue 15): above the workshop and organisation fields, a field for the code
on the facilitator's screen (:func:`kit.domain.access.new_join_code`). A code that works fills
in the workshop, and for a group's code the group and its key, so every module opened from
here carries them; it says where the participant now is, in a live region, without rebuilding
the page. A code that does not work says so, naming it, and changes nothing. The address
``start.ipynb?code=48217730`` (what the QR codes carry) does the same on opening, and then
shows the ordinary place in the address bar.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from kit import content, modules
from kit.domain import access
from kit.domain import scores as sc
from kit.ui import html as H
from kit.ui.base import PLACE, BaseApp, html, section
from kit.ui.strings import Say, context_strings
from kit.ui.widgets import ContextForm, JoinCode, ModuleList

#: Wrong codes a page may try before each further try waits a little (1 s more each time, at
#: most 5 s): enough for typos, and slow for a script guessing codes through the page.
FREE_MISSES = 5


class StartApp(BaseApp):
    """Start page; ``params`` are the URL's query parameters (lang, workshop, group, module...).
    With ``module=<key>`` of a ready module the page opens that module at once."""

    key = "start"

    def __init__(self, params: dict | None = None, store=None):
        super().__init__(params, store=store)
        self.module = None
        self._join_said = None  # (Say, kind): what the last code led to (again after a language switch)
        self._join_value = ""  # what the code field shows when the page is built
        self._misses = 0
        code = self.params.pop("code", None)
        if code:  # a QR code's short link: join first, then open as the place says
            self.join(code, language_follows="lang" not in self.params)
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
        said, kind = self._join_said or (None, "")
        self.joincode = JoinCode(strings={k: self.T(f"join.{k}") for k in ("label", "help", "button")},
                                 value=self._join_value, message=self.say(said), message_kind=kind)
        self.on(self.joincode, "join", lambda msg, _b: self.join(msg.get("code")),
                report=lambda said, kind: self._show_join(said, kind))
        where = section([html(f"<h2>{H.e(self.T('start.where'))}</h2>"
                              f"<p>{H.e(self.T('start.where_help'))}</p>"), self.joincode,
                         html(f"<p class=\"jk-join-or\">{H.e(self.T('join.or_type'))}</p>"), self.context])
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
        value = " ".join((change["new"] or "").split())
        if value != (self.params.get(key) or ""):
            self.params.pop("gkey", None)  # a key belongs to one group: another place has none
        self.params[key] = value
        if key == "workshop":
            self.context.organisation_options = (self.store.groups(self.params["workshop"])
                                                 if self.params["workshop"] else [])
        self.update_url()

    # -- join by code ------------------------------------------------------------------
    def join(self, typed, language_follows: bool = False) -> bool:
        """Go where a typed join code leads (:meth:`kit.store.Store.resolve_code`): the
        workshop, and for a group's code the group and its key. Says where that is, or why the
        code led nowhere (naming it); a wrong code changes nothing. ``language_follows``: the
        page takes the workshop's language (a short link that names none)."""
        text = " ".join(str(typed or "").split())[:40]
        code = access.normalise_code(text)
        place = self.store.resolve_code(code) if code else None
        if place is None:
            self._misses += 1
            if not text:
                said = Say("join.empty")
            elif not code:
                said = Say("join.not_a_code", code=sc.shown(text))  # quoted back: one line, no control characters
            else:
                said = Say("join.unknown", code=access.display_code(code))
            self._show_join(said, "error", value=text)
            if self._misses > FREE_MISSES:
                time.sleep(min(self._misses - FREE_MISSES, 5))
            return False
        self._misses = 0
        if place.group:
            self.params.update(workshop=place.workshop, group=place.group, gkey=place.key)
            said = Say("join.joined_group", group=place.group, workshop=place.workshop)
        else:
            if self.params.get("workshop") != place.workshop:
                self.params.pop("group", None)  # a group of another workshop is not this one's
            self.params.pop("gkey", None)
            self.params["workshop"] = place.workshop
            said = Say("join.joined_workshop", workshop=place.workshop)
        if language_follows:
            record = self.store.workshop_record(place.workshop) or {}
            self.lang = self.params["lang"] = content.normalise_lang(record.get("lang"))
        context = getattr(self, "context", None)
        if context is not None and self.module is None:  # the page is up: fill it in place
            workshop = self.params["workshop"]
            context.organisation_options = self.store.groups(workshop)
            context.workshop = workshop
            context.organisation = self.params.get("group", "")
            self.update_url()
        self._show_join(said, "saved", value=text)  # said last: the fields are filled by then
        return True

    def _show_join(self, said, kind: str, value: str | None = None) -> None:
        self._join_said = (said, kind)
        if value is not None:
            self._join_value = value
        widget = getattr(self, "joincode", None)
        if widget is not None:
            widget.message, widget.message_kind = self.say(said), kind
            if value is not None:
                widget.value = value

    def set_busy(self, busy: bool) -> None:
        super().set_busy(busy)
        widget = getattr(self, "joincode", None)
        if widget is not None and self.module is None:
            widget.busy = busy

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

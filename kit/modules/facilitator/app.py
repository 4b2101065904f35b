"""The facilitator's page (:class:`App`): the shell, the heading and the notice, then either
the landing forms or the workshop's dashboard, put together from the module's parts.

The workshop's facilitator key is held as ``fkey`` (it is in the page's address); nothing of
a workshop is shown without it.

The projector's view (``view=`` a :func:`~.rules.view_token` instead of ``fkey=``) shows only
the overview and the join codes: no key, no exports, no group administration, no removal. In
projector mode (the switch, or that view) no key is ever on the page, and in anonymous mode no
group's name: the notice, the groups' messages, the overview, the links and the files.
"""

from __future__ import annotations

from kit.domain import access
from kit.modules.facilitator import rules
from kit.modules.facilitator.exports import ExportsPart
from kit.modules.facilitator.groups import GroupsPart
from kit.modules.facilitator.landing import LandingPart
from kit.modules.facilitator.overview import OverviewPart
from kit.ui import html as H
from kit.ui.base import BaseApp, html, section
from kit.ui.strings import Say
from kit.ui.widgets import Disclosure, Form


class App(LandingPart, GroupsPart, OverviewPart, ExportsPart, BaseApp):
    """The facilitator's page for URL parameters ``params`` (``lang``, ``workshop``, and
    ``fkey`` — the facilitator key — or ``view`` — the projector view's token)."""

    key = "facilitator"
    title_key = "fac.heading"

    def __init__(self, params: dict | None = None, *, store=None, on_back=None, on_query=None):
        super().__init__(params, store=store, on_back=on_back, on_query=on_query)
        self.workshop = None  # the workshop's record, once opened with the right key
        self.fkey = ""
        self.notice = None  # a Say, shown at the top (again after a language switch)
        self._group_said = None  # (Say, kind): the last news of the groups panel
        self.anonymous = False
        self.projector = False
        self.occasion = None
        self.pending = None  # (file name, answers): an upload waiting for its confirmation
        self._fingerprint = None
        self._last_good = ""
        self._names = None  # anonymous mode's letters, the same in the overview and the files
        self._figures = []
        self.view = False  # the projector's view: opened with the view token, no key held
        self._disclosed: set[str] = set()  # the danger disclosures open (kept over a language switch)
        name, fkey = self.params.get("workshop", ""), self.params.get("fkey", "")
        record = self.store.workshop_record(name) if name else None
        if access.may_facilitate(record, fkey):
            self.workshop, self.fkey = record, fkey
        elif not fkey and rules.may_view(record, self.params.get("view")):
            self.workshop, self.view, self.projector = record, True, True
            self.widget.add_class("jk-projector")
        self.params.pop("fkey", None)  # held as self.fkey only (a language switch keeps it there)
        self.params.pop("view", None)
        self.render()

    # -- the page ----------------------------------------------------------------------
    def build(self) -> list:
        self.shell.observe(lambda _change: self.act(self._refresh_links), names="base_url")
        heading = html(f"<h1>{H.e(self.T('fac.heading'))}</h1>"
                       f"<p class=\"jk-lead\">{H.e(self.T('fac.lead'))}</p>")
        if self.workshop is None:
            return [heading, *([self._notice()] if self.notice else []), *self._landing()]
        if self.view:
            return self._view()
        return [heading, *self._dashboard()]

    def _occasions(self) -> list[str]:
        occasions = rules.occasion_keys(self.workshop)
        if self.occasion not in occasions:
            saved = self.store.saved_overview(self.workshop["name"])["occasion"]
            self.occasion = rules.current_occasion(occasions, saved)
        return occasions

    def _dashboard(self) -> list:
        parts = [self._notice(), html(f"<h2>{H.e(self.workshop['name'])}</h2>"),
                 self._overview_box(self._occasions()), self._links_box(), self._groups_box(),
                 self._exports_box(), self._delete_box()]
        self._refresh(force=True)  # first: it makes the letters the links use in anonymous mode
        self._refresh_links()
        return parts

    def _view(self) -> list:
        """The projector's view: the workshop's name, the overview and the join codes."""
        parts = [html(f"<h1>{H.e(self.workshop['name'])}</h1>"
                      f"<p class=\"jk-lead\">{H.e(self.T('proj.view_lead'))}</p>"),
                 self._overview_box(self._occasions()), self._links_box()]
        self._refresh(force=True)
        self._refresh_links()
        return parts

    # -- what is said at the top and in the groups panel ---------------------------------
    def _notice(self):
        self.notice_box = html()
        self._show_notice()
        return self.notice_box

    def _show_notice(self) -> None:
        """The notice at the top; in projector mode none that holds a key (the new workshop's
        facilitator key is said only on the facilitator's own screen)."""
        box = getattr(self, "notice_box", None)
        if box is None:
            return
        hidden = self.projector and isinstance(self.notice, Say) and "code" in self.notice.values
        value = ("" if not self.notice or hidden else
                 f"<div class=\"jk-note\" role=\"status\"><p>{H.e(self.say(self.notice))}</p></div>")
        if box.value != value:
            box.value = value

    def shown(self, said) -> str:
        """A :class:`Say` as this page may show it: in anonymous mode a group's name becomes its
        letter (the overview's and the files'), in projector mode a key becomes "not shown"."""
        if not isinstance(said, Say):
            return self.say(said)
        values = dict(said.values)
        if self.anonymous and "group" in values:
            values["group"] = self.shown_name(values["group"])
        if self.projector and "code" in values:
            values["code"] = Say("proj.key_hidden")
        return self.say(Say(said.key, **values))

    def shown_name(self, group) -> str:
        """A group's name as the page shows it: its letter in anonymous mode."""
        if not self.anonymous:
            return str(group)
        if self._names is None:
            from kit.io.workshop import shown_names

            name = self.workshop["name"]
            self._names = shown_names([*self.store.groups(name),
                                       *self.store.answers_frame(name)["organisation"]], name)
        return self._names[group]

    def place(self) -> dict:
        place = {"lang": self.lang}
        if self.workshop and self.view:
            place.update(workshop=self.workshop["name"], view=rules.view_token(self.workshop))
        elif self.workshop:
            place.update(workshop=self.workshop["name"], fkey=self.fkey)
        return place

    def view_link(self):
        """The facilitator's way to the projector: a link, opened in a new tab, to the view
        that holds no key (the address of this page holds the facilitator key). On JupyterHub
        it goes through ``/hub/user-redirect/``, so that a projector computer logged in as
        another user opens the view on its own server."""
        from urllib.parse import urlencode

        from kit import hub

        query = urlencode({"lang": self.lang, "workshop": self.workshop["name"],
                           "view": rules.view_token(self.workshop)}, errors="replace")
        base = self._room()[0] if hub.on_hub() else ""  # the links' folder, through the hub
        return html(f"<p class=\"jk-view-link\"><a class=\"jk-button\" href=\"{H.e(base)}facilitator.ipynb?{H.e(query)}\" "
                    f"target=\"_blank\" rel=\"noopener\">{H.e(self.T('proj.view_link'))}"
                    f"<span class=\"jk-sr\"> {H.e(self.T('proj.new_tab'))}</span></a> "
                    f"<span class=\"jk-muted jk-small\">{H.e(self.T('proj.view_help'))}</span></p>")

    def set_language(self, lang) -> None:
        self._fingerprint = None  # the overview is drawn again, in the new language
        super().set_language(lang)

    def _open_workshop(self, record, fkey: str, notice=None) -> None:
        """Show the dashboard of a workshop the facilitator holds the key of."""
        self.workshop, self.fkey, self.notice = record, fkey, notice
        self._group_said, self._fingerprint, self.pending = None, None, None
        self.render()

    # -- forms -------------------------------------------------------------------------
    def form(self, fields: list, submit_label: str, handler, **options) -> Form:
        """A :class:`Form` whose submit runs ``handler(form, values)`` through :meth:`act`;
        what went wrong is said in the form, in the page's language."""
        form = Form(fields=fields, submit_label=submit_label, **options)

        def said(message, _kind):
            form.error = self.say(message)

        self.on(form, "submit", lambda msg, _b: handler(form, msg.get("values") or {}), report=said)
        return form

    def danger_box(self, name: str, label: str, children: list):
        """A danger action behind a disclosure: a button ("Ta bort en grupp…", aria-expanded)
        that shows ``children`` (its form); open or shut, it stays so over a language switch."""
        panel = section(children, cls="jk-disclosure-panel")
        toggle = Disclosure(label=label, expanded=name in self._disclosed)
        panel.layout.display = None if toggle.expanded else "none"

        def follow(change):
            panel.layout.display = None if change["new"] else "none"
            (self._disclosed.add if change["new"] else self._disclosed.discard)(name)

        toggle.observe(follow, names="expanded")
        setattr(self, f"{name}_disclosure", toggle)
        return section([toggle, panel], cls="jk-disclosure jk-danger-zone")

    @staticmethod
    def done(form: Form) -> None:
        """A form that did its work: no error, fields cleared for the next entry."""
        form.error = ""
        form.reset += 1


FacilitatorApp = App

__all__ = ["App", "FacilitatorApp"]

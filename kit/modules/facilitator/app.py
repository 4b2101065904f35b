"""The facilitator's page (:class:`App`): the shell, the heading and the notice, then either
the landing forms or the workshop's dashboard, put together from the module's parts.

The workshop's facilitator key is held as ``fkey`` (it is in the page's address); nothing of
a workshop is shown without it.
"""

from __future__ import annotations

from kit.domain import access
from kit.modules.facilitator import rules
from kit.modules.facilitator.exports import ExportsPart
from kit.modules.facilitator.groups import GroupsPart
from kit.modules.facilitator.landing import LandingPart
from kit.modules.facilitator.overview import OverviewPart
from kit.ui import html as H
from kit.ui.base import BaseApp, html
from kit.ui.widgets import Form


class App(LandingPart, GroupsPart, OverviewPart, ExportsPart, BaseApp):
    """The facilitator's page for URL parameters ``params`` (``lang``, ``workshop``, ``fkey``)."""

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
        name, fkey = self.params.get("workshop", ""), self.params.get("fkey", "")
        record = self.store.workshop_record(name) if name else None
        if access.may_facilitate(record, fkey):
            self.workshop, self.fkey = record, fkey
        self.render()

    # -- the page ----------------------------------------------------------------------
    def build(self) -> list:
        self.shell.observe(lambda _change: self.act(self._refresh_links), names="base_url")
        heading = html(f"<h1>{H.e(self.T('fac.heading'))}</h1>"
                       f"<p class=\"jk-lead\">{H.e(self.T('fac.lead'))}</p>")
        if self.workshop is None:
            return [heading, *([self._notice()] if self.notice else []), *self._landing()]
        return [heading, *self._dashboard()]

    def _dashboard(self) -> list:
        occasions = rules.occasion_keys(self.workshop)
        if self.occasion not in occasions:
            saved = self.store.saved_overview(self.workshop["name"])["occasion"]
            self.occasion = rules.current_occasion(occasions, saved)
        parts = [self._notice(), html(f"<h2>{H.e(self.workshop['name'])}</h2>"),
                 self._overview_box(occasions), self._links_box(), self._groups_box(),
                 self._exports_box(), self._delete_box()]
        self._refresh_links()
        self._refresh(force=True)
        return parts

    def _notice(self):
        if not self.notice:
            return html()
        return html(f"<div class=\"jk-note\" role=\"status\"><p>{H.e(self.say(self.notice))}</p></div>")

    def place(self) -> dict:
        place = {"lang": self.lang}
        if self.workshop:
            place.update(workshop=self.workshop["name"], fkey=self.fkey)
        return place

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

    @staticmethod
    def done(form: Form) -> None:
        """A form that did its work: no error, fields cleared for the next entry."""
        form.error = ""
        form.reset += 1


FacilitatorApp = App

__all__ = ["App", "FacilitatorApp"]

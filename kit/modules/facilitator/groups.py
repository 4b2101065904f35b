"""The facilitator's groups: add, remove, restore and give a new key, and every group's join
link with its QR code (a facilitator-added group's key is kept sealed with the facilitator's
key, so its link can be shown again)."""

from __future__ import annotations

import os

from kit.domain import access
from kit.domain import scores as sc
from kit.errors import InputError
from kit.modules.facilitator import rules
from kit.ui import html as H
from kit.ui.base import html, section
from kit.ui.strings import Say
from kit.ui.widgets import Links


def qr_data_uri(url: str) -> str:
    """An SVG QR code for ``url`` as a data URI (made offline by segno)."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


class GroupsPart:
    """The groups panel and the join links (a part of :class:`~.app.App`)."""

    def _links_box(self):
        self.links = Links()
        return section([html(f"<h2>{H.e(self.T('fac.join'))}</h2><p>{H.e(self.T('fac.join_help'))}</p>"),
                        self.links])

    def _groups_box(self):
        self.group_message = html()
        if self._group_said:  # said again after a language switch
            self._group_message(*self._group_said)
        group = {"name": "group", "label": self.T("fac.group_name")}
        self.add_form = self.form([group], self.T("fac.add_button"), self._add_group)
        self.delete_form = self.form([group, {"name": "confirm", "label": self.T("fac.delete_confirm")}],
                                     self.T("fac.delete_button"), self._delete_group)
        self.restore_form = self.form([group], self.T("fac.restore_button"), self._restore_group)
        self.reissue_form = self.form([group], self.T("fac.reissue_button"), self._reissue_group)
        return section([
            html(f"<h2>{H.e(self.T('fac.groups'))}</h2><h3>{H.e(self.T('fac.add_group'))}</h3>"),
            self.add_form, self.group_message,
            html(f"<h3>{H.e(self.T('fac.delete_group'))}</h3>"), self.delete_form,
            html(f"<h3>{H.e(self.T('fac.restore_group'))}</h3>"), self.restore_form,
            html(f"<h3>{H.e(self.T('fac.reissue_group'))}</h3><p>{H.e(self.T('fac.reissue_help'))}</p>"),
            self.reissue_form])

    def _group_message(self, said: Say, kind: str = "saved") -> None:
        self._group_said = (said, kind)
        icon = "⚠ " if kind == "error" else "✓ "
        self.group_message.value = (f"<p class=\"jk-status jk-status-{kind}\" role=\"status\">"
                                    f"{H.e(icon + self.say(said))}</p>")

    def _group_done(self, form, said: Say, refresh: bool = True) -> None:
        self.done(form)
        self._group_message(said)
        self._refresh_links()
        if refresh:
            self._refresh(force=True)

    def _sealed(self, key: str, group: str) -> str:
        """The group's key sealed with the facilitator's (so the page can show it again)."""
        return access.seal(key, self.fkey, rules.seal_context(self.workshop["name"], group))

    def _add_group(self, form, values: dict) -> None:
        name = self.workshop["name"]
        group = sc.parse_name(values.get("group"), "organisation")
        if group in self.store.groups(name):
            raise InputError("store.group_exists", field="organisation", group=group)
        key = access.new_group_key()
        self.store.claim_group(name, group, access.hash_key(key), sealed_key=self._sealed(key, group))
        self._group_done(form, Say("fac.group_added", group=group))

    def _delete_group(self, form, values: dict) -> None:
        name, group = self.workshop["name"], rules.typed(values.get("group"))
        if group not in self.store.groups(name):
            form.error = self.T("fac.unknown_group")
        elif not rules.confirmed(values.get("confirm"), group):
            form.error = self.T("fac.not_confirmed")
        else:
            self.store.delete_group(name, group)
            self._group_done(form, Say("fac.deleted", group=group))

    def _restore_group(self, form, values: dict) -> None:
        name, group = self.workshop["name"], rules.typed(values.get("group"))
        if group not in self.store.deleted_groups(name):
            form.error = self.T("fac.unknown_group")
            return
        self.store.restore_group(name, group)
        self._group_done(form, Say("fac.restored", group=group))

    def _reissue_group(self, form, values: dict) -> None:
        name, group = self.workshop["name"], rules.typed(values.get("group"))
        if group not in self.store.groups(name):
            form.error = self.T("fac.unknown_group")
            return
        key = access.new_group_key()
        self.store.reissue_group_key(name, group, access.hash_key(key), sealed_key=self._sealed(key, group))
        self._group_done(form, Say("fac.reissued", group=group, code=key), refresh=False)

    # -- join links --------------------------------------------------------------------
    def join_url(self, group: str | None = None, key: str | None = None) -> str:
        """The participants' link: the start page with the workshop (and group) filled in."""
        return rules.join_url(self.shell.base_url, self.workshop["name"],
                              self.workshop.get("lang", self.lang), group, key,
                              os.environ.get(rules.TOKEN_ENV))

    def _refresh_links(self) -> None:
        if not self.workshop or not hasattr(self, "links"):
            return
        everyone = self.T("fac.join_all")
        url = self.join_url()
        links = [{"label": everyone, "url": url, "qr": qr_data_uri(url),
                  "alt": self.T("fac.qr_alt", what=everyone)}]
        name = self.workshop["name"]
        for group in self.store.groups(name):
            record = self.store.group_record(name, group) or {}
            key = access.unseal(record.get("sealed_key"), self.fkey, rules.seal_context(name, group))
            if not key:
                continue  # a group that named itself holds its own key (a new one can be made)
            url = self.join_url(group, key)
            label = self.T("fac.join_group", group=group)
            links.append({"label": label, "url": url, "qr": qr_data_uri(url),
                          "alt": self.T("fac.qr_alt", what=label),
                          "note": self.T("fac.group_key_note", code=key)})
        self.links.links = links

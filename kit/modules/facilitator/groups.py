"""The facilitator's groups: add, remove, restore and give a new key, and how the room joins:
the address to type, the workshop's code and every group's code, each with its QR code (a
facilitator-added group's key is kept sealed with the facilitator's key, so its code and link
can be shown again). Anonymous mode shows a group's letter instead of its name, projector
mode no key; the projector's view, which holds no key, shows the codes that work."""

from __future__ import annotations

import os

from kit import hub
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

    # no fixed size (a viewBox only): the same SVG fills a card or the whole screen; a quiet
    # zone of four modules and a white ground, so a phone reads it off any projector
    return segno.make(url, error="m").svg_data_uri(scale=4, border=4, light="#fff", omitsize=True)


class GroupsPart:
    """The groups panel and the join links (a part of :class:`~.app.App`)."""

    def _links_box(self):
        keys = ("address", "code", "show_big", "prev", "next", "close", "count", "type_code",
                "long_link", "only_here_label")
        self.links = Links(strings={k: self.T(f"join.{k}") for k in keys})
        helps = self.T("fac.join_help_hub" if hub.on_hub() else "fac.join_help")
        return section([html(f"<h2>{H.e(self.T('fac.join'))}</h2><p>{H.e(helps)}</p>"),
                        self.links])

    def _groups_box(self):
        self.group_message = html()
        if self._group_said:  # said again after a language switch
            self._group_message(*self._group_said)
        group = {"name": "group", "label": self.T("fac.group_name")}
        self.add_form = self.form([group], self.T("fac.add_button"), self._add_group)
        self.delete_form = self.form([group, {"name": "confirm", "label": self.T("fac.delete_confirm")}],
                                     self.T("fac.delete_button"), self._delete_group, danger=True)
        self.restore_form = self.form([group], self.T("fac.restore_button"), self._restore_group)
        self.reissue_form = self.form([group], self.T("fac.reissue_button"), self._reissue_group)
        return section([
            html(f"<h2>{H.e(self.T('fac.groups'))}</h2><h3>{H.e(self.T('fac.add_group'))}</h3>"),
            self.add_form, self.group_message,
            html(f"<h3>{H.e(self.T('fac.restore_group'))}</h3>"), self.restore_form,
            html(f"<h3>{H.e(self.T('fac.reissue_group'))}</h3><p>{H.e(self.T('fac.reissue_help'))}</p>"),
            self.reissue_form,
            # a danger action: last, behind its disclosure, its button unlike the main action's
            html(f"<h3>{H.e(self.T('fac.delete_group'))}</h3>"),
            self.danger_box("delete_group", self.T("danger.delete_group_open"), [
                html(f"<p>{H.e(self.T('danger.delete_group_help'))}</p>"), self.delete_form])])

    def _group_message(self, said: Say, kind: str = "saved") -> None:
        self._group_said = (said, kind)
        icon = "⚠ " if kind == "error" else "✓ "
        # self.shown: a group's letter in anonymous mode, no key in projector mode
        self.group_message.value = (f"<p class=\"jk-status jk-status-{kind}\" role=\"status\">"
                                    f"{H.e(icon + self.shown(said))}</p>")

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
        self.store.join_code(name, group, key)  # its code, to show at once
        self._group_done(form, Say("fac.group_added", group=group))

    def _delete_group(self, form, values: dict) -> None:
        name, group = self.workshop["name"], rules.typed(values.get("group"))
        if group not in self.store.groups(name):
            form.error = self.T("fac.unknown_group")
        elif not rules.confirmed(values.get("confirm"), group):
            form.error = self.T("fac.not_confirmed")
        else:
            self.store.delete_group(name, group)
            self.store.drop_join_code(name, group)  # its code stops working with it
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
        self.store.join_code(name, group, key)  # a new code: the old one stops working
        self._group_done(form, Say("fac.reissued", group=group, code=key), refresh=False)

    # -- how the room joins: the address, the codes, the links (issue 15) -------------------
    def _room(self) -> tuple[str, str, str | None]:
        """The facilitator's page's folder (the browser says it), the room's address
        (``kit serve --lan``) and the server's token. On JupyterHub the folder is the same
        folder through the hub's ``/hub/user-redirect/``: every link, QR code and code link
        then takes each participant to their own server (the facilitator's would refuse them),
        and the hub's login stands where the token stood."""
        shell = getattr(self, "shell", None)
        page = getattr(shell, "base_url", "") or ""
        if hub.on_hub():
            return (rules.hub_links_base(page, os.environ[hub.PREFIX_ENV],
                                         os.environ.get(hub.HUB_BASE_ENV, "/")), "", None)
        return (page, os.environ.get(rules.ROOM_ENV, "").strip(),
                os.environ.get(rules.TOKEN_ENV) or None)

    def join_url(self, group: str | None = None, key: str | None = None) -> str:
        """The participants' long link: the start page with the workshop (and group and key)."""
        page, room, token = self._room()
        return rules.join_url(rules.links_base(page, room), self.workshop["name"],
                              self.workshop.get("lang", self.lang), group, key, token)

    def _refresh_links(self) -> None:
        """Draw the join section again: the address to type, then the workshop's code and each
        group's (made on first need), each with its QR code, which carries the short link
        with the code. A group's label is its letter in anonymous mode; in projector mode no
        key is shown and no link that holds one (nor, in anonymous mode, a group's name)."""
        if not self.workshop or not hasattr(self, "links"):
            return
        page, room, token = self._room()
        base = rules.links_base(page, room)
        name = self.workshop["name"]
        keys: dict[str, str] = {}
        if self.fkey:
            for group in self.store.groups(name):
                record = self.store.group_record(name, group) or {}
                key = access.unseal(record.get("sealed_key"), self.fkey, rules.seal_context(name, group))
                if key:  # a group that named itself holds its own key (a new one can be made)
                    keys[group] = key
            codes = self.store.join_codes_for(name, keys)
        else:  # the projector's view holds no key: it shows the codes that work
            codes = self.store.join_codes(name)
            codes[""] = codes.get("") or self.store.join_code(name)
        everyone = self.T("fac.join_all")
        links = []
        groups = [g for g in self.store.groups(name) if g in codes]
        if self.anonymous:  # in the letters' order: the order of the names would tell them
            groups.sort(key=lambda g: (len(self.shown_name(g)), self.shown_name(g)))
        for group in ["", *groups]:
            key = keys.get(group)
            label = self.T("fac.join_group", group=self.shown_name(group)) if group else everyone
            short = rules.code_url(base, codes[group], token)
            item = {"label": label, "code": access.display_code(codes[group]), "qr": qr_data_uri(short),
                    "alt": self.T("fac.qr_alt", what=label)}
            if not group:
                item["url"] = self.join_url()
            elif key and not self.projector and not self.anonymous:
                item["url"] = self.join_url(group, key)
            if key and not self.projector:
                item["note"] = self.T("fac.group_key_note", code=access.display_key(key))
            links.append(item)
        self.links.links = links
        self.links.address = rules.address_to_type(page, room, token)
        if rules.only_here(page, room) and not hub.on_hub():  # a hub's users are not in the room
            from urllib.parse import urlsplit

            where = urlsplit(page)
            self.links.notice = self.T("join.only_here", address=f"{where.scheme}://{where.netloc}/")
        else:
            self.links.notice = ""

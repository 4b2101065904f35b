"""The facilitator's app: create or open a workshop, hand out join links and QR codes, follow
every group live on the projector, and export the workshop.

Nothing of a workshop is shown without its facilitator key (see :mod:`kit.domain.access`).
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import os
from urllib.parse import urlencode

import ipywidgets as w
import pandas as pd

from kit import content
from kit.domain import access
from kit.domain import scores as sc
from kit.errors import InputError, Msg
from kit.io.writers import occasion_label
from kit.ui import html as H
from kit.ui.strings import Say, shell_strings
from kit.ui.widgets import Files, Form, Links, Shell, Switches, Ticker

log = logging.getLogger("kit.ui")
TOKEN_ENV = "JAMKIT_JOIN_TOKEN"
REFRESH_SECONDS = 10


def _html(markup: str = "", cls: str | None = None) -> w.HTML:
    widget = w.HTML(markup)
    if cls:
        widget.add_class(cls)
    return widget


def _section(children, cls: str = "jk-section") -> w.VBox:
    box = w.VBox(children)
    box.add_class(cls)
    return box


def qr_data_uri(url: str) -> str:
    """An SVG QR code for ``url`` as a data URI (made offline by segno)."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


class FacilitatorApp:
    def __init__(self, params: dict | None = None, store=None, on_back=None, on_query=None):
        from kit.store import default_store

        self.params = {k: v for k, v in (params or {}).items() if v}
        self.lang = content.normalise_lang(self.params.get("lang"))
        self.store = store or default_store()
        self.on_back, self.on_query = on_back, on_query
        self.workshop = None  # the record, once opened with the right key
        self.notice = None  # a Say, shown at the top (again after a language switch)
        self._group_said = None  # (Say, kind): the last news of the groups panel
        self.anonymous = False
        self.projector = False
        self.occasion = None
        self._fingerprint = None
        self._last_good = ""
        self.new_group_keys: dict[str, str] = {}
        self.widget = w.VBox()
        self.widget.add_class("jk-app")
        name, key = self.params.get("workshop", ""), self.params.get("fkey", "")
        record = self.store.workshop_record(name) if name else None
        if access.may_facilitate(record, key):
            self.workshop, self.key = record, key
        self._build()

    def T(self, key, **values) -> str:
        return content.text(key, self.lang, **values)

    # -- building ----------------------------------------------------------------------
    def _query(self) -> str:
        params = {"lang": self.lang}
        if self.workshop:
            params.update(workshop=self.workshop["name"], fkey=self.key)
        if self.on_query:
            return self.on_query(params)
        return urlencode(params, errors="replace")

    def _build(self) -> None:
        self.shell = Shell(strings=shell_strings(self.lang), lang=self.lang,
                           show_back=self.on_back is not None, query=self._query(),
                           page_title=f"{self.T('fac.heading')} – JämKit")
        self.shell.on_msg(self._on_shell)
        self.shell.observe(lambda _c: self._refresh_links(), names="base_url")
        heading = _html(f"<h1>{H.e(self.T('fac.heading'))}</h1><p class=\"jk-lead\">{H.e(self.T('fac.lead'))}</p>")
        if self.workshop is None:
            notice = ([_html(f"<div class=\"jk-note\" role=\"status\"><p>"
                             f"{H.e(self.notice.render(self.lang))}</p></div>")] if self.notice else [])
            self.widget.children = [self.shell, heading, *notice, *self._landing()]
        else:
            self.widget.children = [self.shell, heading, *self._dashboard()]

    def _landing(self) -> list:
        fields = [{"name": "name", "label": self.T("fac.name"), "value": self.params.get("workshop", "")},
                  {"name": "lang", "label": self.T("fac.lang"), "type": "select", "value": self.lang,
                   "options": [["sv", "Svenska"], ["en", "English"]]}]
        for i, key in enumerate(sc.DEFAULT_OCCASIONS, start=1):
            fields.append({"name": f"occ{i}", "label": self.T("fac.occasion_n", n=i),
                           "value": occasion_label(key, self.lang)})
            fields.append({"name": f"date{i}", "label": self.T("fac.date_n", n=i), "type": "date"})
        self.create_form = Form(fields=fields, submit_label=self.T("fac.create_button"), columns=2)
        self.create_form.on_msg(self._on_create)
        self.open_form = Form(fields=[
            {"name": "name", "label": self.T("fac.name"), "value": self.params.get("workshop", "")},
            {"name": "key", "label": self.T("fac.key"), "type": "password"}],
            submit_label=self.T("fac.open_button"))
        self.open_form.on_msg(self._on_open)
        return [
            _section([_html(f"<h2>{H.e(self.T('fac.create'))}</h2><p>{H.e(self.T('fac.create_help'))}</p>"),
                      self.create_form]),
            _section([_html(f"<h2>{H.e(self.T('fac.open'))}</h2>"), self.open_form]),
        ]

    def _dashboard(self) -> list:
        name = self.workshop["name"]
        occasions = [o["key"] for o in self.workshop.get("occasions", [])] or list(sc.DEFAULT_OCCASIONS)
        if self.occasion not in occasions:
            self.occasion = self._current_occasion(occasions)
        notice = _html(f"<div class=\"jk-note\" role=\"status\"><p>{H.e(self.notice.render(self.lang))}</p></div>"
                       if self.notice else "")
        title = _html(f"<h2>{H.e(name)}</h2>")
        self.links = Links()
        links_box = _section([_html(f"<h2>{H.e(self.T('fac.join'))}</h2><p>{H.e(self.T('fac.join_help'))}</p>"),
                              self.links])
        self.group_message = _html()
        if self._group_said:  # said again after a language switch
            self._group_message(*self._group_said)
        self.add_form = Form(fields=[{"name": "group", "label": self.T("fac.group_name")}],
                             submit_label=self.T("fac.add_button"))
        self.add_form.on_msg(self._on_add_group)
        self.delete_form = Form(fields=[{"name": "group", "label": self.T("fac.group_name")},
                                        {"name": "confirm", "label": self.T("fac.delete_confirm")}],
                                submit_label=self.T("fac.delete_button"))
        self.delete_form.on_msg(self._on_delete_group)
        self.restore_form = Form(fields=[{"name": "group", "label": self.T("fac.group_name")}],
                                 submit_label=self.T("fac.restore_button"))
        self.restore_form.on_msg(self._on_restore_group)
        self.reissue_form = Form(fields=[{"name": "group", "label": self.T("fac.group_name")}],
                                 submit_label=self.T("fac.reissue_button"))
        self.reissue_form.on_msg(self._on_reissue_group)
        groups_box = _section([
            _html(f"<h2>{H.e(self.T('fac.groups'))}</h2><h3>{H.e(self.T('fac.add_group'))}</h3>"),
            self.add_form, self.group_message,
            _html(f"<h3>{H.e(self.T('fac.delete_group'))}</h3>"), self.delete_form,
            _html(f"<h3>{H.e(self.T('fac.restore_group'))}</h3>"), self.restore_form,
            _html(f"<h3>{H.e(self.T('fac.reissue_group'))}</h3><p>{H.e(self.T('fac.reissue_help'))}</p>"),
            self.reissue_form])
        self.delete_workshop_form = Form(fields=[{"name": "confirm", "label": self.T("fac.delete_workshop_confirm")}],
                                         submit_label=self.T("fac.delete_workshop_button"))
        self.delete_workshop_form.on_msg(self._on_delete_workshop)
        delete_box = _section([_html(f"<h2>{H.e(self.T('fac.delete_workshop'))}</h2>"
                                     f"<p>{H.e(self.T('fac.delete_workshop_help'))}</p>"),
                               self.delete_workshop_form])
        self.occasion_form = Form(fields=[{
            "name": "occasion", "label": self.T("overview.occasion"), "type": "select",
            "value": self.occasion, "options": [[o, occasion_label(o, self.lang)] for o in occasions]}],
            submit_label=self.T("fac.open_button"), auto=True)
        self.occasion_form.on_msg(self._on_occasion)
        self.switches = Switches(items=[{"name": "anonymous", "label": self.T("overview.anonymous")},
                                        {"name": "projector", "label": self.T("overview.projector")}],
                                 values={"anonymous": self.anonymous, "projector": self.projector})
        self.switches.observe(self._on_switches, names="values")
        self.ticker = Ticker(seconds=REFRESH_SECONDS, button_label=self.T("overview.refresh"))
        self.ticker.on_msg(self._on_tick)
        self.overview = _html()
        self.pool_line = _html()  # "Redo för 24 av 30 deltagare", when kit serve keeps a pool
        overview_box = _section([_html(f"<h2>{H.e(self.T('overview.heading'))}</h2>"),
                                 self.occasion_form, self.switches, self.ticker, self.pool_line,
                                 self.overview])
        self.files = Files(strings={"upload": self.T("files.upload")})
        self.files.on_msg(self._on_upload)
        self.pending = None
        self.preview = _html()
        self.confirm_form = Form(fields=[], submit_label=self.T("fac.import_button"))
        self.confirm_form.on_msg(self._on_confirm_import)
        self.confirm_form.layout.display = "none"
        exports_box = _section([_html(f"<h2>{H.e(self.T('overview.exports'))}</h2>"
                                      f"<p>{H.e(self.T('overview.exports_help'))}</p>"
                                      f"<p>{H.e(self.T('fac.import_help'))}</p>"),
                                self.files, self.preview, self.confirm_form])
        self._refresh_links()
        self._refresh(force=True)
        return [notice, title, overview_box, links_box, groups_box, exports_box, delete_box]

    def _current_occasion(self, occasions: list[str]) -> str:
        """The latest occasion anybody has saved for, else the first."""
        overview = self.store.saved_overview(self.workshop["name"])
        seen = [o for o in occasions if o in set(overview["occasion"])]
        return seen[-1] if seen else occasions[0]

    # -- landing -----------------------------------------------------------------------
    def _on_create(self, _w, msg, _b) -> None:
        if msg.get("event") != "submit":
            return
        values = msg.get("values") or {}
        try:
            name = sc.parse_name(values.get("name"), "workshop")
            occasions = []
            for i in range(1, len(sc.DEFAULT_OCCASIONS) + 1):
                label = (values.get(f"occ{i}") or "").strip()
                if label:
                    key = sc.parse_occasion(_occasion_key(label))
                    occasions.append({"key": key, "date": (values.get(f"date{i}") or "")[:10]})
            if not occasions:
                raise InputError("form.missing", field="occasion", what=Msg("field.occasion"))
            key = access.new_facilitator_key()
            lang = content.normalise_lang(values.get("lang"))
            # atomic: of two facilitators creating one name at once, one gets it
            self.store.create_workshop(name, lang=lang, occasions=occasions,
                                       facilitator_key_hash=access.hash_key(key))
        except InputError as exc:
            self.create_form.error = exc.text(self.lang)
            return
        self.workshop, self.key, self.lang = self.store.workshop_record(name), key, lang
        self.notice, self._group_said = Say("fac.created", code=key), None
        self._build()

    def _on_open(self, _w, msg, _b) -> None:
        if msg.get("event") != "submit":
            return
        values = msg.get("values") or {}
        name = " ".join(str(values.get("name") or "").split())
        record = self.store.workshop_record(name) if name else None
        notice = None
        deleted = self.store.deleted_workshop(name) if name and record is None else None
        if deleted and access.may_facilitate(deleted, values.get("key")):
            self.store.restore_workshop(name)  # opening a removed workshop with its key brings it back
            record, notice = self.store.workshop_record(name), Say("fac.workshop_restored", name=name)
        if not access.may_facilitate(record, values.get("key")):
            self.open_form.error = self.T("fac.wrong_key")
            return
        self.workshop, self.key, self.notice = record, str(values.get("key")).strip(), notice
        self._group_said = None
        self._build()

    def _on_delete_workshop(self, _w, msg, _b) -> None:
        if msg.get("event") != "submit":
            return
        name = self.workshop["name"]
        if " ".join(str((msg.get("values") or {}).get("confirm") or "").split()) != name:
            self.delete_workshop_form.error = self.T("fac.not_confirmed")
            return
        self.store.delete_workshop(name)
        self.workshop, self.notice = None, Say("fac.workshop_deleted", name=name)
        self._group_said = None
        self.params["workshop"] = name
        self._build()
        self.open_form.error = ""

    # -- groups ------------------------------------------------------------------------
    def _group_message(self, said: Say, kind: str = "saved") -> None:
        self._group_said = (said, kind)
        icon = "⚠ " if kind == "error" else "✓ "
        text = said.render(self.lang)
        self.group_message.value = f"<p class=\"jk-status jk-status-{kind}\" role=\"status\">{H.e(icon + text)}</p>"

    def _on_add_group(self, _w, msg, _b) -> None:
        if msg.get("event") != "submit":
            return
        name = self.workshop["name"]
        try:
            group = sc.parse_name((msg.get("values") or {}).get("group"), "organisation")
            if group in self.store.groups(name):
                raise InputError("store.group_exists", field="organisation", group=group)
            key = access.new_group_key()
            # the link can be shown again: the key is kept sealed with the facilitator's key
            self.store.claim_group(name, group, access.hash_key(key),
                                   sealed_key=access.seal(key, self.key, _context(name, group)))
        except InputError as exc:
            self.add_form.error = exc.text(self.lang)
            return
        self.add_form.error = ""
        self.add_form.reset += 1
        self._group_message(Say("fac.group_added", group=group))
        self._refresh_links()
        self._refresh(force=True)

    def _on_delete_group(self, _w, msg, _b) -> None:
        if msg.get("event") != "submit":
            return
        values = msg.get("values") or {}
        group = " ".join(str(values.get("group") or "").split())
        if group not in self.store.groups(self.workshop["name"]):
            self.delete_form.error = self.T("fac.unknown_group")
            return
        if " ".join(str(values.get("confirm") or "").split()) != group:
            self.delete_form.error = self.T("fac.not_confirmed")
            return
        self.store.delete_group(self.workshop["name"], group)
        self.delete_form.error = ""
        self.delete_form.reset += 1
        self._group_message(Say("fac.deleted", group=group))
        self._refresh_links()
        self._refresh(force=True)

    def _on_restore_group(self, _w, msg, _b) -> None:
        if msg.get("event") != "submit":
            return
        group = " ".join(str((msg.get("values") or {}).get("group") or "").split())
        if group not in self.store.deleted_groups(self.workshop["name"]):
            self.restore_form.error = self.T("fac.unknown_group")
            return
        self.store.restore_group(self.workshop["name"], group)
        self.restore_form.error = ""
        self.restore_form.reset += 1
        self._group_message(Say("fac.restored", group=group))
        self._refresh_links()
        self._refresh(force=True)

    def _on_reissue_group(self, _w, msg, _b) -> None:
        if msg.get("event") != "submit":
            return
        name = self.workshop["name"]
        group = " ".join(str((msg.get("values") or {}).get("group") or "").split())
        if group not in self.store.groups(name):
            self.reissue_form.error = self.T("fac.unknown_group")
            return
        key = access.new_group_key()
        try:
            self.store.reissue_group_key(name, group, access.hash_key(key),
                                         sealed_key=access.seal(key, self.key, _context(name, group)))
        except InputError as exc:
            self.reissue_form.error = exc.text(self.lang)
            return
        self.reissue_form.error = ""
        self.reissue_form.reset += 1
        self._group_message(Say("fac.reissued", group=group, code=key))
        self._refresh_links()

    def join_url(self, group: str | None = None, key: str | None = None) -> str:
        """The participants' link: the start page with the workshop (and group) filled in."""
        base = self.shell.base_url or ""
        params = {"lang": self.workshop.get("lang", self.lang), "workshop": self.workshop["name"]}
        if group:
            params.update(group=group, gkey=key)
        token = os.environ.get(TOKEN_ENV)
        if token:
            params["token"] = token
        return f"{base}start.ipynb?{urlencode({k: v for k, v in params.items() if v}, errors='replace')}"

    def _refresh_links(self) -> None:
        if not self.workshop or not hasattr(self, "links"):
            return
        everyone = self.T("fac.join_all")
        links = [{"label": everyone, "url": self.join_url(),
                  "qr": qr_data_uri(self.join_url()), "alt": self.T("fac.qr_alt", what=everyone)}]
        name = self.workshop["name"]
        for group in self.store.groups(name):
            record = self.store.group_record(name, group) or {}
            key = access.unseal(record.get("sealed_key"), self.key, _context(name, group))
            if not key:
                continue  # a group that named itself holds its own key (a new one can be made)
            url = self.join_url(group, key)
            label = self.T("fac.join_group", group=group)
            links.append({"label": label, "url": url, "qr": qr_data_uri(url),
                          "alt": self.T("fac.qr_alt", what=label),
                          "note": self.T("fac.group_key_note", code=key)})
        self.links.links = links

    # -- overview ----------------------------------------------------------------------
    def _on_occasion(self, _w, msg, _b) -> None:
        if msg.get("event") == "submit":
            self.occasion = (msg.get("values") or {}).get("occasion") or self.occasion
            self._refresh(force=True)

    def _on_switches(self, change) -> None:
        self.anonymous = bool(change["new"].get("anonymous"))
        self.projector = bool(change["new"].get("projector"))
        if self.projector:
            self.widget.add_class("jk-projector")
        else:
            self.widget.remove_class("jk-projector")
        self._refresh(force=True)

    def _on_tick(self, _w, msg, _b) -> None:
        if msg.get("event") == "tick":
            self._refresh(force=bool(msg.get("manual")))

    def _refresh(self, force: bool = False) -> bool:
        """Redraw the overview when anything was saved since the last time (or when asked).

        A refresh that fails says so on the page and in the log, keeps the last good view, and
        the time shown stays the time of the last good refresh; the next tick tries again."""
        name = self.workshop["name"]
        self._refresh_pool()
        try:
            fingerprint = self.store.changes(name)
            if force or fingerprint != self._fingerprint:
                answers = self.store.answers_frame(name)
                self.overview.value = self.overview_html(answers)
                self._fingerprint = fingerprint
                self._refresh_exports(answers)
        except Exception as exc:  # noqa: BLE001 - said on the page, logged, tried again
            log.error("JämKit: overview refresh failed", exc_info=exc)
            self._fingerprint = None
            since = self._last_good or "–"
            self.ticker.text = self.T("overview.refresh_failed", time=since)
            self.ticker.kind = "error"
            return False
        self._last_good = dt.datetime.now().astimezone().strftime("%H:%M:%S")
        self.ticker.text = self.T("overview.ticker", seconds=REFRESH_SECONDS, time=self._last_good)
        self.ticker.kind = "info"
        return True

    def _refresh_pool(self) -> None:
        """The room's pool of ready kernels (``kit serve --participants N``), or nothing."""
        from kit.kernel import status as pool_status

        state = pool_status.read_status()
        if state is None:
            value = ""
        elif pool_status.is_low(state):
            value = (f"<p class=\"jk-pool jk-pool-low\"><strong>{H.e(self.T('pool.low_label'))}</strong> "
                     f"{H.e(pool_status.warning(state, self.lang))}</p>")
        else:
            value = f"<p class=\"jk-pool\">{H.e(pool_status.describe(state, self.lang))}</p>"
        if self.pool_line.value != value:
            self.pool_line.value = value

    def overview_html(self, answers) -> str:
        from kit import plots
        from kit.reference import published_table

        from kit.io.workshop import anonymise, totals_with_notes

        lang, occ, large = self.lang, self.occasion, self.projector
        self._figures = []  # (caption, alt, png), reused by the report so nothing is drawn twice
        parts = [f"<h3>{H.e(self.T('overview.saved_heading'))}</h3>", self._saved_table()]
        if answers.empty or answers["score"].notna().sum() == 0:
            parts.append(f"<p class=\"jk-muted\">{H.e(self.T('overview.empty'))}</p>")
            return "".join(parts)
        if self.anonymous:  # one letter per organisation in every chart, table and export
            answers = anonymise(answers, self.workshop["name"])
        order = self._occasions_with_answers(answers)
        table = sc.summary_table(answers, order)
        parts.append(f"<h3>{H.e(self.T('overview.table_heading'))}</h3>")
        parts.append(H.summary_table(table, lang, self.T("overview.table_caption")))
        parts.append(H.count_table(table.attrs["n"], lang, self.T("overview.n_heading")))
        totals, notes = totals_with_notes(answers, order, lang)
        if len(totals):
            parts.append(H.totals_table(totals, notes, lang, self.T("overview.lines")))
        parts.append("<details class=\"jk-details\"><summary>"
                     f"{H.e(self.T('results.reference'))}</summary>"
                     + "".join(H.summary_table(published_table(wh), lang, self.T(f"results.{wh}"))
                               + f"<p class=\"jk-source\">{H.e(self.T(note))}</p>"
                               for wh, note in (("participants", "results.note_table1"),
                                                ("mentors", "results.note_table2")))
                     + "</details>")
        figures = [
            (self.T("overview.radar"), self.T("overview.radar_alt"), plots.radar(table, lang=lang, large=large)),
            (self.T("overview.bars"), self.T("overview.bars_alt"), plots.moment_bars(table, lang=lang, large=large)),
            (self.T("overview.distribution"),
             self.T("overview.distribution_alt", occasion=occasion_label(occ, lang)),
             plots.distribution(sc.organisation_scores(answers), occ, lang=lang, large=large)),
        ]
        if len(totals):
            figures.append((self.T("overview.lines"), self.T("overview.lines_alt"),
                            plots.organisation_lines(sc.organisation_totals(answers, order, partial=True),
                                                     lang=lang, large=large, incomplete=set(notes))))
        for caption, alt, fig in figures:
            png = plots.png_bytes(fig, dpi=90 if not large else 100)
            self._figures.append((caption, alt, png))
            parts.append(H.figure(png, caption, alt))
        return "".join(parts)

    def _occasions_with_answers(self, answers) -> list[str]:
        """The workshop's occasions in its own order, only those anyone has answered for, so
        that +/- compares the first and the latest occasion that have happened."""
        seen = set(answers.loc[answers["score"].notna(), "occasion"])
        order = [o["key"] for o in self.workshop.get("occasions", []) if o["key"] in seen]
        return order + [o for o in sc.occasion_order(answers["occasion"]) if o in seen and o not in order]

    def _saved_table(self) -> str:
        name, occ, lang = self.workshop["name"], self.occasion, self.lang
        overview = self.store.saved_overview(name)
        overview = overview[overview["occasion"] == occ]
        groups = self.store.groups(name)
        if self.anonymous:
            saved = overview["organisation"].nunique()
            return f"<p>{H.e(f'{saved} / {len(groups)}')}</p>"
        if not groups:
            return f"<p class=\"jk-muted\">{H.e(self.T('overview.nobody'))}</p>"
        rows = []
        for group in groups:
            part = overview[overview["organisation"] == group]
            if part.empty:
                rows.append(f"<tr><th scope=\"row\">{H.e(group)}</th><td>– {H.e(self.T('overview.not_yet'))}</td>"
                            "<td></td><td></td></tr>")
                continue
            last = pd.Timestamp(part["saved_at"].max()).to_pydatetime().astimezone().strftime("%H:%M")
            roles = ", ".join(content.text(f"role_one.{r or 'konsensus'}", lang)
                              for r in sorted(part["role"], key=lambda r: (r == "", r)))
            joint = part[part["role"] == ""]
            moments = f"{int(joint['scored'].iloc[0])} / 10" if len(joint) else "–"
            rows.append(f"<tr><th scope=\"row\">{H.e(group)}</th><td>✓ {H.e(last)}</td>"
                        f"<td>{H.e(roles)}</td><td>{H.e(moments)}</td></tr>")
        caption = self.T("overview.saved_caption", occasion=occasion_label(occ, lang))
        heads = "".join(f"<th scope=\"col\">{H.e(self.T(f'overview.{k}'))}</th>"
                        for k in ("group", "saved", "roles", "moments"))
        return H.table_wrap(f"<table class=\"jk-table jk-status-list\"><caption>{H.e(caption)}"
                            f"</caption><thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>",
                            caption)

    def _refresh_exports(self, answers) -> None:
        from kit.io.workshop import report_html, workshop_workbook
        from kit.ui.selfassessment import _slug

        if answers.empty:
            self.files.downloads = []
            return
        name = self.workshop["name"]
        lang = self.lang  # the reader's language, not only the workshop's
        order = self._occasions_with_answers(answers)
        stem = f"jamkit-{_slug(name)}"
        try:
            xlsx = workshop_workbook(answers, lang, order)  # the facilitator's full record, with names
            report = report_html(answers, name=name, lang=lang, occasions=order, anonymous=self.anonymous,
                                 figures=getattr(self, "_figures", None) or None, salt=name)
        except Exception as exc:  # noqa: BLE001 - one export must never take a page down
            log.error("JämKit: making the workshop's exports failed", exc_info=exc)
            self.files.downloads = []
            self.files.status, self.files.status_kind = self.T("files.export_failed"), "error"
            return
        self.files.downloads = [
            {"label": self.T("overview.xlsx"), "filename": f"{stem}.xlsx",
             "mime": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "b64": base64.b64encode(xlsx).decode("ascii")},
            {"label": self.T("overview.report"), "filename": f"{stem}-rapport.html", "mime": "text/html",
             "b64": base64.b64encode(report.encode("utf-8")).decode("ascii")},
        ]

    # -- import --------------------------------------------------------------------------
    def _on_upload(self, _w, msg, buffers) -> None:
        if msg.get("event") == "upload" and buffers:
            self.preview_file(str(msg.get("name") or "fil"), bytes(buffers[0]))

    def preview_file(self, name: str, data: bytes) -> bool:
        """Read a file and show what importing it would add; write nothing yet."""
        from kit.io.readers import read_kit_json, read_scores

        self.pending = None
        self.confirm_form.layout.display = "none"
        try:
            answers = (read_kit_json(name=name, data=data)["answers"] if name.lower().endswith(".json")
                       else read_scores(name, name=name, data=data))
        except InputError as exc:
            self.files.status, self.files.status_kind = self.T("files.upload_failed", reason=exc.text(self.lang)), "error"
            self.preview.value = ""
            return False
        existing = set(self.store.groups(self.workshop["name"]))
        rows = []
        for org, part in answers.groupby("organisation", sort=True):
            occasions = ", ".join(occasion_label(o, self.lang) for o in sc.occasion_order(part["occasion"]))
            state = self.T("fac.preview_existing") if org in existing else self.T("fac.preview_new")
            rows.append(f"<tr><th scope=\"row\">{H.e(org)}</th><td>{H.e(occasions)}</td>"
                        f"<td>{len(part)}</td><td>{H.e(state)}</td></tr>")
        heads = "".join(f"<th scope=\"col\">{H.e(self.T(k))}</th>" for k in
                        ("overview.group", "fac.preview_occasions", "fac.preview_answers", "fac.preview_state"))
        caption = self.T("fac.preview_caption", name=name)
        self.preview.value = H.table_wrap(f"<table class=\"jk-table jk-status-list\"><caption>{H.e(caption)}"
                                          f"</caption><thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}"
                                          "</tbody></table>", caption)
        self.files.status, self.files.status_kind = "", "info"
        self.pending = (name, answers)
        self.confirm_form.layout.display = None
        return True

    def _on_confirm_import(self, _w, msg, _b) -> None:
        if msg.get("event") == "submit":
            self.confirm_import()

    def confirm_import(self) -> int:
        """Write the previewed file (all or nothing); new groups get keys and join links."""
        if not self.pending:
            return 0
        name, answers = self.pending
        workshop = self.workshop["name"]
        claims = {}
        for org in dict.fromkeys(answers["organisation"]):
            if self.store.group_record(workshop, org) is None:
                key = access.new_group_key()
                claims[org] = (access.hash_key(key), access.seal(key, self.key, _context(workshop, org)))
        try:  # the answers and the new groups' keys: all in one transaction, or nothing
            self.store.import_answers(workshop, answers, claims_for=claims)
        except InputError as exc:
            self.files.status, self.files.status_kind = self.T("files.upload_failed", reason=exc.text(self.lang)), "error"
            return 0
        self.pending = None
        self.preview.value = ""
        self.confirm_form.layout.display = "none"
        self.files.status = self.T("fac.imported", count=len(answers), name=name)
        self.files.status_kind = "saved"
        self._refresh_links()
        self._refresh(force=True)
        return len(answers)

    # -- language ----------------------------------------------------------------------
    def _on_shell(self, _w, msg, _b) -> None:
        if msg.get("event") == "lang":
            self.lang = content.normalise_lang(msg.get("lang"))
            self._fingerprint = None
            self._build()
        elif msg.get("event") == "back" and self.on_back:
            self.on_back(self)


def _context(workshop: str, group: str) -> str:
    """What a sealed group key is bound to (it opens for this group of this workshop only)."""
    return f"{workshop}\x1f{group}"


def _occasion_key(label: str) -> str:
    """The canonical key for a label shown in either language ("Learning meeting 1" → key)."""
    for lang in content.LANGUAGES:
        for key in sc.DEFAULT_OCCASIONS:
            if content.text(f"occasions.{key}", lang).lower() == label.strip().lower():
                return key
    return label

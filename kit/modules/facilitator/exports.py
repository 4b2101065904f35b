"""The facilitator's files: the workshop as Excel and as a printable report (with every
module's part, see :mod:`kit.io.workshop`), and answers brought in from a file — previewed
first, written only when the facilitator confirms, all or nothing."""

from __future__ import annotations

from kit.domain import access
from kit.domain import scores as sc
from kit.io.writers import occasion_label
from kit.modules.facilitator import rules
from kit.ui import html as H
from kit.ui.base import XLSX, download, html, section, slug
from kit.ui.widgets import Files


class ExportsPart:
    """The exports panel (a part of :class:`~.app.App`)."""

    def _exports_box(self):
        self.files = Files(strings={"upload": self.T("files.upload")})
        self.on(self.files, "upload", self._on_upload, report=self._upload_failed)
        self.preview = html()
        self.confirm_form = self.form([], self.T("fac.import_button"), lambda _f, _v: self.confirm_import())
        self.confirm_form.layout.display = "none"
        if self.pending:  # shown again after a language switch, still waiting for its yes
            self._show_preview(*self.pending)
        return section([html(f"<h2>{H.e(self.T('overview.exports'))}</h2>"
                             f"<p>{H.e(self.T('overview.exports_help'))}</p>"
                             f"<p>{H.e(self.T('fac.import_help'))}</p>"),
                        self.files, self.preview, self.confirm_form])

    # -- out ---------------------------------------------------------------------------
    def _refresh_exports(self, answers) -> None:
        from kit.io.workshop import module_exports

        name = self.workshop["name"]
        if answers.empty and not any(module.record and self.store.latest(name, module.record)
                                     for module, _ in module_exports()):
            self.files.downloads = []
            return
        self.act(self._make_exports, answers, report=self._export_failed)

    def _make_exports(self, answers) -> None:
        from kit.io.workshop import report_html, workshop_workbook

        name, lang = self.workshop["name"], self.lang  # the reader's language, not only the workshop's
        order = self._answered(answers)
        anonymous = self.anonymous
        stem = f"jamkit-{slug(name)}" + ("-anonym" if anonymous else "")
        # both follow anonymous mode, with the overview's letters (self._names): then no
        # group's name is in either file, and the links say so
        xlsx = workshop_workbook(answers, lang, order, anonymous=anonymous, salt=name, store=self.store,
                                 workshop=name, names=self._names)
        report = report_html(answers, name=name, lang=lang, occasions=order, anonymous=anonymous,
                             figures=self._figures or None, salt=name, store=self.store, workshop=name,
                             names=self._names)
        suffix = "_anonymous" if anonymous else ""
        self.files.downloads = [
            download(self.T(f"overview.xlsx{suffix}"), f"{stem}.xlsx", xlsx, XLSX),
            download(self.T(f"overview.report{suffix}"), f"{stem}-rapport.html", report.encode("utf-8"),
                     "text/html"),
        ]
        if self.files.status == self.T("files.export_failed"):  # an earlier failure is over
            self.files.status, self.files.status_kind = "", "info"

    def _export_failed(self, _said, _kind) -> None:
        self.files.downloads = []  # never a stale file
        self.files.status, self.files.status_kind = self.T("files.export_failed"), "error"

    # -- in ----------------------------------------------------------------------------
    def _upload_failed(self, said, _kind) -> None:
        self._import_failed(said, _kind)
        self.preview.value = ""

    def _import_failed(self, said, _kind) -> None:
        self.files.status = self.T("files.upload_failed", reason=self.say(said))
        self.files.status_kind = "error"

    def _on_upload(self, msg, buffers) -> None:
        if buffers:
            self.preview_file(str(msg.get("name") or "fil"), bytes(buffers[0]))

    def preview_file(self, name: str, data: bytes) -> bool:
        """Read a file and show what importing it would add; write nothing yet."""
        self.pending = None
        self.confirm_form.layout.display = "none"
        return bool(self.act(self._preview, name, data, report=self._upload_failed))

    def _preview(self, name: str, data: bytes) -> bool:
        from kit.io.readers import read_kit_json, read_scores

        answers = (read_kit_json(name=name, data=data)["answers"] if name.lower().endswith(".json")
                   else read_scores(name, name=name, data=data))
        self._show_preview(name, answers)
        self.files.status, self.files.status_kind = "", "info"
        return True

    def _show_preview(self, name: str, answers) -> None:
        existing = set(self.store.groups(self.workshop["name"]))
        rows = []
        for org, part in answers.groupby("organisation", sort=True):
            occasions = ", ".join(occasion_label(o, self.lang) for o in sc.occasion_order(part["occasion"]))
            state = self.T("fac.preview_existing") if org in existing else self.T("fac.preview_new")
            rows.append([self.shown_name(org), occasions, str(len(part)), state])  # a letter when anonymous
        heads = [self.T(k) for k in
                 ("overview.group", "fac.preview_occasions", "fac.preview_answers", "fac.preview_state")]
        # cards on a narrow screen: each cell says its column
        self.preview.value = H.card_table(heads, rows, self.T("fac.preview_caption", name=name),
                                          cls="jk-status-list")
        self.pending = (name, answers)
        self.confirm_form.layout.display = None

    def confirm_import(self) -> int:
        """Write the previewed file (all or nothing); new groups get keys and join links."""
        if not self.pending:
            return 0
        return self.act(self._import, report=self._import_failed) or 0

    def _import(self) -> int:
        name, answers = self.pending
        workshop = self.workshop["name"]
        claims = {}
        for org in dict.fromkeys(answers["organisation"]):
            if self.store.group_record(workshop, org) is None:
                key = access.new_group_key()
                claims[org] = (access.hash_key(key),
                               access.seal(key, self.fkey, rules.seal_context(workshop, org)))
        # the answers and the new groups' keys: all in one transaction, or nothing
        self.store.import_answers(workshop, answers, claims_for=claims)
        self.pending = None
        self.preview.value = ""
        self.confirm_form.layout.display = "none"
        self.files.status = self.T("fac.imported", count=len(answers), name=name)
        self.files.status_kind = "saved"
        self._refresh_links()
        self._refresh(force=True)
        return len(answers)

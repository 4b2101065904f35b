"""The facilitator's landing forms (create a workshop, open one with its key) and the
removal of a workshop (which opening it again with its key undoes)."""

from __future__ import annotations

from kit import content
from kit.domain import access
from kit.domain import scores as sc
from kit.io.writers import occasion_label
from kit.modules.facilitator import rules
from kit.ui import html as H
from kit.ui.base import html, section
from kit.ui.strings import Say


class LandingPart:
    """Create, open and remove a workshop (a part of :class:`~.app.App`)."""

    def _landing(self) -> list:
        fields = [{"name": "name", "label": self.T("fac.name"), "value": self.params.get("workshop", "")},
                  {"name": "lang", "label": self.T("fac.lang"), "type": "select", "value": self.lang,
                   "options": [["sv", "Svenska"], ["en", "English"]]}]
        for i, key in enumerate(sc.DEFAULT_OCCASIONS, start=1):
            fields.append({"name": f"occ{i}", "label": self.T("fac.occasion_n", n=i),
                           "value": occasion_label(key, self.lang)})
            fields.append({"name": f"date{i}", "label": self.T("fac.date_n", n=i), "type": "date"})
        self.create_form = self.form(fields, self.T("fac.create_button"), self._create, columns=2)
        self.open_form = self.form(
            [{"name": "name", "label": self.T("fac.name"), "value": self.params.get("workshop", "")},
             {"name": "key", "label": self.T("fac.key"), "type": "password"}],
            self.T("fac.open_button"), self._open)
        return [
            section([html(f"<h2>{H.e(self.T('fac.create'))}</h2><p>{H.e(self.T('fac.create_help'))}</p>"),
                     self.create_form]),
            section([html(f"<h2>{H.e(self.T('fac.open'))}</h2>"), self.open_form]),
        ]

    def _create(self, _form, values: dict) -> None:
        name = sc.parse_name(values.get("name"), "workshop")
        occasions = rules.workshop_occasions(values)
        key = access.new_facilitator_key()
        lang = content.normalise_lang(values.get("lang"))
        # atomic: of two facilitators creating one name at once, one gets it
        self.store.create_workshop(name, lang=lang, occasions=occasions,
                                   facilitator_key_hash=access.hash_key(key))
        self.lang = self.params["lang"] = lang  # the page follows the workshop's language
        self._open_workshop(self.store.workshop_record(name), key, Say("fac.created", code=key))

    def _open(self, form, values: dict) -> None:
        name, key = rules.typed(values.get("name")), str(values.get("key") or "").strip()
        record = self.store.workshop_record(name) if name else None
        notice = None
        deleted = self.store.deleted_workshop(name) if name and record is None else None
        if deleted and access.may_facilitate(deleted, key):
            self.store.restore_workshop(name)  # opening a removed workshop with its key brings it back
            record, notice = self.store.workshop_record(name), Say("fac.workshop_restored", name=name)
        if not access.may_facilitate(record, key):
            form.error = self.T("fac.wrong_key")
            return
        self._open_workshop(record, key, notice)

    # -- removing the workshop -----------------------------------------------------------
    def _delete_box(self):
        """The workshop's removal: a danger action, behind its disclosure."""
        self.delete_workshop_form = self.form(
            [{"name": "confirm", "label": self.T("fac.delete_workshop_confirm")}],
            self.T("fac.delete_workshop_button"), self._delete_workshop, danger=True)
        return section([html(f"<h2>{H.e(self.T('fac.delete_workshop'))}</h2>"),
                        self.danger_box("delete_workshop", self.T("danger.delete_workshop_open"), [
                            html(f"<p>{H.e(self.T('fac.delete_workshop_help'))}</p>"),
                            self.delete_workshop_form])])

    def _delete_workshop(self, form, values: dict) -> None:
        name = self.workshop["name"]
        if not rules.confirmed(values.get("confirm"), name):
            form.error = self.T("fac.not_confirmed")
            return
        self.store.delete_workshop(name)
        self.workshop, self.fkey, self._group_said = None, "", None
        self.notice = Say("fac.workshop_deleted", name=name)
        self.params["workshop"] = name  # the open form offers it again
        self.render()

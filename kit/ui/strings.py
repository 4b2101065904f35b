"""The texts of the widgets every page shares (the shell and the context form), per language.

Light to import: the start page builds its shell and form from these before any module app
(and its pandas) is loaded.
"""

from __future__ import annotations

from kit import content


def shell_strings(lang: str) -> dict:
    """What the page header (:class:`kit.ui.widgets.Shell`) shows."""
    return {k: content.text(f"app.{k}", lang) for k in ("title", "tagline", "language_other")} | {
        "back": content.text("app.back_to_start", lang)}


def context_strings(lang: str) -> dict:
    """What the workshop/organisation form (:class:`kit.ui.widgets.ContextForm`) shows."""
    keys = ("workshop", "workshop_placeholder", "organisation", "organisation_placeholder",
            "occasion", "role", "key")
    return {k: content.text(f"form.{k}", lang) for k in keys}


class Say:
    """A text to show, kept as its key and values so it can be shown again in another language
    (a notice, a save status): what a language switch redraws.

    >>> s = Say("save.not_saved", reason=Say("app.failed"))
    >>> s.render("en").startswith("Not saved")
    True
    >>> Say("save.new").render("sv") != Say("save.new").render("en")
    True
    """

    def __init__(self, key: str, **values):
        self.key, self.values = key, values

    def render(self, lang: str) -> str:
        from kit.errors import render

        values = {k: v.render(lang) if isinstance(v, Say) else render(v, lang)
                  for k, v in self.values.items()}
        return content.text(self.key, lang, **values)

    def __repr__(self):
        return f"Say({self.key!r}, {self.values!r})"

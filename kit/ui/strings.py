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

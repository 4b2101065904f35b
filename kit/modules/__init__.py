"""The module registry: the one list of the kit's modules.

The start page, the entry points (:mod:`kit.app`), the notebooks, the facilitator's exports
and the tests all read it. Adding a module is one folder under ``kit/modules/`` and one line
in :data:`REGISTRY`. A module's code is imported only when it is opened, so reading the
registry costs nothing::

    >>> [m.key for m in ready()]
    ['sjalvskattning', 'intressentanalys', 'statistik', 'konskonsekvensanalys', 'forbattringsteori']
    >>> get("intressentanalys").title("en")
    'Stakeholder analysis'
    >>> get("nosuch") is None
    True

A module's folder holds, by the same names each time:

- ``rules.py`` — its pure rules (no widgets, no database, no files; doctested);
- ``records.py`` — the payload it saves through the store and the queries it needs;
- ``app.py`` — ``App``, its page (a :class:`kit.ui.base.BaseApp`);
- ``plots.py`` — its figures (matplotlib ``Figure`` objects from pure functions);
- ``texts.sv.yaml`` / ``texts.en.yaml`` — its texts, under its folder's name.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from kit import content


@dataclass(frozen=True)
class Module:
    """One module: ``key`` is its name in URLs (``?module=…``) and in the notebooks' file
    names; ``package`` the folder with its code (``None`` while it is not built);
    ``minutes`` how long a group needs for it in a workshop (the kit's planning estimate);
    ``audience`` ``"group"`` or ``"facilitator"``."""

    key: str
    package: str | None
    minutes: int
    ready: bool
    audience: str = "group"
    #: The name of the module's record in the store (``None``: it saves none of its own).
    record: str | None = None

    def title(self, lang: str = "sv") -> str:
        return content.text(f"start.module.{self.key}.title", lang)

    def text(self, lang: str = "sv") -> str:
        return content.text(f"start.module.{self.key}.text", lang)

    @property
    def notebook(self) -> str:
        """The module's own notebook, in ``notebooks/`` (for self-study and JupyterLab)."""
        return f"{self.key}.ipynb"

    def load(self, part: str = "app"):
        """Import one part of the module (``"app"``, ``"rules"``, ``"records"``...)."""
        if not self.package:
            raise LookupError(f"module {self.key!r} is not built yet")
        return importlib.import_module(f"{self.package}.{part}")

    def app(self, params: dict | None = None, **kwargs):
        """Build the module's app for a page with URL parameters ``params``."""
        return self.load("app").App(params or {}, **kwargs)


REGISTRY: tuple[Module, ...] = (
    Module("sjalvskattning", "kit.modules.selfassessment", 45, True, record="självskattning"),
    Module("introduktion", None, 30, False),
    Module("intressentanalys", "kit.modules.stakeholders", 60, True, record="intressentanalys"),
    Module("statistik", "kit.modules.statistics", 45, True, record="statistik"),
    Module("konskonsekvensanalys", "kit.modules.analysis", 45, True, record="konskonsekvensanalys"),
    Module("forbattringsteori", "kit.modules.improvement", 60, True, record="forbattringsteori"),
    Module("facilitator", "kit.modules.facilitator", 0, True, audience="facilitator"),
)


def get(key) -> Module | None:
    """The module with this key, or ``None``."""
    return next((m for m in REGISTRY if m.key == key), None)


def ready(audience: str = "group") -> list[Module]:
    """The modules that can be opened, for one audience, in the registry's order."""
    return [m for m in REGISTRY if m.ready and m.audience == audience]


def listed(audience: str = "group") -> list[Module]:
    """Every module shown to an audience (ready or coming)."""
    return [m for m in REGISTRY if m.audience == audience]


def with_records() -> list[Module]:
    """The ready modules that save records of their own (the facilitator's exports)."""
    return [m for m in REGISTRY if m.ready and m.record]

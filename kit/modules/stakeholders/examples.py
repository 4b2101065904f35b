"""The worked example of the stakeholder analysis, read from ``example.<lang>.yaml``.

It lives apart from :mod:`rules` because reading a file is no rule. The example is a
FICTITIOUS municipality's elder-care pilot ("Exempelby kommun"), marked as invented in its
title and note; its stakeholders cover every square of the grid, every attitude and every
group the work may concern, and its plan fills in some rows the group would write.

>>> ex = example("sv")
>>> "påhittat" in ex["title"].lower(), len(ex["stakeholders"]), len(ex["plan"]) == len(ex["stakeholders"])
(True, 10, True)
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import yaml

from kit import content
from kit.modules.stakeholders import rules

HERE = Path(__file__).resolve().parent


@functools.cache
def _read(lang: str) -> dict:
    return yaml.safe_load((HERE / f"example.{lang}.yaml").read_text(encoding="utf-8"))


def example(lang: str = "sv") -> dict:
    """``{"title", "note", "stakeholders", "plan"}``: the example, checked by the rules
    (a fresh copy each time, safe to change)."""
    raw = copy.deepcopy(_read(content.normalise_lang(lang)))
    stakeholders = rules.clean_stakeholders(raw["stakeholders"])
    plan = rules.communication_plan(stakeholders, raw.get("plan") or [])
    return {"title": raw["title"], "note": raw["note"], "stakeholders": stakeholders, "plan": plan}

"""The worked example of the improvement theory, read from ``example.<lang>.yaml``.

It lives apart from :mod:`rules` because reading a file is no rule. The example is a
FICTITIOUS municipality's home care ("Exempelby kommun", marked as invented in its title and
note), built on the examples in SKR's guide: a chain of 15 items over the six steps with its
links, the Model for Improvement's answers, two PDSA cycles and twelve weekly measurements of
women and men whose run chart shows a shift for women after the first cycle.

>>> ex = example("sv")
>>> "påhittat" in ex["title"].lower(), len(ex["payload"]["items"]), len(ex["payload"]["cycles"])
(True, 15, 2)
>>> from kit.modules.improvement import rules
>>> rules.hints(ex["payload"])
[]
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import yaml

from kit import content
from kit.modules.improvement import rules

HERE = Path(__file__).resolve().parent


@functools.cache
def _read(lang: str) -> dict:
    return yaml.safe_load((HERE / f"example.{lang}.yaml").read_text(encoding="utf-8"))


def example(lang: str = "sv") -> dict:
    """``{"title", "note", "payload"}``: the example, checked by the rules (a fresh copy)."""
    raw = copy.deepcopy(_read(content.normalise_lang(lang)))
    return {"title": raw["title"], "note": raw["note"], "payload": rules.clean_payload(raw)}

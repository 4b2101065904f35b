"""JämKit: SKR's tools for gender mainstreaming as Voilà apps, and their Python API.

The public API for analysts::

    import kit
    scores = kit.read_scores("svar.csv")      # CSV or XLSX, Swedish or English headers
    table = kit.summary_table(scores)         # SKR's Tabell 1 shape, unrounded
    fig = kit.plots.radar(table)              # a matplotlib Figure
    signals = kit.run_chart_rules([5, 6, 5, 9, 9, 9, 9, 9, 9])  # a run chart's shift, trend, runs

Bad input raises :class:`kit.InputError` (a ``ValueError``) with a Swedish message.

The API is resolved on first use (PEP 562), so ``import kit`` — and every Voilà kernel that
imports the kit only to show its start page — loads neither pandas nor matplotlib.
"""

from kit.errors import InputError

__all__ = [
    "InputError",
    "gap_measures",
    "incomplete",
    "organisation_totals",
    "read_indicators",
    "read_scores",
    "run_chart_rules",
    "salience_type",
    "summary_table",
    "suppress_small",
]
__version__ = "0.1.0"

#: Public name → the module that defines it (imported when the name is first used).
_LAZY = {
    "read_scores": "kit.io.readers",
    "summary_table": "kit.domain.scores",
    "organisation_totals": "kit.domain.scores",
    "incomplete": "kit.domain.scores",
    "salience_type": "kit.modules.stakeholders.rules",
    "read_indicators": "kit.io.indicators",
    "suppress_small": "kit.domain.indicators",
    "gap_measures": "kit.domain.indicators",
    "run_chart_rules": "kit.domain.runchart",
}


def __getattr__(name: str):
    import importlib

    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name == "plots":
        value = importlib.import_module("kit.plots")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | {"plots"})

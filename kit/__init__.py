"""JämKit: SKR's tools for gender mainstreaming as Voilà apps, and their Python API.

The public API for analysts::

    import kit
    scores = kit.read_scores("svar.csv")      # CSV or XLSX, Swedish or English headers
    table = kit.summary_table(scores)         # SKR's Tabell 1 shape, unrounded
    fig = kit.plots.radar(table)              # a matplotlib Figure

Bad input raises :class:`kit.InputError` (a ``ValueError``) with a Swedish message.
"""

from kit.errors import InputError
from kit.domain.scores import summary_table, organisation_totals, incomplete
from kit.io.readers import read_scores

__all__ = ["InputError", "read_scores", "summary_table", "organisation_totals", "incomplete"]
__version__ = "0.1.0"

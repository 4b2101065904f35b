"""Display formatting: rounding half up and the Swedish decimal comma."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def number(value, lang: str = "sv", decimals: int = 1, blank: str = "–") -> str:
    """Round half up to ``decimals`` and write with a decimal comma in Swedish.

    Rounding uses the shortest decimal that represents the float, so 2.25 and 2.35 both
    round up, as a person rounding the printed number would.

    >>> number(2.25), number(2.35, "en"), number(17.75), number(-0.05), number(None)
    ('2,3', '2.4', '17,8', '-0,1', '–')
    >>> number(31, decimals=0)
    '31'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return blank
    try:
        if value != value:  # pandas NA-like
            return blank
    except TypeError:
        return blank
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    text = f"{rounded:f}"
    return text.replace(".", ",") if lang == "sv" else text


def letters(index: int) -> str:
    """Spreadsheet-style letters for a 0-based index: A, B, …, Z, AA, AB, ….

    >>> letters(0), letters(25), letters(27)
    ('A', 'Z', 'AB')
    """
    text = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        text = chr(65 + rem) + text
    return text

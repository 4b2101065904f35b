"""The rules of the stakeholder analysis (intressentanalys): who is affected by the work, who
can affect its result, which strategy each gets, and the communication plan that follows.

Pure code: no widgets, no store, no files, no pandas. Only :mod:`kit.errors`,
:mod:`kit.content` (the module's texts) and the standard library are imported.

Where it comes from
-------------------
* SKR's guide to gender mainstreaming (seed ``000_ea5c97dbaf5f10b2.txt``, moment 3): a
  thorough stakeholder analysis shows the leadership which people, functions or
  organisations are *affected by* the improvement work or *can affect its result*, and gives
  strategies for handling the different categories of stakeholders. Its result is the ground
  of the communication work, and a communication plan can be structured by the guide's ten
  parts. The guide's own channel examples are the ordinary meetings (chefsmöten,
  arbetsplatsträffar, arbetsgruppsmöten), short films on the intranet and reports in the
  staff magazine — which also reaches staff without the intranet at work.
* SKR's results report of Modellkonceptet 2020–2022 (seed ``001_12bfee100e62c7ea.txt``):
  SKR made a support for stakeholder analysis and asked the participating municipalities to
  do one at the start of the programme.
* ``REFERENCES.md``, "Stakeholder analysis": Mendelow's power–interest grid and the salience
  model of Mitchell, Agle & Wood (1997).
* "Alltid kön – aldrig bara kön" (seed 000): whom a stakeholder's work concerns is recorded
  as women, men, girls, boys — and, in words, which groups of them.

A lesson in four steps
----------------------
Each stakeholder is rated 1–5 on **power/influence** (can they affect the result?) and on
**interest** (how much does the work affect them, how much do they care?). The two ratings
place them in one of four squares of the grid, and each square has its strategy:

>>> quadrant(power=5, interest=4)
'manage_closely'
>>> quadrant(power=4, interest=1), quadrant(power=1, interest=5), quadrant(power=2, interest=2)
('keep_satisfied', 'keep_informed', 'monitor')

The middle of the scale counts as high (see :data:`MIDPOINT`), so a stakeholder the group is
unsure about gets the more attentive strategy:

>>> quadrant(3, 3)
'manage_closely'

A group may choose another strategy than the grid suggests, but only with a reason:

>>> row = {"power": 2, "interest": 2, "strategy_override": "keep_informed",
...        "override_reason": "They run the user council"}
>>> suggested_strategy(row), strategy(row), overridden(row)
('monitor', 'keep_informed', True)
>>> strategy({**row, "override_reason": ""})
'monitor'

Power, legitimacy and urgency together give the salience type of Mitchell, Agle & Wood:

>>> salience_type(True, True, False), salience_type(False, False, True)
('dominant', 'demanding')
"""

from __future__ import annotations

import numbers
import re
import unicodedata

from kit import content
from kit.errors import InputError, Msg

# -- the vocabulary ------------------------------------------------------------------------

#: Kinds of stakeholder, in the order a list shows them. ``brukare`` stands for service users
#: and residents alike (brukare/invånare/patienter/elever/anhöriga in the guide, seed 000).
KINDS = ("nämnd", "förvaltning", "chef", "medarbetare", "fack", "brukare", "civilsamhälle",
         "leverantör", "annan")
#: Inside or outside the organisation: which channels reach them. The union (``fack``)
#: counts as internal: it represents the organisation's own staff and meets the employer in
#: the ordinary co-determination meetings. ``annan`` counts as external — a stakeholder the
#: group cannot place among the organisation's own is reached through the public channels.
KIND_GROUP = {"nämnd": "internal", "förvaltning": "internal", "chef": "internal",
              "medarbetare": "internal", "fack": "internal", "brukare": "external",
              "civilsamhälle": "external", "leverantör": "external", "annan": "external"}
INTERNAL = tuple(k for k in KINDS if KIND_GROUP[k] == "internal")
EXTERNAL = tuple(k for k in KINDS if KIND_GROUP[k] == "external")
#: Attitude to the work: shown för / neutral / emot / okänd.
ATTITUDES = ("for", "neutral", "against", "unknown")
#: Whom the stakeholder's work concerns; ``other_groups`` names which groups of them, in words.
CONCERNS = ("women", "men", "girls", "boys")
RATINGS = (1, 2, 3, 4, 5)
#: Where the scale 1–5 is cut into low and high: a rating of ``MIDPOINT`` or more is high.
#:
#: 3 is the middle of 1–5, so it has to fall on one side. It counts as *high*: a 3 usually
#: means "we are not sure", and a stakeholder the group is unsure about is better given the
#: more attentive strategy (closer contact, more information) than quietly left to "monitor".
#: Missing someone costs more in change work than talking to one group too many. The grid
#: therefore draws its lines between 2 and 3, and a 3 sits in the upper or right half.
MIDPOINT = 3
#: The four strategies of Mendelow's grid, as keys; the first is high power and high interest.
STRATEGIES = ("manage_closely", "keep_satisfied", "keep_informed", "monitor")
#: The salience types of Mitchell, Agle & Wood (1997), keyed by (power, legitimacy, urgency).
SALIENCE = {
    (False, False, False): "none", (True, False, False): "dormant",
    (False, True, False): "discretionary", (False, False, True): "demanding",
    (True, True, False): "dominant", (True, False, True): "dangerous",
    (False, True, True): "dependent", (True, True, True): "definitive",
}
SALIENCE_TYPES = ("definitive", "dominant", "dangerous", "dependent", "dormant",
                  "discretionary", "demanding", "none")
#: The checklist's ten moments, which a row of the communication plan may serve.
MOMENTS = tuple(range(1, 11))
#: The moment the stakeholder analysis belongs to in SKR's guide (seed 000: moment 3,
#: "Högsta cheferna tar ansvar ..."): every plan row starts by serving it.
ANALYSIS_MOMENT = 3
#: Channels of the communication plan. The internal ones are the guide's own examples (seed
#: 000: chefsmöten, APT, arbetsgruppsmöten, intranätet, personaltidningen); the board
#: meeting, co-determination with the unions, a personal meeting, the website and local
#: media are the ordinary ways a municipality reaches politicians, unions and the public.
CHANNELS = ("board_meeting", "managers_meeting", "workplace_meeting", "working_group",
            "cooperation_meeting", "personal_meeting", "intranet", "staff_magazine", "website",
            "local_media", "other")
FREQUENCIES = ("weekly", "monthly", "quarterly", "milestones", "once")

#: The channel suggested per strategy, inside and outside the organisation.
_CHANNEL_BY_GROUP = {
    "internal": {"manage_closely": "working_group", "keep_satisfied": "managers_meeting",
                 "keep_informed": "workplace_meeting", "monitor": "intranet"},
    "external": {"manage_closely": "personal_meeting", "keep_satisfied": "personal_meeting",
                 "keep_informed": "local_media", "monitor": "website"},
}
#: Where a kind has its own forum, it is suggested before the group's default.
_CHANNEL_BY_KIND = {
    "nämnd": {s: "board_meeting" for s in STRATEGIES},
    "förvaltning": {"manage_closely": "managers_meeting", "keep_satisfied": "managers_meeting",
                    "keep_informed": "managers_meeting", "monitor": "intranet"},
    "chef": {"manage_closely": "managers_meeting", "keep_satisfied": "managers_meeting",
             "keep_informed": "managers_meeting", "monitor": "intranet"},
    "medarbetare": {"manage_closely": "working_group", "keep_satisfied": "workplace_meeting",
                    "keep_informed": "workplace_meeting", "monitor": "staff_magazine"},
    "fack": {s: "cooperation_meeting" for s in STRATEGIES},
}
#: How often, per strategy: the closer the strategy, the more often.
_FREQUENCY = {"manage_closely": "monthly", "keep_satisfied": "quarterly",
              "keep_informed": "monthly", "monitor": "milestones"}

# -- limits --------------------------------------------------------------------------------
MAX_STAKEHOLDERS = 100
MAX_ERRORS_SHOWN = 10
NAME_LIMIT = 200
ID_LIMIT = 64
SHORT_LIMIT = 300   # other groups, owner
REASON_LIMIT = 500
NOTE_LIMIT = 2000   # note, message
#: The fields of a stakeholder row, in the table's order.
FIELDS = ("id", "name", "kind", "power", "interest", "attitude", "concerns", "other_groups",
          "note", "legitimacy", "urgency", "strategy_override", "override_reason")
#: The fields of a plan row, in the table's order.
PLAN_FIELDS = ("id", "stakeholder_id", "stakeholder", "strategy", "message", "channel",
               "frequency", "owner", "moments")


class Label(Msg):
    """A text of the module (under ``stakeholders.``) inside an error message, rendered in
    the message's language — so messages name fields and options by the very labels the
    table shows, with no second copy to drift.

    >>> Label("columns.power.label").render("sv"), Label("columns.power.label").render("en")
    ('Makt/inflytande', 'Power/influence')
    """

    def render(self, lang: str = "sv") -> str:
        return content.text(f"stakeholders.{self.key}", lang)


class Labels(Msg):
    """Several of the module's texts, joined with commas (the options of a choice)."""

    def __init__(self, keys):
        super().__init__("", keys=tuple(keys))

    def render(self, lang: str = "sv") -> str:
        return ", ".join(content.text(f"stakeholders.{k}", lang) for k in self.values["keys"])


def field_label(field: str, plan: bool = False) -> Label:
    """The column label of a field, as a message names it."""
    return Label(f"{'plan_columns' if plan else 'columns'}.{field}.label")


# -- small parsers -------------------------------------------------------------------------
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def shown(value, limit: int = 40) -> str:
    r"""A value as a message may quote it: one line, no control characters, short.

    >>> shown(" a\x00\nb "), shown("x" * 50)[-3:]
    ('a b', 'xx…')
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and abs(value) > 10 ** 30:
        return "> 10^30" if value > 0 else "< -10^30"
    text = _SURROGATE.sub("\ufffd", _CONTROL.sub("", " ".join(str(value).split())))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return value != value  # NaN
    if isinstance(value, str):
        return not value.strip()
    return False


def clean_text(value, what, limit: int, *, field: str, multiline: bool = False,
               required: bool = False) -> str:
    r"""A typed text, checked: NFC, white space tidied, no control character, not too long.

    A one-line text (a name) has its runs of white space made one space; a multi-line text (a
    note) keeps its line breaks and tabs. Any other control character is refused, not
    silently dropped, so the group sees what was wrong. Hostile-looking text is *kept*: it is
    data, made inert where it is shown or exported.

    >>> clean_text("  Vård-  och\tomsorg ", field_label("name"), 200, field="name")
    'Vård- och omsorg'
    >>> clean_text("<img src=x onerror=alert(1)>", field_label("name"), 200, field="name")
    '<img src=x onerror=alert(1)>'
    >>> clean_text("a\x07b", field_label("name"), 200, field="name")
    Traceback (most recent call last):
    kit.errors.InputError: Namn innehåller ett osynligt styrtecken (U+0007). Skriv texten utan det.
    """
    if _blank(value):
        if required:
            raise InputError("stakeholders.text_missing", field=field, value=value, what=what)
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, numbers.Number)):
        raise InputError("stakeholders.not_text", field=field, value=value, what=what,
                         shown=shown(value))
    text = str(value)
    bad = _SURROGATE.search(text)
    if bad:
        raise InputError("stakeholders.surrogate", field=field, value=value, what=what,
                         code=f"U+{ord(bad.group()):04X}")
    text = unicodedata.normalize("NFC", text)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
        bad = _CONTROL.search(text)
    else:
        bad = _CONTROL_ONE_LINE.search(text.replace("\t", " ").replace("\n", " ").replace("\r", " "))
        text = " ".join(text.split())
    if bad:
        raise InputError("stakeholders.control", field=field, value=value, what=what,
                         code=f"U+{ord(bad.group()):04X}")
    if len(text) > limit:
        raise InputError("stakeholders.too_long", field=field, value=value, what=what,
                         limit=limit, length=len(text))
    if required and not text:
        raise InputError("stakeholders.text_missing", field=field, value=value, what=what)
    return text


def rating(value, field: str = "power") -> int:
    """A rating 1–5 as an ``int``: ``3``, ``"3"``, ``3.0`` and ``"3,0"`` are all 3.

    >>> rating("4"), rating(2.0), rating(" 5,0 ")
    (4, 2, 5)
    >>> rating(2.5, "interest")
    Traceback (most recent call last):
    kit.errors.InputError: Intresse måste vara ett heltal 1–5, inte '2.5'.
    >>> rating(None)
    Traceback (most recent call last):
    kit.errors.InputError: Makt/inflytande saknas: skriv ett heltal 1–5.
    """
    what = field_label(field)
    if _blank(value):
        raise InputError("stakeholders.rating_missing", field=field, value=value, what=what)
    problem = InputError("stakeholders.rating_range", field=field, value=value, what=what,
                         shown=shown(value))
    if isinstance(value, bool):
        raise problem
    number = value
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        if len(text) > 40:
            raise problem
        try:
            number = float(text)
        except ValueError:
            raise problem from None
    if isinstance(number, numbers.Integral):
        if int(number) not in RATINGS:
            raise problem
        return int(number)
    try:
        as_float = float(number)
    except (TypeError, ValueError, OverflowError):
        raise problem from None
    if not as_float.is_integer() or int(as_float) not in RATINGS:
        raise problem
    return int(as_float)


def high(value) -> bool:
    """Whether a rating counts as high (``MIDPOINT`` or more).

    >>> [high(r) for r in RATINGS]
    [False, False, True, True, True]
    """
    return rating(value) >= MIDPOINT


_TRUE = {"1", "true", "sant", "ja", "j", "yes", "y", "x", "✓", "✔"}
_FALSE = {"0", "false", "falskt", "nej", "n", "no", ""}


def flag(value, field: str) -> bool:
    """A yes/no cell as a ``bool``: booleans, 0/1 and ja/nej, yes/no, true/false, x (a blank is
    no). Anything else is refused — Python would take the text "nej" for true.

    >>> flag(True, "urgency"), flag("Ja", "urgency"), flag(0, "urgency"), flag(None, "urgency")
    (True, True, False, False)
    >>> flag("kanske", "legitimacy")
    Traceback (most recent call last):
    kit.errors.InputError: Legitimitet ska vara ja eller nej, inte 'kanske'.
    """
    if isinstance(value, bool):
        return value
    if getattr(getattr(value, "dtype", None), "kind", "") == "b":
        return bool(value)
    if _blank(value):
        return False
    if isinstance(value, numbers.Number) and not isinstance(value, complex) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().casefold()
        if text in _TRUE or text == content.text("stakeholders.answer_yes", "sv").casefold() \
                or text == content.text("stakeholders.answer_yes", "en").casefold():
            return True
        if text in _FALSE or text == content.text("stakeholders.answer_no", "sv").casefold() \
                or text == content.text("stakeholders.answer_no", "en").casefold():
            return False
    raise InputError("stakeholders.flag_invalid", field=field, value=value,
                     what=field_label(field), shown=shown(value))


#: The texts an option may be given by, besides its key: its label in every language and
#: each part of a label written "a/b" (so "invånare" is ``brukare``).
_OPTION_TEXTS = {"kind": ("kinds", KINDS), "attitude": ("attitudes", ATTITUDES),
                 "concerns": ("concerns", CONCERNS), "strategy_override": ("strategies", STRATEGIES),
                 "channel": ("channels", CHANNELS), "frequency": ("frequencies", FREQUENCIES)}


def _norm(text) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).split()).casefold()


def _option_lookup(family: str, keys) -> dict:
    found = {}
    for lang in content.LANGUAGES:
        for key in keys:
            label = content.text(f"stakeholders.{family}.{key}", lang)
            for text in (label, *label.split("/")):
                found.setdefault(_norm(text), key)
    for key in keys:  # a key always wins over another option's label
        found[_norm(key)] = key
    return found


def option(value, field: str, *, default: str | None = None, plan: bool = False) -> str:
    """The key of a choice (kind, attitude, concern, strategy, channel, frequency) given by its
    key or by its label in Swedish or English.

    >>> option("Invånare", "kind"), option("Against", "attitude"), option("", "attitude", default="unknown")
    ('brukare', 'against', 'unknown')
    >>> option("Håll nöjd", "strategy_override")
    'keep_satisfied'
    >>> option("konsult", "kind")
    Traceback (most recent call last):
    kit.errors.InputError: Typ: 'konsult' finns inte. Välj en av: Nämnd/politiker, Förvaltning, Chef, Medarbetare, Fackförbund, Brukare/invånare, Civilsamhälle, Leverantör, Annan.
    """
    family, keys = _OPTION_TEXTS[field]
    what = field_label(field, plan)
    if _blank(value):
        if default is not None:
            return default
        raise InputError("stakeholders.text_missing", field=field, value=value, what=what)
    if isinstance(value, str) and len(value) <= 200:
        key = _option_lookup(family, keys).get(_norm(value))
        if key:
            return key
    raise InputError("stakeholders.unknown_option", field=field, value=value, what=what,
                     shown=shown(value), options=Labels(f"{family}.{k}" for k in keys))


def concerns(value) -> list[str]:
    """Whom the work concerns, as keys in the order of :data:`CONCERNS`: a list, or a text
    with commas or semicolons (from a spreadsheet).

    >>> concerns(["boys", "Kvinnor", "women"]), concerns("Flickor; pojkar"), concerns(None)
    (['women', 'boys'], ['girls', 'boys'], [])
    """
    if _blank(value):
        return []
    if isinstance(value, str):
        items = [p for p in re.split(r"[,;\n]", value) if p.strip()]
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
    else:
        raise InputError("stakeholders.unknown_option", field="concerns", value=value,
                         what=field_label("concerns"), shown=shown(value),
                         options=Labels(f"concerns.{k}" for k in CONCERNS))
    keys = {option(item, "concerns") for item in items if not _blank(item)}
    return [k for k in CONCERNS if k in keys]


def moments(value) -> list[int]:
    """The checklist moments a plan row serves: numbers 1–10, as a list or a text "3, 7".

    >>> moments("7, 3 ,3"), moments([1, "10"]), moments(None)
    ([3, 7], [1, 10], [])
    >>> moments([11])
    Traceback (most recent call last):
    kit.errors.InputError: Moment i checklistan: moment är nummer 1–10, inte '11'.
    """
    what = field_label("moments", plan=True)
    if _blank(value):
        return []
    if isinstance(value, str):
        items = [p for p in re.split(r"[,;\s]+", value) if p]
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
    else:
        items = [value]
    found = set()
    for item in items:
        problem = InputError("stakeholders.moment_range", field="moments", value=value,
                             what=what, shown=shown(item))
        if isinstance(item, bool):
            raise problem
        try:
            number = float(str(item).strip().replace(",", ".")) if isinstance(item, str) else float(item)
        except (TypeError, ValueError, OverflowError):
            raise problem from None
        if not number.is_integer() or int(number) not in MOMENTS:
            raise problem
        found.add(int(number))
    return sorted(found)


# -- the grid and salience -----------------------------------------------------------------
def quadrant(power, interest) -> str:
    """The strategy key of the square a stakeholder's ratings place it in (Mendelow).

    >>> [quadrant(p, i) for p, i in ((5, 5), (5, 2), (2, 5), (1, 1))]
    ['manage_closely', 'keep_satisfied', 'keep_informed', 'monitor']
    >>> quadrant(6, 1)
    Traceback (most recent call last):
    kit.errors.InputError: Makt/inflytande måste vara ett heltal 1–5, inte '6'.
    """
    strong, keen = rating(power, "power") >= MIDPOINT, rating(interest, "interest") >= MIDPOINT
    if strong:
        return "manage_closely" if keen else "keep_satisfied"
    return "keep_informed" if keen else "monitor"


def suggested_strategy(row: dict) -> str:
    """The strategy the grid suggests for a row (from its power and interest)."""
    return quadrant(row.get("power"), row.get("interest"))


def _override(row: dict) -> str:
    chosen = row.get("strategy_override") or ""
    reason = row.get("override_reason") or ""
    if chosen in STRATEGIES and isinstance(reason, str) and reason.strip():
        return chosen
    return ""


def strategy(row: dict) -> str:
    """The row's strategy: the group's own choice when it is set *with* a reason, else the
    grid's suggestion."""
    return _override(row) or suggested_strategy(row)


def overridden(row: dict) -> bool:
    """Whether the group chose (with a reason) another strategy than the grid suggests; a
    choice equal to the suggestion is no override.

    >>> overridden({"power": 5, "interest": 5, "strategy_override": "manage_closely",
    ...             "override_reason": "same"})
    False
    """
    chosen = _override(row)
    return bool(chosen) and chosen != suggested_strategy(row)


_SALIENCE_FIELDS = {"power": "salience.power", "legitimacy": "salience.legitimacy",
                    "urgency": "salience.urgency"}


def _salience_flag(value, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if getattr(getattr(value, "dtype", None), "kind", "") == "b":
        return bool(value)
    if isinstance(value, numbers.Integral) and value in (0, 1):
        return bool(value)
    raise InputError("stakeholders.salience_flag", field=field, value=value,
                     what=Label(_SALIENCE_FIELDS[field]), shown=shown(repr(value)))


def salience_type(power: bool, legitimacy: bool, urgency: bool) -> str:
    """The salience type of Mitchell, Agle & Wood (1997) from the three attributes.

    One attribute makes a *latent* stakeholder (dormant: power; discretionary: legitimacy;
    demanding: urgency), two an *expectant* one (dominant: power and legitimacy; dangerous:
    power and urgency; dependent: legitimacy and urgency), all three a *definitive* one;
    none, no stakeholder at all (``"none"``).

    Each attribute must be a real yes or no: ``True``/``False`` (numpy's too) or the integers
    ``1``/``0`` (what a spreadsheet or JSON column holds). Anything else — ``"nej"``,
    ``"False"``, ``2``, ``None``, ``0.5`` — raises :class:`kit.InputError`, because Python's
    truthiness would silently take the text ``"nej"`` or ``"False"`` for a yes.

    >>> [salience_type(*bits) for bits in ((1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0),
    ...                                    (1, 0, 1), (0, 1, 1), (1, 1, 1), (0, 0, 0))]
    ['dormant', 'discretionary', 'demanding', 'dominant', 'dangerous', 'dependent', 'definitive', 'none']
    >>> salience_type("nej", True, True)
    Traceback (most recent call last):
    kit.errors.InputError: Makt ska vara sant eller falskt (True/False eller 1/0), inte 'nej'.
    """
    key = (_salience_flag(power, "power"), _salience_flag(legitimacy, "legitimacy"),
           _salience_flag(urgency, "urgency"))
    return SALIENCE[key]


def row_salience(row: dict) -> str:
    """A clean row's salience type: its power counts when it is high (``MIDPOINT`` or more).

    >>> row_salience({"power": 4, "legitimacy": True, "urgency": False})
    'dominant'
    """
    return salience_type(high(row["power"]), bool(row.get("legitimacy")), bool(row.get("urgency")))


# -- the table -----------------------------------------------------------------------------
def _place(row: int, name: str = "", plan: bool = False) -> Msg:
    prefix = "plan_place" if plan else "place"
    if name:
        return Msg(f"stakeholders.{prefix}", row=row, name=shown(name))
    return Msg(f"stakeholders.{prefix}_unnamed", row=row)


def _fail(key: str, errors: list, what) -> InputError:
    """One error that lists every problem (the first ten, and how many more)."""
    shown_errors = errors[:MAX_ERRORS_SHOWN]
    if len(errors) > MAX_ERRORS_SHOWN:
        shown_errors.append(InputError("stakeholders.more_errors", n=len(errors) - MAX_ERRORS_SHOWN))
    first = errors[0]
    return InputError(key, field=first.field, row=first.row, details=shown_errors,
                      problems=errors, count=len(errors), what=what)


def _row_error(number: int, name: str, exc: InputError, plan: bool = False) -> InputError:
    return InputError("stakeholders.row_error", field=exc.field, row=number, value=exc.value,
                      place=_place(number, name, plan), error=exc)


def _rows(rows, what) -> list:
    if rows is None:
        return []
    if isinstance(rows, (str, bytes, dict)) or not hasattr(rows, "__iter__"):
        raise InputError("stakeholders.not_list", what=what)
    rows = list(rows)
    if len(rows) > MAX_STAKEHOLDERS:
        raise InputError("stakeholders.too_many", what=what, n=len(rows), limit=MAX_STAKEHOLDERS)
    return rows


def _id(value, field: str = "id", plan: bool = False) -> str:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = str(value)
    return clean_text(value, field_label(field, plan), ID_LIMIT, field=field)


def name_key(name) -> str:
    """Two names are the same stakeholder when they differ only in case and spaces.

    >>> name_key(" Vård-  och omsorgsnämnden") == name_key("vård- och OMSORGSNÄMNDEN")
    True
    """
    return _norm(name)


_ROW_CHECKS = {
    "id": lambda v: _id(v),
    "name": lambda v: clean_text(v, field_label("name"), NAME_LIMIT, field="name", required=True),
    "kind": lambda v: option(v, "kind", default="annan"),
    "power": lambda v: rating(v, "power"),
    "interest": lambda v: rating(v, "interest"),
    "attitude": lambda v: option(v, "attitude", default="unknown"),
    "concerns": concerns,
    "other_groups": lambda v: clean_text(v, field_label("other_groups"), SHORT_LIMIT,
                                         field="other_groups"),
    "note": lambda v: clean_text(v, field_label("note"), NOTE_LIMIT, field="note", multiline=True),
    "legitimacy": lambda v: flag(v, "legitimacy"),
    "urgency": lambda v: flag(v, "urgency"),
    "strategy_override": lambda v: option(v, "strategy_override", default=""),
    "override_reason": lambda v: clean_text(v, field_label("override_reason"), REASON_LIMIT,
                                            field="override_reason", multiline=True),
}


def _check_row(raw) -> tuple[dict, list[InputError]]:
    """A row checked field by field: ``(clean row, [])``, or the fields that passed and every
    problem."""
    if not isinstance(raw, dict):
        return {}, [InputError("stakeholders.row_not_object", shown=shown(raw))]
    row, problems = {}, []
    for field, check in _ROW_CHECKS.items():
        try:
            row[field] = check(raw.get(field))
        except InputError as exc:
            problems.append(exc)
    chosen = row.get("strategy_override")
    if chosen and row.get("override_reason") == "":
        suggested = (Label(f"strategies.{quadrant(row['power'], row['interest'])}")
                     if "power" in row and "interest" in row else Label("strategy_unknown"))
        problems.append(InputError("stakeholders.reason_missing", field="override_reason",
                                   what=field_label("override_reason"),
                                   strategy=Label(f"strategies.{chosen}"), suggested=suggested))
    return row, problems


def clean_row(raw: dict) -> dict:
    """One stakeholder row checked and normalised (ids and duplicates are the table's
    business: see :func:`clean_stakeholders`); raises its first problem, whose ``field``
    names the column.

    >>> clean_row({"name": "Facket", "power": 4, "interest": 2, "strategy_override": "monitor"})
    Traceback (most recent call last):
    kit.errors.InputError: Motivering saknas: en egen strategi (Bevaka) i stället för den föreslagna (Håll nöjd) behöver en motivering.
    """
    row, problems = _check_row(raw)
    if problems:
        raise problems[0]
    return row


def clean_stakeholders(rows) -> list[dict]:
    """The stakeholder table checked and normalised, or ONE :class:`kit.InputError` listing
    every problem, each naming its row (1-based, with the row's name) and its field.

    Nothing is half-accepted: either every row is clean or nothing is returned. A row's kind,
    attitude, concerns and own strategy may be given by key or by label (Swedish or English);
    a blank kind is ``annan``, a blank attitude ``unknown``; a row without an id gets one.

    >>> clean = clean_stakeholders([{"name": " Socialnämnden ", "kind": "Nämnd", "power": "5",
    ...                              "interest": 4, "attitude": "för", "concerns": ["women"]}])
    >>> {k: clean[0][k] for k in ("id", "name", "kind", "power", "attitude", "urgency")}
    {'id': 's1', 'name': 'Socialnämnden', 'kind': 'nämnd', 'power': 5, 'attitude': 'for', 'urgency': False}

    Every problem is named, in the reader's language:

    >>> try:
    ...     clean_stakeholders([{"name": "Facket", "power": 6, "interest": "x"},
    ...                         {"name": "facket ", "power": 2, "interest": 2}])
    ... except InputError as e:
    ...     print(e.text("en"))
    Please correct the stakeholder table: Row 1 (Facket): Power/influence must be a whole number 1–5, not '6'. Row 1 (Facket): Interest must be a whole number 1–5, not 'x'. Row 2 (facket): Name: 'facket' is already on row 1; each stakeholder needs a name of its own.
    """
    rows = _rows(rows, Label("headings.stakeholders"))
    errors: list[InputError] = []
    clean: list[dict] = []
    names: dict[str, int] = {}
    ids: dict[str, int] = {}
    for number, raw in enumerate(rows, start=1):
        name = raw.get("name") if isinstance(raw, dict) else ""
        name = name if isinstance(name, str) else ""
        row, problems = _check_row(raw)
        if row.get("name"):
            key = name_key(row["name"])
            if key in names:
                problems.append(InputError("stakeholders.duplicate_name", field="name",
                                           value=row["name"], what=field_label("name"),
                                           shown=shown(row["name"]), other=names[key]))
            else:
                names[key] = number
        if row.get("id"):
            if row["id"] in ids:
                problems.append(InputError("stakeholders.duplicate_id", field="id",
                                           value=row["id"], what=field_label("id"),
                                           shown=shown(row["id"]), other=ids[row["id"]]))
            else:
                ids[row["id"]] = number
        errors.extend(_row_error(number, name, exc) for exc in problems)
        if not problems:
            clean.append(row)
    if errors:
        raise _fail("stakeholders.table_invalid", errors, Label("headings.stakeholders"))
    n = 0
    for row in clean:  # ids for new rows: s1, s2, ... never one already taken
        while not row["id"]:
            n += 1
            if f"s{n}" not in ids:
                row["id"] = f"s{n}"
                ids[row["id"]] = 0
    return clean


# -- the communication plan ----------------------------------------------------------------
def suggested_channel(kind: str, strategy_key: str) -> str:
    """The channel suggested for a kind of stakeholder under a strategy: the kind's own forum
    where it has one (the board for a committee, the co-determination meeting for a union,
    the ordinary meetings for managers and staff), else what reaches people inside or outside
    the organisation.

    >>> suggested_channel("medarbetare", "keep_informed"), suggested_channel("brukare", "monitor")
    ('workplace_meeting', 'website')
    """
    own = _CHANNEL_BY_KIND.get(kind, {})
    return own.get(strategy_key) or _CHANNEL_BY_GROUP[KIND_GROUP.get(kind, "external")][strategy_key]


def suggested_frequency(strategy_key: str) -> str:
    """How often, by strategy: monthly for close work and for those kept informed, quarterly
    for those kept satisfied, at the work's milestones for those monitored.

    >>> [suggested_frequency(s) for s in STRATEGIES]
    ['monthly', 'quarterly', 'monthly', 'milestones']
    """
    return _FREQUENCY[strategy_key]


def _suggested_plan_row(row: dict) -> dict:
    chosen = strategy(row)
    return {"id": row["id"], "stakeholder_id": row["id"], "stakeholder": row["name"],
            "strategy": chosen, "message": "", "channel": suggested_channel(row["kind"], chosen),
            "frequency": suggested_frequency(chosen), "owner": "", "moments": [ANALYSIS_MOMENT]}


_EDITABLE = ("message", "channel", "frequency", "owner", "moments")


def communication_plan(stakeholders, plan=None) -> list[dict]:
    """One plan row per stakeholder, in the stakeholders' order, built from the analysis.

    A new stakeholder gets a suggested row (its strategy, a channel and a frequency for it,
    empty message and owner, and moment 3, where the guide puts the analysis); a stakeholder
    the plan already has keeps what the group wrote there (matched by the stakeholder's id);
    rows of stakeholders no longer in the analysis are dropped. The strategy and the name
    always follow the analysis. The result is checked by :func:`clean_plan`.

    >>> people = [{"id": "a", "name": "Socialnämnden", "kind": "nämnd", "power": 5, "interest": 4},
    ...           {"id": "b", "name": "Undersköterskor", "kind": "medarbetare", "power": 2, "interest": 5}]
    >>> plan = communication_plan(people)
    >>> [(p["stakeholder"], p["strategy"], p["channel"], p["frequency"], p["moments"]) for p in plan]
    [('Socialnämnden', 'manage_closely', 'board_meeting', 'monthly', [3]), ('Undersköterskor', 'keep_informed', 'workplace_meeting', 'monthly', [3])]
    >>> plan[1]["message"] = "Vad förändras i schemat?"
    >>> again = communication_plan(people[1:] + [{"id": "c", "name": "PRO", "power": 1, "interest": 1}], plan)
    >>> [(p["id"], p["message"], p["channel"]) for p in again]
    [('b', 'Vad förändras i schemat?', 'workplace_meeting'), ('c', '', 'website')]
    """
    clean = clean_stakeholders(stakeholders)
    kept = {}
    for item in plan or []:
        if isinstance(item, dict):
            key = item.get("stakeholder_id") or item.get("id")
            if isinstance(key, (str, int)) and not isinstance(key, bool):
                kept.setdefault(str(key), item)
    merged = []
    for row in clean:
        fresh = _suggested_plan_row(row)
        old = kept.get(row["id"])
        if old is not None:
            fresh.update({k: old.get(k) for k in _EDITABLE if k in old})
        merged.append(fresh)
    return clean_plan(merged, clean)


def clean_plan(plan, stakeholders) -> list[dict]:
    """The communication plan checked against the (clean) stakeholders, or ONE
    :class:`kit.InputError` naming each problem's row and field.

    Each row belongs to a stakeholder of the analysis (``stakeholder_id``, or ``id``), at most
    one row each; channel and frequency are keys or labels (blank: the suggestion); the
    message and owner are texts; ``moments`` the checklist moments 1–10 it serves. The name
    and strategy are taken from the analysis, never from the row.

    >>> people = clean_stakeholders([{"id": "a", "name": "Facket", "kind": "fack", "power": 3, "interest": 2}])
    >>> clean_plan([{"stakeholder_id": "a", "channel": "Intranät", "moments": "3, 5"}], people)[0]["moments"]
    [3, 5]
    >>> try:
    ...     clean_plan([{"stakeholder_id": "zz"}, {"stakeholder_id": "a", "moments": [0]}], people)
    ... except InputError as e:
    ...     print(e.text("sv"))
    Rätta kommunikationsplanen: Rad 1 i planen: Intressent: det finns ingen intressent med id 'zz' i analysen. Rad 2 i planen (Facket): Moment i checklistan: moment är nummer 1–10, inte '0'.
    """
    what = Label("headings.plan")
    rows = _rows(plan, what)
    by_id = {s["id"]: s for s in stakeholders}
    errors, clean, seen = [], [], {}
    for number, raw in enumerate(rows, start=1):
        problems, name, row = [], "", None
        if not isinstance(raw, dict):
            problems.append(InputError("stakeholders.row_not_object", shown=shown(raw)))
        else:
            try:
                key = _id(raw.get("stakeholder_id") or raw.get("id"), "stakeholder", plan=True)
            except InputError as exc:
                problems.append(exc)
                key = None
            person = by_id.get(key)
            if key is not None and person is None:
                problems.append(InputError(
                    "stakeholders.plan_unknown", field="stakeholder", value=key,
                    what=field_label("stakeholder", plan=True), shown=shown(key or "–")))
            elif person is not None:
                name = person["name"]
                if key in seen:
                    problems.append(InputError(
                        "stakeholders.plan_duplicate", field="stakeholder", value=key,
                        what=field_label("stakeholder", plan=True), other=seen[key]))
                else:
                    seen[key] = number
            chosen = strategy(person) if person else "monitor"
            kind = person["kind"] if person else "annan"
            row = {"id": key, "stakeholder_id": key, "stakeholder": name, "strategy": chosen}
            checks = (
                ("message", lambda v: clean_text(v, field_label("message", True), NOTE_LIMIT,
                                                 field="message", multiline=True)),
                ("channel", lambda v: option(v, "channel", plan=True,
                                             default=suggested_channel(kind, chosen))),
                ("frequency", lambda v: option(v, "frequency", plan=True,
                                               default=suggested_frequency(chosen))),
                ("owner", lambda v: clean_text(v, field_label("owner", True), SHORT_LIMIT,
                                               field="owner")),
                ("moments", moments),
            )
            for field, check in checks:
                try:
                    row[field] = check(raw.get(field))
                except InputError as exc:
                    problems.append(exc)
        errors.extend(_row_error(number, name, exc, plan=True) for exc in problems)
        if not problems:
            clean.append(row)
    if errors:
        raise _fail("stakeholders.plan_invalid", errors, what)
    return clean


# -- the grid as text ----------------------------------------------------------------------
def grid_summary(stakeholders, lang: str = "sv") -> list[dict]:
    """The grid per square, in the order of :data:`STRATEGIES`: its key, its name and its
    strategy (in ``lang``) and the stakeholders placed in it by their ratings, each with
    power, interest, attitude and — when the group chose another — its own strategy.

    >>> squares = grid_summary([{"name": "PRO", "power": 2, "interest": 4, "attitude": "for"}], "en")
    >>> [(s["key"], [p["name"] for p in s["stakeholders"]]) for s in squares]
    [('manage_closely', []), ('keep_satisfied', []), ('keep_informed', ['PRO']), ('monitor', [])]
    >>> squares[2]["name"], squares[2]["strategy"], squares[2]["stakeholders"][0]["attitude"]
    ('Low power, high interest', 'Keep informed', 'For')
    """
    clean = clean_stakeholders(stakeholders)
    squares = []
    for key in STRATEGIES:
        members = []
        for row in clean:
            if quadrant(row["power"], row["interest"]) != key:
                continue
            own = strategy(row) if overridden(row) else ""
            members.append({
                "id": row["id"], "name": row["name"], "power": row["power"],
                "interest": row["interest"], "attitude_key": row["attitude"],
                "attitude": content.text(f"stakeholders.attitudes.{row['attitude']}", lang),
                "strategy_key": strategy(row),
                "own_strategy": content.text(f"stakeholders.strategies.{own}", lang) if own else "",
                "override_reason": row["override_reason"] if own else "",
            })
        squares.append({"key": key,
                        "name": content.text(f"stakeholders.quadrants.{key}.name", lang),
                        "strategy": content.text(f"stakeholders.strategies.{key}", lang),
                        "stakeholders": members})
    return squares


def text_alternative(stakeholders, lang: str = "sv") -> str:
    """The grid in words — the plot's text alternative: one line per square with its name,
    its strategy and who is in it (power, interest, attitude).

    >>> print(text_alternative([{"name": "Socialnämnden", "power": 5, "interest": 4, "attitude": "for"},
    ...                         {"name": "Facket", "power": 3, "interest": 1, "attitude": "against",
    ...                          "strategy_override": "manage_closely", "override_reason": "Samverkan"}]))
    Intressentmatris: makt/inflytande och intresse, var för sig 1–5; 3 eller mer räknas som högt.
    Hög makt, högt intresse – Engagera och samarbeta nära: Socialnämnden (makt 5, intresse 4, för).
    Hög makt, lågt intresse – Håll nöjd: Facket (makt 3, intresse 1, emot; egen strategi: Engagera och samarbeta nära).
    Låg makt, högt intresse – Håll informerad: ingen.
    Låg makt, lågt intresse – Bevaka: ingen.
    """
    t = lambda key, **v: content.text(f"stakeholders.grid_text.{key}", lang, **v)
    lines = [t("intro", midpoint=MIDPOINT)]
    for square in grid_summary(stakeholders, lang):
        people = []
        for p in square["stakeholders"]:
            own = t("own", strategy=p["own_strategy"]) if p["own_strategy"] else ""
            people.append(t("member", name=p["name"], power=p["power"], interest=p["interest"],
                            attitude=p["attitude"].lower(), own=own))
        lines.append(t("square", name=square["name"], strategy=square["strategy"],
                       members=", ".join(people) if people else t("nobody")))
    return "\n".join(lines)


def questions(lang: str = "sv") -> list[str]:
    """The side panel's questions to ask while the table is filled in (from the texts).

    >>> questions("sv")[0]
    'Vem fattar besluten om arbetet, och vem fördelar resurserna till det?'
    """
    return list(content.lookup("stakeholders.questions", lang))

"""Self-assessment scores on SKR's checklist: validation and aggregation.

Pure functions over plain values and pandas; no widgets, files or database. pandas is
imported by the functions that build or read frames, so validating a name stays light.
The rules follow how SKR compiles Tabell 1 and 2 in *Modellkonceptet 2020–2022.
Resultatrapport* (seed ``001_12bfee100e62c7ea.txt``):

* an organisation's score for a moment is its consensus score where one is recorded,
  else the mean of its roles' scores;
* the group mean per moment and occasion is the mean over organisations;
* an organisation's total is the sum of its ten moment scores; an organisation that
  lacks a moment is left out of the totals and reported as incomplete;
* the "Totalt" row is the mean of the organisations' totals;
* "+/-" is the last occasion minus the first (nothing with a single occasion).

Everything here is unrounded; rounding belongs to display (:func:`kit.fmt.number`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kit.errors import InputError, Msg

if TYPE_CHECKING:
    import pandas as pd

#: The checklist version of Modellkonceptet 2020–2022 (the seeds). Stored with every score.
DEFAULT_VERSION = "skr-2020"
MOMENTS = tuple(range(1, 11))
SCORES = (1, 2, 3, 4)
ROLES = ("politiker", "chef", "strateg", "annan")
#: The default occasions of Modellkonceptet, in order (seed 001).
DEFAULT_OCCASIONS = ("uppstart", "lärandeträff 1", "lärandeträff 2", "lärandeträff 3")
TOTAL = "Totalt"
CHANGE = "+/-"
CONSENSUS = "konsensus"  # the role key a form uses for the group's consensus
#: Lengths the store's columns hold with room to spare; checked here, before any database.
NAME_LIMIT = 120
OCCASION_LIMIT = 80
TEXT_LIMIT = 4000
COLUMNS = ("organisation", "occasion", "moment", "score", "role", "comment", "actions", "version")

_ROLE_ALIASES = {
    "politiker": "politiker", "politician": "politiker", "politicians": "politiker",
    "förtroendevald": "politiker",
    "chef": "chef", "chefer": "chef", "manager": "chef", "managers": "chef", "ledning": "chef",
    "strateg": "strateg", "strateger": "strateg", "strategist": "strateg",
    "strategists": "strateg", "sakkunnig": "strateg",
    "annan": "annan", "annat": "annan", "övrig": "annan", "övriga": "annan", "other": "annan",
    "annan roll": "annan", "other role": "annan",
}
#: Blank, and the consensus labels the kit's own exports write (sv and en).
_CONSENSUS_ALIASES = {"", "konsensus", "grupp", "gruppen", "gemensam", "gemensamt",
                      "consensus", "group", "none", "nan", "-", "–", "gruppen (konsensus)",
                      "the group (consensus)", "group (consensus)"}
_OCCASION_ALIASES = {
    "uppstart": "uppstart", "start": "uppstart", "start-up": "uppstart", "startup": "uppstart",
    "kick-off": "uppstart", "kickoff": "uppstart", "uppstartsträff": "uppstart",
}
for _n in (1, 2, 3):
    for _form in (f"lärandeträff {_n}", f"lärandeträff{_n}", f"träff {_n}", f"lt{_n}",
                  f"lt {_n}", f"learning meeting {_n}", f"meeting {_n}"):
        _OCCASION_ALIASES[_form] = f"lärandeträff {_n}"


def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, int):  # bool too
        return False
    import pandas as pd  # anything else may be one of pandas' or numpy's missing values

    try:
        if pd.isna(value):
            return True
    except (TypeError, ValueError):
        pass
    return False


def _text(value) -> str:
    return "" if _blank(value) else str(value).strip()


#: Characters no typed text may keep: C0 and C1 controls (tab and newline are handled apart).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def shown(value, limit: int = 40) -> str:
    r"""A value as it may be quoted back in a message: one line, no control characters, short.

    >>> shown("  7\x00 "), shown("x" * 50)
    ('7', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…')
    """
    text = _SURROGATE.sub("\ufffd", _CONTROL.sub("", " ".join(str(value).split())))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def clean_text(value, field: str, limit: int, *, multiline: bool = False) -> str:
    r"""Check and tidy a typed text before anything stores, draws or exports it.

    Every text is put in Unicode's composed form (NFC), so "Örby" typed on a Mac and on a PC is
    one name. A one-line text (a name) has its runs of white space made one space and is
    refused if it holds a control character; a multi-line text (a comment) keeps its line
    breaks and tabs and loses other control characters. A lone UTF-16 surrogate (a broken
    emoji from a browser) and a text over ``limit`` characters are refused.

    >>> clean_text("  Örby \t kommun ", "organisation", 120)
    'Örby kommun'
    >>> clean_text("rad 1\r\nrad 2\x0b\x00", "comment", 100, multiline=True)
    'rad 1\nrad 2'
    >>> clean_text("Örby\x00", "organisation", 120)
    Traceback (most recent call last):
    kit.errors.InputError: Organisation innehåller ett osynligt styrtecken (U+0000) som inte går att spara. Skriv texten utan det.
    >>> clean_text("A\ud83d", "comment", 100, multiline=True)
    Traceback (most recent call last):
    kit.errors.InputError: Kommentar innehåller ett trasigt tecken (en halv emoji, U+D83D) som inte går att spara. Skriv texten utan det.
    """
    import unicodedata

    if _blank(value):
        return ""
    text = str(value)
    bad = _SURROGATE.search(text)
    if bad:
        raise InputError("text.surrogate", field=field, value=value, what=Msg(f"field_cap.{field}"),
                         code=f"U+{ord(bad.group()):04X}")
    text = unicodedata.normalize("NFC", text)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _CONTROL.sub("", text).strip()
    else:
        text = re.sub(r"\s+", " ", text).strip()
        bad = _CONTROL.search(text)
        if bad:
            raise InputError("text.control", field=field, value=value,
                             what=Msg(f"field_cap.{field}"), code=f"U+{ord(bad.group()):04X}")
    if len(text) > limit:
        raise InputError("text.too_long", field=field, value=value, what=Msg(f"field_cap.{field}"),
                         limit=limit, length=len(text))
    return text


def parse_score(value, *, allow_blank: bool = False) -> int | None:
    """Return the score 1–4 as an ``int``, or raise :class:`InputError`.

    Accepts what spreadsheets hold: ``3``, ``"3"``, ``3.0`` and ``"3,0"``.

    >>> parse_score("3"), parse_score(4.0), parse_score("2,0")
    (3, 4, 2)
    >>> parse_score("", allow_blank=True) is None
    True
    >>> parse_score(2.5)
    Traceback (most recent call last):
    kit.errors.InputError: Poäng måste vara ett heltal 1, 2, 3 eller 4, inte '2.5'.
    >>> parse_score(10 ** 400)
    Traceback (most recent call last):
    kit.errors.InputError: Poäng måste vara ett heltal 1, 2, 3 eller 4, inte '> 10^30'.
    """
    if _blank(value):
        if allow_blank:
            return None
        raise InputError("score.missing", field="score", value=value)
    problem = InputError("score.range", field="score", value=value, shown=_shown_number(value))
    if isinstance(value, bool):
        raise problem
    number = value
    if isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            raise problem from None
    try:
        as_float = float(number)
    except (TypeError, ValueError, OverflowError):
        raise problem from None
    if not as_float.is_integer() or int(as_float) not in SCORES:
        raise problem
    return int(as_float)


def _shown_number(value) -> str:
    """A number as a message quotes it (a huge integer is not turned into text in full)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10 ** 30:
        return "> 10^30" if value > 0 else "< -10^30"  # str() of a huge int is slow or refused
    return shown(value)


def parse_moment(value) -> int:
    """Return the moment number 1–10, or raise :class:`InputError`.

    Accepts ``7``, ``"7"``, ``"7."``, ``"Moment 7"`` and a title that starts with its number.

    >>> parse_moment("Moment 7"), parse_moment("10. Struktur och kultur stöder fortsatt utveckling")
    (7, 10)
    >>> parse_moment(11)
    Traceback (most recent call last):
    kit.errors.InputError: Moment måste vara ett nummer 1–10, inte '11'.
    """
    if _blank(value):
        raise InputError("moment.missing", field="moment", value=value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            if float(value).is_integer() and int(value) in MOMENTS:
                return int(value)
        except OverflowError:
            pass
    else:
        match = re.match(r"^\s*(?:moment\s*)?(\d{1,2})(?:[.,]0)?\s*(?:[.):]|\s|$)", str(value),
                         re.IGNORECASE)
        if match and int(match.group(1)) in MOMENTS:
            return int(match.group(1))
    raise InputError("moment.range", field="moment", value=value, shown=_shown_number(value))


def parse_role(value) -> str | None:
    """Return the role key, or ``None`` for the group's consensus.

    >>> parse_role("Chef"), parse_role("strategist"), parse_role("konsensus"), parse_role(None)
    ('chef', 'strateg', None, None)
    >>> parse_role("kassör")
    Traceback (most recent call last):
    kit.errors.InputError: Roll måste vara politiker, chef, strateg, annan eller tom (gruppens konsensus), inte 'kassör'.
    """
    text = _text(value).lower()
    if text in _CONSENSUS_ALIASES:
        return None
    if text in _ROLE_ALIASES:
        return _ROLE_ALIASES[text]
    raise InputError("role_text.unknown", field="role", value=value, shown=shown(value))


def role_or_consensus(value) -> str:
    """A role key for a form: ``"konsensus"`` for the group's consensus, ``""`` when unknown.

    >>> role_or_consensus("Chef"), role_or_consensus("group"), role_or_consensus("kassör")
    ('chef', 'konsensus', '')
    """
    text = _text(value).lower()
    if text in (CONSENSUS, "consensus", "grupp", "group", "gruppen"):
        return CONSENSUS
    try:
        return parse_role(text) or ""
    except InputError:
        return ""


def parse_occasion(value) -> str:
    """Return the occasion label: one of SKR's in canonical form, or the workshop's own label.

    >>> parse_occasion("Träff 2"), parse_occasion("Uppstart"), parse_occasion(" Höstmöte ")
    ('lärandeträff 2', 'uppstart', 'Höstmöte')
    """
    text = clean_text(value, "occasion", OCCASION_LIMIT)
    if not text:
        raise InputError("occasion.missing", field="occasion", value=value)
    return _OCCASION_ALIASES.get(text.lower(), text)


def parse_name(value, field: str = "organisation", limit: int = NAME_LIMIT) -> str:
    """Return a cleaned organisation, group or workshop name.

    >>> parse_name("  Kalmar   kommun ")
    'Kalmar kommun'
    >>> parse_name("")
    Traceback (most recent call last):
    kit.errors.InputError: Organisation saknas.
    """
    text = clean_text(value, field, limit)
    if not text:
        raise InputError("text.missing", field=field, value=value, what=Msg(f"field_cap.{field}"))
    return text


def name_fold(value) -> str:
    """A name as compared for "the same group": case, runs of spaces and Unicode forms aside.

    >>> name_fold("  ÖRBY   Kommun ") == name_fold("örby kommun")
    True
    """
    import unicodedata

    return " ".join(unicodedata.normalize("NFKC", str(value or "")).casefold().split())


def near_name(name, names) -> str | None:
    """The existing name that ``name`` differs from only by case or spaces, if any (``None``
    when ``name`` is itself one of ``names``, or like none of them). A group typed as
    ``"örby kommun "`` on the link for all participants is most likely Örby kommun, whose
    work is protected by a key — not a new group of its own.

    >>> near_name("örby  kommun ", ["Örby kommun", "Norrby"])
    'Örby kommun'
    >>> near_name("Örby kommun", ["Örby kommun"]) is None, near_name("Örby", ["Örby kommun"]) is None
    (True, True)
    """
    names = list(names)
    if name in names:
        return None
    wanted = name_fold(name)
    return next((n for n in names if wanted and name_fold(n) == wanted), None)


def parse_free_text(value, field: str, limit: int = TEXT_LIMIT) -> str:
    """Return a comment or an actions text, limited in length.

    >>> parse_free_text(None, "comment")
    ''
    """
    return clean_text(value, field, limit, multiline=True)


def parse_version(value) -> str:
    """The checklist version an answer was given on (``skr-2020`` when blank).

    >>> parse_version(None), parse_version(" SKR-2020 ")
    ('skr-2020', 'skr-2020')
    >>> parse_version("x" * 41)
    Traceback (most recent call last):
    kit.errors.InputError: Checklistans version ska vara ett kort namn som 'skr-2020' (bokstäver, siffror, punkt och bindestreck, högst 40 tecken), inte 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'.
    """
    text = _text(value).lower()
    if not text:
        return DEFAULT_VERSION
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,39}", text):
        raise InputError("version.invalid", field="version", value=value, shown=shown(value))
    return text


@dataclass(frozen=True)
class Answer:
    """One answer on one moment, by one role (``role=None`` is the group's consensus)."""

    organisation: str
    occasion: str
    moment: int
    score: int | None
    role: str | None = None
    comment: str = ""
    actions: str = ""
    version: str = DEFAULT_VERSION


def validate_answer(organisation, occasion, moment, score, role=None, comment="", actions="",
                    version=DEFAULT_VERSION, *, allow_blank_score: bool = True) -> Answer:
    """Check one answer and return it cleaned, or raise :class:`InputError`.

    A blank score is allowed when the answer carries a comment or actions (work in progress).

    >>> validate_answer("Kalmar", "Uppstart", "3", "2", "Chef").score
    2
    >>> validate_answer("Kalmar", "Uppstart", 3, 5)
    Traceback (most recent call last):
    kit.errors.InputError: Poäng måste vara ett heltal 1, 2, 3 eller 4, inte '5'.
    """
    parsed_score = parse_score(score, allow_blank=True)
    comment_text = parse_free_text(comment, "comment")
    actions_text = parse_free_text(actions, "actions")
    if parsed_score is None and not (allow_blank_score and (comment_text or actions_text)):
        parse_score(score)  # raises the "missing" message
    return Answer(parse_name(organisation), parse_occasion(occasion), parse_moment(moment),
                  parsed_score, parse_role(role), comment_text, actions_text, parse_version(version))


def to_frame(answers) -> pd.DataFrame:
    """A long-format DataFrame (the columns of :data:`COLUMNS`) from answers.

    >>> df = to_frame([validate_answer("A", "uppstart", 1, 3)])
    >>> list(df.columns) == list(COLUMNS), int(df.loc[0, "score"])
    (True, 3)
    """
    import pandas as pd

    rows = [a.__dict__ if isinstance(a, Answer) else dict(a) for a in answers]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["moment"] = frame["moment"].astype("int64")
    frame["score"] = pd.to_numeric(frame["score"], errors="raise").astype("Float64")
    frame["role"] = frame["role"].astype(object).where(frame["role"].notna(), None)
    return frame


def occasion_order(labels, known=DEFAULT_OCCASIONS) -> list[str]:
    """Order occasions: SKR's known ones in their order first, then others as first seen.

    >>> occasion_order(["lärandeträff 1", "Höst", "uppstart", "Höst"])
    ['uppstart', 'lärandeträff 1', 'Höst']
    """
    seen: list[str] = []
    for label in labels:
        if label not in seen:
            seen.append(label)
    ordered = [k for k in known if k in seen]
    return ordered + [s for s in seen if s not in ordered]


def organisation_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Each organisation's score per occasion and moment (consensus, else mean of roles).

    Returns columns organisation, occasion, moment, score (unrounded float).

    >>> df = to_frame([validate_answer("A", "uppstart", 1, s, r) for s, r in
    ...                [(2, "chef"), (3, "politiker")]])
    >>> float(organisation_scores(df)["score"].iloc[0])
    2.5
    >>> df = to_frame([validate_answer("A", "uppstart", 1, s, r) for s, r in
    ...                [(2, "chef"), (3, "politiker"), (4, None)]])
    >>> float(organisation_scores(df)["score"].iloc[0])
    4.0
    """
    import pandas as pd

    keys = ["organisation", "occasion", "moment"]
    scored = scores[scores["score"].notna()].copy()
    if scored.empty:
        return pd.DataFrame(columns=keys + ["score"])
    scored["score"] = scored["score"].astype(float)
    consensus_mask = scored["role"].isna()
    consensus = scored[consensus_mask].groupby(keys, sort=False)["score"].mean()
    roles = scored[~consensus_mask].groupby(keys, sort=False)["score"].mean()
    combined = consensus.combine_first(roles).to_frame("score")
    return combined.reset_index()


def organisation_totals(scores: pd.DataFrame, occasions=None, partial: bool = False) -> pd.DataFrame:
    """Each organisation's total per occasion: the sum of its ten moment scores.

    Returns a table with one row per organisation, one column per occasion; an organisation
    that lacks any of the ten moments at an occasion gets no total there (NaN) — or, with
    ``partial=True`` (for a chart that marks it incomplete), the sum of what it has.

    >>> rows = [validate_answer("A", "uppstart", m, 2) for m in MOMENTS[:-1]]
    >>> float(organisation_totals(to_frame(rows)).loc["A", "uppstart"])
    nan
    >>> float(organisation_totals(to_frame(rows), partial=True).loc["A", "uppstart"])
    18.0
    """
    import pandas as pd

    per_org = organisation_scores(scores)
    order = list(occasions) if occasions else occasion_order(scores["occasion"])
    if per_org.empty:
        return pd.DataFrame(columns=order, dtype=float)
    counts = per_org.groupby(["organisation", "occasion"])["moment"].nunique()
    sums = per_org.groupby(["organisation", "occasion"])["score"].sum()
    if not partial:
        sums[counts < len(MOMENTS)] = math.nan
    table = sums.unstack("occasion").reindex(columns=order)
    table.columns.name = None
    return table.astype(float)


def incomplete(scores: pd.DataFrame) -> list[tuple[str, str, list[int]]]:
    """Organisations missing moments, per occasion: ``(organisation, occasion, missing)`` —
    also one that wrote only comments at an occasion (it misses all ten).

    >>> df = to_frame([validate_answer("A", "uppstart", 1, 3),
    ...                validate_answer("A", "lärandeträff 1", 2, None, None, "bara en kommentar")])
    >>> incomplete(df)
    [('A', 'uppstart', [2, 3, 4, 5, 6, 7, 8, 9, 10]), ('A', 'lärandeträff 1', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])]
    """
    per_org = organisation_scores(scores)
    scored = {key: set(group["moment"])
              for key, group in per_org.groupby(["organisation", "occasion"], sort=False)}
    result = []
    for key in dict.fromkeys(zip(scores["organisation"], scores["occasion"])):
        missing = [m for m in MOMENTS if m not in scored.get(key, set())]
        if missing:
            result.append((key[0], key[1], missing))
    return result


def summary_table(scores: pd.DataFrame, occasions=None) -> pd.DataFrame:
    """The group's table in the shape of SKR's Tabell 1, unrounded.

    Index: moments 1–10, then ``"Totalt"``. Columns: the occasions in order, then ``"+/-"``
    (last occasion minus first). Means are over organisations; "Totalt" is the mean of the
    totals of the organisations that scored all ten moments. ``attrs["n"]`` holds the number of
    organisations behind each mean and ``attrs["incomplete"]`` the organisations left out of
    totals.

    >>> rows = [validate_answer(o, occ, m, s) for o, s0 in [("A", 1), ("B", 2)]
    ...         for occ, s in [("uppstart", s0), ("lärandeträff 1", s0 + 1)] for m in MOMENTS]
    >>> t = summary_table(to_frame(rows))
    >>> list(t.columns), float(t.loc[1, "uppstart"]), float(t.loc["Totalt", "+/-"])
    (['uppstart', 'lärandeträff 1', '+/-'], 1.5, 10.0)
    """
    import pandas as pd

    order = list(occasions) if occasions else occasion_order(scores["occasion"])
    index = list(MOMENTS) + [TOTAL]
    per_org = organisation_scores(scores)
    table = pd.DataFrame(index=pd.Index(index, dtype=object), columns=order, dtype=float)
    counts = pd.DataFrame(0, index=pd.Index(index, dtype=object), columns=order)
    if not per_org.empty:
        means = per_org.groupby(["moment", "occasion"])["score"].mean().unstack("occasion")
        n = per_org.groupby(["moment", "occasion"])["organisation"].nunique().unstack("occasion")
        for occ in order:
            if occ in means.columns:
                for moment in MOMENTS:
                    if moment in means.index and not pd.isna(means.loc[moment, occ]):
                        table.loc[moment, occ] = float(means.loc[moment, occ])
                        counts.loc[moment, occ] = int(n.loc[moment, occ])
        totals = organisation_totals(scores, order)
        for occ in order:
            if occ in totals.columns:
                complete = totals[occ].dropna()
                if len(complete):
                    table.loc[TOTAL, occ] = float(complete.mean())
                    counts.loc[TOTAL, occ] = len(complete)
    if len(order) >= 2:
        table[CHANGE] = table[order[-1]] - table[order[0]]
    else:
        table[CHANGE] = math.nan  # one occasion: no change to show (a dash, not 0,0)
    table.attrs["n"] = counts
    table.attrs["incomplete"] = incomplete(scores)
    return table


def anonymous_names(organisations, salt: str = "") -> dict[str, str]:
    """Letters for anonymous mode: one fixed letter per organisation, the same in every chart,
    table and export of a workshop. The order is a hash of the names (salted with the
    workshop's), neither alphabetical nor the order of saving, so a letter gives nothing away.

    >>> names = anonymous_names(["Örby", "Åby", "Kalmar"], "Kurs")
    >>> sorted(names.values()), names == anonymous_names(["Kalmar", "Örby", "Åby", "Örby"], "Kurs")
    (['A', 'B', 'C'], True)
    """
    import hashlib

    from kit.fmt import letters

    unique = sorted(set(organisations),
                    key=lambda o: hashlib.sha256(f"{salt}\x1f{o}".encode()).hexdigest())
    return {org: letters(i) for i, org in enumerate(unique)}


def running_total(answers: dict) -> tuple[int, int]:
    """Sum of the chosen scores and how many moments are scored, for a form in progress.

    >>> running_total({1: 3, 2: None, 3: 4})
    (7, 2)
    """
    chosen = [s for s in answers.values() if s is not None]
    return sum(chosen), len(chosen)

"""The kit's single error type for bad input, with its message in the reader's language.

An :class:`InputError` carries a message *key* and the values to fill in, not a finished
sentence, so the same error reads in Swedish on the command line and in English on an English
page. The texts live in ``kit/content/errors.<lang>.yaml``; Swedish is the default.

>>> e = InputError("score.range", field="score", value="7", shown="7")
>>> str(e)
"Poäng måste vara ett heltal 1, 2, 3 eller 4, inte '7'."
>>> e.text("en")
"A score must be a whole number 1, 2, 3 or 4, not '7'."
>>> isinstance(e, ValueError), e.field
(True, 'score')

A value may itself be a message (:class:`Msg`) or another error, rendered in the same
language, and a list of them is joined into one text:

>>> e = InputError("read.failed", name="svar.csv",
...                details=[InputError("score.missing", field="score")])
>>> e.text("en")
'svar.csv: A score is missing: write 1, 2, 3 or 4. Nothing was read.'
"""

from __future__ import annotations


class Msg:
    """A translatable text: a key under ``errors.`` and its values, rendered on demand.

    >>> Msg("field.score").render("sv"), Msg("field.score").render("en")
    ('poäng', 'score')
    """

    __slots__ = ("key", "values")

    def __init__(self, key: str, **values):
        self.key = key
        self.values = values

    def render(self, lang: str = "sv") -> str:
        from kit import content

        values = {k: render(v, lang) for k, v in self.values.items()}
        return content.text(f"errors.{self.key}", lang, **values)

    def __repr__(self):
        return f"Msg({self.key!r}, **{self.values!r})"


def render(value, lang: str = "sv") -> str:
    """Render a value for a message: messages and errors in ``lang``; a list of errors as
    sentences one after the other, any other list with commas.

    >>> render([Msg("field.score"), Msg("field.moment")], "en")
    'score, moment'
    """
    if isinstance(value, InputError):
        return value.text(lang)
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, InputError) for v in value):
            return " ".join(_sentence(v.text(lang)) for v in value)
        return ", ".join(render(v, lang) for v in value)
    return "" if value is None else str(value)


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


class InputError(ValueError):
    """Input the kit refuses, with a message that names what and where.

    ``key`` names the message (under ``errors.`` in the texts) and ``values`` fill it in.
    ``field`` (an English field name such as ``"score"``), ``value``, ``row``, ``column`` and
    ``source`` say where the problem is, when known, so that a user interface can point at it.
    ``str(error)`` is the Swedish text; :meth:`text` gives any language.
    """

    def __init__(self, key: str, /, *, field=None, value=None, row=None, column=None,
                 source=None, **values):
        self.key = key
        self.values = values
        self.field = field
        self.value = value
        self.row = row
        self.column = column
        self.source = source
        super().__init__(key)

    def text(self, lang: str = "sv") -> str:
        """The message in ``lang`` (``"sv"`` or ``"en"``)."""
        try:
            return Msg(self.key, **self.values).render(lang)
        except KeyError:
            # an unknown key must never hide the error itself
            return f"{self.key} {self.values}" if self.values else self.key

    @property
    def message(self) -> str:
        return self.text("sv")

    def __str__(self):
        return self.message

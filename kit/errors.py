"""The kit's single error type for bad input."""


class InputError(ValueError):
    """Input the kit refuses, with a Swedish message that names what and where.

    ``field``, ``value``, ``row`` and ``source`` say where the problem is, when known,
    so that a user interface can point at it.

    >>> e = InputError("Poäng måste vara 1, 2, 3 eller 4, inte '7'.", field="poäng", value="7")
    >>> isinstance(e, ValueError), e.field
    (True, 'poäng')
    """

    def __init__(self, message, *, field=None, value=None, row=None, source=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.value = value
        self.row = row
        self.source = source

    def __str__(self):
        return self.message

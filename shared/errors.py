"""Domain errors, raised by pure domain code and turned into problem+json by the HTTP layer.

Domain modules raise these instead of HTTP exceptions so that they stay free of Flask.
"""


class DomainError(Exception):
    """Base class; ``status`` is the HTTP status the API answers with."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(DomainError):
    """The request is valid but clashes with the current state (illegal transition, duplicate)."""

    status = 409
    title = "Conflict"


class Invalid(DomainError):
    """A business rule refuses the input; ``errors`` maps each field to its messages."""

    status = 422
    title = "Unprocessable content"

    def __init__(self, errors: dict[str, list[str]], detail: str = "The request has invalid fields."):
        super().__init__(detail)
        self.errors = errors


class IllegalTransition(Conflict):
    """A state machine refuses a move, e.g. a second discharge or a referral going backwards."""

    def __init__(self, what: str, current: str, requested: str):
        super().__init__(f"{what} cannot move from '{current}' to '{requested}'.")
        self.current = current
        self.requested = requested


class StateMachine:
    """A table of allowed moves; ``check`` raises :class:`IllegalTransition` for any other."""

    def __init__(self, name: str, transitions: dict[str, set[str]]):
        self.name = name
        self.transitions = transitions

    def check(self, current: str, requested: str) -> None:
        if requested not in self.transitions.get(current, set()):
            raise IllegalTransition(self.name, current, requested)

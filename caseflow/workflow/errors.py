"""The typed errors the engine raises; each maps to one HTTP status."""
from __future__ import annotations


class WorkflowError(Exception):
    """Base of every refusal by the engine; nothing was written when one is raised."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict:
        return {"error": type(self).__name__, "message": self.message}


class CaseNotFound(WorkflowError):
    status = 404


class NotAllowed(WorkflowError):
    """The actor's role may not fire this trigger."""

    status = 403


class Conflict(WorkflowError):
    """The case moved on: another change came first, or the trigger does not apply to its state now."""

    status = 409


class KeyTaken(Conflict):
    """The request's one-time key was used already: the request it named was done before."""

    def __init__(self, message: str = "This form was sent already; nothing was done again."):
        super().__init__(message)


class InvalidData(WorkflowError):
    """The step's data failed validation; `errors` maps each field to its message."""

    status = 422

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors

    def to_dict(self) -> dict:
        return {**super().to_dict(), "fields": self.errors}


class GuardFailed(WorkflowError):
    """One or more guards refused; `reasons` holds (guard name, why) pairs."""

    status = 422

    def __init__(self, reasons: list[tuple[str, str]]):
        super().__init__(" ".join(why for _, why in reasons))
        self.reasons = reasons

    def to_dict(self) -> dict:
        return {**super().to_dict(), "guards": [{"guard": g, "reason": why} for g, why in self.reasons]}

"""Domain errors: a message for the user (already translated) and a stable code."""

from __future__ import annotations


class DomainError(Exception):
    """Raised by services when a rule refuses an action.

    The API turns it into a JSON problem in one place (`mitra.core.api.create_api`);
    views show `message` as a form error or a flash message.
    """

    status_code = 400

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class PermissionDeniedError(DomainError):
    status_code = 403


class NotFoundError(DomainError):
    status_code = 404

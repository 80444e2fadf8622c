"""Domain errors: a message for the user (already translated) and a stable code."""

from __future__ import annotations


class DomainError(Exception):
    """Raised by services when a rule refuses an action.

    Views turn it into a form error or an HTTP problem in one place
    (`mitra.core.api.domain_error_handler`, `mitra.core.views.DomainErrorMixin`).
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

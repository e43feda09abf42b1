"""The one hierarchy of errors raised by the domain core.

Errors carry structured fields (which input, why), never transport details such as HTTP status codes; each face
maps them to its own form (problem details in the API, a one-line message and exit code in the CLI).

::

    DomainError
    ├── InvalidInputError        an input value breaks a rule (field + reason)
    ├── NotFoundError            a referenced thing does not exist or is not visible to the caller
    ├── ConflictError            the request contradicts stored state (duplicate name, already revoked, ...)
    ├── PermissionDeniedError    the caller is known but may not do this
    ├── AuthenticationError      the caller could not be identified (unknown, revoked or expired key)
    └── ReferenceDataError       a packaged reference data file is missing or malformed
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the core raises.

    Args:
        reason: Human-readable explanation of what is wrong and, where possible, what to do.
        field: Dotted name of the input field at fault, when one is.
    """

    def __init__(self, reason: str, *, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}" if self.field else self.reason


class InvalidInputError(DomainError):
    """An input value breaks a rule; ``field`` names it."""


class NotFoundError(DomainError):
    """A referenced thing does not exist, or the caller may not know it exists."""


class ConflictError(DomainError):
    """The request contradicts stored state."""


class PermissionDeniedError(DomainError):
    """The caller is identified but lacks the right to do this.

    ``owner_org_id`` names the organisation whose data the refused action concerned, when known, so the refusal
    lands in that organisation's audit trail too.
    """

    def __init__(self, reason: str, *, field: str | None = None, owner_org_id: object | None = None) -> None:
        super().__init__(reason, field=field)
        self.owner_org_id = owner_org_id


class AuthenticationError(DomainError):
    """The caller could not be identified."""


class ReferenceDataError(DomainError):
    """A packaged reference data file is missing or malformed."""

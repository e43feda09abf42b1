"""Cursor pagination: pages of items with an opaque cursor to the next page.

A cursor is the URL-safe base64 of a small JSON object holding the sort key of the last item served; it is
opaque to clients and checked when read back.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Generic, TypeVar

from batteryloop.domain.errors import InvalidInputError

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True, slots=True, kw_only=True)
class Page(Generic[T]):
    """One page of a listing; ``next_cursor`` is None on the last page."""

    items: list[T]
    next_cursor: str | None


def encode_cursor(after: str | int) -> str:
    """Return the opaque cursor pointing after the item with sort key ``after``."""
    raw = json.dumps({"after": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> str | int:
    """Return the sort key inside a cursor made by :func:`encode_cursor`.

    Raises:
        InvalidInputError: If the cursor was not made by this server (field ``cursor``).
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
        after = value["after"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeError):
        raise InvalidInputError(
            "is not a cursor this server issued; pass the next_cursor of the previous page", field="cursor"
        ) from None
    if not isinstance(after, str | int) or isinstance(after, bool):
        raise InvalidInputError("is not a cursor this server issued", field="cursor")
    return after


def check_page_size(limit: int) -> int:
    """Return ``limit`` if it lies in [1, 500].

    Raises:
        InvalidInputError: Otherwise (field ``limit``).
    """
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInputError(f"must be between 1 and {MAX_PAGE_SIZE}", field="limit")
    return limit

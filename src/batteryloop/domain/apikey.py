"""API keys: their format, how they are hashed for storage and when one may be used.

A key is ``bl_`` followed by 43 URL-safe characters (32 random bytes, generated outside the core). Keys carry
256 bits of entropy, so a single SHA-256 is the right storage hash: a slow password hash would add latency to
every request without adding security against guessing.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from batteryloop.domain.errors import AuthenticationError

API_KEY_PREFIX = "bl_"
_KEY_PATTERN = re.compile(r"^bl_[A-Za-z0-9_-]{43}$")
DISPLAY_PREFIX_LENGTH = 10


def check_api_key_format(token: str) -> str:
    """Return ``token`` if it has the shape of a batteryloop key.

    Raises:
        AuthenticationError: If it does not (so no database lookup is spent on it).
    """
    if not _KEY_PATTERN.match(token):
        raise AuthenticationError(
            "the API key is malformed; keys start with 'bl_' followed by 43 characters", field="authorization"
        )
    return token


def hash_api_key(token: str) -> str:
    """Return the hex SHA-256 of a key: what is stored and looked up, never the key itself."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def display_prefix(token: str) -> str:
    """Return the first characters of a key, stored in clear so people can tell their keys apart."""
    return token[:DISPLAY_PREFIX_LENGTH]


def check_key_usable(*, revoked_at: datetime | None, expires_at: datetime | None, now: datetime) -> None:
    """Refuse a revoked or expired key.

    Args:
        revoked_at: When the key was revoked, if it was.
        expires_at: When the key expires, if it does.
        now: The current time (timezone-aware).

    Raises:
        AuthenticationError: If the key was revoked or has expired, saying which and when.
    """
    if revoked_at is not None:
        raise AuthenticationError(
            f"the API key was revoked at {revoked_at.isoformat()}; ask your organisation's admin for a new one",
            field="authorization",
        )
    if expires_at is not None and now >= expires_at:
        raise AuthenticationError(
            f"the API key expired at {expires_at.isoformat()}; ask your organisation's admin for a new one",
            field="authorization",
        )

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from batteryloop.domain.apikey import check_api_key_format, check_key_usable, display_prefix, hash_api_key
from batteryloop.domain.errors import AuthenticationError, InvalidInputError
from batteryloop.domain.organization import check_country, check_email, check_name
from batteryloop.domain.pagination import check_page_size, decode_cursor, encode_cursor

KEY = "bl_" + "A" * 43
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_key_hash_is_sha256_hex_of_the_key():
    # FIPS 180-4 SHA-256; the stored form is the lowercase hex digest, never the key.
    assert hash_api_key(KEY) == hashlib.sha256(KEY.encode()).hexdigest()
    assert len(hash_api_key(KEY)) == 64
    assert display_prefix(KEY) == "bl_AAAAAAA"


@pytest.mark.parametrize("bad", ["", "bl_short", "xx_" + "A" * 43, "bl_" + "A" * 42 + "!", "bl_" + "A" * 44])
def test_malformed_keys_are_refused_before_any_lookup(bad):
    with pytest.raises(AuthenticationError) as info:
        check_api_key_format(bad)
    assert info.value.field == "authorization"


def test_key_usable_boundaries():
    check_key_usable(revoked_at=None, expires_at=None, now=NOW)
    check_key_usable(revoked_at=None, expires_at=NOW + timedelta(seconds=1), now=NOW)
    with pytest.raises(AuthenticationError, match="expired"):
        check_key_usable(revoked_at=None, expires_at=NOW, now=NOW)  # expiry instant itself is expired
    with pytest.raises(AuthenticationError, match="revoked"):
        check_key_usable(revoked_at=NOW - timedelta(days=1), expires_at=None, now=NOW)


@given(st.one_of(st.integers(min_value=-(2**53), max_value=2**53), st.text(max_size=60)))
def test_cursor_round_trips(value):
    assert decode_cursor(encode_cursor(value)) == value


@pytest.mark.parametrize("bad", ["", "!!!", "e30", "eyJhZnRlciI6dHJ1ZX0", "bm90IGpzb24"])
def test_foreign_cursors_are_refused_naming_the_field(bad):
    with pytest.raises(InvalidInputError) as info:
        decode_cursor(bad)
    assert info.value.field == "cursor"


@pytest.mark.parametrize(("limit", "ok"), [(0, False), (1, True), (500, True), (501, False)])
def test_page_size_bounds(limit, ok):
    if ok:
        assert check_page_size(limit) == limit
    else:
        with pytest.raises(InvalidInputError):
            check_page_size(limit)


def test_validators():
    assert check_name("  Voltavia  ") == "Voltavia"
    assert check_country("de") == "DE"
    assert check_email(" Anna@Example.COM ") == "anna@example.com"
    for fn, value, field in (
        (check_name, "  ", "name"),
        (check_country, "DEU", "country"),
        (check_email, "anna", "email"),
        (check_name, "x" * 201, "name"),
    ):
        with pytest.raises(InvalidInputError) as info:
            fn(value)
        assert info.value.field == field

"""The fast RFC 8785 writer gives byte for byte what the reference implementation (the rfc8785 package, Trail of
Bits) gives, for any JSON value; and the RFC's own examples."""

from __future__ import annotations

import math

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from batteryloop.domain.custody.canonical import canonical_json

floats = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [0.0, -0.0, 452.0, 1e-7, 5e-05, 1e-4, 0.1, 1e15, 1e16, 1e21, 2.0**53, 2.0**53 + 2, 123456789012345680000.0, -1.5]
)
scalars = st.none() | st.booleans() | st.integers(min_value=-(2**53), max_value=2**53) | floats | st.text()
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(values)
def test_same_bytes_as_the_reference(value) -> None:
    try:
        expected = rfc8785.dumps(value)
    except Exception:
        with pytest.raises(ValueError):
            canonical_json(value)
        return
    assert canonical_json(value) == expected


def test_rfc_8785_examples() -> None:
    # RFC 8785 §3.2.2.3 number serialisation samples (IEEE 754 hex -> expected text)
    samples = {
        "0000000000000000": "0", "8000000000000000": "0", "0000000000000001": "5e-324",
        "7fefffffffffffff": "1.7976931348623157e+308", "4340000000000000": "9007199254740992",
        "c340000000000000": "-9007199254740992", "4430000000000000": "295147905179352830000",
        "44b52d02c7e14af5": "9.999999999999997e+22", "44b52d02c7e14af6": "1e+23", "3eb0c6f7a0b5ed8d": "0.000001",
        "3eb0c6f7a0b5ed8c": "9.999999999999997e-7", "41b3de4355555553": "333333333.3333332",
    }  # fmt: skip
    for bits, text in samples.items():
        number = __import__("struct").unpack(">d", bytes.fromhex(bits))[0]
        assert canonical_json(number) == text.encode(), bits
    # §3.2.3 sorting: by UTF-16 code units
    assert canonical_json({"\u20ac": 1, "\r": 2, "\ufb33": 3, "1": 4, "\U0001f600": 5, "\u0080": 6, "\u00f6": 7}) == (
        '{"\\r":2,"1":4,"\u0080":6,"\u00f6":7,"\u20ac":1,"\U0001f600":5,"\ufb33":3}'.encode()
    )


def test_nan_is_refused() -> None:
    with pytest.raises(ValueError):
        canonical_json({"x": math.nan})


flat_scalars = st.none() | st.booleans() | st.integers(min_value=-(2**60), max_value=2**60) | floats | st.text()
flat = st.dictionaries(
    st.text(max_size=5),
    flat_scalars | st.lists(st.text(), max_size=3) | st.dictionaries(st.text(max_size=5), flat_scalars, max_size=3),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(flat)
def test_the_flat_writer_matches_the_reference_too(value) -> None:
    from batteryloop.domain.custody.canonical import canonical_flat

    try:
        expected = rfc8785.dumps(value)
    except Exception:
        with pytest.raises(ValueError):
            canonical_flat(value)
        return
    assert canonical_flat(value) == expected

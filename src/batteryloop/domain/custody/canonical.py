r"""RFC 8785 (JSON Canonicalization Scheme) text of log entries, fast for the values custody events hold.

JCS is JSON with object members sorted by the UTF-16 code units of their names, no whitespace, strings escaped as
ECMAScript's ``JSON.stringify`` escapes them, and numbers written as ECMAScript writes doubles. For the usual
values Python's C JSON encoder writes exactly that (``sort_keys``, compact separators, ``ensure_ascii=False``:
``\b \f \n \r \t``, ``\"``, ``\\`` and ``\u00xx`` in lowercase for other control characters), once
integral doubles up to 2**53 are written as integers (``452.0`` is ``452``). Where the two could differ -- a
double that ECMAScript writes without an exponent and Python with one (below 1e-4 or from 1e16), integral doubles
above 2**53, names outside the Basic Multilingual Plane (UTF-16 order differs from code-point order), unpaired
surrogates -- the reference implementation (the ``rfc8785`` package) writes the entry instead. A property test
checks the fast path against it.
"""

from __future__ import annotations

import json
from typing import Any, Final

import rfc8785

_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
_EXACT: Final = float(2**53)


class _Unsafe(Exception):
    """A value the fast path may write differently from RFC 8785."""


def _prepare(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        if abs(value) >= _EXACT:  # I-JSON: integers beyond 2**53 - 1 do not survive a double (the reference refuses)
            raise _Unsafe
        return value
    if kind is float:
        return _scalar(value)
    if kind is dict:
        out = {}
        for key, item in value.items():
            if type(key) is not str or not (key.isascii() or max(key, default="") <= "\uffff"):
                raise _Unsafe
            out[key] = _prepare(item)
        return out
    if kind is list or kind is tuple:
        return [_prepare(item) for item in value]
    raise _Unsafe


def canonical_flat(value: dict[str, Any]) -> bytes:
    """:func:`canonical_json` of an object whose members are scalars, or lists or objects of scalars (a log entry).

    The shape is walked one level deep instead of generically; names must be plain (see the module docstring), and
    anything else goes to :func:`canonical_json`.
    """
    try:
        prepared: dict[str, Any] = {}
        for key, item in value.items():
            if type(key) is not str or not key.isascii():
                raise _Unsafe
            if type(item) is dict:
                if not all(type(k) is str and k.isascii() for k in item):
                    raise _Unsafe
                prepared[key] = {k: _scalar(v) for k, v in item.items()}
            elif type(item) is list:
                prepared[key] = [_scalar(v) for v in item]
            else:
                prepared[key] = _scalar(item)
        return _ENCODER.encode(prepared).encode("utf-8")
    except (_Unsafe, UnicodeEncodeError):
        return canonical_json(value)


def canonical_entry(value: dict[str, Any], details_key: str) -> bytes:
    """:func:`canonical_json` of a log entry of a known shape, walking only ``value[details_key]``.

    The other members must be plain strings, integers and lists of strings, and the details an object of scalars
    with plain names (the caller guarantees the shape).
    """
    try:
        details = {k: _scalar(v) for k, v in value[details_key].items()}
        return _ENCODER.encode({**value, details_key: details}).encode("utf-8")
    except (_Unsafe, UnicodeEncodeError):
        return canonical_json(value)


def _scalar(value: Any) -> Any:
    if type(value) is float:
        magnitude = abs(value)
        if value.is_integer():
            if magnitude <= _EXACT:
                return int(value)
            raise _Unsafe
        if not 1e-4 <= magnitude < 1e16:
            raise _Unsafe
        return value
    if type(value) in (str, int, bool) or value is None:
        if type(value) is int and abs(value) >= _EXACT:
            raise _Unsafe
        return value
    raise _Unsafe


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 text of a JSON value (dicts, lists, str, int, float, bool, None).

    Raises:
        ValueError: For values JSON cannot hold (NaN, infinities, other types) -- as the reference does.
    """
    try:
        return _ENCODER.encode(_prepare(value)).encode("utf-8")
    except (_Unsafe, UnicodeEncodeError):
        try:
            return rfc8785.dumps(value)
        except rfc8785.CanonicalizationError as exc:
            raise ValueError(str(exc)) from None

"""Checks of single JSON values (strings, numbers, URLs, date-times, objects) that add problems instead of raising.

Every check takes the value, the field path to report and a :class:`~.problems.Problems` collector, and returns
the normalised value (or ``None`` when the value is unusable, after adding a problem).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final
from urllib.parse import urlsplit

from batteryloop.domain.passport.problems import Problems

_BLANK: Final = re.compile(r"\s")
MAX_STRING_LENGTH: Final = 500
MAX_TEXT_LENGTH: Final = 20_000
MAX_BATTERY_MASS_KG: Final = 10_000.0
"""Upper plausibility bound of a mass in one battery (exclusive): the heaviest EV and industrial packs weigh a
few tonnes; a larger figure is almost always a mass in grams sent as kg."""


def describe(value: object) -> str:
    """Name a JSON value's kind for a reason, e.g. ``"the string '12'"``, ``"null"``, ``"a list"``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown!r}"
    if isinstance(value, int | float | Decimal):
        return f"the number {value}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def suggest(value: str, options: Collection[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest option (case-insensitively), or an empty string."""
    by_lower = {o.lower(): o for o in options}
    if value.strip().lower() in by_lower:
        return f" (did you mean {by_lower[value.strip().lower()]!r}?)"
    close = difflib.get_close_matches(value.lower(), list(by_lower), n=1, cutoff=0.6)
    return f" (did you mean {by_lower[close[0]]!r}?)" if close else ""


def check_string(value: object, field: str, p: Problems, *, max_length: int = MAX_STRING_LENGTH) -> str | None:
    """A non-empty string of at most ``max_length`` characters, blanks around it removed."""
    if not isinstance(value, str):
        p.add(field, f"must be a string, got {describe(value)}")
        return None
    text = value.strip()
    if not text:
        p.add(field, "must not be empty; leave the field out if there is nothing to say")
        return None
    if len(text) > max_length:
        p.add(field, f"must be at most {max_length:,} characters, got {len(text):,}")
        return None
    return text


def check_url(value: object, field: str, p: Problems) -> str | None:
    """An absolute ``http://`` or ``https://`` URL."""
    if not isinstance(value, str):
        p.add(field, f"must be an absolute http(s) URL, got {describe(value)}")
        return None
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or _BLANK.search(text):
        p.add(field, f"{value!r} is not an absolute http(s) URL such as 'https://example.com/manual.pdf'")
        return None
    return text


def check_number(value: object, field: str, p: Problems) -> float | None:
    """A finite JSON number (``true``/``false`` and numeric strings are refused)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        hint = " (send it as a JSON number, without quotes)" if isinstance(value, str) else ""
        p.add(field, f"must be a number, got {describe(value)}{hint}")
        return None
    number = float(value)
    if not math.isfinite(number):
        p.add(field, f"must be a finite number, got {value}")
        return None
    return number


def check_fraction(value: object, field: str, p: Problems) -> float | None:
    """A number in [0, 1]; percentages (1 < x <= 100) are refused with the conversion named."""
    number = check_number(value, field, p)
    if number is None:
        return None
    if not 0.0 <= number <= 1.0:
        hint = f"; it looks like a percentage: send {number / 100:g} for {number:g} %" if 1 < number <= 100 else ""
        p.add(field, f"must be a fraction in [0, 1], got {number:g}{hint}")
        return None
    return number


def check_positive(value: object, field: str, p: Problems, *, unit: str, allow_zero: bool = False) -> float | None:
    """A number > 0 (or >= 0 with ``allow_zero``) in ``unit``."""
    number = check_number(value, field, p)
    if number is None:
        return None
    if number < 0 or (number == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        p.add(field, f"must be {bound} {unit}, got {number:g}".rstrip())
        return None
    return number


def check_mass_kg(value: object, field: str, p: Problems) -> float | None:
    """A mass in kg, > 0 and < 10,000 kg (plausible for one battery)."""
    number = check_number(value, field, p)
    if number is None:
        return None
    if not 0 < number < MAX_BATTERY_MASS_KG:
        hint = "; was a mass in grams sent as kg?" if number >= MAX_BATTERY_MASS_KG else ""
        p.add(
            field,
            f"mass {number:g} kg is not plausible for one battery: it must be more than 0 and less than "
            f"{MAX_BATTERY_MASS_KG:,.0f} kg{hint}",
        )
        return None
    return number


def check_whole(value: object, field: str, p: Problems) -> int | None:
    """A whole number >= 0 (an integral float such as ``12.0`` becomes ``12``)."""
    number = check_number(value, field, p)
    if number is None:
        return None
    if not number.is_integer() or number < 0:
        p.add(field, f"must be a whole number >= 0, got {value}")
        return None
    return int(value) if isinstance(value, int) else int(number)


def check_choice(value: object, field: str, p: Problems, options: Collection[str]) -> str | None:
    """Exactly one of ``options`` (case-sensitive), with a suggestion for near misses."""
    if isinstance(value, str) and value in options:
        return value
    hint = suggest(value, options) if isinstance(value, str) else ""
    p.add(field, f"{describe(value)} is not allowed{hint}; use one of: {', '.join(options)}")
    return None


def check_bool(value: object, field: str, p: Problems) -> bool | None:
    """A JSON ``true`` or ``false``."""
    if isinstance(value, bool):
        return value
    p.add(field, f"must be true or false, got {describe(value)}")
    return None


def check_datetime(value: object, field: str, p: Problems, *, require_zone: bool) -> datetime | None:
    """An ISO 8601 date-time; with ``require_zone`` it must carry a UTC offset (``Z`` or ``+01:00``)."""
    example = "'2026-01-02T10:00:00Z'"
    if not isinstance(value, str):
        p.add(field, f"must be an ISO 8601 date-time string such as {example}, got {describe(value)}")
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        p.add(field, f"{value!r} is not an ISO 8601 date-time such as {example}")
        return None
    if require_zone and moment.tzinfo is None:
        p.add(field, f"{value!r} has no time zone; add one, e.g. {example} or '2026-01-02T11:00:00+01:00'")
        return None
    return moment


def format_datetime(moment: datetime) -> str:
    """ISO text of a date-time: zoned values in UTC with a ``Z``, naive ones as given."""
    if moment.tzinfo is None:
        return moment.isoformat()
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.isoformat().replace("+00:00", "Z")


def check_list(value: object, field: str, p: Problems) -> list[Any] | None:
    """A JSON list."""
    if isinstance(value, list | tuple):
        return list(value)
    p.add(field, f"must be a list, got {describe(value)}")
    return None


def check_string_list(value: object, field: str, p: Problems) -> list[str] | None:
    """A list of non-empty strings."""
    items = check_list(value, field, p)
    if items is None:
        return None
    out = [check_string(item, f"{field}[{i}]", p) for i, item in enumerate(items)]
    return [s for s in out if s is not None]


def check_object(
    value: object, field: str, p: Problems, *, required: Collection[str], optional: Collection[str] = ()
) -> Mapping[str, Any] | None:
    """A JSON object with all ``required`` keys and no keys outside ``required`` and ``optional``.

    A key given as ``null`` counts as absent (optional) or missing (required). Unknown and missing keys are
    problems, but the object is still returned so that its other fields can be checked too.
    """
    if not isinstance(value, Mapping):
        p.add(field, f"must be an object with {', '.join(required)}, got {describe(value)}")
        return None
    allowed = [*required, *optional]
    for key in value:
        if key not in allowed:
            hint = suggest(key, allowed) if isinstance(key, str) else ""
            p.add(f"{field}.{key}", f"unknown field{hint}; allowed: {', '.join(allowed)}")
    for key in required:
        if value.get(key) is None:
            p.add(f"{field}.{key}", "is required")
    return value

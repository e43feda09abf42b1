"""Input problems of the transport and waste-code classifications, collected so a person can fix them in one pass.

Also the small checks of single input values (choices with aliases and suggestions, positive decimals, dates)
that add a problem instead of raising.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from batteryloop.domain.chemistry import get_chemistry
from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.passport.primitives import describe, suggest
from batteryloop.domain.passport.problems import PassportValidationError, Problem
from batteryloop.domain.passport.problems import Problems as _Problems

Number = Decimal | float | int
"""What the classifications accept for a quantity; converted to :class:`~decimal.Decimal` through its text, so
``100.0`` compares exactly with a 100 Wh threshold."""


InputProblem = Problem
"""One bad input value: the field at fault and a reason a newcomer can act on (the passport checks' type)."""


class ClassificationInputError(PassportValidationError):
    """One or more inputs of a classification break the rules; ``problems`` lists every one of them.

    ``field`` and ``reason`` are those of the first problem, so faces that show a single error still name one.
    """


@dataclass(slots=True)
class Problems(_Problems):
    """A collector of input problems; :meth:`raise_if_any` raises them together."""

    def has(self, field_name: str) -> bool:
        """Return whether a problem is already recorded for ``field_name``."""
        return any(p.field == field_name for p in self.items)

    def raise_if_any(self) -> None:
        """Raise :class:`ClassificationInputError` with every problem recorded, if there is one."""
        if self.items:
            raise ClassificationInputError(self.items)


def normalize_choice(value: str) -> str:
    """Return ``value`` lower-cased, blanks, hyphens and slashes as underscores (``"Li-ion"`` -> ``"li_ion"``)."""
    return re.sub(r"[\s\-/]+", "_", value.strip().lower()).strip("_")


def check_choice(
    value: object,
    field_name: str,
    problems: Problems,
    *,
    choices: tuple[str, ...],
    aliases: Mapping[str, str] | None = None,
    required_reason: str | None = None,
    hint: str = "",
) -> str | None:
    """Return the canonical choice for ``value`` (case, blank and hyphen insensitive; aliases allowed).

    Args:
        value: The value given (``None`` when absent).
        field_name: The field reported in problems.
        problems: Collector the problem is added to.
        choices: The canonical values.
        aliases: Other accepted spellings, normalised, to canonical values.
        required_reason: Reason to report when the value is absent; ``None`` makes the field optional.
        hint: Extra sentence appended to the "unknown value" reason (what the choices mean).

    Returns:
        The canonical value, or ``None`` when absent (optional) or unusable (a problem was added).
    """
    if value is None:
        if required_reason is not None:
            problems.add(field_name, required_reason)
        return None
    if not isinstance(value, str):
        problems.add(field_name, f"must be a string, one of {', '.join(choices)}; got {describe(value)}")
        return None
    key = normalize_choice(value)
    if key in choices:
        return key
    if aliases and key in aliases:
        return aliases[key]
    options = [*choices, *(aliases or {})]
    hint_text = f"; {hint}" if hint else ""
    problems.add(
        field_name,
        f"unknown value {value!r}{suggest(key, options)}; give one of {', '.join(choices)}{hint_text}",
    )
    return None


def cathode_chemistry_hint(value: str) -> str | None:
    """Return a reason for a cathode chemistry code given where a battery type is expected, or ``None``.

    ``"NMC811"`` -> ``"'NMC811' is a cathode chemistry (...); give the battery type 'lithium_ion'"``.
    """
    try:
        cathode = get_chemistry(value)
    except InvalidInputError:
        return None
    kind = "lithium_ion" if cathode.charge_carrier == "Li" else "sodium_ion"
    return f"{value!r} is a cathode chemistry ({cathode.name}); give the battery type {kind!r}"


def check_decimal(
    value: object,
    field_name: str,
    problems: Problems,
    *,
    unit: str,
    what: str,
    allow_zero: bool = False,
) -> Decimal | None:
    """Return ``value`` as a :class:`~decimal.Decimal` if it is a finite number above zero (or zero when allowed).

    Args:
        value: The number given, or ``None`` when absent.
        field_name: The field reported in problems.
        problems: Collector the problem is added to.
        unit: Unit of the value, for the reason (``"Wh"``).
        what: What the value is, for the reason (``"the battery's rated energy"``).
        allow_zero: Accept zero.

    Returns:
        The value, or ``None`` when absent or unusable (a problem was added).
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Decimal | float | int):
        problems.add(field_name, f"must be a number of {unit} ({what}); got {describe(value)}")
        return None
    if isinstance(value, float) and not math.isfinite(value):
        problems.add(field_name, f"must be a finite number of {unit} ({what}); got {value}")
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - str() of an int or finite float always parses
        problems.add(field_name, f"must be a number of {unit} ({what}); got {describe(value)}")
        return None
    if not number.is_finite():
        problems.add(field_name, f"must be a finite number of {unit} ({what}); got {value}")
        return None
    if number < 0 or (number == 0 and not allow_zero):
        bound = "zero or more" if allow_zero else "more than zero"
        problems.add(field_name, f"must be {bound} {unit} ({what}); got {format_number(number)} {unit}")
        return None
    return number


def check_date(value: object, field_name: str, problems: Problems, *, required_reason: str) -> date | None:
    """Return ``value`` if it is a :class:`~datetime.date` (not a datetime); add a problem otherwise."""
    if value is None:
        problems.add(field_name, required_reason)
        return None
    if not isinstance(value, date) or hasattr(value, "hour"):
        problems.add(field_name, f"must be a date (ISO 8601, e.g. 2026-03-15); got {describe(value)}")
        return None
    return value


def format_number(value: Decimal) -> str:
    """Return a decimal without exponent or trailing zeros (``Decimal("85000.0")`` -> ``"85000"``)."""
    text = format(value.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")

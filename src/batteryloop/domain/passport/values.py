"""Validation of passport attribute values against their value types (docs/passport-format.md).

:func:`check_attributes` checks a whole ``attributes`` object and returns the normalised values together with
**every** problem found (never stopping at the first), each with a field path such as
``attributes.hazardous_substances[2].cas`` and a reason a person can act on. :func:`check_value` checks one value
and raises :class:`~.problems.PassportValidationError` listing all of its problems.

Normalised values are JSON-ready: strings stripped, months as ``"YYYY-MM"``, date-times as ISO text (zoned ones
in UTC with ``Z``), numbers as ``float`` (``int`` for whole-number types), chemistry aliases as their code.
Dynamic attributes (``behaviour = dynamic``) are lists of ``{"value", "recorded_at"}``; ``recorded_at`` must carry
a time zone; readings are returned sorted oldest first and two readings at the same instant are refused.

Plausibility, beyond the shapes:

- ``decimal``: physical quantities > 0. Exceptions: temperatures (``°C``) may be negative and must lie in
  [-100, 200] °C (the Battery Pass model's range for ``temperatureRangeIdleState``); dynamic quantities (remaining
  capacity, energy and power, throughputs) may be 0 (a new battery has thrown no energy through yet); the
  dimensionless ``supply_chain_indices`` may be 0. Masses (``battery_mass_kg`` and each material's ``mass_kg``)
  must be > 0 and < 10,000 kg: more is not one battery, and is usually grams sent as kg.
- ``fraction``: in [0, 1]; values in (1, 100] are refused with the percentage conversion named.
- Across attributes: minimum <= nominal <= maximum voltage; idle temperature lower < upper boundary; the
  materials of #33 weigh no more than the battery; pre- plus post-consumer recycled share of a metal <= 1; the
  carbon-footprint stage contributions sum to <= 1.

References:
    batteryloop docs/passport-format.md (value types and JSON shapes).
    Battery Pass data model 1.2 (SAMM), ``PerformanceAndDurability`` ``temperatureRangeIdleState`` -100..200 °C.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import cache, partial
from typing import Any, Final

from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.passport.attributes import Attribute, Level, get_attribute, get_attributes, unknown_key_reason
from batteryloop.domain.passport.primitives import (
    MAX_TEXT_LENGTH,
    check_choice,
    check_datetime,
    check_fraction,
    check_mass_kg,
    check_number,
    check_object,
    check_positive,
    check_string,
    check_string_list,
    check_url,
    check_whole,
    describe,
    format_datetime,
)
from batteryloop.domain.passport.problems import PassportValidationError, Problem, Problems
from batteryloop.domain.passport.records import RECORD_CHECKS

MIN_TEMPERATURE_C: Final = -100.0
MAX_TEMPERATURE_C: Final = 200.0
SHARE_TOLERANCE: Final = 1e-9
"""Slack when comparing sums of shares with 1 (float rounding of decimal percentages)."""

_URN = re.compile(r"^urn:([a-z0-9]+):([A-Za-z0-9._:-]+)$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

ScalarCheck = Callable[[Attribute, object, str, Problems], Any]


def _passport_id(attribute: Attribute, value: object, field: str, p: Problems) -> str | None:
    example = "a URN such as 'urn:acme:bp000123' (Battery Pass) or 'urn:uuid:<uuid>' (Catena-X)"
    if not isinstance(value, str):
        p.add(field, f"must be {example}, got {describe(value)}")
        return None
    text = value.strip()
    match = _URN.match(text)
    if match is None:
        p.add(field, f"{value!r} is not {example}; the part after 'urn:<nid>:' may use letters, digits and . _ : -")
        return None
    if match.group(1) == "uuid":
        if not _UUID.match(match.group(2)):
            p.add(field, f"{value!r}: after 'urn:uuid:' give a UUID such as '0b2c7f9e-5d3a-4e0f-9c1b-2a3d4e5f6a7b'")
            return None
        return f"urn:uuid:{uuid.UUID(match.group(2))}"
    return text


def _string(attribute: Attribute, value: object, field: str, p: Problems) -> str | None:
    return check_string(value, field, p)


def _text(attribute: Attribute, value: object, field: str, p: Problems) -> str | None:
    return check_string(value, field, p, max_length=MAX_TEXT_LENGTH)


def _url(attribute: Attribute, value: object, field: str, p: Problems) -> str | None:
    return check_url(value, field, p)


def _string_list(attribute: Attribute, value: object, field: str, p: Problems) -> list[str] | None:
    return check_string_list(value, field, p)


def _year_month(attribute: Attribute, value: object, field: str, p: Problems) -> str | None:
    shape = "a month 'YYYY-MM' such as '2025-03' (a date or date-time is cut to its month)"
    if not isinstance(value, str):
        p.add(field, f"must be {shape}, got {describe(value)}")
        return None
    text = value.strip()
    match = _YEAR_MONTH.match(text)
    if match is not None:
        if 1 <= int(match.group(2)) <= 12:
            return text
        p.add(field, f"{value!r} has no month {match.group(2)}; the month runs from 01 to 12")
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        p.add(field, f"{value!r} is not {shape}")
        return None
    return f"{moment.year:04d}-{moment.month:02d}"


def _whole(attribute: Attribute, value: object, field: str, p: Problems) -> int | None:
    return check_whole(value, field, p)


def _decimal(attribute: Attribute, value: object, field: str, p: Problems) -> float | None:
    if attribute.stored_unit == "°C":
        number = check_number(value, field, p)
        if number is not None and not MIN_TEMPERATURE_C <= number <= MAX_TEMPERATURE_C:
            p.add(field, f"temperature {number:g} °C is outside the plausible range -100 to 200 °C")
            return None
        return number
    if attribute.stored_unit == "kg":
        return check_mass_kg(value, field, p)
    allow_zero = attribute.is_dynamic or attribute.stored_unit == "-"
    return check_positive(value, field, p, unit=attribute.stored_unit.strip("-"), allow_zero=allow_zero)


def _fraction(attribute: Attribute, value: object, field: str, p: Problems) -> float | None:
    return check_fraction(value, field, p)


def _enum(attribute: Attribute, value: object, field: str, p: Problems) -> str | None:
    return check_choice(value, field, p, attribute.enum_options)


_SCALAR_CHECKS: Final[Mapping[str, ScalarCheck]] = {
    "passport_id": _passport_id,
    "string": _string,
    "text": _text,
    "url": _url,
    "string_list": _string_list,
    "year_month": _year_month,
    "integer_months": _whole,
    "integer": _whole,
    "decimal": _decimal,
    "fraction": _fraction,
    "enum": _enum,
}

SUPPORTED_VALUE_TYPES: Final = frozenset(_SCALAR_CHECKS) | frozenset(RECORD_CHECKS)
"""Every base value type :func:`check_value` knows (``enum`` stands for ``enum:a|b|c``)."""


def _check_one(attribute: Attribute, value: object, field: str, p: Problems) -> Any:
    base = attribute.base_type
    record_check = RECORD_CHECKS.get(base)
    if record_check is not None:
        return record_check(value, field, p)
    return _SCALAR_CHECKS[base](attribute, value, field, p)


def _canonical_text(text: str, moment: datetime) -> str | None:
    """``text`` if it already is :func:`format_datetime` of ``moment`` (``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``), else None.

    Most readings arrive in that form and need not be formatted again.
    """
    if moment.tzinfo is not UTC or len(text) not in (20, 27) or text[-1] != "Z" or text[10] != "T":
        return None
    if text[4] != "-" or text[7] != "-" or text[13] != ":" or text[16] != ":":
        return None
    return text if (len(text) == 27) == (moment.microsecond != 0) else None


def _fast_fraction_series(attribute: Attribute, value: list[Any] | tuple[Any, ...]) -> list[dict[str, Any]] | None:
    """The normalised series when every reading is plainly valid, else None (the general checks then run).

    Plainly valid: ``{"value": float in [0, 1], "recorded_at": canonical UTC text}`` at distinct instants. The
    usual bulk-import shape (state of charge, certified energy, fade rates) is decided without the general path's
    per-reading bookkeeping; the result is the same (a property test compares both).
    """
    if attribute.base_type != "fraction":
        return None
    readings = []
    ascending = True  # oldest first, every instant once: the usual order, kept as it is
    previous: datetime | None = None
    for entry in value:
        if type(entry) is not dict or len(entry) != 2:
            return None
        number, text = entry.get("value"), entry.get("recorded_at")
        if type(number) is not float or not 0.0 <= number <= 1.0 or type(text) is not str:
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
        if _canonical_text(text, moment) is None:
            return None
        if previous is not None and moment <= previous:
            ascending = False
        previous = moment
        readings.append((moment, number, text))
    if not ascending:
        if len({moment for moment, _, _ in readings}) != len(readings):
            return None
        readings.sort(key=lambda r: r[0])
    return [{"value": number, "recorded_at": text} for _, number, text in readings]


def _check_series(attribute: Attribute, value: object, field: str, p: Problems) -> list[dict[str, Any]] | None:
    if not isinstance(value, list | tuple):
        p.add(
            field,
            f"{attribute.key} is dynamic: send a list of readings "
            '[{"value": ..., "recorded_at": "2026-01-02T10:00:00Z"}], oldest first; got ' + describe(value),
        )
        return None
    if not value:
        p.add(field, "give at least one reading, or leave the attribute out")
        return None
    fast = _fast_fraction_series(attribute, value)
    if fast is not None:
        return fast
    readings: list[tuple[datetime, int, Any, str | None]] = []
    for i, entry in enumerate(value):
        at = f"{field}[{i}]"
        before = len(p.items)
        if (
            type(entry) is dict
            and len(entry) == 2
            and entry.get("value") is not None
            and entry.get("recorded_at") is not None
        ):
            obj: Mapping[str, Any] | None = entry  # the usual shape: the general check below would pass it
        else:
            obj = check_object(entry, at, p, required=("value", "recorded_at"))
        if obj is None:
            continue
        normalized = _check_one(attribute, obj["value"], f"{at}.value", p) if obj.get("value") is not None else None
        moment = None
        if obj.get("recorded_at") is not None:
            moment = check_datetime(obj["recorded_at"], f"{at}.recorded_at", p, require_zone=True)
        if len(p.items) == before and moment is not None:
            readings.append((moment, i, normalized, _canonical_text(obj["recorded_at"], moment)))
    first_index: dict[datetime, int] = {}
    for moment, i, _, _ in readings:
        if moment in first_index:
            p.add(
                f"{field}[{i}].recorded_at",
                f"a reading at {format_datetime(moment)} is already given at [{first_index[moment]}]; "
                "keep one reading per instant",
            )
        else:
            first_index[moment] = i
    readings.sort(key=lambda r: (r[0], r[1]))
    return [{"value": v, "recorded_at": text if text is not None else format_datetime(m)} for m, _, v, text in readings]


def _check_attribute(attribute: Attribute, value: object, field: str, p: Problems) -> Any:
    if value is None:
        p.add(field, "null is not a value; leave the attribute out when it is not known")
        return None
    if attribute.is_dynamic:
        return _check_series(attribute, value, field, p)
    return _check_one(attribute, value, field, p)


def check_value(attribute: Attribute | str, value: object, *, field: str | None = None) -> Any:
    """Check one attribute value and return it normalised.

    Args:
        attribute: The attribute or its key (e.g. ``"battery_mass_kg"``).
        value: The value in the shape of the attribute's value type; a list of ``{value, recorded_at}`` for a
            dynamic attribute.
        field: Path reported in problems; ``attributes.<key>`` by default.

    Returns:
        The normalised, JSON-ready value.

    Raises:
        InvalidInputError: For an unknown attribute key.
        PassportValidationError: Listing every problem of the value (an :class:`InvalidInputError`).

    References:
        docs/passport-format.md.
    """
    attr = attribute if isinstance(attribute, Attribute) else get_attribute(attribute)
    p = Problems()
    normalized = _check_attribute(attr, value, field or f"attributes.{attr.key}", p)
    if p.items:
        raise PassportValidationError(p.items)
    return normalized


def _number(values: Mapping[str, Any], key: str) -> float | None:
    value = values.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


_CROSS_CHECKED: Final = frozenset(
    {
        "minimum_voltage_v",
        "nominal_voltage_v",
        "maximum_voltage_v",
        "idle_temperature_lower_c",
        "idle_temperature_upper_c",
        "cathode_anode_electrolyte_materials",
        *(f"recycled_{m}_{w}_consumer_share" for m in ("nickel", "cobalt", "lithium", "lead") for w in ("pre", "post")),
        *(f"carbon_footprint_{s}_share" for s in ("raw_materials", "production", "distribution", "end_of_life")),
    }
)
"""Attributes that take part in a cross-attribute check; records with none of them skip the checks."""


def _check_consistency(values: Mapping[str, Any], prefix: str, p: Problems) -> None:
    """Cross-attribute plausibility (on values that passed their own checks)."""
    if _CROSS_CHECKED.isdisjoint(values):
        return  # the common item-level record of a bulk import: nothing to compare
    low, nominal, high = (_number(values, f"{k}_voltage_v") for k in ("minimum", "nominal", "maximum"))
    if low is not None and high is not None and low > high:
        p.add(f"{prefix}.minimum_voltage_v", f"minimum voltage {low:g} V is above the maximum voltage {high:g} V")
    if nominal is not None and low is not None and nominal < low:
        p.add(f"{prefix}.nominal_voltage_v", f"nominal voltage {nominal:g} V is below the minimum voltage {low:g} V")
    if nominal is not None and high is not None and nominal > high:
        p.add(f"{prefix}.nominal_voltage_v", f"nominal voltage {nominal:g} V is above the maximum voltage {high:g} V")

    lower, upper = _number(values, "idle_temperature_lower_c"), _number(values, "idle_temperature_upper_c")
    if lower is not None and upper is not None and lower >= upper:
        p.add(
            f"{prefix}.idle_temperature_lower_c",
            f"the idle temperature range's lower boundary {lower:g} °C must be below its upper boundary {upper:g} °C",
        )

    battery_mass = _number(values, "battery_mass_kg")
    materials = values.get("cathode_anode_electrolyte_materials")
    if battery_mass is not None and isinstance(materials, list):
        total = sum(float(m.get("mass_kg", 0.0)) for m in materials)
        if total > battery_mass * (1 + SHARE_TOLERANCE):
            p.add(
                f"{prefix}.cathode_anode_electrolyte_materials",
                f"the materials weigh {total:g} kg in total, more than the battery mass {battery_mass:g} kg; "
                "check the units (kg, not g)",
            )

    for metal in ("nickel", "cobalt", "lithium", "lead"):
        pre = _number(values, f"recycled_{metal}_pre_consumer_share")
        post = _number(values, f"recycled_{metal}_post_consumer_share")
        if pre is not None and post is not None and pre + post > 1 + SHARE_TOLERANCE:
            p.add(
                f"{prefix}.recycled_{metal}_post_consumer_share",
                f"pre-consumer ({pre:g}) and post-consumer ({post:g}) recycled {metal} shares add up to more than 1",
            )

    stages = [_number(values, f"carbon_footprint_{s}_share") for s in ("raw_materials", "production")]
    stages += [_number(values, f"carbon_footprint_{s}_share") for s in ("distribution", "end_of_life")]
    known = [s for s in stages if s is not None]
    if sum(known) > 1 + SHARE_TOLERANCE:
        p.add(
            f"{prefix}.carbon_footprint_raw_materials_share",
            f"the life-cycle stage contributions to the carbon footprint add up to {sum(known):g}, more than 1",
        )


def check_attributes(
    attributes: object, *, level: Level | str | None = None, prefix: str = "attributes"
) -> tuple[dict[str, Any], list[Problem]]:
    """Check a passport's ``attributes`` object, collecting every problem.

    Args:
        attributes: Mapping of attribute key to value (the ``attributes`` object of docs/passport-format.md).
        level: When given (``"model"`` or ``"item"``), attributes of the other level are refused: a battery model
            holds only model-level attributes, a battery only item-level ones.
        prefix: Path prefix of every problem's field.

    Returns:
        The normalised values of the attributes that passed, in longlist order, and the list of problems (empty
        when everything is valid). Cross-attribute checks run on the values that passed.

    Raises:
        InvalidInputError: ``field="level"`` for an unknown level.

    References:
        docs/passport-format.md; data/passport/attributes.csv.
    """
    wanted = _level(level)
    p = Problems()
    if not isinstance(attributes, Mapping):
        p.add(prefix, f"must be an object of attribute key to value, got {describe(attributes)}")
        return {}, p.items
    checks = _attribute_checks()
    items = p.items
    checked: dict[str, Any] = {}
    for key, value in attributes.items():
        field = f"{prefix}.{key}"
        known = checks.get(key) if isinstance(key, str) else None
        if known is None:
            p.add(field, unknown_key_reason(str(key)))
            continue
        attribute, check = known
        if wanted is not None and attribute.level is not wanted:
            where = "an individual battery (item)" if attribute.level is Level.ITEM else "the battery model"
            p.add(field, f"{key} belongs to {where}; it cannot be set on a {wanted.value}-level record")
            continue
        if value is None:
            _check_attribute(attribute, value, field, p)  # the problem of a null
            continue
        before = len(items)
        normalized = check(value, field, p)
        if len(items) == before:
            checked[key] = normalized
    _check_consistency(checked, prefix, p)
    order = _longlist_order()
    ordered = {key: checked[key] for key in sorted(checked, key=order.__getitem__)}
    return ordered, p.items


@cache
def _attribute_checks() -> Mapping[str, tuple[Attribute, Callable[[object, str, Problems], Any]]]:
    """Each attribute key with its attribute and the check of a (non-null) value, picked once.

    The check is what :func:`_check_attribute` picks for the attribute; a bulk import checks every attribute of
    every record.
    """
    checks: dict[str, tuple[Attribute, Callable[[object, str, Problems], Any]]] = {}
    for key, attribute in get_attributes().items():
        record_check = RECORD_CHECKS.get(attribute.base_type)
        if attribute.is_dynamic:
            check: Callable[[object, str, Problems], Any] = partial(_check_series, attribute)
        elif record_check is not None:
            check = record_check
        else:
            check = partial(_SCALAR_CHECKS[attribute.base_type], attribute)
        checks[key] = (attribute, check)
    return checks


@cache
def _longlist_order() -> Mapping[str, int]:
    return {key: i for i, key in enumerate(get_attributes())}


def _level(level: Level | str | None) -> Level | None:
    if level is None or isinstance(level, Level):
        return level
    try:
        return Level(level)
    except ValueError:
        raise InvalidInputError(f"unknown level {level!r}; use 'model' or 'item'", field="level") from None

"""The registry of battery passport attributes: the 93 attributes of the Battery Pass longlist v1.2 as data.

Each attribute is registered in ``data/passport/attributes.csv`` with its access level, unit, static/dynamic
behaviour, model/item level, mandatory flag per battery category, the value shape batteryloop validates
(:mod:`.values`) and, for restricted attributes, the legitimate-interest roles that may read it (:mod:`.access`).
The file is read once (``functools.cache``) and checked as a whole: a malformed file raises
:class:`~batteryloop.domain.errors.ReferenceDataError` naming every bad row.

References:
    Regulation (EU) 2023/1542, Art. 77 and Annex XIII (battery passport content and access).
    DIN DKE SPEC 99100:2025-02, Requirements for data attributes of the battery passport.
    Battery Pass Consortium, Battery Passport Data Attribute Longlist v1.2 (January 2025), CC-BY-4.0.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from types import MappingProxyType
from typing import Final

from batteryloop.domain.errors import InvalidInputError, ReferenceDataError
from batteryloop.domain.refdata import read_csv

ATTRIBUTES_FILE: Final = "passport/attributes.csv"
EXPECTED_ATTRIBUTE_COUNT: Final = 93
"""The Battery Pass data attribute longlist v1.2 has 93 attributes."""


class AccessLevel(StrEnum):
    """Who may read an attribute, after Art. 77(2) and Annex XIII points 1-4 (the longlist's access column)."""

    PUBLIC = "public"
    """Annex XIII point 1: the general public."""
    LEGITIMATE_INTEREST = "legitimate_interest"
    """Annex XIII point 4: persons with a legitimate interest only (item-level, mostly dynamic data)."""
    LEGITIMATE_INTEREST_AND_COMMISSION = "legitimate_interest_and_commission"
    """Annex XIII point 2: persons with a legitimate interest and the Commission."""
    AUTHORITY = "authority"
    """Annex XIII point 3: notified bodies, market surveillance authorities and the Commission."""


class PliRole(StrEnum):
    """The roles of persons with a legitimate interest (PLI) that the platform grants per attribute."""

    RECYCLER = "recycler"
    DISMANTLER = "dismantler"
    SORTER = "sorter"
    REPAIRER = "repairer"
    SECOND_LIFE_OPERATOR = "second_life_operator"


class BatteryCategory(StrEnum):
    """Battery categories that need a passport (Art. 77(1)); the longlist's mandatory columns."""

    EV = "ev"
    LMT = "lmt"
    INDUSTRIAL = "industrial"
    STATIONARY = "stationary"


class Behaviour(StrEnum):
    """Static attributes are set once; dynamic ones are time series updated over the battery's life."""

    STATIC = "static"
    DYNAMIC = "dynamic"


class Level(StrEnum):
    """Whether an attribute describes the battery model or the individual battery (item)."""

    MODEL = "model"
    ITEM = "item"


class Requirement(StrEnum):
    """The longlist's marks: ``x`` mandatory per the regulation, ``o`` voluntary, ``-`` not applicable."""

    MANDATORY = "x"
    VOLUNTARY = "o"
    NOT_APPLICABLE = "-"


ENUM_PREFIX: Final = "enum:"
VALUE_TYPES: Final = frozenset(
    {
        "passport_id",
        "string",
        "text",
        "url",
        "string_list",
        "year_month",
        "integer_months",
        "integer",
        "decimal",
        "fraction",
        "contact",
        "address",
        "chemistry",
        "labels",
        "materials",
        "hazardous_substances",
        "documents",
        "part_numbers",
        "spare_part_sources",
        "resistances",
        "resistance_increases",
        "events",
    }
)
"""The value types of docs/passport-format.md, besides ``enum:a|b|c``."""

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_ENUM_OPTION = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PLI_ACCESS: Final = frozenset({AccessLevel.LEGITIMATE_INTEREST, AccessLevel.LEGITIMATE_INTEREST_AND_COMMISSION})


def _enum_options(value_type: str) -> tuple[str, ...]:
    if not value_type.startswith(ENUM_PREFIX):
        return ()
    options = tuple(value_type[len(ENUM_PREFIX) :].split("|"))
    return options if all(_ENUM_OPTION.match(o) for o in options) else ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Attribute:
    """One registered passport attribute (a row of ``data/passport/attributes.csv``).

    ``unit`` is the longlist's; ``stored_unit`` is what batteryloop stores (fractions in [0, 1] for percentages,
    kg for masses). ``pli_roles`` is empty for public and authority attributes.
    """

    number: int
    din_clause: str
    key: str
    name: str
    category: str
    subcategory: str
    unit: str
    stored_unit: str
    data_format: str
    access: AccessLevel
    behaviour: Behaviour
    level: Level
    mandatory: Mapping[BatteryCategory, Requirement]
    value_type: str
    pli_roles: frozenset[PliRole]
    base_type: str = field(init=False)
    """The value type without its options: ``"enum"`` for ``enum:a|b``, else the value type itself."""
    is_dynamic: bool = field(init=False)
    """True for time-series attributes (a list of ``{value, recorded_at}``)."""
    enum_options: tuple[str, ...] = field(init=False)
    """The allowed strings of an ``enum:a|b|c`` value type; empty for other types."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_type", "enum" if self.value_type.startswith(ENUM_PREFIX) else self.value_type)
        object.__setattr__(self, "is_dynamic", self.behaviour is Behaviour.DYNAMIC)
        object.__setattr__(self, "enum_options", _enum_options(self.value_type))
        if not _KEY.match(self.key):
            raise ReferenceDataError(f"attribute key {self.key!r} must be snake_case", field="key")
        if set(self.mandatory) != set(BatteryCategory):
            raise ReferenceDataError(f"attribute {self.key}: give a requirement for every battery category")
        if self.value_type not in VALUE_TYPES and not self.enum_options:
            raise ReferenceDataError(f"attribute {self.key}: unknown value_type {self.value_type!r}")
        if (self.access in _PLI_ACCESS) != bool(self.pli_roles):
            raise ReferenceDataError(
                f"attribute {self.key}: pli_roles must be given exactly for legitimate-interest access levels"
            )
        if self.behaviour is Behaviour.DYNAMIC and self.level is not Level.ITEM:
            raise ReferenceDataError(f"attribute {self.key}: dynamic data belongs to the individual battery (item)")

    def __hash__(self) -> int:
        return hash((self.number, self.key))

    def requirement(self, category: BatteryCategory) -> Requirement:
        """Return whether the attribute is mandatory, voluntary or not applicable for a battery category."""
        return self.mandatory[category]

    def is_mandatory(self, category: BatteryCategory) -> bool:
        """True when the regulation requires the attribute for batteries of ``category`` (``x``)."""
        return self.mandatory[category] is Requirement.MANDATORY


def _parse_row(row: Mapping[str, str]) -> Attribute:
    roles = row.get("pli_roles") or ""
    return Attribute(
        number=int(row["number"]),
        din_clause=row["din_clause"].strip(),
        key=row["key"].strip(),
        name=row["name"].strip(),
        category=row["category"].strip(),
        subcategory=row["subcategory"].strip(),
        unit=row["unit"].strip(),
        stored_unit=row["stored_unit"].strip(),
        data_format=row["data_format"].strip(),
        access=AccessLevel(row["access"].strip()),
        behaviour=Behaviour(row["behaviour"].strip()),
        level=Level(row["level"].strip()),
        mandatory=MappingProxyType({c: Requirement(row[f"mandatory_{c.value}"].strip()) for c in BatteryCategory}),
        value_type=row["value_type"].strip(),
        pli_roles=frozenset(PliRole(r.strip()) for r in roles.split("|") if r.strip()),
    )


def parse_attributes(
    rows: Sequence[Mapping[str, str]], *, source: str = ATTRIBUTES_FILE, expected_count: int = EXPECTED_ATTRIBUTE_COUNT
) -> Mapping[str, Attribute]:
    """Parse and check the rows of the attribute registry.

    Args:
        rows: The CSV rows as dictionaries keyed by the header (comment lines removed).
        source: Name of the file, for error messages.
        expected_count: How many attributes the file must hold (93 for the longlist v1.2).

    Returns:
        The attributes by key, read-only, in the file's (longlist number) order.

    Raises:
        ReferenceDataError: Naming every bad row: a missing column, an unknown access level, behaviour, level,
            requirement mark, value type or role, a duplicate key or number, numbers not running 1..N, or a row
            count other than ``expected_count``.
    """
    errors: list[str] = []
    parsed: dict[str, Attribute] = {}
    numbers: set[int] = set()
    for line, row in enumerate(rows, start=2):
        label = f"row {line} (key {row.get('key')!r})"
        try:
            attribute = _parse_row(row)
        except (KeyError, TypeError, ValueError, AttributeError, ReferenceDataError) as exc:
            detail = f"missing column {exc}" if isinstance(exc, KeyError) else str(exc)
            errors.append(f"{label}: {detail}")
            continue
        if attribute.key in parsed:
            errors.append(f"{label}: duplicate key")
        if attribute.number in numbers:
            errors.append(f"{label}: duplicate number {attribute.number}")
        parsed[attribute.key] = attribute
        numbers.add(attribute.number)
    if len(rows) != expected_count:
        errors.append(f"holds {len(rows)} attributes, expected {expected_count}")
    elif not errors and numbers != set(range(1, expected_count + 1)):
        errors.append(f"numbers must run from 1 to {expected_count}")
    if errors:
        raise ReferenceDataError(f"{source} is malformed: " + "; ".join(errors))
    ordered = sorted(parsed.values(), key=lambda a: a.number)
    return MappingProxyType({a.key: a for a in ordered})


@cache
def get_attributes() -> Mapping[str, Attribute]:
    """Return the registered passport attributes by key, read once from ``data/passport/attributes.csv``.

    Returns:
        The 93 attributes, read-only, in longlist order.

    Raises:
        ReferenceDataError: If the file is missing or malformed.
    """
    return parse_attributes(read_csv(ATTRIBUTES_FILE))


def get_attribute(key: str) -> Attribute:
    """Return one attribute by key.

    Raises:
        InvalidInputError: ``field="attributes.<key>"`` for an unknown key, suggesting the closest known keys.
    """
    attributes = get_attributes()
    if key in attributes:
        return attributes[key]
    raise InvalidInputError(unknown_key_reason(key), field=f"attributes.{key}")


def unknown_key_reason(key: str) -> str:
    """Explain that ``key`` is not a registered attribute, suggesting the closest keys."""
    close = difflib.get_close_matches(str(key), list(get_attributes()), n=3, cutoff=0.75)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else "."
    return (
        f"unknown attribute {key!r}{hint} The {EXPECTED_ATTRIBUTE_COUNT} keys are listed in "
        "data/passport/attributes.csv and docs/passport-format.md"
    )


ATTRIBUTES: Final[Mapping[str, Attribute]] = get_attributes()
"""The registered attributes by key (the same mapping as :func:`get_attributes`)."""

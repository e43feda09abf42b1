"""Shared pieces of the exchange mappers: the error and result types, the problem collector, unit conversion.

Numbers are converted through :class:`decimal.Decimal` built from the shortest text of the number (``repr``), so a
power-of-ten change of unit (g -> kg, % -> fraction, kW -> W) is exact in decimal: ``38500.0`` g is ``38.5`` kg,
not ``38.50000000000001``. Every number with at most 15 significant digits survives export and import unchanged.

Sanity ceilings (:data:`CEILINGS`) catch generator noise and unit slips at mapping time (a material of 1.6e38 g,
a battery of 452,000 kg that was meant in grams); they are deliberately loose. Plausibility proper (masses below
10 t, voltage order, shares adding up) is the canonical validator's job (:mod:`batteryloop.domain.passport.values`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, Literal

from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.passport.cas import check_cas_number
from batteryloop.domain.passport.primitives import suggest

Record = dict[str, Any]
"""A canonical passport record, ``{"attributes": {<key>: <value>, ...}}`` (docs/passport-format.md)."""
Problem = tuple[str, str]
"""``(path, reason)``; the path names the source field, e.g.
``MaterialComposition.batteryMaterials[3].batteryMaterialMass`` (an attribute key in export notes)."""
OnInvalid = Literal["refuse", "omit"]
"""``"refuse"`` (default): any problem refuses the document. ``"omit"``: invalid values are left out and reported
as notes; structural problems (the document is not an object, no passport identifier can be read) still refuse."""


LENIENT: Final = frozenset({"putting_into_service_date"})
"""Attributes whose unreadable value is left out with a note even when refusing. The date of putting into service
is stated by whoever puts the battery into service, after the passport exists; partner systems carry dummy values
for it (the published Catena-X sample has ``"7172-75-08"``), and no registry decision rests on it. Every other
unusable value refuses the document by default."""


class MappingError(InvalidInputError):
    """A document could not be mapped; ``problems`` lists every problem as ``(path, reason)``.

    ``field`` is the first problem's path and ``reason`` lists them all, so a face that shows one line still
    shows everything.
    """

    def __init__(self, problems: Sequence[Problem], *, field: str | None = None) -> None:
        self.problems: list[Problem] = list(problems)
        if not self.problems:
            raise ValueError("MappingError needs at least one problem")
        count = len(self.problems)
        listed = "; ".join(f"{path}: {reason}" for path, reason in self.problems)
        reason = listed if count == 1 else f"{count} problems: {listed}"
        super().__init__(reason, field=field or self.problems[0][0])

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True, slots=True, kw_only=True)
class Mapped:
    """An imported record with the notes on what was read but not stored (``(path, reason)``)."""

    record: Record
    notes: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Exported:
    """An exported document with the notes on attributes the format could not carry (``(key, reason)``)."""

    document: dict[str, Any]
    notes: tuple[Problem, ...] = ()


class Collector:
    """Collects the attributes, problems and notes of one document while it is mapped."""

    __slots__ = ("attributes", "fatal", "notes", "problems")

    def __init__(self) -> None:
        self.attributes: dict[str, Any] = {}
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []
        self.fatal = False

    def problem(self, path: str, reason: str, *, fatal: bool = False) -> None:
        """Record a problem; ``fatal`` ones refuse the document even with ``on_invalid="omit"``."""
        self.problems.append((path, reason))
        self.fatal = self.fatal or fatal

    def leave_out_since(self, mark: int) -> None:
        """Turn the problems recorded since ``mark`` into notes: those values are left out even when refusing."""
        self.notes.extend((path, f"left out: {reason}") for path, reason in self.problems[mark:])
        del self.problems[mark:]

    def note(self, path: str, reason: str) -> None:
        """Record something read but not stored, and why."""
        self.notes.append((path, reason))

    def set(self, key: str, value: Any) -> None:
        """Store an attribute unless ``value`` is ``None`` or an empty list."""
        if value is not None and value != []:
            self.attributes[key] = value

    def finish(self, on_invalid: OnInvalid) -> Mapped:
        """Return the mapped record, or raise :class:`MappingError` listing every problem."""
        if self.problems and (on_invalid == "refuse" or self.fatal):
            raise MappingError(self.problems)
        notes = [*self.notes, *((path, f"left out: {reason}") for path, reason in self.problems)]
        return Mapped(record={"attributes": dict(self.attributes)}, notes=tuple(notes))


def check_on_invalid(on_invalid: str) -> OnInvalid:
    """Return ``on_invalid`` if it is ``"refuse"`` or ``"omit"``; raise ``InvalidInputError`` otherwise."""
    if on_invalid == "refuse":
        return "refuse"
    if on_invalid == "omit":
        return "omit"
    raise InvalidInputError(f"{on_invalid!r} is not a choice; use 'refuse' or 'omit'", field="on_invalid")


def record_attributes(record: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return a canonical record's ``attributes`` object; ``InvalidInputError`` if the record has none."""
    attributes = record.get("attributes") if isinstance(record, Mapping) else None
    if not isinstance(attributes, Mapping):
        raise InvalidInputError('a passport record is {"attributes": {...}}', field="attributes")
    return attributes


def describe(value: object) -> str:
    """Name a JSON value for a reason: ``"the string 'x'"``, ``"null"``, ``"a list"``, ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the string {value if len(value) <= 40 else value[:37] + '...'!r}"
    if isinstance(value, int | float):
        return f"the number {format_number(to_decimal(value))}"
    if isinstance(value, Mapping):
        return "an object"
    return "a list" if isinstance(value, list | tuple) else f"a {type(value).__name__}"


def check_keys(c: Collector, obj: Mapping[str, Any], path: str, allowed: Collection[str]) -> None:
    """Report every key of ``obj`` outside ``allowed`` (a misspelt field would otherwise be lost silently)."""
    for key in obj:
        if key not in allowed:
            c.problem(f"{path}.{key}", f"unknown field{suggest(str(key), allowed)}; known: {', '.join(allowed)}")


def as_object(c: Collector, value: object, path: str) -> Mapping[str, Any] | None:
    """Return ``value`` if it is a JSON object, else record a problem."""
    if isinstance(value, Mapping):
        return value
    c.problem(path, f"must be an object, got {describe(value)}")
    return None


def as_list(c: Collector, value: object, path: str) -> list[Any] | None:
    """Return ``value`` if it is a JSON list, else record a problem."""
    if isinstance(value, list):
        return value
    c.problem(path, f"must be a list, got {describe(value)}")
    return None


def as_text(c: Collector, value: object, path: str) -> str | None:
    """A non-empty string, kept as given (the canonical validator trims and checks it)."""
    if isinstance(value, str) and value.strip():
        return value
    c.problem(path, f"must be a non-empty string, got {describe(value)}")
    return None


def as_bool(c: Collector, value: object, path: str) -> bool | None:
    """A JSON ``true`` or ``false``."""
    if isinstance(value, bool):
        return value
    c.problem(path, f"must be true or false, got {describe(value)}")
    return None


def as_text_list(c: Collector, value: object, path: str) -> list[str] | None:
    """A list of non-empty strings; bad items are reported and skipped."""
    items = as_list(c, value, path)
    if items is None:
        return None
    texts = [as_text(c, item, f"{path}[{i}]") for i, item in enumerate(items)]
    return [t for t in texts if t is not None]


# ------------------------------------------------------------------------------------------------ numbers
def to_decimal(value: int | float) -> Decimal:
    """The exact decimal of a number's shortest text (``0.1`` -> ``Decimal('0.1')``)."""
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def format_number(value: Decimal) -> str:
    """Short text of a number for a reason: ``1.6111172e+38``, ``38,500``, ``-0.5``."""
    if not value.is_finite():
        return str(value)
    if value == value.to_integral_value() and abs(value) < 10**15:
        return f"{int(value):,}"
    return format(value.normalize(), "g")


@dataclass(frozen=True, slots=True, kw_only=True)
class Quantity:
    """How one number is read: its source unit, the power of ten to the stored unit, the sane range.

    ``scale`` is the exponent with ``stored = source x 10**scale`` (g -> kg: -3; % -> fraction: -2; kW -> W: 3).
    ``low``/``high`` bound the stored value (inclusive; ``positive`` makes the lower bound exclusive 0).
    """

    unit: str
    what: str
    scale: int = 0
    low: Decimal | None = None
    high: Decimal | None = None
    positive: bool = False
    integer: bool = False
    hint_grams: bool = False


def percent(what: str, unit: str = "%") -> Quantity:
    """A percentage read into a fraction in [0, 1]."""
    return Quantity(unit=unit, what=what, scale=-2, low=Decimal(0), high=Decimal(1))


def read_number(c: Collector, value: object, path: str, q: Quantity) -> int | float | None:
    """Convert a source number to the stored unit, checking finiteness, sign, whole-ness and the ceiling.

    Returns:
        The stored number (``int`` for whole-number quantities, the source number itself when no unit change is
        needed, else a ``float``), or ``None`` after recording a problem.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        hint = " (send it as a JSON number, without quotes)" if isinstance(value, str) else ""
        c.problem(path, f"must be a number, got {describe(value)}{hint}")
        return None
    if isinstance(value, float) and not math.isfinite(value):
        c.problem(path, f"must be a finite number, got {value}")
        return None
    source = to_decimal(value)
    stored = source.scaleb(q.scale)
    shown = f"{format_number(source)} {q.unit}".rstrip()
    if q.scale == -2 and q.low == 0 and q.high == 1 and not 0 <= stored <= 1:
        c.problem(path, f"{shown} is outside 0-100 {q.unit}: the {q.what} is a percentage")
        return None
    if (q.positive and stored <= 0) or (q.low is not None and stored < q.low):
        bound = "> 0" if q.positive else f">= {format_number(q.low.scaleb(-q.scale)) if q.low is not None else 0}"
        c.problem(path, f"{shown} is not a plausible {q.what}: it must be {bound} {q.unit}".rstrip())
        return None
    if q.high is not None and stored > q.high:
        hint = f"; if it is in grams, that is {format_number(stored.scaleb(-3))} kg" if q.hint_grams else ""
        ceiling = f"{format_number(q.high.scaleb(-q.scale))} {q.unit}".rstrip()
        c.problem(path, f"{shown} is not a plausible {q.what} (more than {ceiling}){hint}")
        return None
    if q.integer and stored != stored.to_integral_value():
        c.problem(path, f"{shown} is not a whole number; a {q.what} is counted in whole units")
        return None
    if q.integer:
        return int(stored)
    return value if q.scale == 0 else float(stored)


def write_number(value: Any, q: Quantity) -> int | float:
    """Convert a stored number back to the source unit (the inverse of :func:`read_number`)."""
    if q.integer or q.scale == 0:
        return int(value) if q.integer else value
    return float(to_decimal(value).scaleb(-q.scale))


# Sanity ceilings in the stored unit (see the module docstring): far above any real battery, below noise.
CEILINGS: Final[Mapping[str, Decimal]] = {
    "mass_kg": Decimal(100_000),
    "energy_kwh": Decimal(1_000_000),
    "throughput_kwh": Decimal(10_000_000_000),
    "capacity_ah": Decimal(10_000_000),
    "throughput_ah": Decimal(100_000_000_000),
    "voltage_v": Decimal(100_000),
    "power_w": Decimal(10_000_000_000),
    "resistance_ohm": Decimal(1_000_000),
    "c_rate": Decimal(1_000),
    "years": Decimal(200),
    "cycles": Decimal(100_000_000),
    "minutes": Decimal(1_000_000_000),
    "kg_co2e_per_kwh": Decimal(100_000),
    "t_co2e": Decimal(1_000_000_000),
    "index": Decimal(1_000_000_000_000),
}
MIN_TEMPERATURE_C: Final = Decimal(-100)
MAX_TEMPERATURE_C: Final = Decimal(200)


# ------------------------------------------------------------------------------------------ dates and times
_DATE_PREFIX = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?")


def read_year_month(c: Collector, value: object, path: str) -> str | None:
    """``"YYYY-MM"`` from ``YYYY-MM``, ``YYYY-MM-DD`` or an ISO date-time (cut to the month)."""
    if isinstance(value, str):
        text = value.strip()
        match = _DATE_PREFIX.match(text)
        try:
            if match is None:
                raise ValueError
            if "T" in text:
                datetime.fromisoformat(text)
            elif match.group(3) is not None:
                if len(text) != 10:
                    raise ValueError
                date.fromisoformat(text)
            elif len(text) != 7 or not 1 <= int(match.group(2)) <= 12:
                raise ValueError
        except ValueError:
            pass
        else:
            return f"{match.group(1)}-{match.group(2)}"
    c.problem(path, f"{describe(value)} is not a calendar date (YYYY-MM-DD, YYYY-MM or an ISO 8601 date-time)")
    return None


def parse_zoned(text: object) -> datetime | None:
    """The date-time of an ISO 8601 string with a UTC offset, else ``None``."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def read_zoned(c: Collector, value: object, path: str) -> str | None:
    """An ISO 8601 date-time with a UTC offset, kept as given."""
    if parse_zoned(value) is not None:
        return str(value).strip()
    c.problem(path, f"{describe(value)} is not an ISO 8601 date-time with a time zone, e.g. '2026-01-02T10:00:00Z'")
    return None


def check_received_at(received_at: str | None) -> str | None:
    """Validate the ``received_at`` argument of the importers (``InvalidInputError`` if it is not zoned)."""
    if received_at is not None and parse_zoned(received_at) is None:
        raise InvalidInputError(
            f"{received_at!r} is not an ISO 8601 date-time with a time zone, e.g. '2026-01-02T10:00:00Z'",
            field="received_at",
        )
    return received_at


def stamp(c: Collector, time: str | None, received_at: str | None, path: str) -> str | None:
    """The ``recorded_at`` of a dynamic value: its own time, else ``received_at``, else a problem."""
    if time is not None:
        return time
    if received_at is not None:
        return received_at
    c.problem(path, "a dynamic value needs the time it was recorded: give it, or import with received_at")
    return None


def newest(series: Any) -> dict[str, Any] | None:
    """The newest reading of a canonical time series (the last; series are stored oldest first)."""
    if isinstance(series, list) and series and isinstance(series[-1], Mapping):
        return dict(series[-1])
    return None


# ------------------------------------------------------------------------------------- identifiers, places
def read_cas(c: Collector, value: object, path: str) -> str | None:
    """A CAS Registry Number (format and check digit), blanks around it removed."""
    try:
        return check_cas_number(value, field=path)
    except InvalidInputError as exc:
        c.problem(path, f"not a CAS registry number: {exc.reason}")
        return None


def is_ec_number(text: str) -> bool:
    """True for an EC (EINECS/ELINCS) number ``NNN-NNN-R`` with a valid check digit."""
    match = re.fullmatch(r"(\d{3})-(\d{3})-(\d)", text.strip())
    if match is None:
        return False
    digits = match.group(1) + match.group(2)
    return sum(i * int(d) for i, d in enumerate(digits, start=1)) % 11 == int(match.group(3))


COMPONENT_NAMES: Final[Mapping[str, str]] = {
    "cathode": "Cathode",
    "anode": "Anode",
    "electrolyte": "Electrolyte",
    "separator": "Separator",
    "casing": "Casing",
    "bms": "BMS",
    "module_housing": "Module housing",
    "pack_housing": "Pack housing",
    "cooling": "Cooling",
    "other": "Other",
}
"""The canonical components and the names written for them in exported documents."""
_COMPONENT_SYNONYMS: Final[Mapping[str, str]] = {
    "cellcasing": "casing",
    "cellcase": "casing",
    "case": "casing",
    "batterymanagementsystem": "bms",
    "coolingsystem": "cooling",
    "batteryhousing": "pack_housing",
    "packcasing": "pack_housing",
    "modulecasing": "module_housing",
}


def read_component(c: Collector, value: object, path: str) -> str | None:
    """A canonical component from a free-text name; an unknown name becomes ``"other"`` with a note."""
    text = as_text(c, value, path)
    if text is None:
        return None
    key = re.sub(r"[^a-z]", "", text.lower())
    for component in COMPONENT_NAMES:
        if key == component.replace("_", ""):
            return component
    if key in _COMPONENT_SYNONYMS:
        return _COMPONENT_SYNONYMS[key]
    c.note(path, f"component {text!r} is not one of {', '.join(COMPONENT_NAMES)}; stored as 'other'")
    return "other"


_COUNTRIES: Final[Mapping[str, str]] = {
    "austria": "AT", "belgium": "BE", "bulgaria": "BG", "croatia": "HR", "cyprus": "CY", "czechia": "CZ",
    "czech republic": "CZ", "denmark": "DK", "estonia": "EE", "finland": "FI", "france": "FR", "germany": "DE",
    "deutschland": "DE", "greece": "GR", "hungary": "HU", "ireland": "IE", "italy": "IT", "latvia": "LV",
    "lithuania": "LT", "luxembourg": "LU", "malta": "MT", "netherlands": "NL", "the netherlands": "NL",
    "poland": "PL", "portugal": "PT", "romania": "RO", "slovakia": "SK", "slovenia": "SI", "spain": "ES",
    "sweden": "SE", "norway": "NO", "iceland": "IS", "liechtenstein": "LI", "switzerland": "CH",
    "united kingdom": "GB", "great britain": "GB", "turkey": "TR", "türkiye": "TR", "serbia": "RS",
    "morocco": "MA", "united states": "US", "united states of america": "US", "usa": "US", "canada": "CA",
    "mexico": "MX", "brazil": "BR", "chile": "CL", "argentina": "AR", "china": "CN",
    "people's republic of china": "CN", "japan": "JP", "south korea": "KR", "republic of korea": "KR",
    "korea": "KR", "india": "IN", "indonesia": "ID", "vietnam": "VN", "viet nam": "VN", "thailand": "TH",
    "malaysia": "MY", "taiwan": "TW", "australia": "AU", "south africa": "ZA",
}  # fmt: skip
"""English (and a few native) names of the countries where batteries and their materials are made."""


def read_country(c: Collector, value: object, path: str) -> str | None:
    """An ISO 3166-1 alpha-2 code, from a code or a common English country name (``"Germany"`` -> ``"DE"``)."""
    text = as_text(c, value, path)
    if text is None:
        return None
    if re.fullmatch(r"[A-Za-z]{2}", text.strip()):
        return text.strip().upper()
    code = _COUNTRIES.get(text.strip().lower())
    if code is None:
        c.problem(path, f"{text!r} is not an ISO 3166-1 alpha-2 country code (e.g. 'DE') nor a known country name")
    return code

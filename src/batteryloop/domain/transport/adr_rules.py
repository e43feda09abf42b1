"""The ADR reference data (``data/transport/adr.toml``): editions, entries, thresholds, provisions, packing.

Every entry keeps its source and verification status ([V] / [S] / [U], regulation-rules.md §0) so that results
can cite them and list the unverified ones they rely on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from types import MappingProxyType
from typing import Any, Final

from batteryloop.domain.errors import ReferenceDataError
from batteryloop.domain.refdata import read_toml

ADR_FILE: Final = "transport/adr.toml"
THRESHOLD_NAMES: Final = (
    "small_battery_max_wh",
    "small_cell_max_wh",
    "small_battery_max_lithium_g",
    "small_cell_max_lithium_g",
    "sp636_max_gross_mass_kg",
    "sp636_transport_unit_max_kg",
    "strong_casing_min_gross_mass_kg",
    "p909_small_package_max_gross_kg",
    "one_per_package_above_net_kg",
)
PURPOSES: Final = ("recycling", "disposal")


@dataclass(frozen=True, slots=True, kw_only=True)
class Edition:
    """An ADR edition: applies from ``applies_from``; the previous one may be used until ``previous_usable_until``."""

    name: str
    applies_from: date
    previous_usable_until: date
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Threshold:
    """A decisive figure with its source and status."""

    name: str
    value: Decimal
    source: str
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class UnEntry:
    """A UN number with its proper shipping name (``name``) and the full entry of Table A (``table_name``)."""

    un: str
    name: str
    table_name: str
    status: str
    usable_until: date | None = None

    @property
    def un_number(self) -> str:
        """The number as the results spell it, ``"UN3480"``."""
        return f"UN{self.un}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ChemistryRules:
    """The entries and provisions of one battery chemistry (lithium ion, lithium metal, sodium ion)."""

    code: str
    label: str
    size: str
    chemistry_row: str | None
    battery: UnEntry
    contained_in_equipment: UnEntry
    packed_with_equipment: UnEntry
    vehicle: UnEntry
    legacy_vehicle: UnEntry | None
    damaged_mark: str
    damaged_mark_status: str
    sp377_applies: bool
    sp377_marks: Mapping[str, str]
    sp377_status: str
    sp636_applies: bool
    sp636_status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SpecialProvision:
    """A special provision's number, gist and status."""

    number: str
    gist: str
    status: str
    critical_alternative: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PackingInstruction:
    """A packing instruction: its paragraphs (``""`` for an instruction without numbered ones) and limits."""

    code: str
    title: str
    paragraphs: Mapping[str, str]
    one_per_package_above_net_kg: Decimal | None
    single_battery: bool
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentRules:
    """How the transport document and packages name the goods."""

    transport_class: str
    battery_label: str
    waste_prefix: str
    sp376_note: str
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AdrRules:
    """Everything in ``adr.toml``, parsed and checked."""

    implemented_edition: str
    editions: tuple[Edition, ...]
    next_edition: Edition
    thresholds: Mapping[str, Threshold]
    document: DocumentRules
    chemistries: Mapping[str, ChemistryRules]
    special_provisions: Mapping[str, SpecialProvision]
    packing_instructions: Mapping[str, PackingInstruction]
    rows: Mapping[str, str]
    sources: Mapping[str, str]

    def threshold(self, name: str) -> Decimal:
        """Return the value of threshold ``name``."""
        return self.thresholds[name].value

    @property
    def edition(self) -> Edition:
        """The edition whose rules this file holds."""
        return next(e for e in self.editions if e.name == self.implemented_edition)


def _decimal(raw: object, where: str) -> Decimal:
    if not isinstance(raw, str):
        raise ValueError(f"{where} must be a decimal string")
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise ValueError(f"{where}: {raw!r} is not a decimal") from exc
    if not value.is_finite() or value <= 0:
        raise ValueError(f"{where} must be a positive number")
    return value


def _date(raw: object, where: str) -> date:
    if not isinstance(raw, date):
        raise ValueError(f"{where} must be a TOML date")
    return raw


def _status(raw: Mapping[str, Any], where: str, sources: Mapping[str, str]) -> str:
    if raw.get("source") not in sources:
        raise ValueError(f"{where}: source {raw.get('source')!r} is not in [sources]")
    status = raw.get("status")
    if not isinstance(status, str) or not status.startswith(("[V]", "[S]", "[U]")):
        raise ValueError(f"{where}: status must start with [V], [S] or [U]")
    return status


def _edition(raw: Mapping[str, Any], sources: Mapping[str, str], *, key: str = "applies_from") -> Edition:
    where = f"edition {raw.get('name')!r}"
    return Edition(
        name=str(raw["name"]),
        applies_from=_date(raw[key], f"{where}.{key}"),
        previous_usable_until=_date(raw["previous_usable_until"], f"{where}.previous_usable_until"),
        status=_status(raw, where, sources),
    )


def _entry(raw: Mapping[str, Any], where: str, sources: Mapping[str, str]) -> UnEntry:
    un = str(raw["un"])
    if not (un.isdigit() and len(un) == 4):
        raise ValueError(f"{where}: UN number {un!r} is not four digits")
    until = raw.get("usable_until")
    return UnEntry(
        un=un,
        name=str(raw["name"]),
        table_name=str(raw.get("table_name", raw["name"])),
        status=_status(raw, where, sources),
        usable_until=_date(until, f"{where}.usable_until") if until is not None else None,
    )


def _chemistry(code: str, raw: Mapping[str, Any], sources: Mapping[str, str]) -> ChemistryRules:
    if raw["size"] not in ("energy", "lithium"):
        raise ValueError(f"chemistry {code}: size must be 'energy' or 'lithium'")
    marks = raw["sp377"]["marks"]
    if set(marks) != set(PURPOSES):
        raise ValueError(f"chemistry {code}: sp377.marks must name {', '.join(PURPOSES)}")
    legacy = raw.get("legacy_vehicle")
    return ChemistryRules(
        code=code,
        label=str(raw["label"]),
        size=str(raw["size"]),
        chemistry_row=str(raw["chemistry_row"]) or None,
        battery=_entry(raw["battery"], f"{code}.battery", sources),
        contained_in_equipment=_entry(raw["contained_in_equipment"], f"{code}.contained_in_equipment", sources),
        packed_with_equipment=_entry(raw["packed_with_equipment"], f"{code}.packed_with_equipment", sources),
        vehicle=_entry(raw["vehicle"], f"{code}.vehicle", sources),
        legacy_vehicle=_entry(legacy, f"{code}.legacy_vehicle", sources) if legacy is not None else None,
        damaged_mark=str(raw["damaged_mark"]["text"]),
        damaged_mark_status=_status(raw["damaged_mark"], f"{code}.damaged_mark", sources),
        sp377_applies=bool(raw["sp377"]["applies"]),
        sp377_marks=MappingProxyType({p: str(marks[p]) for p in PURPOSES}),
        sp377_status=_status(raw["sp377"], f"{code}.sp377", sources),
        sp636_applies=bool(raw["sp636"]["applies"]),
        sp636_status=_status(raw["sp636"], f"{code}.sp636", sources),
    )


def _packing(code: str, raw: Mapping[str, Any], sources: Mapping[str, str]) -> PackingInstruction:
    limit = raw.get("one_per_package_above_net_kg")
    paragraphs = {str(k): str(v) for k, v in raw["paragraphs"].items()}
    if not paragraphs:
        raise ValueError(f"packing instruction {code} has no paragraphs")
    return PackingInstruction(
        code=code,
        title=str(raw["title"]),
        paragraphs=MappingProxyType(paragraphs),
        one_per_package_above_net_kg=_decimal(limit, f"{code}.one_per_package_above_net_kg") if limit else None,
        single_battery=bool(raw.get("single_battery", False)),
        status=_status(raw, f"packing instruction {code}", sources),
    )


def _parse(data: Mapping[str, Any]) -> AdrRules:
    if data.get("schema_version") != 1:
        raise ValueError("schema_version must be 1")
    sources = {tag: f"{s['citation']} ({s['date']})" for tag, s in data["sources"].items()}
    editions = tuple(_edition(raw, sources) for raw in data["editions"])
    if [e.applies_from for e in editions] != sorted(e.applies_from for e in editions):
        raise ValueError("[[editions]] must be in date order")
    implemented = str(data["implemented_edition"])
    if implemented not in {e.name for e in editions}:
        raise ValueError(f"implemented_edition {implemented!r} is not among [[editions]]")
    thresholds = {
        name: Threshold(
            name=name,
            value=_decimal(raw["value"], f"thresholds.{name}"),
            source=str(raw["source"]),
            status=_status(raw, f"thresholds.{name}", sources),
        )
        for name, raw in data["thresholds"].items()
    }
    if set(thresholds) != set(THRESHOLD_NAMES):
        raise ValueError(f"[thresholds] must hold exactly {', '.join(THRESHOLD_NAMES)}")
    doc = data["document"]
    provisions = {
        str(number): SpecialProvision(
            number=str(number),
            gist=str(raw["gist"]),
            status=_status(raw, f"special provision {number}", sources),
            critical_alternative=raw.get("critical_alternative"),
        )
        for number, raw in data["special_provisions"].items()
    }
    packing = {code: _packing(code, raw, sources) for code, raw in data["packing_instructions"].items()}
    rows = {str(k): str(v) for k, v in data["rows"].items()}
    if set(rows) != {f"D{i}" for i in range(1, 12)}:
        raise ValueError("[rows] must hold D1 to D11")
    return AdrRules(
        implemented_edition=implemented,
        editions=editions,
        next_edition=_edition(data["next_edition"], sources, key="expected_from"),
        thresholds=MappingProxyType(thresholds),
        document=DocumentRules(
            transport_class=str(doc["transport_class"]),
            battery_label=str(doc["battery_label"]),
            waste_prefix=str(doc["waste_prefix"]),
            sp376_note=str(doc["sp376_note"]),
            status=_status(doc, "document", sources),
        ),
        chemistries=MappingProxyType({c: _chemistry(c, raw, sources) for c, raw in data["chemistries"].items()}),
        special_provisions=MappingProxyType(provisions),
        packing_instructions=MappingProxyType(packing),
        rows=MappingProxyType(rows),
        sources=MappingProxyType(sources),
    )


@cache
def get_adr_rules() -> AdrRules:
    """Return the ADR reference data, parsed once.

    Raises:
        ReferenceDataError: If ``data/transport/adr.toml`` is missing or malformed.
    """
    try:
        return _parse(read_toml(ADR_FILE))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ReferenceDataError(f"{ADR_FILE} is malformed: {exc}") from exc

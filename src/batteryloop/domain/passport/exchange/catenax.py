"""Catena-X battery pass 6.1.0 JSON (``io.catenax.battery.battery_pass``) <-> the canonical passport record.

Paths in problems are dotted from the document root: ``performance.dynamic.stateOfCharge.value``.

Unit fixes at import, undone at export: percentages -> fractions; ``characteristics.physicalDimension.weight``
``{value, unit}`` (gram, kilogram, tonne, pound, ounce, US ton) -> kg; concentrations (ppm, ppt, %, ...) -> shares;
``characteristics.warranty`` in months or years -> months; dates ``yyyy-mm-dd`` -> ``"YYYY-MM"``; dynamic
``{value, time}`` -> ``[{value, recorded_at}]``. ``sustainability.status``, ``performance.dynamic.selfDischargingRate``
and ``performance.dynamic.negativeEvents`` carry no time: they are stamped with the caller's ``received_at``.
``metadata.passportIdentifier`` is a UUID; a bare UUID is stored as ``urn:uuid:<uuid>``. The battery identifier is
the ``partInstanceId`` serial, else ``idDmc``. The carbon footprint: the ``Climate Change Total`` entries of the
four life-cycle stages ("raw material acquisition and pre-processing", "main product production",
"distribution", "end of life and recycling"); the total is their sum (Annex II of Regulation (EU) 2023/1542) and
each becomes a share of it. ``rated.power.value`` is the maximum permitted power, ``rated.power.at80SoC`` the
original power capability; ``lifetime.cycleLifeTesting.appliedDischargeRate`` the cycle-life test C-rate.
``materials.composition`` concentrations become material masses (share x battery mass), so they need the weight.

Explicit choices where the sample or the model is ambiguous (notes, the value is not stored, the record is kept):

- ``identification.chemistry`` is free text; a name that fits several chemistries (the published sample's
  "Nickel Cobalt Manganese (NCM)") is noted and ``battery_chemistry`` left out, since its code is required and
  guessing NMC111..811 would be wrong; the completeness report then lists it as missing. An unknown name is a
  problem.
- Categories without a canonical counterpart (``SLI``, ``portable``, ``incorporated``: no battery passport is
  required for them); a warranty in days, cycles or operating hours (not a whole number of months); an EC number
  typed as ``CAS`` (the name is kept, the CAS left out); a single recycled share per metal (the canonical record
  needs the pre-/post-consumer split); hazardous substances (no hazard class in Catena-X); incomplete carbon
  footprint stages; a composition location outside batteryloop's components (stored as ``other``).

Not carried (export notes; the round-trip property generates records without them): ``operator_information``,
``manufacturer_information`` and ``manufacturing_place`` (Catena-X holds BPNL/BPNA numbers, not names and
countries), labels, ``extinguishing_agent`` fire classes, ``cadmium_lead_symbols`` and the other label attributes,
``carbon_footprint_study``/``general_information``, ``absolute_carbon_footprint_t_co2e``, ``supply_chain_indices``,
``critical_raw_materials``, ``hazardous_substances`` and their impacts, recycled shares,
``renewable_content_share``, ``spare_part_sources``, ``collection_second_life_treatment_information``,
``cycle_life_reference_test``, ``power_to_energy_ratio_w_per_wh``, ``self_discharge_evolution_rate``,
``temperature_information``, the extreme-temperature minutes, deep-discharge and overcharge counts,
``battery_category`` ``stationary``; passport ids that are not ``urn:uuid``; only the newest reading of a series,
and no time for the status, the current self-discharge rate and negative events. Material masses are written as
percentages of the battery mass, which round-trips only to float precision.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

import batteryloop.domain.passport.exchange._cx_parts as cx
from batteryloop.domain.chemistry import get_chemistry
from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.passport.attributes import get_attributes
from batteryloop.domain.passport.exchange._common import (
    CEILINGS,
    LENIENT,
    MAX_TEMPERATURE_C,
    MIN_TEMPERATURE_C,
    Collector,
    Exported,
    Mapped,
    OnInvalid,
    Quantity,
    Record,
    as_object,
    as_text,
    check_keys,
    check_on_invalid,
    check_received_at,
    describe,
    newest,
    percent,
    read_number,
    read_year_month,
    read_zoned,
    record_attributes,
    stamp,
    write_number,
)
from batteryloop.domain.passport.primitives import suggest

SPEC_VERSION: Final = "urn:io.catenax.battery.battery_pass:6.1.0"
SECTIONS: Final = (
    "specVersion", "identification", "operation", "characteristics", "sustainability", "materials", "performance",
    "conformity", "safety", "sources", "metadata", "commercial", "handling",
)  # fmt: skip
"""The top-level properties of the 6.1.0 model."""
_UUID = re.compile(r"^(?:urn:uuid:)?([0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12})$")
MONTH = "month"
DATE = "date"
RATED, DYN = ("performance", "rated"), ("performance", "dynamic")


def _q(unit: str, what: str, ceiling: str, *, positive: bool = True, integer: bool = False) -> Quantity:
    low = None if positive else Decimal(0)
    return Quantity(unit=unit, what=what, low=low, high=CEILINGS[ceiling], positive=positive, integer=integer)


@dataclass(frozen=True, slots=True)
class Field:
    """A scalar at a fixed path: ``kind`` a quantity, :data:`MONTH` (a date cut to the month) or ``None``.

    ``timed`` fields are ``{value, time}`` objects (their time is dropped for static attributes).
    """

    key: str
    path: tuple[str, ...]
    kind: Quantity | str | None = None
    timed: bool = False


V = _q("V", "voltage", "voltage_v")
CELSIUS = Quantity(unit="°C", what="temperature", low=MIN_TEMPERATURE_C, high=MAX_TEMPERATURE_C)
CYCLES = _q("cycles", "number of cycles", "cycles", positive=False, integer=True)
FIELDS: Final[tuple[Field, ...]] = (
    Field("manufacturing_date", ("operation", "manufacturer", "manufacturingDate"), MONTH),
    Field("putting_into_service_date", ("operation", "intoServiceDate"), MONTH),
    Field("rated_capacity_ah", (*RATED, "capacity", "value"), _q("Ah", "capacity", "capacity_ah")),
    Field("capacity_threshold_for_exhaustion_share", (*RATED, "capacity", "thresholdExhaustion"),
          percent("capacity threshold")),
    Field("certified_usable_energy_kwh", (*RATED, "energy", "value"), _q("kWh", "energy", "energy_kwh")),
    Field("minimum_voltage_v", (*RATED, "voltage", "min"), V),
    Field("nominal_voltage_v", (*RATED, "voltage", "nominal"), V),
    Field("maximum_voltage_v", (*RATED, "voltage", "max"), V),
    Field("maximum_permitted_power_w", (*RATED, "power", "value"), _q("W", "power", "power_w")),
    Field("original_power_capability_w", (*RATED, "power", "at80SoC"), _q("W", "power", "power_w")),
    Field("initial_round_trip_efficiency_rate", (*RATED, "roundTripEfficiency", "initial"),
          percent("round trip efficiency")),
    Field("round_trip_efficiency_at_half_cycle_life_rate", (*RATED, "roundTripEfficiency", "50PercentLife"),
          percent("round trip efficiency")),
    Field("initial_self_discharge_rate_per_month", (*RATED, "selfDischargingRate"),
          percent("self-discharge rate", "%/month")),
    Field("idle_temperature_lower_c", (*RATED, "temperature", "lower"), CELSIUS),
    Field("idle_temperature_upper_c", (*RATED, "temperature", "upper"), CELSIUS),
    Field("expected_lifetime_years", (*RATED, "lifetime", "expectedYears"), _q("years", "lifetime", "years")),
    Field("expected_lifetime_cycles", (*RATED, "lifetime", "cycleLifeTesting", "cycles"), CYCLES),
    Field("cycle_life_test_c_rate", (*RATED, "lifetime", "cycleLifeTesting", "appliedDischargeRate"),
          _q("C", "C-rate", "c_rate")),
    Field("state_of_charge_share", (*DYN, "stateOfCharge"), percent("state of charge"), timed=True),
    Field("full_cycles", (*DYN, "fullCycles"), CYCLES, timed=True),
    Field("remaining_capacity_ah", (*DYN, "capacity", "capacity"),
          _q("Ah", "capacity", "capacity_ah", positive=False), timed=True),
    Field("capacity_fade_rate", (*DYN, "capacity", "fade"), percent("capacity fade"), timed=True),
    Field("capacity_throughput_ah", (*DYN, "capacity", "throughput"),
          _q("Ah", "capacity throughput", "throughput_ah", positive=False), timed=True),
    Field("state_of_certified_energy_share", (*DYN, "energy", "soce"), percent("state of certified energy"),
          timed=True),
    Field("remaining_usable_energy_kwh", (*DYN, "energy", "remaining"),
          _q("kWh", "energy", "energy_kwh", positive=False), timed=True),
    Field("energy_throughput_kwh", (*DYN, "energy", "throughput"),
          _q("kWh", "energy throughput", "throughput_kwh", positive=False), timed=True),
    Field("remaining_power_capability_w", (*DYN, "power", "remaining"), _q("W", "power", "power_w", positive=False),
          timed=True),
    Field("power_fade_rate", (*DYN, "power", "fade"), percent("power fade"), timed=True),
    Field("remaining_round_trip_efficiency_rate", (*DYN, "roundTripEfficiency", "remaining"),
          percent("round trip efficiency"), timed=True),
    Field("round_trip_efficiency_fade_rate", (*DYN, "roundTripEfficiency", "fade"), percent("efficiency fade"),
          timed=True),
    Field("current_self_discharge_rate_per_month", (*DYN, "selfDischargingRate"),
          percent("self-discharge rate", "%/month")),
)  # fmt: skip
"""The scalar attributes; composite ones are mapped in :mod:`._cx_parts`."""
DOCUMENT_FIELDS: Final = {
    "end_user_separate_collection_information": ("sustainability", "documents", "separateCollection"),
    "end_user_waste_prevention_information": ("sustainability", "documents", "wastePrevention"),
    "declaration_of_conformity": ("conformity", "declarationOfConformity"),
    "test_reports": ("conformity", "resultOfTestReport"),
    "third_party_assurances": ("conformity", "thirdPartyAssurance"),
    "due_diligence_report": ("conformity", "dueDiligencePolicy"),
    "safety_measures": ("safety", "safetyMeasures"),
}
"""URL attributes held as Catena-X document lists ``[{contentType, header, content}]`` (the first is stored)."""


def _get(doc: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = doc
    for step in path:
        node = node.get(step) if isinstance(node, Mapping) else None
    return node


def _read_field(c: Collector, f: Field, raw: Any, received_at: str | None) -> Any:
    path = ".".join(f.path)
    dynamic = get_attributes()[f.key].is_dynamic
    time: str | None = None
    if f.timed:
        obj = as_object(c, raw, path)
        if obj is None:
            return None
        check_keys(c, obj, path, ("value", "time"))
        if obj.get("value") is None:
            c.problem(f"{path}.value", "is required")
            return None
        raw, path = obj["value"], f"{path}.value"
        if dynamic and obj.get("time") is not None:
            time = read_zoned(c, obj["time"], path.removesuffix(".value") + ".time")
            if time is None:
                return None
    if isinstance(f.kind, Quantity):
        value: Any = read_number(c, raw, path, f.kind)
    elif f.kind == MONTH:
        mark = len(c.problems)
        value = read_year_month(c, raw, path)
        if f.key in LENIENT:
            c.leave_out_since(mark)
    else:
        value = as_text(c, raw, path)
    if value is None or not dynamic:
        return value
    recorded_at = stamp(c, time, received_at, path)
    return None if recorded_at is None else [{"value": value, "recorded_at": recorded_at}]


def _passport_id(c: Collector, doc: Mapping[str, Any]) -> None:
    raw = _get(doc, ("metadata", "passportIdentifier"))
    if raw is None:
        return
    match = _UUID.match(raw.strip()) if isinstance(raw, str) else None
    if match is None:
        c.problem("metadata.passportIdentifier", f"{describe(raw)} is not a UUID ('urn:uuid:...')", fatal=True)
        return
    c.set("passport_id", f"urn:uuid:{match.group(1)}")


def _chemistry(c: Collector, raw: object) -> None:
    path = "identification.chemistry"
    text = as_text(c, raw, path)
    if text is None:
        return
    try:
        code = get_chemistry(text).code
    except InvalidInputError as exc:
        if "ambiguous" in exc.reason:  # the chemistry reference's wording for names that fit several codes
            c.note(path, f"{exc.reason}; battery_chemistry not stored (its code is required)")
        else:
            c.problem(path, exc.reason)
        return
    c.set("battery_chemistry", {"code": code} if text.strip() == code else {"code": code, "name": text})


def from_catenax_with_notes(
    document: object, *, received_at: str | None = None, on_invalid: OnInvalid = "refuse"
) -> Mapped:
    """Map a Catena-X battery pass 6.1.0 document to a canonical record, with notes on what was not stored.

    Args:
        document: The decoded JSON of one battery pass (the aspect payload, as in the published sample).
        received_at: ISO 8601 date-time with zone stamped on dynamic values without a time of their own
            (``sustainability.status`` always); without it such values are refused.
        on_invalid: ``"refuse"`` (default) raises on any problem; ``"omit"`` leaves invalid values out and lists
            them in the notes (a non-object document or an unreadable passport identifier still raises).

    Returns:
        The record ``{"attributes": {...}}`` (to be validated with
        :func:`batteryloop.domain.passport.values.check_attributes`) and the notes as ``(path, reason)``.

    Raises:
        MappingError: Listing every problem with the JSON path of its source field.
        InvalidInputError: ``field="received_at"`` or ``"on_invalid"`` for a bad argument.
    """
    received_at = check_received_at(received_at)
    mode = check_on_invalid(on_invalid)
    c = Collector()
    if not isinstance(document, Mapping):
        c.problem("document", f"a Catena-X battery pass is a JSON object, got {describe(document)}", fatal=True)
        return c.finish(mode)
    for key in document:
        if key not in SECTIONS:
            c.problem(str(key), f"not a property of the battery pass 6.1.0 model{suggest(str(key), SECTIONS)}")
    _passport_id(c, document)
    for f in FIELDS:
        raw = _get(document, f.path)
        if raw is not None:
            c.set(f.key, _read_field(c, f, raw, received_at))
    for key, path in DOCUMENT_FIELDS.items():
        c.set(key, cx.read_first_document(c, _get(document, path), ".".join(path)))
    if _get(document, ("identification", "chemistry")) is not None:
        _chemistry(c, _get(document, ("identification", "chemistry")))
    cx.read_identification(c, document)
    cx.read_characteristics(c, document)
    cx.read_sustainability(c, document, received_at)
    cx.read_materials(c, document)
    cx.read_performance(c, document, received_at)
    cx.read_safety_and_handling(c, document)
    return c.finish(mode)


def from_catenax(document: object, *, received_at: str | None = None, on_invalid: OnInvalid = "refuse") -> Record:
    """Map a Catena-X battery pass 6.1.0 document to a canonical record (see :func:`from_catenax_with_notes`).

    Raises:
        MappingError: Listing every problem with the JSON path of its source field.
    """
    return from_catenax_with_notes(document, received_at=received_at, on_invalid=on_invalid).record


# ------------------------------------------------------------------------------------------------- export
def _put(doc: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = doc
    for step in path[:-1]:
        node = node.setdefault(step, {})
    node[path[-1]] = value


def _write_field(f: Field, value: Any, notes: list[tuple[str, str]]) -> Any:
    reading = newest(value) if get_attributes()[f.key].is_dynamic else None
    if reading is not None:
        if len(value) > 1:
            notes.append((f.key, f"only the newest of {len(value)} readings is carried"))
        value = reading["value"]
    if isinstance(f.kind, Quantity):
        value = write_number(value, f.kind)
    elif f.kind == MONTH:
        value = f"{value}-01"
    if not f.timed:
        return value
    return {"value": value, "time": reading["recorded_at"]} if reading is not None else {"value": value}


def to_catenax_with_notes(record: Mapping[str, Any]) -> Exported:
    """Write a canonical record as a Catena-X battery pass 6.1.0 document, noting what is not carried.

    Only the properties batteryloop holds are written; the passport's own metadata that the record does not hold
    (``metadata.version``, ``issueDate``, ``economicOperatorId``, ...) is for the caller to add.

    Args:
        record: A canonical, validated record ``{"attributes": {...}}``.

    Returns:
        The document and the notes as ``(attribute key, reason)``.

    Raises:
        InvalidInputError: ``field="attributes"`` if the record has no attributes object.
    """
    attributes = record_attributes(record)
    doc: dict[str, Any] = {"specVersion": SPEC_VERSION}
    notes: list[tuple[str, str]] = []
    for f in FIELDS:
        if f.key in attributes:
            _put(doc, f.path, _write_field(f, attributes[f.key], notes))
    for key, path in DOCUMENT_FIELDS.items():
        if key in attributes:
            _put(doc, path, [cx.document_link(key, attributes[key])])
    cx.write_all(doc, attributes, notes)
    carried = {f.key for f in FIELDS} | set(DOCUMENT_FIELDS) | cx.CARRIED
    for key in attributes:
        if key not in carried:
            notes.append((key, "not carried: the Catena-X battery pass 6.1.0 has no field for it"))
    return Exported(document=doc, notes=tuple(notes))


def to_catenax(record: Mapping[str, Any]) -> dict[str, Any]:
    """Write a canonical record as a Catena-X battery pass 6.1.0 document (see :func:`to_catenax_with_notes`)."""
    return to_catenax_with_notes(record).document

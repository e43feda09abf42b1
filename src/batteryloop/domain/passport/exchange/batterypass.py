"""Battery Pass data model v1.2 JSON (DIN DKE SPEC 99100) <-> the canonical passport record.

A document is either one aspect's payload on its own, as the published samples are (the aspect is recognised by
its keys, and a flat document may even mix the keys of several aspects), or an object of aspects
``{"GeneralProductInformation": {...}, "MaterialComposition": {...}, ...}`` as in reference §1.7. Paths in
problems always start with the aspect: ``MaterialComposition.batteryMaterials[3].batteryMaterialMass``.

Unit fixes at import (reference §1.6), undone at export:

- ``batteryMaterialMass`` grams -> ``mass_kg``; ``absoluteCarbonFootprint`` kg -> t; ``ratedMaximumPower`` kW -> W;
  every percentage (0-100) -> a fraction; ``remainingCapacity`` kWh (the model's unit) -> Ah through
  ``nominalVoltage`` (refused without it); the per-stage carbon footprint (kg CO2e/kWh in the model) -> a share of
  ``batteryCarbonFootprint``.
- ``batteryStatus`` ``Reused`` -> ``re-used``, the others lowercased; ``warrentyPeriod`` (the model's spelling,
  ``xsd:gMonth`` ``"--MM"``) -> months; a period above 12 months, which ``--MM`` cannot hold, is read and written as
  an ISO 8601 duration ``"P96M"``; ``manufacturingDate``/``puttingIntoService`` date-times -> ``"YYYY-MM"``.
- Dynamic values ``{<x>Value, lastUpdate}`` -> ``[{value, recorded_at}]``. ``batteryStatus``, a plain
  ``energyThroughput`` and a condition without ``lastUpdate`` have no time in the model: they are stamped with
  the caller's ``received_at`` (refused without it). ``capacityFade``, ``powerFade``, ``internalResistanceIncrease``
  sit in ``batteryCondition`` but are static attributes: their time is dropped.
- ``batteryChemistry.shortName`` -> a chemistry code (``"NMC"`` is ambiguous and refused, naming the candidates).
- ``originalPowerCapability``/``remainingPowerCapability`` lists -> one power in W: the only entry, else the one at
  80 % SoC (Annex IV Part B 4). ``powerCapabilityAt`` is read in W (the model says %, reference §1.6).
- Labels go by subject: SeparateCollection -> ``separate_collection_symbol``, HazardousMaterial ->
  ``cadmium_lead_symbols``, CarbonFootPrint -> ``carbon_footprint_label``, ExtinguishingAgent ->
  ``meaning_of_labels``. ``critical_raw_materials`` and ``hazardous_substance_impacts`` are derived from the
  materials' ``isCriticalRawMaterial`` flags and the substances' impacts.
- ``addressCountry`` is free text in the model: an ISO 3166-1 alpha-2 code, or a common English country name
  (``"Germany"`` -> ``"DE"``, as the published sample writes it). CAS numbers are checked (format and check digit,
  :mod:`batteryloop.domain.passport.cas`); numbers against the sanity ceilings of :mod:`._common`.

Notes, not problems: a ``temperatureRangeIdleState`` given as one number (the published JSON schema's shape cannot
say which boundary), a component name outside batteryloop's list (stored as ``other``), ``powerCapabilityRatio``
(no longlist attribute), several power capabilities none at 80 % SoC.

Not carried (export leaves them out with a note; the round-trip property generates records without them):
``carbon_footprint_general_information``, ``part_numbers``, ``temperature_information`` (the model has no
temperature reading), ``deep_discharge_events`` and ``overcharge_events`` (model issue #52), ``address.city``;
only the newest reading of a time series, and the status without its time; ``critical_raw_materials`` or
``hazardous_substance_impacts`` other than derived; labels in an attribute not of that attribute's subject;
``subject: other``; ``remaining_capacity_ah`` without ``nominal_voltage_v``; carbon-footprint shares without the
total; the four temperature-minute series at different times; events without ``occurred_at`` or recorded at
another time than the latest event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from batteryloop.domain.passport.attributes import get_attributes
from batteryloop.domain.passport.exchange._bp_parts import (
    CF,
    CIRC,
    COND,
    GPI,
    LAB,
    MC,
    PD,
    TECH,
    read_carbon_stages,
    read_circularity,
    read_composition,
    read_general,
    read_labels,
)
from batteryloop.domain.passport.exchange._bp_performance import read_performance
from batteryloop.domain.passport.exchange._bp_write import write_all
from batteryloop.domain.passport.exchange._common import (
    CEILINGS,
    LENIENT,
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

SCDD = "SupplyChainDueDiligence"
ASPECTS: Final = (GPI, LAB, CF, SCDD, MC, CIRC, PD)
"""The seven aspects of the Battery Pass data model v1.2, in export order."""
ASPECT_ALIASES: Final = {"Labels": LAB}

ASPECT_KEYS: Final[Mapping[str, tuple[str, ...]]] = {
    GPI: ("batteryPassportIdentifier", "productIdentifier", "batteryCategory", "manufacturerInformation",
          "operatorInformation", "manufacturingDate", "manufacturingPlace", "batteryStatus", "batteryMass",
          "puttingIntoService", "warrentyPeriod"),
    LAB: ("declarationOfConformity", "resultOfTestReport", "labels"),
    CF: ("batteryCarbonFootprint", "carbonFootprintPerLifecycleStage", "carbonFootprintPerformanceClass",
         "carbonFootprintStudy", "absoluteCarbonFootprint"),
    SCDD: ("supplyChainDueDiligenceReport", "thirdPartyAussurances", "supplyChainIndicies"),
    MC: ("batteryChemistry", "batteryMaterials", "hazardousSubstances"),
    CIRC: ("dismantlingAndRemovalInformation", "sparePartSources", "recycledContent", "safetyMeasures",
           "endOfLifeInformation", "renewableContent"),
    PD: (TECH, COND),
}  # fmt: skip
"""The top-level keys of each aspect (reference §1.4 and the published JSON schemas)."""
TECH_KEYS: Final = (
    "originalPowerCapability", "ratedMaximumPower", "powerCapabilityRatio", "ratedEnergy", "expectedNumberOfCycles",
    "initialSelfDischarge", "roundtripEfficiency", "ratedCapacity", "initialInternalResistance", "expectedLifetime",
    "cRate", "nominalVoltage", "minimumVoltage", "maximumVoltage", "capacityThresholdForExhaustion",
    "lifetimeReferenceTest", "cRateLifeCycleTest", "temperatureRangeIdleState",
    "roundTripEfficiencyat50PerCentCycleLife", "roundTripEfficiencyFade", "powerFade",
)  # fmt: skip
COND_KEYS: Final = (
    "energyThroughput", "capacityThroughput", "numberOfFullCycles", "stateOfCertifiedEnergy", "capacityFade",
    "remainingEnergy", "remainingCapacity", "negativeEvents", "temperatureInformation", "remainingPowerCapability",
    "evolutionOfSelfDischarge", "currentSelfDischargingRate", "internalResistanceIncrease",
    "remainingRoundTripEnergyEfficiency", "stateOfCharge", "powerFade", "roundTripEfficiencyFade",
    "roundTripEfficiencyat50PerCentCycleLife",
)  # fmt: skip

NOT_CARRIED: Final[Mapping[str, str]] = {
    "carbon_footprint_general_information": "the model has no field for it",
    "part_numbers": "the model lists part numbers only under their spare-part suppliers",
    "temperature_information": "the model records times at extreme temperatures, not a temperature reading",
    "deep_discharge_events": "the model has no counter for it (BatteryPassDataModel issue #52)",
    "overcharge_events": "the model has no counter for it (BatteryPassDataModel issue #52)",
}
"""Attributes the Battery Pass model cannot carry, and why."""


def _q(unit: str, what: str, ceiling: str, *, scale: int = 0, positive: bool = True, integer: bool = False) -> Quantity:
    low = None if positive else Decimal(0)
    return Quantity(
        unit=unit, what=what, scale=scale, low=low, high=CEILINGS[ceiling], positive=positive, integer=integer
    )


MONTH = "month"
"""Kind of a date-time field read as ``"YYYY-MM"``."""


@dataclass(frozen=True, slots=True)
class Field:
    """A scalar attribute at a fixed place: ``kind`` is a quantity, ``None`` (text) or :data:`MONTH`.

    ``value_keys`` name the value inside a ``{<x>Value, lastUpdate}`` object (the first is written); ``plain``
    accepts a bare number there too; ``alt`` is another parent object the field is accepted in.
    """

    key: str
    aspect: str
    path: tuple[str, ...]
    kind: Quantity | str | None = None
    value_keys: tuple[str, ...] = ()
    plain: bool = False
    alt: tuple[str, ...] | None = None


V = _q("V", "voltage", "voltage_v")
FIELDS: Final[tuple[Field, ...]] = (
    Field("passport_id", GPI, ("batteryPassportIdentifier",)),
    Field("battery_id", GPI, ("productIdentifier",)),
    Field("manufacturing_date", GPI, ("manufacturingDate",), MONTH),
    Field("putting_into_service_date", GPI, ("puttingIntoService",), MONTH),
    Field("battery_mass_kg", GPI, ("batteryMass",), Quantity(
        unit="kg", what="battery mass", positive=True, high=CEILINGS["mass_kg"], hint_grams=True)),
    Field("declaration_of_conformity", LAB, ("declarationOfConformity",)),
    Field("test_reports", LAB, ("resultOfTestReport",)),
    Field("carbon_footprint_kg_co2e_per_kwh", CF, ("batteryCarbonFootprint",),
          _q("kg CO2e/kWh", "carbon footprint", "kg_co2e_per_kwh", positive=False)),
    Field("carbon_footprint_performance_class", CF, ("carbonFootprintPerformanceClass",)),
    Field("carbon_footprint_study", CF, ("carbonFootprintStudy",)),
    Field("absolute_carbon_footprint_t_co2e", CF, ("absoluteCarbonFootprint",),
          _q("kg CO2e", "carbon footprint", "t_co2e", scale=-3, positive=False)),
    Field("due_diligence_report", SCDD, ("supplyChainDueDiligenceReport",)),
    Field("third_party_assurances", SCDD, ("thirdPartyAussurances",)),
    Field("supply_chain_indices", SCDD, ("supplyChainIndicies",),
          _q("", "supply chain index", "index", positive=False)),
    Field("safety_measures", CIRC, ("safetyMeasures", "safetyInstructions")),
    Field("end_user_waste_prevention_information", CIRC, ("endOfLifeInformation", "wastePrevention")),
    Field("end_user_separate_collection_information", CIRC, ("endOfLifeInformation", "separateCollection")),
    Field("collection_second_life_treatment_information", CIRC, ("endOfLifeInformation", "informationOnCollection")),
    Field("renewable_content_share", CIRC, ("renewableContent",), percent("renewable content share")),
    Field("maximum_permitted_power_w", PD, (TECH, "ratedMaximumPower"), _q("kW", "power", "power_w", scale=3)),
    Field("certified_usable_energy_kwh", PD, (TECH, "ratedEnergy"), _q("kWh", "energy", "energy_kwh")),
    Field("expected_lifetime_cycles", PD, (TECH, "expectedNumberOfCycles"),
          _q("cycles", "number of cycles", "cycles", positive=False, integer=True)),
    Field("initial_self_discharge_rate_per_month", PD, (TECH, "initialSelfDischarge"),
          percent("self-discharge rate", "%/month")),
    Field("initial_round_trip_efficiency_rate", PD, (TECH, "roundtripEfficiency"), percent("round trip efficiency")),
    Field("rated_capacity_ah", PD, (TECH, "ratedCapacity"), _q("Ah", "capacity", "capacity_ah")),
    Field("expected_lifetime_years", PD, (TECH, "expectedLifetime"), _q("years", "lifetime", "years")),
    Field("power_to_energy_ratio_w_per_wh", PD, (TECH, "cRate"), _q("W/Wh", "power-to-energy ratio", "c_rate")),
    Field("nominal_voltage_v", PD, (TECH, "nominalVoltage"), V),
    Field("minimum_voltage_v", PD, (TECH, "minimumVoltage"), V),
    Field("maximum_voltage_v", PD, (TECH, "maximumVoltage"), V),
    Field("capacity_threshold_for_exhaustion_share", PD, (TECH, "capacityThresholdForExhaustion"),
          percent("capacity threshold")),
    Field("cycle_life_reference_test", PD, (TECH, "lifetimeReferenceTest")),
    Field("cycle_life_test_c_rate", PD, (TECH, "cRateLifeCycleTest"), _q("C", "C-rate", "c_rate")),
    Field("round_trip_efficiency_at_half_cycle_life_rate", PD, (COND, "roundTripEfficiencyat50PerCentCycleLife"),
          percent("round trip efficiency"), alt=(TECH,)),
    Field("round_trip_efficiency_fade_rate", PD, (COND, "roundTripEfficiencyFade"), percent("efficiency fade"),
          alt=(TECH,)),
    Field("power_fade_rate", PD, (COND, "powerFade"), percent("power fade"), alt=(TECH,)),
    Field("capacity_fade_rate", PD, (COND, "capacityFade"), percent("capacity fade"), ("capacityFadeValue",)),
    Field("energy_throughput_kwh", PD, (COND, "energyThroughput"),
          _q("kWh", "energy throughput", "throughput_kwh", positive=False), ("energyThroughputValue",), plain=True),
    Field("capacity_throughput_ah", PD, (COND, "capacityThroughput"),
          _q("Ah", "capacity throughput", "throughput_ah", positive=False), ("capacityThroughputValue",)),
    Field("full_cycles", PD, (COND, "numberOfFullCycles"),
          _q("cycles", "number of cycles", "cycles", positive=False, integer=True), ("numberOfFullCyclesValue",)),
    Field("state_of_certified_energy_share", PD, (COND, "stateOfCertifiedEnergy"),
          percent("state of certified energy"), ("stateOfCertifiedEnergyValue",)),
    Field("remaining_usable_energy_kwh", PD, (COND, "remainingEnergy"),
          _q("kWh", "energy", "energy_kwh", positive=False), ("remainingEnergyalue", "remainingEnergyValue")),
    Field("state_of_charge_share", PD, (COND, "stateOfCharge"), percent("state of charge"), ("stateOfChargeValue",)),
    Field("remaining_round_trip_efficiency_rate", PD, (COND, "remainingRoundTripEnergyEfficiency"),
          percent("round trip efficiency"), ("remainingRoundTripEnergyEfficiencyValue",)),
    Field("current_self_discharge_rate_per_month", PD, (COND, "currentSelfDischargingRate"),
          percent("self-discharge rate", "%/month"),
          ("currentSelfDischargingRateEntity", "currentSelfDischargingRateValue")),
    Field("self_discharge_evolution_rate", PD, (COND, "evolutionOfSelfDischarge"),
          percent("self-discharge evolution"),
          ("evolutionOfSelfDischargeEntityValue", "evolutionOfSelfDischargeValue")),
)  # fmt: skip
"""The scalar attributes, in the order they are read; composite ones are mapped in :mod:`._bp_parts`."""


# ------------------------------------------------------------------------------------------------- import
def _split(c: Collector, document: object) -> dict[str, dict[str, Any]]:
    """The aspects of a document, combined (``{"<Aspect>": {...}}``) or flat (one or several aspects' keys)."""
    aspects: dict[str, dict[str, Any]] = {a: {} for a in ASPECTS}
    if not isinstance(document, Mapping):
        c.problem("document", f"a Battery Pass document is a JSON object, got {describe(document)}", fatal=True)
        return aspects
    owner = {key: aspect for aspect, keys in ASPECT_KEYS.items() for key in keys}
    for key, value in document.items():
        aspect = ASPECT_ALIASES.get(key, key)
        if aspect in aspects:
            obj = as_object(c, value, aspect)
            for inner, inner_value in (obj or {}).items():
                if inner in aspects[aspect]:
                    c.problem(f"{aspect}.{inner}", "given twice (inside the aspect and at the top level)")
                aspects[aspect][inner] = inner_value
        elif key in owner:
            aspects[owner[key]][key] = value
        else:
            known = [*ASPECTS, *owner]
            c.problem(str(key), f"not a field of the Battery Pass model v1.2{suggest(str(key), known)}")
    if not any(aspects.values()):
        c.problem("document", "no field of the seven Battery Pass aspects found", fatal=True)
    return aspects


def _locate(aspect: dict[str, Any], f: Field) -> tuple[Any, str] | None:
    """The raw value of a field and its parent's path, looking in ``f.alt`` too."""
    *parents, name = f.path
    for where in (parents, [*f.alt] if f.alt is not None else None):
        if where is None:
            continue
        node: Any = aspect
        for step in where:
            node = node.get(step) if isinstance(node, Mapping) else None
        if isinstance(node, Mapping) and node.get(name) is not None:
            return node[name], ".".join([f.aspect, *where, name])
    return None


def _read_field(c: Collector, f: Field, raw: Any, path: str, received_at: str | None) -> Any:
    dynamic = get_attributes()[f.key].is_dynamic
    time: str | None = None
    if f.value_keys and not (f.plain and not isinstance(raw, Mapping)):
        obj = as_object(c, raw, path)
        if obj is None:
            return None
        check_keys(c, obj, path, [*f.value_keys, "lastUpdate"])
        value_key = next((k for k in f.value_keys if k in obj), f.value_keys[0])
        if obj.get(value_key) is None:
            c.problem(f"{path}.{value_key}", "is required")
            return None
        raw, path = obj[value_key], f"{path}.{value_key}"
        if dynamic and obj.get("lastUpdate") is not None:
            time = read_zoned(c, obj["lastUpdate"], path.rsplit(".", 1)[0] + ".lastUpdate")
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


def from_batterypass_with_notes(
    document: object, *, received_at: str | None = None, on_invalid: OnInvalid = "refuse"
) -> Mapped:
    """Map a Battery Pass v1.2 document to a canonical record, with notes on what was read but not stored.

    Args:
        document: The decoded JSON (``json.loads`` of :func:`~.textio.decode_document`): one aspect's payload, a
            flat mix of aspects' fields, or ``{"<Aspect>": {...}, ...}``.
        received_at: ISO 8601 date-time with zone stamped on dynamic values that carry no time of their own
            (``batteryStatus`` always); without it such values are refused.
        on_invalid: ``"refuse"`` (default) raises on any problem; ``"omit"`` leaves invalid values out and lists
            them in the notes (a document that is not an object, or has an unreadable passport id, still raises).

    Returns:
        The record ``{"attributes": {...}}`` (units converted, not yet validated: pass it to
        :func:`batteryloop.domain.passport.values.check_attributes`) and the notes as ``(path, reason)``.

    Raises:
        MappingError: Listing every problem, each with the JSON path of the source field and a reason.
        InvalidInputError: ``field="received_at"`` or ``"on_invalid"`` for a bad argument.
    """
    received_at = check_received_at(received_at)
    mode = check_on_invalid(on_invalid)
    c = Collector()
    aspects = _split(c, document)
    for aspect, keys in ASPECT_KEYS.items():
        check_keys(c, aspects[aspect], aspect, keys)
    for container, keys in ((TECH, TECH_KEYS), (COND, COND_KEYS)):
        obj = aspects[PD].get(container)
        if obj is not None and as_object(c, obj, f"{PD}.{container}") is not None:
            check_keys(c, obj, f"{PD}.{container}", keys)
    for f in FIELDS:
        found = _locate(aspects[f.aspect], f)
        if found is not None:
            before = len(c.problems)
            c.set(f.key, _read_field(c, f, found[0], found[1], received_at))
            if f.key == "passport_id" and len(c.problems) > before:
                c.fatal = True
    read_general(c, aspects[GPI], received_at)
    read_labels(c, aspects[LAB])
    read_carbon_stages(c, aspects[CF])
    read_composition(c, aspects[MC])
    read_circularity(c, aspects[CIRC])
    read_performance(c, aspects[PD], received_at)
    return c.finish(mode)


def from_batterypass(document: object, *, received_at: str | None = None, on_invalid: OnInvalid = "refuse") -> Record:
    """Map a Battery Pass v1.2 document to a canonical record (see :func:`from_batterypass_with_notes`).

    Raises:
        MappingError: Listing every problem with the JSON path of its source field.
    """
    return from_batterypass_with_notes(document, received_at=received_at, on_invalid=on_invalid).record


# ------------------------------------------------------------------------------------------------- export
def _put(doc: dict[str, dict[str, Any]], aspect: str, path: tuple[str, ...], value: Any) -> None:
    node = doc[aspect]
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
        value = f"{value}-01T00:00:00Z"
    if not f.value_keys:
        return value
    written = {f.value_keys[0]: value}
    if reading is not None:
        written["lastUpdate"] = reading["recorded_at"]
    return written


def to_batterypass_with_notes(record: Mapping[str, Any]) -> Exported:
    """Write a canonical record as a combined seven-aspect Battery Pass v1.2 document, noting what is not carried.

    The document uses the model's key names and units (kg -> g, fractions -> %, ...).

    Args:
        record: A canonical, validated record ``{"attributes": {...}}``.

    Returns:
        ``{"<Aspect>": {...}}`` holding the aspects that have values, and the notes as ``(attribute key, reason)``.

    Raises:
        InvalidInputError: ``field="attributes"`` if the record has no attributes object.
    """
    attributes = record_attributes(record)
    doc: dict[str, dict[str, Any]] = {a: {} for a in ASPECTS}
    notes: list[tuple[str, str]] = []
    for f in FIELDS:
        if f.key in attributes:
            _put(doc, f.aspect, f.path, _write_field(f, attributes[f.key], notes))
    write_all(doc, attributes, notes)
    registry = get_attributes()
    for key in attributes:
        if key in NOT_CARRIED:
            notes.append((key, f"not carried: {NOT_CARRIED[key]}"))
        elif key not in registry:
            notes.append((key, "not a passport attribute; left out"))
    return Exported(document={a: v for a, v in doc.items() if v}, notes=tuple(notes))


def to_batterypass(record: Mapping[str, Any]) -> dict[str, Any]:
    """Write a canonical record as a Battery Pass v1.2 document (see :func:`to_batterypass_with_notes`)."""
    return to_batterypass_with_notes(record).document

"""Hypothesis strategies for canonical passport records (docs/passport-format.md), per exchange format.

Every generated record is a valid canonical record (values.check_attributes finds no problem), with values in
the normalised form the validator returns (stripped strings, ``YYYY-MM``, UTC times ending in ``Z``). Numbers
have at most a few decimals, as passports do; that keeps every unit change (g <-> kg, % <-> fraction) exact.
Each format gets only the attributes and value shapes it can carry; the module docstrings of
``batterypass.py``, ``catenax.py`` and ``csvformat.py`` say what they cannot carry and why.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from batteryloop.domain.chemistry import get_chemistry, list_chemistries
from batteryloop.domain.passport.attributes import get_attributes

RX = "2026-03-01T12:00:00Z"
"""The ``received_at`` passed to the importers; values the formats carry without a time are stamped with it."""
COMPONENTS = ("cathode", "anode", "electrolyte", "separator", "casing", "bms", "module_housing", "pack_housing",
              "cooling", "other")  # fmt: skip
RESISTANCE_COMPONENTS = ("pack", "module", "cell")
DOCUMENT_TYPES = ("bill_of_material", "model_3d", "dismantling_manual", "removal_manual", "other_manual", "drawing")
LABEL_ATTRIBUTES = {
    "separate_collection_symbol": "separate_collection",
    "cadmium_lead_symbols": "hazardous_material",
    "carbon_footprint_label": "carbon_footprint",
    "meaning_of_labels": "extinguishing_agent",
}
STAGE_KEYS = tuple(
    f"carbon_footprint_{s}_share" for s in ("raw_materials", "production", "distribution", "end_of_life")
)


def decimals(low: int, high: int, places: int = 3) -> st.SearchStrategy[float]:
    """Numbers in [low, high] with at most ``places`` decimals."""
    scale = 10**places
    return st.integers(low * scale, high * scale).map(lambda n: n / scale)


positive = decimals(0, 9_999).filter(lambda x: x > 0)
fractions = st.integers(0, 10_000).map(lambda n: n / 10_000)
half_fractions = st.integers(0, 5_000).map(lambda n: n / 10_000)
whole = st.integers(0, 10**6)
text = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=24)
    .map(str.strip)
    .filter(bool)
)
words = st.from_regex(r"[A-Za-z][A-Za-z0-9 .-]{0,20}[A-Za-z0-9]", fullmatch=True)
urls = st.from_regex(r"https://example\.(com|org)/[a-z0-9]{1,12}(\.pdf)?", fullmatch=True)
emails = st.from_regex(r"[a-z]{1,8}\.[a-z]{1,8}@example\.com", fullmatch=True)
countries = st.sampled_from(["DE", "FR", "PL", "SE", "CN", "KR", "US", "JP"])
months = st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(2000, 2040), st.integers(1, 12))
urn_ids = st.from_regex(r"urn:[a-z0-9]{1,8}:[A-Za-z0-9._-]{1,16}", fullmatch=True)
uuid_ids = st.uuids().map(lambda u: f"urn:uuid:{u}")
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def zoned(minutes: int) -> str:
    """A UTC time ``minutes`` after 2024-01-01, as the validator writes it."""
    return (_EPOCH + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


times = st.integers(0, 10**6).map(zoned)


def series(values: st.SearchStrategy[Any], *, max_size: int = 1, at: str | None = None) -> st.SearchStrategy[Any]:
    """A time series of ``[{value, recorded_at}]``, oldest first, distinct times (``at`` fixes a one-reading time)."""
    if at is not None:
        return values.map(lambda v: [{"value": v, "recorded_at": at}])
    stamps = st.lists(st.integers(0, 10**6), min_size=1, max_size=max_size, unique=True).map(sorted)
    return stamps.flatmap(
        lambda ts: st.lists(values, min_size=len(ts), max_size=len(ts)).map(
            lambda vs: [{"value": v, "recorded_at": zoned(t)} for v, t in zip(vs, ts, strict=True)]
        )
    )


def _optional(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=fields)


def contact() -> st.SearchStrategy[dict[str, Any]]:
    required = st.fixed_dictionaries({"name": text, "country": countries})
    optional = _optional(identifier=text, postal_code=words, street=words, email=emails, web=urls)
    return st.tuples(required, optional).map(lambda t: {**t[0], **t[1]})


def address(*, city: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    extra = {"city": words} if city else {}
    return st.tuples(
        st.fixed_dictionaries({"country": countries}), _optional(postal_code=words, street=words, **extra)
    ).map(lambda t: {**t[0], **t[1]})


def chemistry(*, name_resolves: bool) -> st.SearchStrategy[dict[str, Any]]:
    """``{"code", "name"?}``; with ``name_resolves`` the name is an alias naming the same chemistry."""
    if not name_resolves:
        return st.builds(
            lambda code, name: {"code": code} if name is None else {"code": code, "name": name},
            st.sampled_from([c.code for c in list_chemistries()]),
            st.none() | text,
        )
    pairs = []
    for chem in list_chemistries():
        pairs.append({"code": chem.code})
        for alias in chem.aliases:
            try:
                if get_chemistry(alias).code == chem.code and alias != chem.code:
                    pairs.append({"code": chem.code, "name": alias})
            except Exception:  # a name that does not resolve is simply not offered
                continue
    return st.sampled_from(pairs)


def label(subject: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.tuples(
        st.fixed_dictionaries({"subject": st.just(subject), "meaning": text}), _optional(symbol_url=urls)
    ).map(lambda t: {**t[0], **t[1]})


def material() -> st.SearchStrategy[dict[str, Any]]:
    required = st.fixed_dictionaries(
        {"name": text, "mass_kg": decimals(0, 1).filter(lambda x: x > 0), "component": st.sampled_from(COMPONENTS),
         "critical_raw_material": st.booleans()}
    )  # fmt: skip
    return st.tuples(
        required, _optional(cas=st.sampled_from(["7440-02-0", "7439-93-2", "7440-48-4", "7782-42-5"]))
    ).map(lambda t: {**t[0], **t[1]})


def substance() -> st.SearchStrategy[dict[str, Any]]:
    required = st.fixed_dictionaries(
        {"name": text, "hazard_class": text, "concentration_share": fractions, "impacts": st.lists(text, max_size=3),
         "component": st.sampled_from(COMPONENTS)}
    )  # fmt: skip
    return st.tuples(required, _optional(cas=st.just("21324-40-3"))).map(lambda t: {**t[0], **t[1]})


def document(types: tuple[str, ...] = DOCUMENT_TYPES) -> st.SearchStrategy[dict[str, Any]]:
    required = st.fixed_dictionaries({"type": st.sampled_from(types), "url": urls})
    return st.tuples(required, _optional(mime_type=st.sampled_from(["application/pdf", "text/html"]))).map(
        lambda t: {**t[0], **t[1]}
    )


parts = st.lists(st.fixed_dictionaries({"part_name": text, "part_number": words}), min_size=1, max_size=3)


def spare_source(*, city: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    required = st.fixed_dictionaries({"supplier": text, "parts": parts})
    return st.tuples(required, _optional(address=address(city=city), email=emails, web=urls)).map(
        lambda t: {**t[0], **t[1]}
    )


def per_component(name: str, values: st.SearchStrategy[float]) -> st.SearchStrategy[list[dict[str, Any]]]:
    """One value per component, in the order pack, module, cell."""
    chosen = st.lists(st.sampled_from(RESISTANCE_COMPONENTS), min_size=1, unique=True).map(
        lambda cs: [c for c in RESISTANCE_COMPONENTS if c in cs]
    )
    return chosen.flatmap(
        lambda cs: st.lists(values, min_size=len(cs), max_size=len(cs)).map(
            lambda vs: [{"component": c, name: v} for c, v in zip(cs, vs, strict=True)]
        )
    )


@st.composite
def stage_shares(draw: st.DrawFn, *, complete: bool) -> dict[str, float]:
    """Carbon-footprint stage shares adding up to at most 1 (exactly 1 when ``complete``)."""
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=3, max_size=3)))
    parts_ = [cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], 10_000 - cuts[2]]
    shares = {k: p / 10_000 for k, p in zip(STAGE_KEYS, parts_, strict=True)}
    if complete:
        return shares
    keep = draw(st.lists(st.sampled_from(STAGE_KEYS), unique=True))
    return {k: shares[k] for k in keep}


@st.composite
def voltages_and_temperatures(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {}
    volts = sorted(draw(st.lists(decimals(1, 1000, 1).filter(lambda v: v > 0), min_size=3, max_size=3)))
    for key, v in zip(("minimum_voltage_v", "nominal_voltage_v", "maximum_voltage_v"), volts, strict=True):
        if draw(st.booleans()):
            out[key] = v
    low, high = sorted(draw(st.lists(st.integers(-1000, 2000), min_size=2, max_size=2, unique=True)))
    if draw(st.booleans()):
        out["idle_temperature_lower_c"] = low / 10
    if draw(st.booleans()):
        out["idle_temperature_upper_c"] = high / 10
    return out


def recycled_shares() -> st.SearchStrategy[dict[str, float]]:
    return _optional(**{f"recycled_{m}_{s}_consumer_share": half_fractions
                        for m in ("nickel", "cobalt", "lithium", "lead") for s in ("pre", "post")})  # fmt: skip


def events(*, occurred: bool) -> st.SearchStrategy[list[dict[str, Any]]]:
    if not occurred:
        return st.lists(st.fixed_dictionaries({"description": text}), min_size=1, max_size=3)
    return st.lists(st.fixed_dictionaries({"description": text, "occurred_at": times}), min_size=1, max_size=3)


def build(parts_: list[dict[str, Any]]) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    for part in parts_:
        attributes.update(part)
    return {"attributes": attributes}


def dynamic_keys() -> set[str]:
    return {k for k, a in get_attributes().items() if a.is_dynamic}


STATUSES = ("original", "repurposed", "re-used", "remanufactured", "waste")
SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "battery_id": text,
    "manufacturing_date": months,
    "putting_into_service_date": months,
    "warranty_period": st.integers(0, 240),
    "battery_mass_kg": decimals(10, 9_999),
    "declaration_of_conformity": urls,
    "test_reports": urls,
    "carbon_footprint_performance_class": st.sampled_from("ABCDE"),
    "carbon_footprint_study": urls,
    "carbon_footprint_general_information": text,
    "absolute_carbon_footprint_t_co2e": decimals(1, 100_000),
    "due_diligence_report": urls,
    "third_party_assurances": urls,
    "supply_chain_indices": decimals(0, 100, 2),
    "safety_measures": urls,
    "end_user_waste_prevention_information": urls,
    "end_user_separate_collection_information": urls,
    "collection_second_life_treatment_information": urls,
    "renewable_content_share": fractions,
    "rated_capacity_ah": positive,
    "capacity_fade_rate": fractions,
    "certified_usable_energy_kwh": positive,
    "original_power_capability_w": positive,
    "power_fade_rate": fractions,
    "maximum_permitted_power_w": positive,
    "power_to_energy_ratio_w_per_wh": decimals(0, 100).filter(lambda x: x > 0),
    "initial_round_trip_efficiency_rate": fractions,
    "round_trip_efficiency_at_half_cycle_life_rate": fractions,
    "round_trip_efficiency_fade_rate": fractions,
    "initial_self_discharge_rate_per_month": fractions,
    "expected_lifetime_years": decimals(1, 30, 1),
    "expected_lifetime_cycles": whole,
    "cycle_life_reference_test": text,
    "cycle_life_test_c_rate": decimals(0, 10, 2).filter(lambda x: x > 0),
    "capacity_threshold_for_exhaustion_share": fractions,
    "extinguishing_agent": st.lists(text, min_size=1, max_size=3),
    "dismantling_manuals": st.lists(document(), min_size=1, max_size=3),
    "part_numbers": parts,
}
"""Values of the static attributes that need no cross-attribute care."""
READINGS: dict[str, st.SearchStrategy[Any]] = {
    "remaining_usable_energy_kwh": decimals(0, 999),
    "state_of_certified_energy_share": fractions,
    "state_of_charge_share": fractions,
    "remaining_power_capability_w": decimals(0, 99_999),
    "remaining_round_trip_efficiency_rate": fractions,
    "current_self_discharge_rate_per_month": fractions,
    "self_discharge_evolution_rate": fractions,
    "full_cycles": whole,
    "energy_throughput_kwh": decimals(0, 10**6),
    "capacity_throughput_ah": decimals(0, 10**6),
    "remaining_capacity_ah": decimals(0, 999),
    "temperature_information": decimals(-50, 100, 1),
    "minutes_above_temperature_boundary": whole,
    "minutes_below_temperature_boundary": whole,
    "minutes_charging_above_temperature_boundary": whole,
    "minutes_charging_below_temperature_boundary": whole,
    "deep_discharge_events": whole,
    "overcharge_events": whole,
    "battery_status": st.sampled_from(STATUSES),
    "accident_information": events(occurred=False) | events(occurred=True),
}
"""Values of one reading of each dynamic attribute."""
MINUTE_KEYS = tuple(k for k in READINGS if k.startswith("minutes_"))


def _pick(
    draw: st.DrawFn, table: dict[str, st.SearchStrategy[Any]], keys: tuple[str, ...] | list[str]
) -> dict[str, Any]:
    return draw(_optional(**{k: table[k] for k in keys}))


@st.composite
def _materials(draw: st.DrawFn, attributes: dict[str, Any], *, derived: bool) -> None:
    materials = draw(st.lists(material(), max_size=4))
    if materials:
        attributes["cathode_anode_electrolyte_materials"] = materials
    critical = list(dict.fromkeys(m["name"] for m in materials if m["critical_raw_material"]))
    if derived and critical:
        attributes["critical_raw_materials"] = critical
    elif not derived and draw(st.booleans()):
        attributes["critical_raw_materials"] = draw(st.lists(text, min_size=1, max_size=3))
    substances = draw(st.lists(substance(), max_size=3))
    if substances:
        attributes["hazardous_substances"] = substances
    impacts = list(dict.fromkeys(i for s in substances for i in s["impacts"]))
    if derived and impacts:
        attributes["hazardous_substance_impacts"] = impacts
    elif not derived and draw(st.booleans()):
        attributes["hazardous_substance_impacts"] = draw(st.lists(text, min_size=1, max_size=3))


BP_STATIC = [k for k in SCALARS if k not in ("carbon_footprint_general_information", "part_numbers")]
BP_TIMED = ["remaining_usable_energy_kwh", "state_of_certified_energy_share", "state_of_charge_share",
            "remaining_power_capability_w", "remaining_round_trip_efficiency_rate",
            "current_self_discharge_rate_per_month", "self_discharge_evolution_rate", "full_cycles",
            "energy_throughput_kwh", "capacity_throughput_ah"]  # fmt: skip


@st.composite
def batterypass_records(draw: st.DrawFn) -> dict[str, Any]:
    """Records whose every value the Battery Pass v1.2 model carries (see batterypass.py)."""
    a: dict[str, Any] = {"passport_id": draw(urn_ids), **_pick(draw, SCALARS, BP_STATIC)}
    a |= draw(_optional(operator_information=contact(), manufacturer_information=contact(),
                        manufacturing_place=address(city=False),
                        battery_category=st.sampled_from(["ev", "lmt", "industrial", "stationary"]),
                        battery_status=series(st.sampled_from(STATUSES), at=RX),
                        battery_chemistry=chemistry(name_resolves=False),
                        spare_part_sources=st.lists(spare_source(city=False), min_size=1, max_size=2),
                        initial_internal_resistance_ohm=per_component("ohm", positive),
                        internal_resistance_increase_rate=per_component("rate", fractions),
                        **{k: series(READINGS[k]) for k in BP_TIMED}))  # fmt: skip
    for key, subject in LABEL_ATTRIBUTES.items():
        labels = draw(st.lists(label(subject), max_size=2))
        if labels:
            a[key] = labels
    draw(_materials(a, derived=True))
    if draw(st.booleans()):
        a["carbon_footprint_kg_co2e_per_kwh"] = draw(decimals(1, 500))
        a |= draw(stage_shares(complete=False))
    a |= draw(recycled_shares()) | draw(voltages_and_temperatures())
    if "nominal_voltage_v" in a and draw(st.booleans()):
        a["remaining_capacity_ah"] = draw(series(READINGS["remaining_capacity_ah"]))
    at = draw(times)
    for key in MINUTE_KEYS:
        if draw(st.booleans()):
            a[key] = [{"value": draw(whole), "recorded_at": at}]
    if draw(st.booleans()):
        happened = draw(events(occurred=True))
        a["accident_information"] = [{"value": happened, "recorded_at": max(e["occurred_at"] for e in happened)}]
    return {"attributes": a}


CX_STATIC = ["battery_id", "manufacturing_date", "putting_into_service_date", "warranty_period", "battery_mass_kg",
             "declaration_of_conformity", "test_reports", "due_diligence_report", "third_party_assurances",
             "safety_measures", "end_user_waste_prevention_information", "end_user_separate_collection_information",
             "rated_capacity_ah", "capacity_threshold_for_exhaustion_share", "certified_usable_energy_kwh",
             "maximum_permitted_power_w", "original_power_capability_w", "initial_round_trip_efficiency_rate",
             "round_trip_efficiency_at_half_cycle_life_rate", "initial_self_discharge_rate_per_month",
             "expected_lifetime_years", "expected_lifetime_cycles", "cycle_life_test_c_rate", "capacity_fade_rate",
             "power_fade_rate", "round_trip_efficiency_fade_rate", "extinguishing_agent", "part_numbers"]  # fmt: skip
CX_TIMED = ["state_of_charge_share", "full_cycles", "remaining_capacity_ah", "capacity_throughput_ah",
            "state_of_certified_energy_share", "remaining_usable_energy_kwh", "energy_throughput_kwh",
            "remaining_power_capability_w", "remaining_round_trip_efficiency_rate"]  # fmt: skip
CX_DOCUMENT_TYPES = ("dismantling_manual", "removal_manual")


@st.composite
def catenax_records(draw: st.DrawFn) -> dict[str, Any]:
    """Records whose every value the Catena-X battery pass 6.1.0 carries (see catenax.py)."""
    a: dict[str, Any] = {"passport_id": draw(uuid_ids), **_pick(draw, SCALARS, CX_STATIC)}
    a |= draw(_optional(battery_category=st.sampled_from(["ev", "lmt", "industrial"]),
                        battery_chemistry=chemistry(name_resolves=True),
                        battery_status=series(st.sampled_from(STATUSES), at=RX),
                        current_self_discharge_rate_per_month=series(fractions, at=RX),
                        accident_information=series(events(occurred=False), at=RX),
                        initial_internal_resistance_ohm=per_component("ohm", positive),
                        internal_resistance_increase_rate=per_component("rate", fractions),
                        **{k: series(READINGS[k]) for k in CX_TIMED}))  # fmt: skip
    manuals = draw(st.lists(document(CX_DOCUMENT_TYPES), max_size=3))
    if manuals:
        a["dismantling_manuals"] = sorted(manuals, key=lambda d: CX_DOCUMENT_TYPES.index(d["type"]))
    if draw(st.booleans()):
        a["carbon_footprint_kg_co2e_per_kwh"] = draw(decimals(1, 500))
        a |= draw(stage_shares(complete=True))
        if draw(st.booleans()):
            a["carbon_footprint_performance_class"] = draw(SCALARS["carbon_footprint_performance_class"])
    a |= draw(voltages_and_temperatures())
    return {"attributes": a}


@st.composite
def csv_records(draw: st.DrawFn) -> dict[str, Any]:
    """Records over all 93 attributes, time series of up to three readings (the CSV format carries everything)."""
    a: dict[str, Any] = {"passport_id": draw(urn_ids | uuid_ids), **_pick(draw, SCALARS, list(SCALARS))}
    a |= draw(_optional(operator_information=contact(), manufacturer_information=contact(),
                        manufacturing_place=address(), battery_chemistry=chemistry(name_resolves=False),
                        battery_category=st.sampled_from(["ev", "lmt", "industrial", "stationary"]),
                        spare_part_sources=st.lists(spare_source(), min_size=1, max_size=2),
                        initial_internal_resistance_ohm=per_component("ohm", positive),
                        internal_resistance_increase_rate=per_component("rate", fractions),
                        **{k: series(v, max_size=3) for k, v in READINGS.items()}))  # fmt: skip
    for key in LABEL_ATTRIBUTES:
        labels = draw(st.lists(label(draw(st.sampled_from([*LABEL_ATTRIBUTES.values(), "other"]))), max_size=2))
        if labels:
            a[key] = labels
    draw(_materials(a, derived=False))
    if draw(st.booleans()):
        a["carbon_footprint_kg_co2e_per_kwh"] = draw(decimals(1, 500))
    a |= draw(stage_shares(complete=False)) | draw(recycled_shares()) | draw(voltages_and_temperatures())
    return {"attributes": a}

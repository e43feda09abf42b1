"""Catena-X battery pass 6.1.0: the published sample (eclipse-tractusx/sldt-semantic-models, gen/BatteryPass.json).

What is asserted about the sample, read as it is:

- Strictly (the default), it imports: its one unusable value, ``operation.intoServiceDate`` = ``"7172-75-08"``
  (it matches the model's pattern ``^\\d{4}-\\d{2}-\\d{2}$`` but month 75 is no calendar date), is the date of
  putting into service, which is left out with a note (``LENIENT`` in the mappers); anything else unusable refuses.
- With ``on_invalid="omit"`` it imports the same way: 49 attributes, the values checked below with their unit arithmetic, and
  the record passes the canonical validator. The notes name every value read but not stored: the invalid date,
  the ambiguous chemistry "Nickel Cobalt Manganese (NCM)", the ``SLI`` category, the warranty of 36 days, the
  single stage footprint, the recycled shares without pre/post split, the hazardous materials without a hazard
  class, the EC number typed as CAS, the ``Housing`` location.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batteryloop.domain.passport.exchange import (
    MappingError,
    from_catenax,
    from_catenax_with_notes,
    to_catenax,
    to_catenax_with_notes,
)
from batteryloop.domain.passport.values import check_attributes

from ._files import CATENAX, load
from .strategies import RX, catenax_records, material

SAMPLE = CATENAX / "BatteryPass.json"
TIME = "2023-12-07T10:39:13.576+01:00"


def test_the_sample_imports_strictly_leaving_out_its_one_impossible_date() -> None:
    strict = from_catenax_with_notes(load(SAMPLE), received_at=RX)
    assert "putting_into_service_date" not in strict.record["attributes"]
    assert (
        "operation.intoServiceDate",
        "left out: the string '7172-75-08' is not a calendar date (YYYY-MM-DD, YYYY-MM or an ISO 8601 date-time)",
    ) in strict.notes
    assert strict == from_catenax_with_notes(load(SAMPLE), received_at=RX, on_invalid="omit")


def test_any_other_impossible_date_still_refuses_strictly() -> None:
    document = load(SAMPLE)
    document["operation"]["manufacturer"]["manufacturingDate"] = "2024-13-01"
    with pytest.raises(MappingError) as caught:
        from_catenax(document, received_at=RX)
    assert [path for path, _ in caught.value.problems] == ["operation.manufacturer.manufacturingDate"]


def test_the_sample_imports_leaving_out_what_it_cannot_state() -> None:
    mapped = from_catenax_with_notes(load(SAMPLE), received_at=RX, on_invalid="omit")
    a = mapped.record["attributes"]
    assert a["passport_id"] == "urn:uuid:550e8400-e29b-41d4-a716-446655440000"
    assert a["battery_id"] == "SN12345678"  # the partInstanceId serial
    assert a["battery_mass_kg"] == 20.0 / 1000  # {"value": 20.0, "unit": "unit:gram"}
    assert a["battery_status"] == [{"value": "original", "recorded_at": RX}]
    assert a["manufacturing_date"] == "2000-01"
    assert a["capacity_threshold_for_exhaustion_share"] == 0.8  # 80.0 %
    assert a["initial_round_trip_efficiency_rate"] == 0.96
    assert a["round_trip_efficiency_at_half_cycle_life_rate"] == 0.89
    assert a["initial_self_discharge_rate_per_month"] == 0.0025  # 0.25 %/month
    assert a["current_self_discharge_rate_per_month"] == [{"value": 0.0025, "recorded_at": RX}]
    assert (a["minimum_voltage_v"], a["nominal_voltage_v"], a["maximum_voltage_v"]) == (2.5, 3.7, 4.2)
    assert a["maximum_permitted_power_w"] == 40000.0
    assert a["original_power_capability_w"] == 39000.0  # at80SoC
    assert a["initial_internal_resistance_ohm"] == [
        {"component": "pack", "ohm": 0.55}, {"component": "module", "ohm": 0.2}, {"component": "cell", "ohm": 0.025}
    ]  # fmt: skip
    assert a["internal_resistance_increase_rate"] == [{"component": c, "rate": 0.5} for c in ("pack", "module", "cell")]
    assert a["state_of_charge_share"] == [{"value": 0.5, "recorded_at": TIME}]
    assert a["remaining_capacity_ah"] == [{"value": 4.0, "recorded_at": TIME}]
    assert a["capacity_fade_rate"] == 0.5  # static: the time is dropped
    assert a["full_cycles"] == [{"value": 1500, "recorded_at": TIME}]
    assert (a["expected_lifetime_years"], a["expected_lifetime_cycles"], a["cycle_life_test_c_rate"]) == (8, 1500, 4.0)
    assert (a["idle_temperature_lower_c"], a["idle_temperature_upper_c"]) == (-18.0, 60.0)
    assert a["carbon_footprint_performance_class"] == "A"
    assert a["extinguishing_agent"] == ["Dry Powder"]
    assert a["dismantling_manuals"] == [
        {"type": "dismantling_manual", "url": "https://dummy.link"},
        {"type": "removal_manual", "url": "https://dummy.link"},
    ]
    assert a["part_numbers"] == [{"part_name": "Mirror left", "part_number": "123-0.740-3434-A"}]
    assert a["accident_information"] == [{"value": [{"description": "https://dummy.link"}], "recorded_at": RX}]
    [phenolphthalein] = a["cathode_anode_electrolyte_materials"]
    assert math.isclose(phenolphthalein["mass_kg"], 5.3e-6 * 0.02)  # 5.3 ppm of a 20 g battery
    assert phenolphthalein == {"name": "phenolphthalein", "mass_kg": phenolphthalein["mass_kg"], "component": "other",
                               "critical_raw_material": True}  # fmt: skip
    for key in (
        "declaration_of_conformity",
        "test_reports",
        "third_party_assurances",
        "due_diligence_report",
        "safety_measures",
        "end_user_separate_collection_information",
        "end_user_waste_prevention_information",
    ):
        assert a[key] == "https://dummy.link"  # fmt: skip
    assert len(a) == 49
    assert check_attributes(a)[1] == []

    notes = dict(mapped.notes)
    assert notes["operation.intoServiceDate"].startswith("left out: the string '7172-75-08' is not a calendar date")
    assert "'Nickel Cobalt Manganese (NCM)' is ambiguous" in notes["identification.chemistry"]
    assert "NMC111, NMC532, NMC622, NMC811" in notes["identification.chemistry"]
    assert "'SLI'" in notes["identification.category"]
    assert "36 days" in notes["characteristics.warranty"]
    assert "1 of the 4 life-cycle stages" in notes["sustainability.carbonFootprint"]
    assert "EC number" in notes["materials.composition[0].id[0].id"]  # 201-004-7 is phenolphthalein's EC number
    assert "'Housing'" in notes["materials.composition[0].location"]
    assert "hazard class" in notes["materials.hazardous"]
    assert {f"materials.active.{m}.recycled" for m in ("nickel", "cobalt", "lithium", "lead")} <= set(notes)
    assert len(notes) == 12


def _sample() -> dict[str, Any]:
    document = copy.deepcopy(load(SAMPLE))
    document["operation"]["intoServiceDate"] = "2001-02-03"
    return document


def test_a_corrected_sample_imports_strictly() -> None:
    record = from_catenax(_sample(), received_at=RX)
    assert record["attributes"]["putting_into_service_date"] == "2001-02"


def test_a_broken_document_is_refused_with_every_error_listed() -> None:
    document = _sample()
    document["sustainability"]["status"] = "Orignal"
    document["characteristics"]["physicalDimension"]["weight"] = {"value": 452.0, "unit": "unit:stone"}
    document["identification"]["chemistry"] = "Unobtainium"
    document["performance"]["dynamic"]["stateOfCharge"]["value"] = -5.0
    document["materials"]["composition"][0]["id"][0] = {"type": "CAS", "id": "banana", "name": "x"}
    with pytest.raises(MappingError) as caught:
        from_catenax(document, received_at=RX)
    problems = dict(caught.value.problems)
    assert set(problems) == {
        "sustainability.status",
        "characteristics.physicalDimension.weight.unit",
        "identification.chemistry",
        "performance.dynamic.stateOfCharge.value",
    }
    assert "did you mean 'original'" in problems["sustainability.status"]
    assert "unit:stone" in problems["characteristics.physicalDimension.weight.unit"]
    assert "unknown chemistry 'Unobtainium'" in problems["identification.chemistry"]
    # without a weight the composition is only noted; with one, the random CAS is refused:
    document["characteristics"]["physicalDimension"]["weight"]["unit"] = "unit:kilogram"
    with pytest.raises(MappingError) as caught:
        from_catenax(document, received_at=RX)
    assert "not a CAS registry number" in dict(caught.value.problems)["materials.composition[0].id[0].id"]


def test_a_passport_identifier_that_is_no_uuid_refuses_even_when_omitting() -> None:
    document = _sample()
    document["metadata"]["passportIdentifier"] = "urn:acme:bp000123"
    with pytest.raises(MappingError, match="not a UUID"):
        from_catenax(document, received_at=RX, on_invalid="omit")
    document["metadata"]["passportIdentifier"] = "550E8400-E29B-41D4-A716-446655440000"
    assert from_catenax(document, received_at=RX)["attributes"]["passport_id"] == (
        "urn:uuid:550E8400-E29B-41D4-A716-446655440000"
    )


@pytest.mark.parametrize(
    ("text", "chemistry"),
    [("NCM811", {"code": "NMC811", "name": "NCM811"}), ("LFP", {"code": "LFP"}),
     ("LiFePO4", {"code": "LFP", "name": "LiFePO4"})],
)  # fmt: skip
def test_a_clear_chemistry_name_maps_to_its_code(text: str, chemistry: dict[str, str]) -> None:
    assert from_catenax({"identification": {"chemistry": text}})["attributes"]["battery_chemistry"] == chemistry


@pytest.mark.parametrize(
    ("value", "unit", "kg"),
    [(20.0, "unit:gram", 0.02), (452, "unit:kilogram", 452), (0.452, "unit:tonneMetricTon", 452.0),
     (1000, "unit:pound", 453.59237)],
)  # fmt: skip
def test_weight_units(value: float, unit: str, kg: float) -> None:
    document = {"characteristics": {"physicalDimension": {"weight": {"value": value, "unit": unit}}}}
    assert from_catenax(document)["attributes"]["battery_mass_kg"] == kg


def test_four_stages_give_the_total_and_the_shares() -> None:
    stages = [("raw material acquisition and pre-processing", 30.69), ("main product production", 34.1),
              ("distribution", 1.364), ("end of life and recycling", 2.046)]  # fmt: skip
    footprint = [{"lifecycle": s, "type": "Climate Change Total", "unit": "kg CO2 / kWh", "value": v, "performanceClass": "B"}
                 for s, v in stages]  # fmt: skip
    a = from_catenax({"sustainability": {"carbonFootprint": footprint}})["attributes"]
    assert a["carbon_footprint_kg_co2e_per_kwh"] == 68.2  # 30.69 + 34.1 + 1.364 + 2.046
    assert (a["carbon_footprint_raw_materials_share"], a["carbon_footprint_production_share"]) == (0.45, 0.5)
    assert (a["carbon_footprint_distribution_share"], a["carbon_footprint_end_of_life_share"]) == (0.02, 0.03)
    assert a["carbon_footprint_performance_class"] == "B"
    assert from_catenax(to_catenax({"attributes": a}))["attributes"] == a


def test_export_notes_what_catenax_cannot_carry() -> None:
    record = {"attributes": {"passport_id": "urn:acme:1", "battery_category": "stationary",
                             "recycled_nickel_pre_consumer_share": 0.1, "carbon_footprint_kg_co2e_per_kwh": 60.0}}  # fmt: skip
    exported = to_catenax_with_notes(record)
    assert set(dict(exported.notes)) == set(record["attributes"])
    assert exported.document == {"specVersion": "urn:io.catenax.battery.battery_pass:6.1.0"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catenax_records())
def test_import_of_export_is_identity(record: dict[str, Any]) -> None:
    exported = to_catenax_with_notes(record)
    assert exported.notes == ()
    assert from_catenax(exported.document, received_at=RX) == record


@given(st.lists(material(), min_size=1, max_size=4), st.integers(10_000, 9_999_000).map(lambda g: g / 1000))
def test_material_masses_round_trip_through_concentrations_to_float_precision(materials, battery_kg) -> None:
    record = {"attributes": {"battery_mass_kg": battery_kg, "cathode_anode_electrolyte_materials": materials}}
    back = from_catenax(to_catenax(record))["attributes"]["cathode_anode_electrolyte_materials"]
    assert [{**m, "mass_kg": 0} for m in back] == [{**m, "mass_kg": 0} for m in materials]
    for got, sent in zip(back, materials, strict=True):
        assert math.isclose(got["mass_kg"], sent["mass_kg"], rel_tol=1e-12)

"""Battery Pass v1.2 documents written by hand with the model's own field names (reference §1.4 and §1.7).

Unit fixes are checked with the arithmetic written out; broken documents, tried as a new user would write them,
must be refused with every error listed; import(export(x)) == x on generated canonical records.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.passport.exchange import (
    MappingError,
    from_batterypass,
    from_batterypass_with_notes,
    to_batterypass,
    to_batterypass_with_notes,
)
from batteryloop.domain.passport.values import check_attributes

from .strategies import RX, batterypass_records

# reference/passport-data-model.md §1.7, verbatim: one Battery Pass-style passport, one object per aspect.
EXAMPLE_17: dict[str, Any] = {
    "GeneralProductInformation": {
        "batteryPassportIdentifier": "urn:acme:bp000123", "productIdentifier": "PACK-77-SN0001",
        "batteryCategory": "ev", "batteryStatus": "Waste", "batteryMass": 452.0,
        "manufacturingDate": "2025-03-01T00:00:00Z", "puttingIntoService": "2025-05-10T00:00:00Z",
        "manufacturerInformation": {"contactName": "ACME Cells GmbH", "identifier": "4012345000009",
            "postalAddress": {"addressCountry": "DE", "postalCode": "10719", "streetAddress": "Hindenburgstr. 10"}},
        "manufacturingPlace": {"addressCountry": "DE", "postalCode": "01067", "streetAddress": "Werkstr. 1"},
    },
    "MaterialComposition": {
        "batteryChemistry": {"shortName": "NMC811", "clearName": "Lithium nickel manganese cobalt oxide / graphite"},
        "batteryMaterials": [{"batteryMaterialName": "Nickel", "batteryMaterialIdentifier": "7440-02-0",
            "batteryMaterialMass": 38500.0, "isCriticalRawMaterial": True,
            "batteryMaterialLocation": {"componentName": "Cathode"}}],
        "hazardousSubstances": [{"hazardousSubstanceName": "Lithium hexafluorophosphate",
            "hazardousSubstanceIdentifier": "21324-40-3", "hazardousSubstanceClass": "AcuteToxicity",
            "hazardousSubstanceConcentration": 1.2, "hazardousSubstanceImpact": ["H301", "H314", "H372"],
            "hazardousSubstanceLocation": {"componentName": "Electrolyte"}}],
    },
    "Circularity": {
        "dismantlingAndRemovalInformation": [{"documentType": "DismantlingManual", "mimeType": "application/pdf",
            "documentURL": "https://example.com/dm.pdf"}],
        "recycledContent": [{"recycledMaterial": "Cobalt", "preConsumerShare": 4.0, "postConsumerShare": 8.0}],
        "safetyMeasures": {"safetyInstructions": "https://example.com/safety.pdf", "extinguishingAgent": ["Water"]},
        "renewableContent": 0.0,
    },
    "PerformanceAndDurability": {
        "batteryTechicalProperties": {"ratedCapacity": 210.0, "ratedEnergy": 77.0, "nominalVoltage": 400.0},
        "batteryCondition": {"stateOfCertifiedEnergy": {"stateOfCertifiedEnergyValue": 81.5, "lastUpdate": "2026-01-02T10:00:00Z"},
            "numberOfFullCycles": {"numberOfFullCyclesValue": 1240, "lastUpdate": "2026-01-02T10:00:00Z"}},
    },
    "CarbonFootprintForBatteries": {"batteryCarbonFootprint": 68.2, "carbonFootprintPerformanceClass": "B",
        "carbonFootprintStudy": "https://example.com/cfp.pdf"},
}  # fmt: skip


def test_the_reference_example_maps_with_the_unit_fixes() -> None:
    mapped = from_batterypass_with_notes(EXAMPLE_17, received_at=RX)
    a = mapped.record["attributes"]
    assert mapped.notes == ()
    assert a["cathode_anode_electrolyte_materials"] == [
        {"name": "Nickel", "cas": "7440-02-0", "mass_kg": 38500.0 / 1000, "component": "cathode",
         "critical_raw_material": True}
    ]  # fmt: skip
    assert a["cathode_anode_electrolyte_materials"][0]["mass_kg"] == 38.5
    assert a["hazardous_substances"][0]["concentration_share"] == 0.012  # 1.2 % / 100
    assert a["hazardous_substances"][0]["component"] == "electrolyte"
    assert a["recycled_cobalt_pre_consumer_share"] == 0.04  # 4.0 % / 100
    assert a["recycled_cobalt_post_consumer_share"] == 0.08  # 8.0 % / 100
    assert a["renewable_content_share"] == 0.0
    assert a["state_of_certified_energy_share"] == [{"value": 0.815, "recorded_at": "2026-01-02T10:00:00Z"}]
    assert a["full_cycles"] == [{"value": 1240, "recorded_at": "2026-01-02T10:00:00Z"}]
    assert a["battery_status"] == [{"value": "waste", "recorded_at": RX}]  # "Waste", stamped on receipt
    assert a["battery_mass_kg"] == 452.0  # batteryMass is kg in the model already
    assert a["manufacturing_date"] == "2025-03"
    assert a["putting_into_service_date"] == "2025-05"
    assert a["battery_chemistry"] == {"code": "NMC811", "name": "Lithium nickel manganese cobalt oxide / graphite"}
    assert a["critical_raw_materials"] == ["Nickel"]  # the materials flagged isCriticalRawMaterial
    assert a["hazardous_substance_impacts"] == ["H301", "H314", "H372"]
    assert a["manufacturer_information"] == {"name": "ACME Cells GmbH", "identifier": "4012345000009", "country": "DE",
                                             "postal_code": "10719", "street": "Hindenburgstr. 10"}  # fmt: skip
    assert a["rated_capacity_ah"] == 210.0
    assert a["certified_usable_energy_kwh"] == 77.0
    assert a["carbon_footprint_kg_co2e_per_kwh"] == 68.2
    assert len(a) == 28
    assert check_attributes(a)[1] == []  # and it is a valid canonical record


def test_the_reference_example_round_trips() -> None:
    record = from_batterypass(EXAMPLE_17, received_at=RX)
    document = to_batterypass(record)
    assert document["MaterialComposition"]["batteryMaterials"][0]["batteryMaterialMass"] == 38500.0  # kg -> g
    assert document["GeneralProductInformation"]["batteryStatus"] == "Waste"
    assert document["GeneralProductInformation"]["manufacturingDate"] == "2025-03-01T00:00:00Z"
    assert from_batterypass(document, received_at=RX) == record


def test_each_aspect_alone_and_a_flat_mix_are_recognised_by_their_keys() -> None:
    combined = from_batterypass(EXAMPLE_17, received_at=RX)
    merged: dict[str, Any] = {}
    for aspect in EXAMPLE_17.values():
        merged |= aspect
    assert from_batterypass(merged, received_at=RX) == combined
    alone = from_batterypass(EXAMPLE_17["MaterialComposition"])
    assert alone["attributes"]["battery_chemistry"]["code"] == "NMC811"
    labels = from_batterypass({"Labels": {"declarationOfConformity": "https://example.com/doc.pdf"}})
    assert labels["attributes"] == {"declaration_of_conformity": "https://example.com/doc.pdf"}


def _broken() -> dict[str, Any]:
    document = copy.deepcopy(EXAMPLE_17)
    general, composition = document["GeneralProductInformation"], document["MaterialComposition"]
    general["batteryStatus"] = "Orignal"  # typo
    general["batteryMass"] = 452000  # grams sent in the kg field
    general["warrantyPeriod"] = "--06"  # the correct spelling is not the model's
    composition["batteryChemistry"] = {"shortName": "NMX", "clearName": "something new"}  # unknown chemistry
    composition["batteryMaterials"].append(
        {"batteryMaterialName": "Cobalt", "batteryMaterialIdentifier": "7440-48-5", "batteryMaterialMass": -120.0,
         "isCriticalRawMaterial": True, "batteryMaterialLocation": {"componentName": "Cathode"}}
    )  # fmt: skip
    document["PerformanceAndDurability"]["batteryCondition"]["stateOfCharge"] = {"stateOfChargeValue": 180}
    return document


def test_an_impossible_date_of_putting_into_service_is_left_out_with_a_note() -> None:
    document = copy.deepcopy(EXAMPLE_17)
    document["GeneralProductInformation"]["puttingIntoService"] = "2025-13-40"
    mapped = from_batterypass_with_notes(document, received_at=RX)  # strict: only this date is lenient (LENIENT)
    assert "putting_into_service_date" not in mapped.record["attributes"]
    assert [path for path, _ in mapped.notes] == ["GeneralProductInformation.puttingIntoService"]
    document["GeneralProductInformation"]["manufacturingDate"] = "2025-13-40"
    with pytest.raises(MappingError):
        from_batterypass(document, received_at=RX)


def test_a_broken_document_is_refused_with_every_error_listed() -> None:
    with pytest.raises(MappingError) as caught:
        from_batterypass(_broken(), received_at=RX)
    problems = dict(caught.value.problems)
    material = "MaterialComposition.batteryMaterials[1]"
    assert set(problems) == {
        "GeneralProductInformation.warrantyPeriod",
        "GeneralProductInformation.batteryStatus",
        "GeneralProductInformation.batteryMass",
        "MaterialComposition.batteryChemistry.shortName",
        f"{material}.batteryMaterialIdentifier",
        f"{material}.batteryMaterialMass",
        "PerformanceAndDurability.batteryCondition.stateOfCharge.stateOfChargeValue",
    }
    assert "did you mean 'warrentyPeriod'" in problems["GeneralProductInformation.warrantyPeriod"]
    assert "did you mean 'Original'" in problems["GeneralProductInformation.batteryStatus"]
    mass = problems["GeneralProductInformation.batteryMass"]
    assert (
        mass == "452,000 kg is not a plausible battery mass (more than 100,000 kg); if it is in grams, that is 452 kg"
    )
    assert "unknown chemistry 'NMX'" in problems["MaterialComposition.batteryChemistry.shortName"]
    cas = problems[f"{material}.batteryMaterialIdentifier"]
    assert cas.startswith("not a CAS registry number")  # cobalt is 7440-48-4
    assert "7440-48-4" in cas
    assert problems[f"{material}.batteryMaterialMass"] == "-120 g is not a plausible material mass: it must be > 0 g"
    assert (
        "180 % is outside 0-100 %"
        in problems["PerformanceAndDurability.batteryCondition.stateOfCharge.stateOfChargeValue"]
    )
    assert caught.value.field == "GeneralProductInformation.warrantyPeriod"
    assert str(caught.value).startswith("7 problems: ")


def test_nmc_without_stoichiometry_is_refused_naming_the_candidates() -> None:
    document = {"batteryChemistry": {"shortName": "NMC", "clearName": "Lithium nickel manganese cobalt oxide"}}
    with pytest.raises(MappingError) as caught:
        from_batterypass(document)
    assert caught.value.problems == [
        (
            "MaterialComposition.batteryChemistry.shortName",
            "'NMC' is ambiguous; name one of: NMC111, NMC532, NMC622, NMC811",
        )
    ]


@pytest.mark.parametrize(
    ("model", "canonical"),
    [("Original", "original"), ("Repurposed", "repurposed"), ("Reused", "re-used"), ("re-used", "re-used"),
     ("Remanufactured", "remanufactured"), ("Waste", "waste")],
)  # fmt: skip
def test_battery_status(model: str, canonical: str) -> None:
    record = from_batterypass({"batteryStatus": model}, received_at=RX)
    assert record["attributes"]["battery_status"] == [{"value": canonical, "recorded_at": RX}]


def test_a_value_without_time_needs_received_at() -> None:
    document = {"batteryStatus": "Waste", "batteryCondition": {"energyThroughput": 1200.5}}
    with pytest.raises(MappingError) as caught:
        from_batterypass(document)
    assert [p for p, _ in caught.value.problems] == [
        "PerformanceAndDurability.batteryCondition.energyThroughput",
        "GeneralProductInformation.batteryStatus",
    ]
    assert "received_at" in caught.value.problems[0][1]
    with pytest.raises(InvalidInputError, match="time zone"):
        from_batterypass(document, received_at="2026-01-01T00:00:00")


@pytest.mark.parametrize(
    ("written", "months"), [("--06", 6), ("--12+01:00", 12), ("P8Y", 96), ("P96M", 96), ("P1Y6M", 18), (30, 30)]
)
def test_warranty_period(written: object, months: int) -> None:
    assert from_batterypass({"warrentyPeriod": written})["attributes"]["warranty_period"] == months


@pytest.mark.parametrize(("months", "written"), [(6, "--06"), (12, "--12"), (0, "P0M"), (96, "P96M")])
def test_warranty_period_export(months: int, written: str) -> None:
    document = to_batterypass({"attributes": {"warranty_period": months}})
    assert document["GeneralProductInformation"]["warrentyPeriod"] == written


def test_remaining_capacity_in_kwh_becomes_ah_through_the_nominal_voltage() -> None:
    condition = {"remainingCapacity": {"remainingCapacityValue": 30.0, "lastUpdate": "2026-01-02T10:00:00Z"}}
    document = {"batteryTechicalProperties": {"nominalVoltage": 400.0}, "batteryCondition": condition}
    record = from_batterypass(document)
    assert record["attributes"]["remaining_capacity_ah"] == [{"value": 75.0, "recorded_at": "2026-01-02T10:00:00Z"}]
    # 30 kWh x 1000 / 400 V = 75 Ah
    with pytest.raises(MappingError, match=r"needs batteryTechicalProperties\.nominalVoltage"):
        from_batterypass({"batteryCondition": condition})


def test_stage_footprints_become_shares_of_the_total() -> None:
    stages = [{"lifecycleStage": "MainProduction", "carbonFootprint": 34.1},
              {"lifecycleStage": "RawMaterialExtraction", "carbonFootprint": 27.28}]  # fmt: skip
    record = from_batterypass({"batteryCarbonFootprint": 68.2, "carbonFootprintPerLifecycleStage": stages})
    assert record["attributes"]["carbon_footprint_production_share"] == 0.5  # 34.1 / 68.2
    assert record["attributes"]["carbon_footprint_raw_materials_share"] == 0.4  # 27.28 / 68.2
    with pytest.raises(MappingError, match="batteryCarbonFootprint"):
        from_batterypass({"carbonFootprintPerLifecycleStage": stages})


def test_power_capability_is_the_entry_at_80_percent_soc() -> None:
    entries = [{"atSoC": 20.0, "powerCapabilityAt": 150000.0}, {"atSoC": 80.0, "powerCapabilityAt": 210000.0}]
    record = from_batterypass({"batteryTechicalProperties": {"originalPowerCapability": entries}})
    assert record["attributes"]["original_power_capability_w"] == 210000.0
    mapped = from_batterypass_with_notes({"batteryTechicalProperties": {"originalPowerCapability": entries[:1] * 2}})
    assert "not exactly one at 80 % SoC" in mapped.notes[0][1]


def test_idle_temperature_range() -> None:
    record = from_batterypass(
        {"batteryTechicalProperties": {"temperatureRangeIdleState": {"minimum": -20, "maximum": 45}}}
    )
    assert record["attributes"] == {"idle_temperature_lower_c": -20, "idle_temperature_upper_c": 45}
    with pytest.raises(MappingError, match="not a plausible temperature"):
        from_batterypass({"batteryTechicalProperties": {"temperatureRangeIdleState": {"minimum": -273.15}}})


def test_export_notes_what_the_model_cannot_carry() -> None:
    record = {"attributes": {"passport_id": "urn:acme:1", "part_numbers": [{"part_name": "lid", "part_number": "7"}],
                             "deep_discharge_events": [{"value": 2, "recorded_at": RX}],
                             "manufacturing_place": {"country": "DE", "city": "Dresden"},
                             "battery_status": [{"value": "original", "recorded_at": "2025-01-01T00:00:00Z"},
                                                {"value": "waste", "recorded_at": RX}]}}  # fmt: skip
    exported = to_batterypass_with_notes(record)
    notes = dict(exported.notes)
    assert set(notes) == {"part_numbers", "deep_discharge_events", "manufacturing_place", "battery_status"}
    assert "issue #52" in notes["deep_discharge_events"]
    assert "newest of 2" in notes["battery_status"]
    assert exported.document["GeneralProductInformation"]["batteryStatus"] == "Waste"


def test_not_an_object_is_refused_even_when_omitting() -> None:
    with pytest.raises(MappingError, match="is a JSON object"):
        from_batterypass([1, 2], on_invalid="omit")
    with pytest.raises(MappingError, match="no field of the seven"):
        from_batterypass({"hello": 1}, on_invalid="omit")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batterypass_records())
def test_import_of_export_is_identity(record: dict[str, Any]) -> None:
    exported = to_batterypass_with_notes(record)
    assert exported.notes == ()
    assert from_batterypass(exported.document, received_at=RX) == record

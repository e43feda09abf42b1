"""The ``transport`` and ``waste-code`` calculators through ``run_document``: the contract partners' scripts rely on."""

from __future__ import annotations

import json
from typing import Any

import pytest

from batteryloop.services.calc import CALCULATORS, CalcItemError, run_document
from batteryloop.services.calc.transport import CALCULATOR as TRANSPORT
from batteryloop.services.calc.waste_code import CALCULATOR as WASTE_CODE

CONTRACT_KEYS = {
    "un_number",
    "proper_shipping_name",
    "document_description",
    "transport_class",
    "special_provisions",
    "packing_instructions",
    "labels",
    "marks",
    "action",
    "not_subject_to_other_provisions",
    "reasons",
}
EV_PACK: dict[str, Any] = {
    "chemistry": "lithium_ion",
    "configuration": "alone",
    "energy_wh": 85000,
    "gross_mass_kg": 450,
    "condition": "intact",
    "date": "2026-03-15",
}


def _problems(topic: str, document: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(CalcItemError) as excinfo:
        run_document(topic, document)
    return {p.field: p.reason for p in excinfo.value.problems}


def test_registered_and_examples_run() -> None:
    assert CALCULATORS["transport"] is TRANSPORT
    assert CALCULATORS["waste-code"] is WASTE_CODE
    for calculator in (TRANSPORT, WASTE_CODE):
        for example in calculator.examples:
            result, failed = run_document(calculator.topic, example)
            assert failed == 0 and json.loads(json.dumps(result)) == result
        schema = calculator.input_model.model_json_schema()
        assert schema["additionalProperties"] is False and schema["required"]


def test_transport_object_in_object_out_with_the_contract_keys() -> None:
    # regulation-rules.md §3.5 D4: an EV pack for recycling.
    result, failed = run_document("transport", EV_PACK)
    assert failed == 0
    assert set(result) >= CONTRACT_KEYS
    assert result["un_number"] == "UN3480"
    assert result["proper_shipping_name"] == "LITHIUM ION BATTERIES"
    assert result["document_description"] == "WASTE UN 3480 LITHIUM ION BATTERIES, 9"
    assert result["transport_class"] == "9"
    assert result["special_provisions"] == ["377"]
    assert result["packing_instructions"] == ["P909", "LP903"]
    assert result["labels"] == ["9A"]
    assert result["marks"] == ["LITHIUM BATTERIES FOR RECYCLING"]
    assert result["action"] is None
    assert result["not_subject_to_other_provisions"] is False
    assert result["decision_row"] == "D4" and result["edition"] == "ADR 2025"
    assert result["inputs"]["energy_wh"] == 85000 and result["inputs"]["date"] == "2026-03-15"
    assert result["limits"] == {"strong_casing_min_gross_mass_kg": 12}
    assert json.loads(json.dumps(result)) == result


def test_transport_sp636_limits_are_json_numbers() -> None:
    document = {
        **EV_PACK,
        "energy_wh": 50,
        "cell_energy_wh": 12,
        "gross_mass_kg": 0.3,
        "stage": "collection_to_intermediate_facility",
        "transport_unit_lithium_kg": 400.5,
    }
    result, _ = run_document("transport", document)
    assert result["un_number"] == "UN3480" and result["decision_row"] == "D2"
    assert result["limits"]["sp636_transport_unit_max_kg"] == 333
    assert result["limits"]["transport_unit_lithium_kg"] == 400.5
    assert result["limits"]["transport_unit_exceeds_sp636_limit"] is True


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"energy_wh": -5}, "energy_wh"),
        ({"energy_wh": "85000"}, "energy_wh"),
        ({"chemistry": "lithium-ionn"}, "chemistry"),
        ({"condition": None}, "condition"),
        ({"date": "15.03.2026"}, "date"),
        ({"date": "2026-02-30"}, "date"),
        ({"date": "2024-06-01"}, "date"),
        ({"energy_kwh": 85}, "energy_kwh"),
        ({"damage_affects_battery_safety": "yes"}, "damage_affects_battery_safety"),
    ],
)
def test_transport_bad_input_names_the_field(changes: dict[str, Any], field: str) -> None:
    document = {key: value for key, value in {**EV_PACK, **changes}.items() if value is not None}
    found = _problems("transport", document)
    assert found.get(field)


def test_transport_reasons_a_newcomer_can_act_on() -> None:
    assert "did you mean 'lithium_ion'" in _problems("transport", {**EV_PACK, "chemistry": "lithium-ionn"})["chemistry"]
    missing = {key: value for key, value in EV_PACK.items() if key != "condition"}
    assert "intact, damaged_stable or critically_damaged" in _problems("transport", missing)["condition"]
    assert "ADR 2023" in _problems("transport", {**EV_PACK, "date": "2024-06-01"})["date"]
    several = _problems("transport", {"chemistry": "lithium_ion", "energy_wh": -1})
    assert {"configuration", "condition", "date", "energy_wh"} <= set(several)


def test_transport_list_in_list_out_with_errors_in_place() -> None:
    results, failed = run_document("transport", [EV_PACK, {**EV_PACK, "energy_wh": -1}])
    assert failed == 1
    assert results[0]["decision_row"] == "D4"
    assert results[1]["error"]["errors"][0]["field"] == "energy_wh"


def test_waste_code_on_both_sides_of_9_nov_2026() -> None:
    before, _ = run_document("waste-code", {"item": "battery", "chemistry": "lithium_ion", "date": "2026-11-08"})
    after, _ = run_document("waste-code", {"item": "battery", "chemistry": "lithium_ion", "date": "2026-11-09"})
    assert (before["code"], before["hazardous"], before["list_version"]) == ("16 06 05", False, "2000/532/EC")
    assert (after["code"], after["hazardous"], after["list_version"]) == ("16 06 07*", True, "2025/934")
    assert after["description"] == "waste lithium-based batteries"
    assert before["list_applies_until"] == "2026-11-08" and after["list_applies_from"] == "2026-11-09"
    black_mass, _ = run_document("waste-code", {"item": "black_mass", "chemistry": "lithium_ion", "date": "2027-01-01"})
    assert black_mass["code"] == "19 14 02*" and black_mass["hazardous"] is True
    assert {"code", "description", "hazardous", "list_version", "reasons"} <= set(after)
    assert json.loads(json.dumps(after)) == after


def test_waste_code_bad_input_names_the_field() -> None:
    found = _problems("waste-code", {"item": "battery", "chemistry": "lithium_ionn"})
    assert "did you mean 'lithium_ion'" in found["chemistry"]
    assert found["date"].startswith("required")
    assert "item" in _problems("waste-code", {"item": 3, "chemistry": "lead_acid", "date": "2027-01-01"})

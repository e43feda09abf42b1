"""The ``soh`` and ``triage`` calculators through ``run_document``: the contract partners' scripts rely on.

The calculators are registered here locally (monkeypatched into the registry) until
``batteryloop.services.calc.CALCULATORS`` lists them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from batteryloop.services import calc
from batteryloop.services.calc import CalcItemError, run_document
from batteryloop.services.calc.soh import CALCULATOR as SOH
from batteryloop.services.calc.triage import CALCULATOR as TRIAGE

PACK: dict[str, Any] = {
    "state_of_health": 0.72,
    "chemistry": "LFP",
    "condition": "intact",
    "negative_events": 0,
    "age_years": 9,
    "second_life_demand": True,
}


@pytest.fixture(autouse=True)
def _registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(calc.CALCULATORS, "soh", SOH)
    monkeypatch.setitem(calc.CALCULATORS, "triage", TRIAGE)


def _problems(topic: str, document: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(CalcItemError) as excinfo:
        run_document(topic, document)
    return {p.field: p.reason for p in excinfo.value.problems}


def test_examples_run_and_schemas_forbid_unknown_fields() -> None:
    for calculator in (SOH, TRIAGE):
        assert calculator.topic in {"soh", "triage"}
        for example in calculator.examples:
            result, failed = run_document(calculator.topic, example)
            assert failed == 0 and json.loads(json.dumps(result)) == result
        schema = calculator.input_model.model_json_schema()
        assert schema["additionalProperties"] is False and schema["required"]


def test_soh_object_in_object_out() -> None:
    # regulation-rules.md §1.7: 150/200 = 0.75 capacity share, fade 0.25; SOCE 57/75 = 0.76
    result, failed = run_document(
        "soh",
        {
            "rated_capacity_ah": 200,
            "remaining_capacity_ah": 150,
            "certified_energy_kwh": 75,
            "remaining_energy_kwh": 57,
        },
    )
    assert failed == 0
    assert set(result) == {"indicators", "state_of_health", "state_of_health_basis", "reasons", "inputs"}
    assert result["indicators"]["remaining_capacity_share"]["value"] == 0.75
    assert result["indicators"]["capacity_fade"]["value"] == 0.25
    assert result["indicators"]["state_of_certified_energy"]["inputs"] == {
        "remaining_energy_kwh": 57,
        "certified_energy_kwh": 75,
    }
    assert result["state_of_health"] == 0.76
    assert result["state_of_health_basis"] == "state_of_certified_energy"


def test_soh_refusals_list_every_problem() -> None:
    found = _problems("soh", {"resistance_ohm": 0.1, "initial_round_trip_efficiency": 95, "round_trip_efficiency": 0.9})
    assert set(found) == {
        "rated_capacity_ah",
        "remaining_capacity_ah",
        "initial_resistance_ohm",
        "initial_round_trip_efficiency",
    }
    assert "unknown field" in _problems("soh", {"rated_capacity_ah": 1, "remaining_capacity_ah": 1, "soc": 1})["soc"]
    assert _problems("soh", {"rated_capacity_ah": "200", "remaining_capacity_ah": 150})["rated_capacity_ah"]


def test_triage_object_in_object_out() -> None:
    result, failed = run_document("triage", PACK)
    assert failed == 0
    assert result["route"] == "repurpose" and result["rule"] == "T5"
    assert result["next_custody_step"] == "repurposed" and result["new_passport"] is True
    assert result["thresholds"]["reuse_min_soh"] == 0.8
    assert result["inputs"] == {
        "state_of_health": 0.72,
        "condition": "intact",
        "negative_events": 0,
        "negative_event_kinds": [],
        "age_years": 9,
        "chemistry": "LFP",
        "stationary_suitable": True,
        "second_life_demand": True,
    }
    assert "health" not in result


def test_triage_from_measurements_and_threshold_override() -> None:
    # 172 / 200 = 0.86 >= 0.80, but one negative event: remanufacture
    document = {**PACK, "state_of_health": None, "rated_capacity_ah": 200, "remaining_capacity_ah": 172}
    document = {k: v for k, v in document.items() if v is not None}
    result, _ = run_document("triage", {**document, "negative_events": ["deep_discharge"]})
    assert (result["route"], result["next_custody_step"]) == ("remanufacture", "dismantled")
    assert result["health"]["state_of_health"] == 0.86
    assert "(remaining_capacity_share)" in result["reasons"][0]
    # a consortium with a 0.90 reuse floor repurposes the same LFP pack
    result, _ = run_document("triage", {**document, "thresholds": {"reuse_min_soh": 0.9}})
    assert result["route"] == "repurpose" and result["thresholds"]["reuse_min_soh"] == 0.9


def test_triage_refusals_list_every_problem() -> None:
    found = _problems(
        "triage",
        {
            "state_of_health": 0.5,
            "rated_capacity_ah": 10,
            "remaining_capacity_ah": 12,
            "condition": "bad",
            "negative_events": -1,
            "thresholds": {"reuse_min_soh": 80},
        },
    )
    assert set(found) == {
        "state_of_health",
        "remaining_capacity_ah",
        "thresholds.reuse_min_soh",
        "condition",
        "negative_events",
        "age_years",
        "second_life_demand",
    }
    assert "not both" in found["state_of_health"]
    assert "unknown field" in _problems("triage", {**PACK, "thresholds": {"reuse_soh": 0.8}})["thresholds.reuse_soh"]
    assert _problems("triage", {**PACK, "second_life_demand": "yes"})["second_life_demand"]


def test_triage_list_in_list_out_with_errors_in_place() -> None:
    results, failed = run_document("triage", [PACK, {**PACK, "condition": "critically_damaged"}, {"condition": 1}])
    assert failed == 1
    assert results[0]["route"] == "repurpose"
    assert results[1]["route"] == "safety_hold" and results[1]["next_custody_step"] == "stored"
    assert results[1]["safety_note"]
    assert results[2]["error"]["title"] == "Invalid input"

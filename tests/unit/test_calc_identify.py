"""The ``identify`` calculator: the contract partners' scripts rely on (called directly, not yet registered)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from batteryloop.services.calc import CalcItemError
from batteryloop.services.calc.identify import CALCULATOR as IDENTIFY

# recycling-process-data.md §1.4: EB23 black mass of NMC622 and LFP cells, wt % of black mass.
NMC622_BM = {"Li": 4.36, "Ni": 22.10, "Co": 7.40, "Mn": 6.90, "Cu": 0.57, "Al": 0.37, "C": 38.16, "F": 0.04}
LFP_BM = {"Li": 2.87, "Fe": 23.07, "P": 12.80, "Cu": 0.72, "Al": 0.45, "C": 33.58, "F": 0.04}
CONTRACT_KEYS = {"method", "chemistry", "confidence", "runner_up", "reasons", "declared_chemistry", "mismatch"}


def _problems(document: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(CalcItemError) as excinfo:
        IDENTIFY.run(document)
    return {p.field: p.reason for p in excinfo.value.problems}


def test_assay_result_is_json_ready() -> None:
    result = IDENTIFY.run({"elements_wt_pct": NMC622_BM})
    assert set(result) >= CONTRACT_KEYS
    assert (result["method"], result["chemistry"], result["mismatch"]) == ("assay", "NMC622", None)
    assert 0.9 < result["confidence"] <= 1.0
    assert result["ratios"]["Co_per_Ni"] == pytest.approx(7.40 / 58.933 / (22.10 / 58.693))
    assert json.loads(json.dumps(result)) == result


def test_assay_mismatch_with_declared() -> None:
    result = IDENTIFY.run({"elements_wt_pct": LFP_BM, "declared_chemistry": "NMC811"})
    assert result["chemistry"] == "LFP"
    assert result["mismatch"]["declared"] == "NMC811" and result["mismatch"]["identified"] == "LFP"
    assert result["mismatch"]["reason"]


def test_voltage_result() -> None:
    result = IDENTIFY.run({"nominal_voltage_v": 3.2, "open_circuit_min_v": 2.5, "open_circuit_max_v": 3.65})
    assert set(result) >= CONTRACT_KEYS
    assert (result["method"], result["family"], result["chemistry"]) == ("voltage", "olivine_lfp", "LFP")
    layered = IDENTIFY.run({"nominal_voltage_v": 3.6, "declared_chemistry": "LFP"})
    assert layered["chemistry"] is None and "NMC811" in layered["candidates"]
    assert layered["mismatch"]["identified"] == "layered_oxide"
    assert json.loads(json.dumps(layered)) == layered


def test_examples_run() -> None:
    for example in IDENTIFY.examples:
        assert IDENTIFY.run(example)["reasons"]


def test_refusals_name_every_field() -> None:
    problems = _problems(
        {"elements_wt_pct": {"Ni": -2, "Nickel": 5, "Co": 80, "Mn": 30}, "declared_chemistry": "NMC9000"}
    )
    assert "negative" in problems["elements_wt_pct.Ni"]
    assert "did you mean 'Ni'" in problems["elements_wt_pct.Nickel"]
    assert "100" in problems["elements_wt_pct"]
    assert "unknown chemistry" in problems["declared_chemistry"]


def test_refuses_nothing_usable_both_and_unknown_fields() -> None:
    assert "nothing usable" in _problems({})[""]
    assert "nothing usable" in _problems({"elements_wt_pct": {"C": 40, "Cu": 1}})["elements_wt_pct"]
    assert "not both" in _problems({"elements_wt_pct": NMC622_BM, "nominal_voltage_v": 3.6})[""]
    assert "unknown field" in _problems({"elements": NMC622_BM})["elements"]
    assert "pack voltage" in _problems({"nominal_voltage_v": 400.0})["nominal_voltage_v"]
    assert "nominal_voltage_v" in _problems({"nominal_voltage_v": "3.6"})


def test_registers_as_identify() -> None:
    """Registration the platform will make in ``services/calc/__init__.py``; done locally here."""
    from batteryloop.services.calc import CALCULATORS

    registry = dict(CALCULATORS) | {IDENTIFY.topic: IDENTIFY}
    assert registry["identify"].run({"elements_wt_pct": NMC622_BM})["chemistry"] == "NMC622"

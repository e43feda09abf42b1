"""The ``design-score`` calculator through its ``Calculator`` object (registered in the test, as the registry will)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from batteryloop.services.calc import CALCULATORS, CalcItemError, run_document
from batteryloop.services.calc.design_score import CALCULATOR

MODEL: dict[str, Any] = {
    "code": "S1",
    "oem": "Acme",
    "year": 2024,
    "chemistry": "NMC811",
    "pack_mass_kg": 400,
    "has_dismantling_manual": True,
    "joining": {"pack_to_module": "screws", "module_to_cell": "screws"},
    "disassembly_steps": 10,
    "disassembly_minutes": 30,
    "tools": "standard",
    "modules": 8,
    "cell_format": "prismatic",
    "chemistry_label_on_modules": True,
    "hazardous_substances": [],
}
GLUED = {
    **MODEL,
    "code": "G1",
    "year": 2022,
    "has_dismantling_manual": False,
    "joining": {"pack_to_module": "adhesive", "module_to_cell": "adhesive"},
}


@pytest.fixture(autouse=True)
def _registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(CALCULATORS, CALCULATOR.topic, CALCULATOR)


def _problems(document: Any) -> dict[str, str]:
    with pytest.raises(CalcItemError) as excinfo:
        CALCULATOR.run(document)
    return {p.field: p.reason for p in excinfo.value.problems}


def test_topic_and_examples_run() -> None:
    assert CALCULATOR.topic == "design-score"
    for example in CALCULATOR.examples:
        json.dumps(CALCULATOR.run(example))


def test_one_model_acceptance_through_the_contract() -> None:
    good, glued = CALCULATOR.run(MODEL), CALCULATOR.run(GLUED)
    assert good["total"] == 93.5
    assert glued["total"] == 64.5  # 93.5 - 20 x 0.7 (adhesive) - 15 (no manual)
    why = {line["criterion"]: line["why"] for line in glued["breakdown"]}
    assert "adhesive" in why["joining"] and "no dismantling manual" in why["dismantling_information"]
    assert {a["criterion"] for a in glued["advice"]} >= {"joining", "dismantling_information"}
    assert glued["critical_raw_materials"] is None
    assert sum(line["weight"] for line in glued["breakdown"]) == pytest.approx(1)


def test_list_is_scored_item_by_item() -> None:
    out, failed = run_document("design-score", [MODEL, {**MODEL, "tools": "hammer"}])
    assert failed == 1
    assert out[0]["total"] == 93.5
    assert out[1]["error"]["errors"][0]["field"] == "tools"


def test_models_compares_with_trends() -> None:
    out = CALCULATOR.run({"models": [GLUED, MODEL]})
    assert [row["code"] for row in out["comparison"]["rows"]] == ["S1", "G1"]
    assert out["trends"] == [
        {
            "oem": "Acme",
            "models": 2,
            "mean_total": 79,  # (93.5 + 64.5) / 2
            "by_year": [{"year": 2022, "mean_total": 64.5}, {"year": 2024, "mean_total": 93.5}],
            "change_per_year": 14.5,  # 29 / 2
        }
    ]


def test_refusals_name_the_field() -> None:
    assert "disassembly_minutes" in _problems({**MODEL, "disassembly_minutes": -1})
    problems = _problems({**MODEL, "joining": {"pack_to_module": "glu", "module_to_cell": "screws"}})
    assert "joining.pack_to_module" in problems
    missing = {k: v for k, v in MODEL.items() if k != "cell_format"}
    assert "cell_format" in _problems(missing)
    assert _problems({**MODEL, "colour": "red"}) == {"colour": "unknown field; remove it or check its spelling"}


def test_models_errors_are_prefixed_and_mixing_is_refused() -> None:
    problems = _problems({"models": [MODEL, {**MODEL, "modules": -1}, {**MODEL, "extra": 1}]})
    assert set(problems) == {"models[1].modules", "models[2].extra"}
    assert "chemistry" in _problems({"models": [MODEL], "chemistry": "LFP"})
    assert "models" in _problems({"models": []})

"""The ``grade`` calculator through the registry (``run_document``), as ``batteryloop calc grade`` runs it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from batteryloop.services.calc import CALCULATORS, CalcItemError, run_document
from batteryloop.services.calc.grade import CALCULATOR

LOT: dict[str, Any] = {
    "product": "Li2CO3",
    "specification": "li2co3-fastmarkets-china",
    "assay": {
        "main_content_pct": 99.5,
        "impurities_ppm": {"Na": 250, "Ca": 50, "Mg": 80.5, "magnetic": 0.3},
        "methods": {"Mg": "ICP-OES"},
    },
    "lot": {"id": "LC-1", "producer": "Acme Recycling", "date": "2026-11-20", "mass_kg": 1000},
}


def _problems(document: Any) -> dict[str, str]:
    with pytest.raises(CalcItemError) as excinfo:
        run_document("grade", document)
    return {p.field: p.reason for p in excinfo.value.problems}


def test_registered_and_examples_run() -> None:
    assert CALCULATORS["grade"] is CALCULATOR
    for example in CALCULATOR.examples:
        out, failed = run_document("grade", example)
        assert failed == 0 and out["verdict"] in {"pass", "fail", "unconfirmed"}
        json.dumps(out)


def test_every_parameter_is_named_with_value_limit_and_outcome() -> None:
    out, _ = run_document("grade", LOT)
    assert out["verdict"] == "fail" and out["best_grade"] is None
    (g,) = out["grades"]
    assert g["failing"] == ["Mg"] and [p["parameter"] for p in g["parameters"]] == [
        "Li2CO3",
        "Na",
        "Ca",
        "Mg",
        "magnetic",
    ]
    mg = g["parameters"][3]
    assert mg == {
        "parameter": "Mg",
        "label": "Mg",
        "unit": "ppm",
        "value": 80.5,
        "limit": "<= 80 ppm",
        "min": None,
        "max": 80,
        "max_exclusive": False,
        "outcome": "fail",
        "reason": "Mg 80.5 ppm exceeds the maximum 80 ppm by 0.5 ppm",
        "method": "ICP-OES",
        "source": "FM_LI",
        "status": "[V]",
    }
    assert out["sources"]["FM_LI"].startswith("Fastmarkets") and "2020-05-30" in out["sources"]["FM_LI"]
    assert out["lot"] == LOT["lot"]


def test_list_in_list_out_with_errors_in_place() -> None:
    ok = {**LOT, "assay": {**LOT["assay"], "impurities_ppm": {"Na": 1, "Ca": 1, "Mg": 1, "magnetic": 0.1}}}
    out, failed = run_document("grade", [ok, {"product": "Li2CO3", "assay": {"impurities_ppm": {"Zz": 1}}}])
    assert failed == 1 and out[0]["verdict"] == "pass"
    assert out[1]["error"]["errors"][0]["field"] == "assay.impurities_ppm.Zz"


def test_input_problems_name_their_fields() -> None:
    assert "unknown field" in _problems({**LOT, "colour": "white"})["colour"]
    assert "greater than 0" in _problems({**LOT, "lot": {"id": "x", "mass_kg": -5}})["lot.mass_kg"]
    assert "ISO 8601" in _problems({**LOT, "as_of": "20/11/2026"})["as_of"]
    problems = _problems({"product": "Li2CO3", "assay": {"main_content_pct": 140, "impurities_ppm": {"Na": -2}}})
    assert set(problems) == {"assay.main_content_pct", "assay.impurities_ppm.Na"}

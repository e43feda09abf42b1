"""The ``merkle`` calculator's contract: test-vector keys in, ``{"valid", "reason"}`` out, field errors for bad input."""

from __future__ import annotations

import pytest

from batteryloop.services.calc import CALCULATORS, CalcItemError, run_document
from batteryloop.services.calc.merkle import CALCULATOR

INCLUSION = CALCULATOR.examples[0]
CONSISTENCY = CALCULATOR.examples[1]


def _fields(error: CalcItemError) -> list[str]:
    return [problem.field for problem in error.problems]


def test_registered_and_examples_verify() -> None:
    assert CALCULATORS["merkle"] is CALCULATOR
    for example in CALCULATOR.examples:
        result, failed = run_document("merkle", example)
        assert failed == 0
        assert result["valid"] is True
    CALCULATOR.input_model.model_json_schema()  # served at /v1/calc


def test_an_invalid_proof_is_a_result_not_an_error() -> None:
    tampered = {**INCLUSION, "leafIdx": 1}
    result, failed = run_document("merkle", tampered)
    assert failed == 0
    assert result["valid"] is False
    assert "RFC 9162 §2.1.3.2" in result["reason"]


def test_null_or_absent_proof_is_empty() -> None:
    one = {"leafIdx": 0, "treeSize": 1, "root": INCLUSION["leafHash"], "leafHash": INCLUSION["leafHash"]}
    assert run_document("merkle", one)[0]["valid"] is True
    assert run_document("merkle", {**one, "proof": None})[0]["valid"] is True


@pytest.mark.parametrize(
    ("document", "fields"),
    [
        ({**INCLUSION, "root": "not base64!"}, ["root"]),
        ({**INCLUSION, "proof": ["AAAA", "x"]}, ["proof.1"]),
        ({**INCLUSION, "proof": "AAAA"}, ["proof"]),
        ({**INCLUSION, "leafHash": 12}, ["leafHash"]),
        ({**INCLUSION, "leafIdx": -1}, ["leafIdx"]),
        ({**INCLUSION, "treeSize": "8"}, ["treeSize"]),
        ({**INCLUSION, "treeSize": 8.0}, ["treeSize"]),
        ({**CONSISTENCY, "size1": True}, ["size1"]),
        ({**INCLUSION, "leaf_index": 0}, ["leaf_index"]),
        ({"leafIdx": 0, "treeSize": 1}, ["root", "leafHash"]),
        ({"size1": 1, "root2": "AAAA"}, ["size2", "root1"]),
        ({**INCLUSION, "size1": 1}, ["size1"]),
        ({}, [""]),
        ({"proof": []}, [""]),
    ],
)
def test_bad_input_is_a_field_error(document: dict[str, object], fields: list[str]) -> None:
    with pytest.raises(CalcItemError) as error:
        run_document("merkle", document)
    assert _fields(error.value) == fields
    assert all(problem.reason for problem in error.value.problems)


def test_a_list_reports_bad_items_in_place() -> None:
    results, failed = run_document("merkle", [INCLUSION, {"leafIdx": "x"}, CONSISTENCY])
    assert failed == 1
    assert results[0]["valid"] and results[2]["valid"]
    assert results[1]["error"]["errors"][0]["field"] == "leafIdx"

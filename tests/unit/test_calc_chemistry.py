"""The ``chemistry`` calculator through ``run_document``: the contract partners' scripts rely on.

Golden values worked from the IUPAC/CIAAW 2021 abridged atomic weights (Li 6.94, Mn 54.938, Co 58.933,
Ni 58.693, O 15.999 g/mol) and the EverBatt 2023 NMC811 cell BOM (recycling-process-data.md §3.1).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from batteryloop.services.calc import CALCULATORS, CalcItemError, run_document
from batteryloop.services.calc.chemistry import CALCULATOR

ESTIMATE_KEYS = ["Li", "Ni", "Co", "Mn", "Fe", "P", "Al", "Cu", "graphite", "F", "Na"]


def _field_of(error: CalcItemError) -> list[str]:
    return [problem.field for problem in error.problems]


def test_registered_under_its_topic() -> None:
    assert CALCULATORS["chemistry"] is CALCULATOR
    for example in CALCULATOR.examples:
        run_document("chemistry", example)


def test_object_in_object_out_with_exactly_the_contract_keys() -> None:
    result, failed = run_document("chemistry", {"chemistry": "NMC811"})
    assert failed == 0
    assert set(result) == {"chemistry", "cathode_formula", "cathode_mass_fractions"}
    assert result["chemistry"] == "NMC811"
    assert result["cathode_formula"] == "LiNi0.8Mn0.1Co0.1O2"
    fractions = result["cathode_mass_fractions"]
    assert list(fractions) == ["Li", "Ni", "Mn", "Co", "O"]
    # M = 6.94 + 0.8 x 58.693 + 0.1 x 54.938 + 0.1 x 58.933 + 2 x 15.999 = 97.2795 g/mol
    assert fractions["Li"] == pytest.approx(6.94 / 97.2795, abs=1e-12)  # 0.0713
    assert fractions["Ni"] == pytest.approx(0.4827, abs=1e-4)  # 46.9544 / 97.2795
    assert sum(fractions.values()) == pytest.approx(1.0, abs=1e-12)
    assert json.loads(json.dumps(result)) == result


def test_alias_in_canonical_code_out() -> None:
    result, _ = run_document("chemistry", {"chemistry": "lifepo4"})
    assert result["chemistry"] == "LFP"
    assert result["cathode_mass_fractions"]["Li"] == pytest.approx(6.94 / 157.755, abs=1e-12)  # 0.04399


def test_energy_and_pack_mass_add_element_masses_and_basis() -> None:
    result, failed = run_document("chemistry", {"chemistry": "NMC811", "energy_kwh": 75, "pack_mass_kg": 450})
    assert failed == 0
    assert set(result) == {
        "chemistry",
        "cathode_formula",
        "cathode_mass_fractions",
        "element_mass_kg",
        "basis",
    }
    masses = result["element_mass_kg"]
    assert list(masses) == ESTIMATE_KEYS
    # 75 kWh x 1.2768 kg/kWh cathode = 95.76 kg; Ni = 95.76 x 46.9544 / 97.2795
    assert masses["Ni"] == pytest.approx(95.76 * 46.9544 / 97.2795, rel=1e-12)
    assert masses["Cu"] == pytest.approx(75 * 0.2320, rel=1e-12)
    assert masses["graphite"] == pytest.approx(75 * 0.8661, rel=1e-12)
    basis = result["basis"]
    assert basis["bom_id"] == "EB23_NMC811"
    assert basis["scale_by"] == "energy"
    assert basis["cell_share"] == pytest.approx(0.609)
    assert basis["energy_kwh"] == 75
    assert basis["pack_mass_kg"] == 450
    assert basis["reasons"]
    assert json.loads(json.dumps(result)) == result


def test_cell_share_is_taken_from_the_input() -> None:
    document = {"chemistry": "NMC622", "energy_kwh": 75.0, "pack_mass_kg": 480.0, "cell_share": 0.7}
    result, _ = run_document("chemistry", document)
    assert result["basis"]["cell_share"] == 0.7
    assert result["basis"]["cell_share_source"] == "input"


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"chemistry": "NMC811", "energy_kwh": 75.0}, "pack_mass_kg"),
        ({"chemistry": "NMC811", "pack_mass_kg": 450.0}, "energy_kwh"),
        ({"chemistry": "NMC811", "cell_share": 0.6}, "cell_share"),
        ({"chemistry": "NMC811", "energy_kwh": -1.0, "pack_mass_kg": 450.0}, "energy_kwh"),
        ({"chemistry": "NMC811", "energy_kwh": "75", "pack_mass_kg": 450.0}, "energy_kwh"),
        ({"chemistry": "NMC811", "energy_kwh": 75.0, "pack_mass_kg": 450.0, "cell_share": 1.2}, "cell_share"),
        ({"chemistry": "NMC811", "energy_kwh": 75.0, "pack_mass_kg": 50.0}, "pack_mass_kg"),
        ({"chemistry": "NMC"}, "chemistry"),
        ({"chemistry": "unobtainium"}, "chemistry"),
        ({"chemistry": "NA_PRUSSIAN_WHITE", "energy_kwh": 40.0, "pack_mass_kg": 400.0}, "chemistry"),
        ({"chemistry": 811}, "chemistry"),
        ({}, "chemistry"),
        ({"chemistry": "NMC811", "energy": 75.0}, "energy"),
    ],
)
def test_bad_object_raises_naming_the_field(document: dict[str, Any], field: str) -> None:
    with pytest.raises(CalcItemError) as excinfo:
        run_document("chemistry", document)
    assert field in _field_of(excinfo.value)
    assert all(problem.reason for problem in excinfo.value.problems)


def test_missing_pair_member_is_named_in_the_reason() -> None:
    with pytest.raises(CalcItemError) as excinfo:
        run_document("chemistry", {"chemistry": "LFP", "energy_kwh": 60.0})
    (problem,) = excinfo.value.problems
    assert problem.field == "pack_mass_kg"
    assert "pack_mass_kg is required when energy_kwh is given" in problem.reason


def test_unknown_chemistry_lists_the_known_codes() -> None:
    with pytest.raises(CalcItemError) as excinfo:
        run_document("chemistry", {"chemistry": "NiMH"})
    (problem,) = excinfo.value.problems
    assert problem.field == "chemistry"
    for code in ("NMC811", "LFP", "LMFP", "NA_LAYERED_OXIDE", "NA_PRUSSIAN_WHITE"):
        assert code in problem.reason


def test_list_in_list_out_with_errors_in_place() -> None:
    documents = [
        {"chemistry": "NMC811"},
        {"chemistry": "NMC811", "energy_kwh": 75.0},
        {"chemistry": "LFP", "energy_kwh": 60.0, "pack_mass_kg": 400.0},
        "NMC811",
        {"chemistry": "NA_LAYERED_OXIDE"},
    ]
    results, failed = run_document("chemistry", documents)
    assert failed == 2
    assert len(results) == len(documents)
    assert results[0]["chemistry"] == "NMC811"
    assert set(results[1]) == {"error"}
    assert results[1]["error"]["errors"] == [
        {"field": "pack_mass_kg", "reason": results[1]["error"]["errors"][0]["reason"]}
    ]
    assert results[2]["element_mass_kg"]["Fe"] > 0
    assert set(results[3]) == {"error"}
    assert results[4]["cathode_mass_fractions"]["Na"] == pytest.approx(22.990 / 113.0976667, rel=1e-6)
    assert json.loads(json.dumps(results)) == results

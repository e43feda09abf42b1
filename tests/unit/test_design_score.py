"""Design-for-recycling score (``batteryloop.domain.design``): each rule with its arithmetic written out.

Weights and parameters are those of ``data/design/criteria.toml``: joining 0.20 (screws 1, clips 0.9, welded 0.4,
adhesive 0.3, potting 0; levels pack_to_module 0.6, module_to_cell 0.4), dismantling manual 0.15, time 0.15
(1 at <= 30 min, 0 at >= 240 min), steps 0.05 (10 / 100), tools 0.08 (special 0.3), modularity 0.07, cell format
0.05, chemistry label 0.05, material mix 0.08, hazardous substances 0.07, CRM value 0.05; absent data scores 0.5.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from batteryloop.domain.design import (
    CRITERIA,
    calculate_design_score,
    calculate_oem_trends,
    compare_models,
    get_design_criteria,
)
from batteryloop.domain.transport import ClassificationInputError

D = Decimal
# Screws and a manual, everything at its best, no materials (mix and CRM not assessed: 0.5 each).
GOOD: dict[str, Any] = {
    "code": "GOOD",
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
# 20 + 15 + 15 + 5 + 8 + 7 + 5 + 5 + 0.5 x 8 + 7 + 0.5 x 5
GOOD_TOTAL = D("93.5")


def _score(**changes: Any) -> Any:
    return calculate_design_score(**{**GOOD, **changes})


def _problems(**changes: Any) -> dict[str, str]:
    with pytest.raises(ClassificationInputError) as excinfo:
        _score(**changes)
    return {p.field: p.reason for p in excinfo.value.problems}


def test_weights_sum_to_one_and_every_criterion_has_rationale_and_source() -> None:
    ref = get_design_criteria()
    assert sum(c.weight for c in ref.criteria.values()) == 1
    assert tuple(ref.criteria) == CRITERIA
    for c in ref.criteria.values():
        assert c.rule and c.rationale and c.source in ref.sources and c.status


def test_best_design_totals_the_weights() -> None:
    result = _score()
    assert result.total == GOOD_TOTAL
    assert result.criterion("material_mix").assessed is False
    assert result.criterion("material_mix").points == D("4.0")


def test_acceptance_adhesives_without_manual_score_lower_and_say_why() -> None:
    screwed = _score()
    glued = _score(joining={"pack_to_module": "adhesive", "module_to_cell": "adhesive"}, has_dismantling_manual=False)
    # joining 100 x 0.20 x 0.3 = 6 (was 20); manual 0 (was 15): 93.5 - 14 - 15 = 64.5
    assert glued.total == D("64.5")
    assert glued.total < screwed.total
    assert glued.criterion("joining").points == D("6")
    assert "adhesive" in glued.criterion("joining").why
    assert glued.criterion("dismantling_information").points == 0
    assert "no dismantling manual" in glued.criterion("dismantling_information").why
    advised = {a.criterion: a for a in glued.advice}
    assert advised["dismantling_information"].gain_points == D("15")
    assert advised["joining"].gain_points == D("14")  # 20 x (1 - 0.3)
    assert "screws" in advised["joining"].action


def test_joining_is_the_level_weighted_mean_of_the_methods() -> None:
    line = _score(joining={"pack_to_module": "potting", "module_to_cell": "clips"}).criterion("joining")
    assert line.score == D("0.36")  # (0.6 x 0 + 0.4 x 0.9) / 1.0
    assert line.points == D("7.2")


def test_cell_to_pack_uses_pack_to_cell_and_scores_low_on_modularity_and_format() -> None:
    result = _score(joining={"pack_to_cell": "adhesive"}, modules=0, cell_format="cell_to_pack")
    assert result.criterion("joining").score == D("0.3")
    assert result.criterion("modularity").score == D("0.2")
    assert result.criterion("cell_format").score == D("0.2")


def test_time_and_steps_are_linear_between_best_and_worst() -> None:
    result = _score(disassembly_minutes=135, disassembly_steps=55)
    assert result.criterion("disassembly_time").score == D("0.5")  # (240 - 135) / (240 - 30)
    assert result.criterion("disassembly_steps").score == D("0.5")  # (100 - 55) / (100 - 10)
    assert _score(disassembly_minutes=500).criterion("disassembly_time").score == 0


def test_time_advice_costs_the_saved_labour() -> None:
    result = _score(disassembly_minutes=135)
    advice = next(a for a in result.advice if a.criterion == "disassembly_time")
    assert advice.gain_points == D("7.5")  # 15 x 0.5
    # 105 min at 50 USD/h = 87.5 USD / 1.09 = 80.3 EUR
    assert "saves 105 min" in advice.effect and "80 EUR" in advice.effect


@pytest.mark.parametrize(
    ("changes", "criterion", "score"),
    [
        ({"tools": "special"}, "tools", D("0.3")),
        ({"tools": "none-needed"}, "tools", D("1")),
        ({"modules": 1}, "modularity", D("0.5")),
        ({"cell_format": "pouch"}, "cell_format", D("0.7")),
        ({"cell_format": "cylindrical"}, "cell_format", D("0.6")),
        ({"chemistry_label_on_modules": False}, "chemistry_label", D("0")),
        ({"has_dismantling_manual": None, "documents": [{"type": "dismantling_manual"}]}, "dismantling_information", 1),
        ({"has_dismantling_manual": None, "documents": ["removal_manual"]}, "dismantling_information", 0),
        ({"hazardous_substances": None}, "hazardous_substances", D("0.5")),
    ],
)
def test_simple_rules(changes: dict[str, Any], criterion: str, score: Decimal) -> None:
    assert _score(**changes).criterion(criterion).score == score


def test_hazardous_substances_penalty_counts_cmr_triple() -> None:
    result = _score(
        hazardous_substances=[
            {"name": "LiPF6", "hazard_class": "Acute Tox. 3"},
            {"name": "Nickel compound", "hazard_class": "Carc. 1A"},
        ]
    )
    line = result.criterion("hazardous_substances")
    assert line.score == D("0.6")  # 1 - 0.1 - 0.3
    assert "CMR: Nickel compound" in line.why


def test_material_mix_is_the_recovered_share_of_classified_mass() -> None:
    materials = [
        {"name": "Nickel", "mass_kg": 30},
        {"name": "Aluminium housing", "mass_kg": 70},
        {"name": "PP plastic cover", "mass_kg": 25},
        {"name": "Mystery filler", "mass_kg": 5},
    ]
    line = _score(materials=materials).criterion("material_mix")
    assert line.score == D("0.8")  # 100 / (100 + 25); 5 kg unclassified left out
    assert "Mystery filler" in line.why


def test_crm_content_and_value_from_prices_in_the_data_file() -> None:
    materials = [
        {"name": "Nickel", "mass_kg": 10},
        {"name": "Cobalt", "mass_kg": 2},
        {"name": "Copper busbars", "mass_kg": 5, "critical_raw_material": False},
        {"name": "Exotic dopant", "mass_kg": 1, "critical_raw_material": True},
    ]
    result = _score(materials=materials)
    crm = result.crm
    assert crm is not None
    assert crm.mass_kg == D("13")  # 10 + 2 + 1 (copper flagged false in the passport)
    expected = (D(10) * D("16.63") + D(2) * D("32.795")) / D("1.09")  # 212.743... EUR
    assert crm.value_eur == expected
    assert [line.value_eur is None for line in crm.lines] == [False, False, True]
    line = result.criterion("critical_raw_material_value")
    assert line.score == expected / D(400) / D(10)
    assert any("USD per EUR" in a for a in result.assumptions)


def test_advice_names_the_weakest_criteria_first() -> None:
    result = _score(
        joining={"pack_to_module": "potting", "module_to_cell": "adhesive"},
        has_dismantling_manual=False,
        tools="special",
    )
    # lost points: joining 20 - 20 x (0.4 x 0.3) = 17.6, manual 15, tools 8 x 0.7 = 5.6
    assert [a.criterion for a in result.advice] == ["joining", "dismantling_information", "tools"]
    assert "potting at pack_to_module" in result.advice[0].action
    assert result.advice[0].gain_points == D("17.6")


def test_no_advice_for_a_perfect_design_on_design_criteria() -> None:
    assert all(a.criterion not in {"joining", "tools"} for a in _score().advice)


def test_compare_and_trends() -> None:
    a = _score(code="A", oem="Acme", year=2022, has_dismantling_manual=False)  # 78.5
    b = _score(code="B", oem="Acme", year=2024)  # 93.5
    c = _score(code="C", oem="Bolt", year=2024, tools="special")  # 93.5 - 5.6 = 87.9
    d = _score(code="D")  # no oem
    table = compare_models([a, b, c, d])
    assert [(r.code, r.rank) for r in table.rows] == [("B", 1), ("D", 1), ("C", 3), ("A", 4)]
    assert table.best_per_criterion["tools"] == ("B", "D", "A")
    trends, notes = calculate_oem_trends([a, b, c, d])
    acme = trends[0]
    assert (acme.oem, acme.models, acme.mean_total) == ("Acme", 2, D("86"))  # (78.5 + 93.5) / 2
    assert acme.by_year == ((2022, D("78.5")), (2024, D("93.5")))
    assert acme.change_per_year == D("7.5")  # 15 / 2 years
    assert trends[1].change_per_year is None
    assert notes == ("D: no oem given, left out of the trends",)


def test_refusals_name_the_field() -> None:
    problems = _problems(
        disassembly_minutes=-5, joining={"pack_to_module": "screwz", "module_to_cell": "adhesive"}, cell_format=None
    )
    assert "disassembly_minutes" in problems and "more than zero" in problems["disassembly_minutes"]
    assert "screws" in problems["joining.pack_to_module"]  # suggestion
    assert "cell_format" in problems and "prismatic" in problems["cell_format"]


def test_refusals_for_missing_levels_and_manual() -> None:
    problems = _problems(joining={"pack_to_module": "screws"}, has_dismantling_manual=None, modules=True)
    assert "joining.module_to_cell" in problems
    assert "has_dismantling_manual" in problems
    assert "modules" in problems
    assert "joining.pack_to_cell" in _problems(joining={"pack_to_module": "screws"}, modules=0)
    assert "modules" in _problems(cell_format="cell_to_pack", joining={"pack_to_cell": "screws"})


def test_a_compound_counts_as_crm_but_is_not_priced_as_one_metal():
    from batteryloop.domain.design import calculate_crm_content, check_design_facts

    base = {"chemistry": "NMC811", "pack_mass_kg": 450, "has_dismantling_manual": True,
            "joining": {"pack_to_module": "screws", "module_to_cell": "screws"}, "disassembly_steps": 10,
            "disassembly_minutes": 30, "tools": "standard", "modules": 8, "cell_format": "prismatic",
            "chemistry_label_on_modules": True}  # fmt: skip
    compound = check_design_facts(**base, materials=[{"name": "Lithium nickel manganese cobalt oxide", "mass_kg": 60}])
    crm = calculate_crm_content(compound)
    (line,) = crm.lines
    assert line.value_eur is None and "compound" in line.basis and crm.mass_kg == 60  # counted, not valued
    pure = calculate_crm_content(check_design_facts(**base, materials=[{"name": "Cobalt", "mass_kg": 6}]))
    assert pure.lines[0].value_eur is not None and pure.lines[0].value_eur > 0

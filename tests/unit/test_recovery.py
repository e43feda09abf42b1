"""Recycling efficiency and material recovery (rule set RS-A, regulation-rules.md §1.2-1.4 and §2): golden cases
derived by hand from the rules, with the arithmetic written out, and the refusals of broken data.

Targets (Annex XII): efficiency lithium-based 65 % (2025) / 70 % (2030), lead-acid 75 % / 80 %; recovery Co, Cu, Ni,
Pb 90 % (2027) / 95 % (2031), Li 50 % / 80 %. A target applies to a period ending on or after its deadline (RS-A9).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from batteryloop.domain.recovery import MassBalanceError, calculate_recovery
from batteryloop.domain.transport import ClassificationInputError

D = Decimal


def target(result, metric: str, element: str | None, deadline_year: int):
    (found,) = [t for t in result.targets if t.metric == metric and t.element == element
                and t.deadline.year == deadline_year]  # fmt: skip
    return found


# ---------------------------------------------------------------------------------------------------------------------
# A lithium lot through two facilities: pre-treatment (PRE, the first recycler) and a refinery (REF)
TWO_FACILITIES = {
    "battery_group": "lithium_based",
    "period_end": "2027-12-31",
    "input": {"mass_kg": 1000, "elements_kg": {"Li": 20, "Ni": 100, "Co": 30, "Mn": 30, "Cu": 80, "Al": 150}},
    "outputs": [
        {"name": "steel casing", "facility": "PRE", "mass_kg": 150, "rd_code": "R4"},
        {"name": "aluminium", "facility": "PRE", "mass_kg": 140, "rd_code": "R4", "elements_kg": {"Al": 140}},
        {"name": "copper", "facility": "PRE", "mass_kg": 70, "rd_code": "R4", "elements_kg": {"Cu": 70}},
        {"name": "plastics", "facility": "PRE", "mass_kg": 50, "rd_code": "R1"},
        {"name": "electrolyte", "facility": "PRE", "mass_kg": 40, "fate": "loss"},
        {"name": "black mass", "facility": "PRE", "mass_kg": 500, "fate": "intermediate", "to_facility": "REF",
         "elements_kg": {"Li": 19, "Ni": 98, "Co": 29.5, "Mn": 29, "Cu": 5}},
        {"name": "Li2CO3", "facility": "REF", "mass_kg": 90, "reagent_kg": 20, "rd_code": "R5",
         "elements_kg": {"Li": 16}},
        {"name": "mixed hydroxide", "facility": "REF", "mass_kg": 200, "reagent_kg": 60, "rd_code": "R4",
         "elements_kg": {"Ni": 95, "Co": 29}},
        {"name": "graphite", "facility": "REF", "mass_kg": 150, "rd_code": "R5"},
        {"name": "residue", "facility": "REF", "mass_kg": 100, "rd_code": "D1",
         "elements_kg": {"Li": 2, "Mn": 29, "Cu": 5}},
    ],
}  # fmt: skip


def test_a_lithium_lot_through_two_facilities():
    r = calculate_recovery(TWO_FACILITIES)
    # counted (recycled, input-derived): PRE steel 150 + Al 140 + Cu 70 = 360; REF Li2CO3 90-20 = 70,
    # hydroxide 200-60 = 140, graphite 150 -> 360. Plastics (R1), loss, residue (D1), black mass (intermediate): 0.
    assert r.counted_kg == D(720) and r.input_kg == D(1000)
    assert r.recycling_efficiency == D("0.72")  # 720 / 1000
    assert r.material_recovery["Li"] == D("0.8")  # 16 / 20 (the 2 kg in the residue are landfilled)
    assert r.material_recovery["Ni"] == D("0.95")  # 95 / 100
    assert r.material_recovery["Co"] == D(29) / D(30)  # 0.9666...
    assert r.material_recovery["Cu"] == D("0.875")  # 70 / 80: the 5 kg in black mass end in the residue
    assert r.material_recovery["Pb"] is None  # no lead in the input: not applicable, never 0
    # 2027: the 2025 efficiency target (65 %) and the 2027 recovery targets apply; 2030/2031 ones do not yet
    assert target(r, "recycling_efficiency", None, 2025).applies and target(r, "recycling_efficiency", None, 2025).met
    assert not target(r, "recycling_efficiency", None, 2030).applies
    assert target(r, "material_recovery", "Li", 2031).met  # exactly on 80 %: met (inclusive)
    assert target(r, "material_recovery", "Ni", 2031).met  # exactly on 95 %
    assert target(r, "material_recovery", "Cu", 2027).met is False  # 87.5 % < 90 %
    assert target(r, "material_recovery", "Pb", 2027).met is None
    pre, ref = r.balances
    # PRE: 150+140+70+50+40+500 = 950 of 1000, residual 50; REF: 70+140+150+100 = 460 of 500, residual 40
    assert (pre.facility, pre.outputs_kg, pre.residual_kg) == ("PRE", D(950), D(50))
    assert (ref.facility, ref.input_kg, ref.outputs_kg, ref.residual_kg) == ("REF", D(500), D(460), D(40))
    assert ref.elements["Li"] == (D(19), D(18))  # 19 kg in the black mass; 16 + 2 out


# ---------------------------------------------------------------------------------------------------------------------
def pyro(slag: dict) -> dict:
    """A pyrometallurgical route: 1000 kg of lithium-based batteries smelted; lithium goes to the slag."""
    return {
        "battery_group": "lithium_based",
        "period_end": "2031-12-31",
        "input": {"mass_kg": 1000, "elements_kg": {"Li": 20, "Co": 30, "Ni": 100, "Cu": 80}},
        "outputs": [
            {"name": "Co-Ni-Cu alloy", "mass_kg": 250, "rd_code": "R4",
             "elements_kg": {"Co": 28.5, "Ni": 97, "Cu": 76}},
            {"name": "slag", "mass_kg": 300, "elements_kg": {"Li": 18}} | slag,
            {"name": "off-gas, burnt graphite and electrolyte", "mass_kg": 450, "fate": "loss"},
        ],
    }  # fmt: skip


def test_pyrometallurgy_with_slag_sold_as_aggregate():
    r = calculate_recovery(pyro({"rd_code": "R5", "recovered_elements": []}))
    assert r.recycling_efficiency == D("0.55")  # (alloy 250 + slag 300) / 1000: aggregate is recycling (R5)
    assert r.material_recovery["Li"] == D(0)  # the slag recovers no lithium: 0 / 20, applicable and missed
    assert r.material_recovery["Co"] == D("0.95")  # 28.5 / 30, exactly on the 2031 target
    assert target(r, "material_recovery", "Co", 2031).met and target(r, "material_recovery", "Co", 2031).applies
    assert target(r, "material_recovery", "Cu", 2031).met  # 76 / 80 = 0.95, on the target
    assert target(r, "material_recovery", "Li", 2031).met is False
    assert target(r, "recycling_efficiency", None, 2030).met is False  # 55 % < 70 %
    # without recovered_elements, the slag would count for every element it carries: 18 / 20 = 0.9
    assert calculate_recovery(pyro({"rd_code": "R5"})).material_recovery["Li"] == D("0.9")


def test_pyrometallurgy_with_slag_used_for_backfilling():
    r = calculate_recovery(pyro({"fate": "backfilling", "rd_code": "R5"}))
    assert r.recycling_efficiency == D("0.25")  # only the alloy: 250 / 1000; backfilling is not recycling
    assert r.material_recovery["Li"] == D(0)
    assert r.material_recovery["Ni"] == D("0.97")  # 97 / 100


# ---------------------------------------------------------------------------------------------------------------------
LEAD_ACID = {
    "battery_group": "lead_acid",
    "period_end": "2025-12-31",
    "input": {"mass_kg": 1000, "water_kg": 150, "elements_kg": {"Pb": 600}},
    "outputs": [
        {"name": "refined lead", "mass_kg": 590, "rd_code": "R4", "elements_kg": {"Pb": 590}},
        {"name": "polypropylene", "mass_kg": 55, "rd_code": "R3"},
        {"name": "neutralised electrolyte", "mass_kg": 200, "water_kg": 150, "rd_code": "D9"},
        {"name": "slag", "mass_kg": 100, "rd_code": "D1", "elements_kg": {"Pb": 10}},
        {"name": "losses", "mass_kg": 55, "fate": "loss"},
    ],
}


def test_lead_acid_with_water_kept_in_the_input():
    r = calculate_recovery(LEAD_ACID)
    assert r.recycling_efficiency == D("0.645")  # (590 + 55) / 1000
    assert target(r, "recycling_efficiency", None, 2025).met is False  # 64.5 % < 75 %
    assert r.material_recovery["Pb"] == D(590) / D(600)  # 0.98333...


def test_lead_acid_with_water_taken_out_of_the_input():
    r = calculate_recovery(LEAD_ACID | {"options": {"input_excludes_water": True}})
    assert r.input_kg == D(850)  # 1000 - 150 kg water
    assert r.recycling_efficiency == D(645) / D(850)  # 0.758823...: the electrolyte's water is in no counted output
    assert target(r, "recycling_efficiency", None, 2025).met is True  # >= 75 %
    with pytest.raises(ClassificationInputError) as info:  # the water content must be given to take it out
        calculate_recovery(LEAD_ACID | {"input": {"mass_kg": 1000, "elements_kg": {"Pb": 600}},
                                        "options": {"input_excludes_water": True}})  # fmt: skip
    assert info.value.problems[0].field == "input.water_kg"


def test_counted_water_in_an_output_is_not_counted_when_water_is_taken_out():
    acid = {"name": "recovered sulphuric acid", "mass_kg": 100, "water_kg": 60, "rd_code": "R6"}
    lot = LEAD_ACID | {"outputs": [*LEAD_ACID["outputs"][:2], acid, LEAD_ACID["outputs"][3],
                                   {"name": "losses", "mass_kg": 155, "fate": "loss"}]}  # fmt: skip
    assert calculate_recovery(lot).recycling_efficiency == D("0.745")  # (590 + 55 + 100) / 1000
    excluded = calculate_recovery(lot | {"options": {"input_excludes_water": True}})
    assert excluded.recycling_efficiency == D(685) / D(850)  # (590 + 55 + 100 - 60) / (1000 - 150)


# ---------------------------------------------------------------------------------------------------------------------
def on_target(counted: str, period_end: str, **options) -> dict:
    return {
        "battery_group": "lithium_based", "period_end": period_end,
        "input": {"mass_kg": 10000, "elements_kg": {"Li": 100}},
        "outputs": [{"name": "metals", "mass_kg": D(counted), "rd_code": "R4", "elements_kg": {"Li": 80}},
                    {"name": "rest", "mass_kg": max(D(0), 10000 - D(counted)), "fate": "loss"}],
        "options": options,
    }  # fmt: skip


def test_values_exactly_on_a_target_meet_it():
    r = calculate_recovery(on_target("6500", "2025-12-31"))
    assert r.recycling_efficiency == D("0.65") and target(r, "recycling_efficiency", None, 2025).met is True
    assert r.material_recovery["Li"] == D("0.8") and target(r, "material_recovery", "Li", 2031).met is True
    just_below = calculate_recovery(on_target("6499.99", "2025-12-31"))
    assert (
        just_below.recycling_efficiency == D("0.649999")
        and target(just_below, "recycling_efficiency", None, 2025).met is False
    )
    # 5,733 / 10,000 is 0.5733 exactly (binary floats give 57.330000000000005 %)
    assert calculate_recovery(on_target("5733", "2025-12-31")).recycling_efficiency == D("0.5733")


def test_when_a_target_applies():
    on_deadline = calculate_recovery(on_target("7000", "2030-12-31"))
    assert target(on_deadline, "recycling_efficiency", None, 2030).applies  # period end on the deadline
    assert not target(calculate_recovery(on_target("7000", "2030-12-30")), "recycling_efficiency", None, 2030).applies
    following = calculate_recovery(on_target("7000", "2030-12-31", target_effective_rule="following_year"))
    assert not target(following, "recycling_efficiency", None, 2030).applies  # from 1 Jan 2031 under that reading
    assert target(following, "recycling_efficiency", None, 2025).applies


def test_excluded_substances_leave_numerator_and_denominator():
    lot = {
        "battery_group": "lithium_based", "period_end": "2026-12-31",
        "input": {"mass_kg": 1000, "elements_kg": {"C": 200, "Li": 20}},
        "outputs": [{"name": "graphite", "mass_kg": 150, "rd_code": "R5", "elements_kg": {"C": 150}},
                    {"name": "metals", "mass_kg": 500, "rd_code": "R4", "elements_kg": {"Li": 15}},
                    {"name": "rest", "mass_kg": 350, "fate": "loss"}],
    }  # fmt: skip
    assert calculate_recovery(lot).recycling_efficiency == D("0.65")  # 650 / 1000
    r = calculate_recovery(lot | {"options": {"excluded_substances": ["C"]}})
    assert r.recycling_efficiency == D("0.625")  # (650 - 150) / (1000 - 200)


# ---------------------------------------------------------------------------------------------------------------------
def test_counted_outputs_above_the_input_are_refused_naming_them():
    lot = on_target("6500", "2027-12-31")
    lot["outputs"][1]["mass_kg"] = 3600  # 6500 + 3600 = 10,100 kg out of 10,000 kg in (1 % over the tolerance)
    with pytest.raises(MassBalanceError) as info:
        calculate_recovery(lot)
    assert "metals" in info.value.problems[0].reason and "rest" in info.value.problems[0].reason
    element = on_target("6500", "2027-12-31")
    element["outputs"][0]["elements_kg"] = {"Li": 120}
    with pytest.raises(MassBalanceError) as info:
        calculate_recovery(element)
    assert info.value.problems[0].field == "outputs[0].elements_kg.Li"


def test_counted_outputs_above_the_input_are_refused_even_within_the_tolerance():
    lot = on_target("10030", "2027-12-31")  # 0.3 % over: within the balance tolerance, but a rate above 100 %
    lot["outputs"][1]["mass_kg"] = 0
    with pytest.raises(MassBalanceError, match="above 100 %"):
        calculate_recovery(lot)


def test_bad_input_lists_every_problem():
    bad = {
        "battery_group": "lithium", "period_end": "2027-13-31",
        "input": {"mass_kg": -5, "elements_kg": {"li": 3}},
        "outputs": [{"name": "x", "mass_kg": 5, "rd_code": "R10"}, {"mass_kg": "heavy", "fate": "recyled"}],
        "options": {"input_excludes_watr": True},
    }  # fmt: skip
    with pytest.raises(ClassificationInputError) as info:
        calculate_recovery(bad)
    fields = {p.field for p in info.value.problems}
    assert {"battery_group", "period_end", "input.mass_kg", "input.elements_kg.li", "outputs[0].rd_code",
            "outputs[1].name", "outputs[1].mass_kg", "outputs[1].fate", "options.input_excludes_watr"} <= fields  # fmt: skip


def test_a_broken_chain_is_refused():
    back = {"name": "filter cake", "facility": "REF", "mass_kg": 10, "fate": "intermediate", "to_facility": "PRE"}
    lot = TWO_FACILITIES | {"outputs": [*TWO_FACILITIES["outputs"], back]}
    with pytest.raises(ClassificationInputError, match="loop"):
        calculate_recovery(lot)
    orphan = dict(TWO_FACILITIES)
    orphan["outputs"] = [o for o in TWO_FACILITIES["outputs"] if o["name"] != "black mass"]
    with pytest.raises(ClassificationInputError, match="no intermediate fraction feeds"):
        calculate_recovery(orphan)


def test_a_branching_chain_is_accounted_whatever_the_order_of_its_outputs():
    # A sends black mass to C directly and a fraction to B, which refines part and sends the rest on to C
    a_to_c = {"name": "black mass", "facility": "A", "mass_kg": 400, "fate": "intermediate", "to_facility": "C"}
    a_to_b = {"name": "fines", "facility": "A", "mass_kg": 100, "fate": "intermediate", "to_facility": "B"}
    rest = [
        {"name": "steel", "facility": "A", "mass_kg": 300, "rd_code": "R4"},
        {"name": "concentrate", "facility": "B", "mass_kg": 80, "fate": "intermediate", "to_facility": "C"},
        {"name": "B residue", "facility": "B", "mass_kg": 20, "rd_code": "D1"},
        {"name": "alloy", "facility": "C", "mass_kg": 400, "rd_code": "R4"},
        {"name": "C losses", "facility": "C", "mass_kg": 80, "fate": "loss"},
    ]
    lot = {"battery_group": "other", "period_end": "2026-12-31", "input": {"mass_kg": 1000, "elements_kg": {}}}
    first = calculate_recovery(lot | {"outputs": [a_to_c, a_to_b, *rest]})
    second = calculate_recovery(lot | {"outputs": [a_to_b, a_to_c, *rest]})
    # counted: steel 300 + alloy 400 = 700 of 1000; C takes 400 + 80 = 480 and gives 400 + 80
    assert first.recycling_efficiency == second.recycling_efficiency == D("0.7")
    assert [b.facility for b in first.balances] == ["A", "B", "C"]
    assert first.balances[2].input_kg == D(480)


def test_a_counted_output_cannot_recover_an_element_the_input_lacks():
    lot = {"battery_group": "lithium_based", "period_end": "2026-12-31",
           "input": {"mass_kg": 100, "elements_kg": {"Li": 2, "Ni": 10}},
           "outputs": [{"name": "alloy", "mass_kg": 60, "rd_code": "R4", "elements_kg": {"Ni": 9, "Co": 5}}]}  # fmt: skip
    with pytest.raises(MassBalanceError) as info:
        calculate_recovery(lot)
    assert info.value.problems[0].field == "outputs[0].elements_kg.Co"


def test_elements_cannot_exceed_an_outputs_input_derived_mass():
    lot = {"battery_group": "lithium_based", "period_end": "2026-12-31",
           "input": {"mass_kg": 100, "elements_kg": {"Li": 2}},
           "outputs": [{"name": "Li2CO3", "mass_kg": 10, "reagent_kg": 10, "rd_code": "R5", "elements_kg": {"Li": 1.5}}]}  # fmt: skip
    with pytest.raises(MassBalanceError) as info:  # all 10 kg are reagent, yet it holds 1.5 kg of the input's Li
        calculate_recovery(lot)
    assert info.value.problems[0].field == "outputs[0].reagent_kg"


def test_codes_and_names():
    base = {"battery_group": "other", "period_end": "2026-12-31", "input": {"mass_kg": 100, "elements_kg": {}}}
    ok = calculate_recovery(base | {"outputs": [{"name": "slag", "mass_kg": 50, "rd_code": "R10", "fate": "backfilling"},
                                                {"name": "metal", "mass_kg": 40, "rd_code": "r4"}]})  # fmt: skip
    assert ok.recycling_efficiency == D("0.4")  # R10 with its fate is accepted; 'r4' is R4
    with pytest.raises(ClassificationInputError) as info:
        calculate_recovery(base | {"outputs": [{"name": "slag", "mass_kg": 50, "rd_code": "R10"},
                                               {"name": "metal", "mass_kg": 20, "rd_code": "R4"},
                                               {"name": "metal", "mass_kg": 20, "rd_code": "R4"}]})  # fmt: skip
    assert {p.field for p in info.value.problems} == {"outputs[0].rd_code", "outputs[2].name"}

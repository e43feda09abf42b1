"""ADR 2025 road classification of waste batteries: one or more tests per row D1-D11 of the decision table.

Expected values are written from the project's reference notes, regulation-rules.md §3 (3.1 UN numbers and proper
shipping names, 3.2 special provisions, 3.3 packing instructions, 3.4 thresholds, 3.5 decision table), not from the
code: each test names its row and the SP / PI that decide it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.transport import ClassificationInputError, TransportClassification, classify_for_transport
from batteryloop.domain.transport.classification import CHEMISTRIES, CONDITIONS, CONFIGURATIONS, STAGES

DAY = dt.date(2026, 3, 15)
EV_PACK: dict[str, Any] = {  # an 85 kWh, 450 kg EV pack
    "chemistry": "lithium_ion",
    "configuration": "alone",
    "energy_wh": 85_000,
    "gross_mass_kg": 450,
    "condition": "intact",
    "date": DAY,
}
RECYCLING_MARK = "LITHIUM BATTERIES FOR RECYCLING"
DAMAGED_MARK = "DAMAGED/DEFECTIVE LITHIUM ION BATTERIES"


def classify(**changes: Any) -> TransportClassification:
    return classify_for_transport(**{**EV_PACK, **changes})


def problems(**changes: Any) -> dict[str, str]:
    with pytest.raises(ClassificationInputError) as excinfo:
        classify(**changes)
    return {p.field: p.reason for p in excinfo.value.problems}


def paragraphs(result: TransportClassification) -> dict[str, tuple[str, ...]]:
    return dict(result.packing_paragraphs)


# ------------------------------------------------------------------------------------------------ D1: SP 636
SMALL_COLLECTED: dict[str, Any] = {
    "energy_wh": 50,
    "cell_energy_wh": 12,
    "gross_mass_kg": 0.3,
    "stage": "collection_to_intermediate_facility",
}


def test_d1_sp636_small_collected_battery_is_not_subject_to_other_provisions() -> None:
    # §3.5 D1: no UN number, no 9A; SP 636; P909 except additional requirements 1-2; recycling mark; <= 333 kg/TU.
    r = classify(**SMALL_COLLECTED)
    assert r.decision_row == "D1"
    assert r.un_number is None and r.proper_shipping_name is None and r.document_description is None
    assert r.transport_class is None
    assert r.special_provisions == ("636",)
    assert r.packing_instructions == ("P909",)
    assert "except its additional requirements 1 and 2" in r.packing_details[0]
    assert r.labels == ()
    assert r.marks == (RECYCLING_MARK,)
    assert r.not_subject_to_other_provisions is True
    assert r.limits["sp636_transport_unit_max_kg"] == Decimal(333)
    assert r.limits["transport_unit_exceeds_sp636_limit"] is False
    assert r.limits["sp636_only_until"] == "the intermediate processing facility"
    assert any("SP 636" in reason and "intermediate processing facility" in reason for reason in r.reasons)


def test_d1_sp636_or_reading_a_500_g_battery_above_100_wh_qualifies_by_mass() -> None:
    # §3.4: gross mass <= 500 g each makes SP 636 eligible even above the Wh thresholds ([S], "or" reading).
    r = classify(energy_wh=150, gross_mass_kg=0.5, stage="collection_to_intermediate_facility")
    assert r.decision_row == "D1" and r.small is False
    assert any("connective 'or'" in a for a in r.assumptions)


def test_d1_sp636_333_kg_per_transport_unit_is_inclusive_and_above_it_sp377_applies() -> None:
    # §3.2 SP 636 (ii): a QA system keeps <= 333 kg of lithium cells and batteries per transport unit.
    at_limit = classify(**SMALL_COLLECTED, transport_unit_lithium_kg=333)
    assert at_limit.decision_row == "D1"
    assert at_limit.limits["transport_unit_lithium_kg"] == Decimal(333)
    above = classify(**SMALL_COLLECTED, transport_unit_lithium_kg=333.01)
    assert above.decision_row == "D2"  # small, so SP 377 with P909(2)
    assert above.un_number == "UN3480" and above.special_provisions == ("377",)
    assert above.limits["transport_unit_exceeds_sp636_limit"] is True
    assert any("above 333 kg (SP 636 (ii))" in reason for reason in above.reasons)


def test_d1_sp636_only_on_the_collection_stage_and_with_the_disposal_mark_for_disposal() -> None:
    other_stage = classify(**{**SMALL_COLLECTED, "stage": "other"})
    assert other_stage.decision_row == "D2"
    disposal = classify(**SMALL_COLLECTED, purpose="disposal")
    assert disposal.decision_row == "D1" and disposal.marks == ("LITHIUM BATTERIES FOR DISPOSAL",)


def test_d1_sp636_not_for_a_heavy_battery_above_the_size_limits() -> None:
    r = classify(stage="collection_to_intermediate_facility")  # the 450 kg EV pack
    assert r.decision_row == "D4"
    assert any("SP 636 (row D1) does not apply" in reason for reason in r.reasons)


# ---------------------------------------------------------------------------------------- D2-D4: SP 377 alone
def test_d2_small_battery_sp377_p909_2_light_packaging_up_to_30_kg() -> None:
    # §3.5 D2: <= 100 Wh (cell <= 20 Wh), intact: UN 3480 LITHIUM ION BATTERIES, SP 377, P909(2), 9A + mark.
    r = classify(energy_wh=80, cell_energy_wh=10, gross_mass_kg=0.6)
    assert r.decision_row == "D2" and r.branch_row == "D2"
    assert r.un_number == "UN3480"
    assert r.proper_shipping_name == "LITHIUM ION BATTERIES"
    assert r.document_description == "WASTE UN 3480 LITHIUM ION BATTERIES, 9"
    assert r.transport_class == "9"
    assert r.special_provisions == ("377",)
    assert r.packing_instructions == ("P909",)
    assert paragraphs(r)["P909"][0] == "2"
    assert r.packing_details[0].startswith("P909(2): ") and "30 kg gross" in r.packing_details[0]
    assert r.labels == ("9A",)
    assert r.marks == (RECYCLING_MARK,)
    assert r.limits["p909_2_package_max_gross_kg"] == Decimal(30)
    assert r.not_subject_to_other_provisions is False and r.action is None


def test_d2_thresholds_are_inclusive_100_wh_and_20_wh() -> None:
    assert classify(energy_wh=100, cell_energy_wh=20).decision_row == "D2"
    assert classify(energy_wh=100.01, cell_energy_wh=20, gross_mass_kg=0.7).decision_row == "D3"
    assert classify(energy_wh=100, cell_energy_wh=20.5, gross_mass_kg=0.7).decision_row == "D3"
    assert classify(energy_wh=18, gross_mass_kg=None).decision_row == "D2"  # one cell can hold at most 18 Wh


def test_d3_e_bike_battery_sp377_p909_1() -> None:
    # §3.5 D3: > 100 Wh, < 12 kg ("e.g. e-bike battery"): UN 3480, SP 377, P909(1) PG II drum/box/jerrican.
    r = classify(energy_wh=500, cell_energy_wh=12, gross_mass_kg=3)
    assert r.decision_row == "D3"
    assert r.un_number == "UN3480" and r.special_provisions == ("377",)
    assert r.packing_instructions == ("P909",) and paragraphs(r) == {"P909": ("1",)}
    assert r.labels == ("9A",) and r.marks == (RECYCLING_MARK,)


def test_d4_ev_pack_sp377_p909_or_lp903() -> None:
    # §3.5 D4: >= 12 kg with a strong casing: P909(1), or P909(4) [U], or LP903; 9A + recycling mark.
    r = classify()
    assert r.decision_row == "D4"
    assert r.un_number == "UN3480"
    assert r.document_description == "WASTE UN 3480 LITHIUM ION BATTERIES, 9"
    assert r.special_provisions == ("377",)
    assert r.packing_instructions == ("P909", "LP903")
    assert paragraphs(r) == {"P909": ("1", "4"), "LP903": ()}
    assert r.labels == ("9A",) and r.marks == (RECYCLING_MARK,)
    assert any("P903(2)" in reason for reason in r.reasons)  # with a UN 38.3 summary, outside SP 377
    assert any("P909(4)" in a for a in r.assumptions)
    assert classify(gross_mass_kg=12).decision_row == "D4"  # inclusive
    assert classify(gross_mass_kg=11.99).decision_row == "D3"


def test_d4_for_disposal_keeps_the_waste_prefix_and_takes_the_disposal_mark() -> None:
    # ADR 5.4.1.1.3: "WASTE" for waste; SP 377 mark by purpose.
    r = classify(purpose="disposal")
    assert r.document_description == "WASTE UN 3480 LITHIUM ION BATTERIES, 9"
    assert r.marks == ("LITHIUM BATTERIES FOR DISPOSAL",)


# ------------------------------------------------------------------------------------------ D5: equipment
def test_d5_contained_in_equipment_un3481_sp377_p909_3() -> None:
    # §3.5 D5: UN 3481 ... CONTAINED IN EQUIPMENT, SP 377, P909(3); household equipment: SP 670 first.
    r = classify(configuration="contained_in_equipment", energy_wh=400, gross_mass_kg=None)
    assert r.decision_row == "D5"
    assert r.un_number == "UN3481"
    assert r.proper_shipping_name == "LITHIUM ION BATTERIES CONTAINED IN EQUIPMENT"
    assert r.document_description == "WASTE UN 3481 LITHIUM ION BATTERIES CONTAINED IN EQUIPMENT, 9"
    assert r.special_provisions == ("377",)
    assert paragraphs(r) == {"P909": ("3",)}
    assert r.labels == ("9A",) and r.marks == (RECYCLING_MARK,)
    assert any("SP 670" in reason for reason in r.reasons)


def test_d5_packed_with_equipment_un3481_with_its_own_name() -> None:
    r = classify(configuration="packed_with_equipment", energy_wh=60, cell_energy_wh=15)
    assert r.decision_row == "D5"
    assert r.un_number == "UN3481"
    assert r.proper_shipping_name == "LITHIUM ION BATTERIES PACKED WITH EQUIPMENT"
    assert paragraphs(r) == {"P909": ("2", "1")}


# --------------------------------------------------------------------------------------- D6-D7: vehicles
def test_d6_intact_vehicle_un3556_sp388_666_not_subject_to_other_provisions() -> None:
    # §3.5 D6: UN 3556 VEHICLE, LITHIUM ION BATTERY POWERED; SP 388, 666; no packing, no labels.
    r = classify_for_transport(
        chemistry="lithium_ion", configuration="installed_in_vehicle", condition="intact", date=DAY
    )
    assert r.decision_row == "D6"
    assert r.un_number == "UN3556"
    assert r.proper_shipping_name == "VEHICLE, LITHIUM ION BATTERY POWERED"
    assert r.transport_class == "9"
    assert r.special_provisions == ("388", "666")
    assert r.packing_instructions == () and r.labels == () and r.marks == ()
    assert r.document_description is None
    assert r.not_subject_to_other_provisions is True
    assert r.action is None


def test_d6_damage_without_significant_effect_on_the_battery_sp667() -> None:
    # §3.5 D6: "intact, or damage without significant effect on battery safety": SP 388, 666, 667(b)(i).
    r = classify(configuration="installed_in_vehicle", condition="damaged_stable", damage_affects_battery_safety=False)
    assert r.decision_row == "D6"
    assert r.special_provisions == ("388", "666", "667")
    assert r.not_subject_to_other_provisions is True


def test_d7_damage_significantly_affecting_the_battery_remove_it_first_sp667() -> None:
    # §3.5 D7: remove the battery -> D8/D9; if it cannot be removed safely, carry the vehicle as in D6.
    r = classify(configuration="installed_in_vehicle", condition="damaged_stable", damage_affects_battery_safety=True)
    assert r.decision_row == "D7"
    assert r.action is not None
    assert r.action.startswith("Remove the battery")
    assert "D8/D9" in r.action and "row D6" in r.action
    assert r.un_number is None and r.document_description is None
    assert r.special_provisions == ("667",)
    assert r.packing_instructions == ()
    assert r.not_subject_to_other_provisions is False
    assert any("who assessed it" in reason for reason in r.reasons)
    critical = classify(configuration="installed_in_vehicle", condition="critically_damaged")
    assert critical.decision_row == "D7"


# ------------------------------------------------------------------------------------- D8-D9: SP 376 damaged
def test_d8_damaged_stable_sp376_p908_or_lp904() -> None:
    # §3.5 D8: UN 3480, SP 376 (not 230, not 377), P908 or LP904, 9A + "DAMAGED/DEFECTIVE LITHIUM ION BATTERIES".
    r = classify(condition="damaged_stable")
    assert r.decision_row == "D8"
    assert r.un_number == "UN3480"
    assert r.document_description == "WASTE UN 3480 LITHIUM ION BATTERIES, 9"
    assert r.special_provisions == ("376",)
    assert r.packing_instructions == ("P908", "LP904")
    assert r.labels == ("9A",)
    assert r.marks == (DAMAGED_MARK,)
    assert r.document_notes == ("Transport in accordance with special provision 376",)
    assert r.limits["one_battery_per_package_above_net_kg"] == Decimal(30)
    in_equipment = classify(condition="damaged_stable", configuration="contained_in_equipment")
    assert in_equipment.decision_row == "D8" and in_equipment.un_number == "UN3481"


def test_d8_collected_damaged_battery_is_not_exempt_under_sp636() -> None:
    r = classify(**SMALL_COLLECTED, condition="damaged_stable")
    assert r.decision_row == "D8" and r.special_provisions == ("376",)


def test_d9_critically_damaged_sp376_p911_or_lp906_or_competent_authority() -> None:
    # §3.5 D9: SP 376, P911 or LP906, or competent-authority conditions (Germany: BAM).
    r = classify(condition="critically_damaged")
    assert r.decision_row == "D9"
    assert r.un_number == "UN3480"
    assert r.special_provisions == ("376",)
    assert r.packing_instructions == ("P911", "LP906")
    assert any("competent authority" in line and "BAM" in line for line in r.packing_details)
    assert r.labels == ("9A",) and r.marks == (DAMAGED_MARK,)
    assert any("100 °C" in reason for reason in r.reasons)


# ----------------------------------------------------------------------------------------- D10: lithium metal
def test_d10_lithium_metal_small_by_lithium_content_un3090() -> None:
    # §3.5 D10: UN 3090 / 3091 / 3557; Li <= 1 g cell / <= 2 g battery decides "small"; otherwise as D1-D9.
    r = classify(chemistry="lithium_metal", energy_wh=None, lithium_content_g=1.5, cell_lithium_content_g=0.7)
    assert r.decision_row == "D10" and r.branch_row == "D2"
    assert r.un_number == "UN3090"
    assert r.document_description == "WASTE UN 3090 LITHIUM METAL BATTERIES, 9"
    assert r.special_provisions == ("377",) and paragraphs(r)["P909"][0] == "2"
    assert r.labels == ("9A",)


def test_d10_lithium_metal_large_and_in_equipment_and_vehicles() -> None:
    large = classify(chemistry="lithium_metal", energy_wh=None, lithium_content_g=40, gross_mass_kg=5)
    assert (large.decision_row, large.branch_row, large.un_number) == ("D10", "D3", "UN3090")
    equipment = classify(chemistry="lithium_metal", configuration="contained_in_equipment", lithium_content_g=3)
    assert (equipment.branch_row, equipment.un_number) == ("D5", "UN3091")
    damaged = classify(chemistry="lithium_metal", energy_wh=None, lithium_content_g=40, condition="damaged_stable")
    assert damaged.branch_row == "D8" and damaged.marks == ("DAMAGED/DEFECTIVE LITHIUM METAL BATTERIES",)
    vehicle = classify_for_transport(
        chemistry="lithium_metal", configuration="installed_in_vehicle", condition="intact", date=DAY
    )
    assert (vehicle.decision_row, vehicle.branch_row, vehicle.un_number) == ("D10", "D6", "UN3557")
    collected = classify(
        chemistry="lithium_metal",
        energy_wh=None,
        lithium_content_g=2,
        gross_mass_kg=0.4,
        stage=SMALL_COLLECTED["stage"],
    )
    assert collected.branch_row == "D1" and collected.un_number is None  # <= 500 g: the cells' lithium is not needed


def test_d10_lithium_metal_cells_decide_between_1_and_2_g() -> None:
    assert classify(chemistry="lithium_metal", energy_wh=None, lithium_content_g=1).branch_row == "D2"
    found = problems(chemistry="lithium_metal", energy_wh=None, lithium_content_g=1.8)
    assert "cell_lithium_content_g" in found


# ----------------------------------------------------------------------------------------- D11: sodium ion
def test_d11_sodium_ion_un3551_as_li_ion_with_the_extension_flagged_unverified() -> None:
    # §3.5 D11: UN 3551 / 3552 / 3558; SP 376 applies [V]; SP 377 / P909 / 636 extension [U].
    r = classify(chemistry="sodium_ion", energy_wh=50_000, gross_mass_kg=300)
    assert (r.decision_row, r.branch_row) == ("D11", "D4")
    assert r.un_number == "UN3551"
    assert r.document_description == "WASTE UN 3551 SODIUM ION BATTERIES, 9"
    assert r.special_provisions == ("377",)
    assert r.labels == ("9A",)
    assert any("sodium-ion" in a and "[U]" in a for a in r.assumptions)
    damaged = classify(chemistry="sodium_ion", condition="critically_damaged")
    assert damaged.branch_row == "D9" and damaged.special_provisions == ("376",)
    equipment = classify(chemistry="sodium_ion", configuration="contained_in_equipment", energy_wh=300)
    assert equipment.un_number == "UN3552"
    vehicle = classify_for_transport(
        chemistry="sodium_ion", configuration="installed_in_vehicle", condition="intact", date=DAY
    )
    assert (vehicle.decision_row, vehicle.un_number) == ("D11", "UN3558")


def test_d11_sp636_is_not_applied_to_sodium_ion() -> None:
    r = classify(chemistry="sodium_ion", **SMALL_COLLECTED)
    assert r.branch_row == "D2" and r.un_number == "UN3551"
    assert any("SP 636 (row D1) is not applied to sodium ion" in reason for reason in r.reasons)


# -------------------------------------------------------------------------------------------- editions
def test_adr_2025_transitional_window_names_adr_2023_and_un3171_for_li_vehicles() -> None:
    r = classify_for_transport(
        chemistry="lithium_ion", configuration="installed_in_vehicle", condition="intact", date=dt.date(2025, 6, 30)
    )
    assert r.edition == "ADR 2025" and r.un_number == "UN3556"
    notes = " ".join(r.edition_notes)
    assert "ADR 2023 may still be applied until 2025-06-30" in notes
    assert "UN 3171" in notes
    later = classify_for_transport(
        chemistry="lithium_ion", configuration="installed_in_vehicle", condition="intact", date=dt.date(2025, 7, 1)
    )
    assert not any("UN 3171" in note or "ADR 2023" in note for note in later.edition_notes)


def test_carriage_before_adr_2025_is_refused_naming_the_edition_in_force() -> None:
    with pytest.raises(InvalidInputError) as excinfo:
        classify(date=dt.date(2024, 12, 31))
    assert excinfo.value.field == "date"
    assert "ADR 2023 applies to carriage on 2024-12-31" in excinfo.value.reason
    assert "ADR 2025" in excinfo.value.reason
    with pytest.raises(InvalidInputError, match="before ADR 2021"):
        classify(date=dt.date(2019, 5, 1))


def test_from_2027_the_result_warns_that_a_new_edition_is_expected() -> None:
    r = classify(date=dt.date(2027, 3, 1))
    assert r.edition == "ADR 2025"
    assert any("ADR 2027" in note for note in r.edition_notes)


# ------------------------------------------------------------------------------------------- bad input
def test_negative_energy_is_refused_naming_the_field() -> None:
    found = problems(energy_wh=-5)
    assert set(found) == {"energy_wh"}
    assert "more than zero" in found["energy_wh"] and "-5" in found["energy_wh"]


def test_unknown_chemistry_is_refused_with_a_suggestion() -> None:
    assert "did you mean 'lithium_ion'" in problems(chemistry="lithium_ionn")["chemistry"]
    assert "'lithium_ion'" in problems(chemistry="NMC811")["chemistry"]  # a cathode chemistry, not a battery type
    assert "'sodium_ion'" in problems(chemistry="NA_PRUSSIAN_WHITE")["chemistry"]
    assert "not covered" in problems(chemistry="lead_acid")["chemistry"]


def test_missing_condition_is_refused_with_the_choices() -> None:
    reason = problems(condition=None)["condition"]
    assert reason.startswith("required")
    assert "intact, damaged_stable or critically_damaged" in reason


def test_every_problem_is_reported_at_once() -> None:
    found = problems(chemistry=None, condition=None, date=None, energy_wh=-1, gross_mass_kg="heavy")
    assert set(found) == {"chemistry", "condition", "date", "energy_wh", "gross_mass_kg"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"energy_wh": None}, "energy_wh"),
        ({"energy_wh": float("nan")}, "energy_wh"),
        ({"energy_wh": True}, "energy_wh"),
        ({"configuration": None}, "configuration"),
        ({"configuration": "on_a_pallet"}, "configuration"),
        ({"condition": "broken"}, "condition"),
        ({"stage": "first_mile"}, "stage"),
        ({"purpose": "reuse"}, "purpose"),
        ({"gross_mass_kg": 0}, "gross_mass_kg"),
        ({"gross_mass_kg": None}, "gross_mass_kg"),  # decides D3 / D4 and SP 636 for a large battery
        ({"energy_wh": 60, "gross_mass_kg": 1}, "cell_energy_wh"),  # decides D2 / D3
        ({"energy_wh": 60, "cell_energy_wh": 61}, "cell_energy_wh"),
        ({"lithium_content_g": 2}, "lithium_content_g"),  # lithium metal only
        ({"chemistry": "lithium_metal", "energy_wh": None}, "lithium_content_g"),
        ({"transport_unit_lithium_kg": -1}, "transport_unit_lithium_kg"),
        ({"damage_affects_battery_safety": True}, "damage_affects_battery_safety"),  # vehicles only
        ({"configuration": "installed_in_vehicle", "condition": "damaged_stable"}, "damage_affects_battery_safety"),
        (
            {
                "configuration": "installed_in_vehicle",
                "condition": "critically_damaged",
                "damage_affects_battery_safety": False,
            },
            "damage_affects_battery_safety",
        ),
        ({"date": "2026-03-15T10:00"}, "date"),
    ],
)
def test_bad_or_missing_input_names_the_field(changes: dict[str, Any], field: str) -> None:
    found = problems(**changes)
    assert found.get(field)


def test_spellings_are_forgiven() -> None:
    r = classify(chemistry="Li-ion", configuration="Alone", condition="INTACT")
    assert r.inputs.chemistry == "lithium_ion" and r.decision_row == "D4"
    assert classify(chemistry="lithium ion polymer").inputs.chemistry == "lithium_ion"


# ----------------------------------------------------------------------------------------- invariants
@settings(max_examples=200, deadline=None)
@given(
    chemistry=st.sampled_from(CHEMISTRIES),
    configuration=st.sampled_from(CONFIGURATIONS),
    condition=st.sampled_from(CONDITIONS),
    stage=st.sampled_from(STAGES),
    energy_wh=st.decimals(min_value=Decimal("0.1"), max_value=Decimal(200_000), places=1),
    cell_share=st.decimals(min_value=Decimal("0.001"), max_value=Decimal(1), places=3),
    gross_mass_kg=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(900), places=2),
    damage=st.none() | st.booleans(),
    unit_kg=st.none() | st.decimals(min_value=Decimal(0), max_value=Decimal(1000), places=1),
)
def test_every_accepted_input_gives_a_consistent_row(
    chemistry: str,
    configuration: str,
    condition: str,
    stage: str,
    energy_wh: Decimal,
    cell_share: Decimal,
    gross_mass_kg: Decimal,
    damage: bool | None,
    unit_kg: Decimal | None,
) -> None:
    lithium = chemistry == "lithium_metal"
    vehicle = configuration == "installed_in_vehicle"
    arguments: dict[str, Any] = {
        "chemistry": chemistry,
        "configuration": configuration,
        "condition": condition,
        "date": DAY,
        "energy_wh": None if lithium else energy_wh,
        "cell_energy_wh": None if lithium else energy_wh * cell_share,
        "lithium_content_g": energy_wh / 100 if lithium else None,
        "cell_lithium_content_g": energy_wh * cell_share / 100 if lithium else None,
        "gross_mass_kg": gross_mass_kg,
        "damage_affects_battery_safety": damage if vehicle else None,
        "stage": stage,
        "transport_unit_lithium_kg": unit_kg,
    }
    unassessed = vehicle and condition == "damaged_stable" and damage is None
    contradictory = vehicle and condition == "critically_damaged" and damage is False
    if unassessed or contradictory:  # the only refusals these inputs can meet
        with pytest.raises(ClassificationInputError) as excinfo:
            classify_for_transport(**arguments)
        assert {p.field for p in excinfo.value.problems} == {"damage_affects_battery_safety"}
        return
    r = classify_for_transport(**arguments)
    assert r.branch_row in {f"D{i}" for i in range(1, 10)}
    assert (r.un_number is None) == (r.branch_row in ("D1", "D7"))
    assert (r.transport_class == "9") == (r.un_number is not None)
    if r.document_description is not None:
        assert r.document_description.startswith(f"WASTE UN {r.un_number[2:]} ")  # type: ignore[index]
        assert r.document_description.endswith(", 9")
        assert r.labels == ("9A",)
    assert r.not_subject_to_other_provisions == (r.branch_row in ("D1", "D6"))
    assert (r.action is not None) == (r.branch_row == "D7")
    if condition != "intact" and configuration != "installed_in_vehicle":
        assert r.special_provisions == ("376",)
    if r.branch_row == "D1":
        assert unit_kg is None or unit_kg <= 333
    assert r.reasons and all(isinstance(reason, str) and reason for reason in r.reasons)

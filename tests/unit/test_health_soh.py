"""Annex VII state-of-health indicators: hand-computed values and refusals.

Formulas: regulation-rules.md §1.7 (Battery Pass data model, DIN DKE SPEC 99100, PerformanceAndDurability.ttl;
SOCE as in UN GTR No 22). Round-trip efficiency fade and self-discharge evolution are the relative forms given there.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from batteryloop.domain.health import calculate_health_indicators
from batteryloop.domain.transport import ClassificationInputError

FULL = {
    "rated_capacity_ah": 200,
    "remaining_capacity_ah": 150,
    "certified_energy_kwh": 75,
    "remaining_energy_kwh": 57,
    "initial_power_w": 150000,
    "power_w": 120000,
    "initial_resistance_ohm": 0.1,
    "resistance_ohm": 0.14,
    "initial_round_trip_efficiency": 0.95,
    "round_trip_efficiency": 0.9,
    "initial_self_discharge_rate": 0.02,
    "self_discharge_rate": 0.03,
}


def _problems(**kwargs: object) -> dict[str, str]:
    with pytest.raises(ClassificationInputError) as excinfo:
        calculate_health_indicators(**kwargs)
    return {p.field: p.reason for p in excinfo.value.problems}


def test_every_indicator_hand_computed() -> None:
    result = calculate_health_indicators(**FULL)
    values = {name: ind.value for name, ind in result.indicators.items()}
    # SOCE = UBE_measured / UBE_certified = 57 / 75 = 0.76
    assert values["state_of_certified_energy"] == Decimal("0.76")
    # SoH_capacity = C_remaining / C_rated = 150 / 200 = 0.75; capacity fade = 1 - 0.75 = 0.25 (Annex IV)
    assert values["remaining_capacity_share"] == Decimal("0.75")
    assert values["capacity_fade"] == Decimal("0.25")
    # power fade = 1 - P / P_BOL = 1 - 120000 / 150000 = 1 - 0.8 = 0.2
    assert values["power_fade"] == Decimal("0.2")
    # R increase = (R - R_BOL) / R_BOL = (0.14 - 0.1) / 0.1 = 0.4
    assert values["internal_resistance_increase"] == Decimal("0.4")
    # RTE fade (relative) = 1 - RTE / RTE_BOL = 1 - 0.9 / 0.95 = 0.05 / 0.95 = 1/19 = 0.0526315789...
    assert values["round_trip_efficiency_fade"] == pytest.approx(Decimal(1) / Decimal(19), abs=Decimal("1e-25"))
    # self-discharge evolution = (SD - SD_BOL) / SD_BOL = (0.03 - 0.02) / 0.02 = 0.5
    assert values["self_discharge_evolution"] == Decimal("0.5")
    # SOCE is the EV state of health when known (Annex VII Part A item 1)
    assert result.state_of_health == Decimal("0.76")
    assert result.state_of_health_basis == "state_of_certified_energy"
    assert result.indicators["power_fade"].formula == "1 - power_w / initial_power_w"
    assert dict(result.indicators["power_fade"].inputs) == {"power_w": 120000, "initial_power_w": 150000}
    assert any("absolute drop (initial - current = 0.05)" in r for r in result.reasons)
    assert len(result.inputs) == 12


def test_only_given_pairs_are_computed_and_capacity_share_is_the_fallback_soh() -> None:
    # 168 / 200 = 0.84
    result = calculate_health_indicators(rated_capacity_ah=200, remaining_capacity_ah=168)
    assert set(result.indicators) == {"remaining_capacity_share", "capacity_fade"}
    assert result.state_of_health == Decimal("0.84")
    assert result.state_of_health_basis == "remaining_capacity_share"
    only_resistance = calculate_health_indicators(initial_resistance_ohm=0.08, resistance_ohm=0.1)
    # (0.1 - 0.08) / 0.08 = 0.25
    assert only_resistance.indicators["internal_resistance_increase"].value == Decimal("0.25")
    assert only_resistance.state_of_health is None


def test_boundary_exact_decimal_arithmetic() -> None:
    # 0.56 / 0.7 is 0.8000000000000002 in binary floats; exactly 0.8 in decimals.
    result = calculate_health_indicators(rated_capacity_ah=0.7, remaining_capacity_ah=0.56)
    assert result.state_of_health == Decimal("0.8")
    # remaining exactly 110 % of rated is accepted (220 = 1.10 x 200); improvements give negative fades
    up = calculate_health_indicators(
        rated_capacity_ah=200, remaining_capacity_ah=220, initial_resistance_ohm=0.1, resistance_ohm=0.09
    )
    assert up.indicators["capacity_fade"].value == Decimal("-0.1")
    assert up.indicators["internal_resistance_increase"].value == Decimal("-0.1")


def test_refusals_list_every_problem() -> None:
    found = _problems(
        rated_capacity_ah=100,
        remaining_capacity_ah=111,  # above 110 % of rated
        certified_energy_kwh=0,  # zero rated value
        remaining_energy_kwh=50,
        initial_power_w=-5,  # negative rated value
        power_w=10,
        resistance_ohm=0.1,  # without its initial value
        initial_round_trip_efficiency=95,  # percent, not fraction
        round_trip_efficiency=0.9,
        self_discharge_rate=0.02,  # without its initial value
    )
    assert set(found) == {
        "remaining_capacity_ah",
        "certified_energy_kwh",
        "initial_power_w",
        "initial_resistance_ohm",
        "initial_round_trip_efficiency",
        "initial_self_discharge_rate",
    }
    assert "above 110 % of rated_capacity_ah" in found["remaining_capacity_ah"]
    assert "more than zero" in found["certified_energy_kwh"]
    assert "more than zero" in found["initial_power_w"]
    assert "resistance_ohm is given without initial_resistance_ohm" in found["initial_resistance_ohm"]
    assert "looks like a percentage" in found["initial_round_trip_efficiency"]
    assert "0.95 for 95 %" in found["initial_round_trip_efficiency"]


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"rated_capacity_ah": 100}, "remaining_capacity_ah", "give both"),
        ({"remaining_capacity_ah": 80}, "rated_capacity_ah", "give both"),
        ({"certified_energy_kwh": 70, "remaining_energy_kwh": 78}, "remaining_energy_kwh", "110 %"),
        ({"initial_power_w": 100, "power_w": 111}, "power_w", "110 %"),
        ({"initial_resistance_ohm": 0.1, "resistance_ohm": 80}, "resistance_ohm", "milliohm"),
        ({"initial_self_discharge_rate": 2, "self_discharge_rate": 0.03}, "initial_self_discharge_rate", "percentage"),
        ({"initial_self_discharge_rate": 0, "self_discharge_rate": 0.03}, "initial_self_discharge_rate", "zero"),
        ({"rated_capacity_ah": "200", "remaining_capacity_ah": 150}, "rated_capacity_ah", "number"),
        ({"rated_capacity_ah": float("nan"), "remaining_capacity_ah": 150}, "rated_capacity_ah", "finite"),
        ({"rated_capacity_ah": True, "remaining_capacity_ah": 150}, "rated_capacity_ah", "number"),
    ],
)
def test_single_refusals_name_the_field(kwargs: dict[str, object], field: str, words: str) -> None:
    found = _problems(**kwargs)
    assert words in found[field]

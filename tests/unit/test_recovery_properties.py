"""Properties of the recovery accounting over random lots: mass is conserved per facility, rates stay in [0, 1],
scaling every mass by k leaves every rate unchanged (exactly), and counted outputs above the input are refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batteryloop.domain.recovery import FATES, RECOVERY_ELEMENTS, MassBalanceError, calculate_recovery

D = Decimal
CENT = D("0.01")


@st.composite
def lots(draw):
    """A lot of 1..10 outputs whose masses and element contents add up to at most the input."""
    mass = D(draw(st.integers(10_000, 10_000_000))) * CENT
    weights = draw(st.lists(st.integers(1, 100), min_size=1, max_size=10))
    used = D(draw(st.integers(50, 100))) / 100  # share of the input that comes out (the rest is residual)
    total = sum(weights)
    elements = {x: (mass * D(draw(st.integers(0, 20))) / 100).quantize(CENT) for x in RECOVERY_ELEMENTS[:3]}
    outputs = []
    for i, w in enumerate(weights):
        share = D(w) / total * used
        out_mass = (mass * share).quantize(CENT, rounding="ROUND_DOWN")
        carried = {x: (kg * share).quantize(CENT, rounding="ROUND_DOWN") for x, kg in elements.items()}
        fate = draw(st.sampled_from([f for f in FATES if f != "intermediate"]))
        outputs.append({"name": f"out{i}", "mass_kg": out_mass, "fate": fate, "elements_kg": carried})
    return {"battery_group": draw(st.sampled_from(["lithium_based", "lead_acid", "other"])),
            "period_end": draw(st.sampled_from(["2025-12-31", "2027-12-31", "2031-12-31"])),
            "input": {"mass_kg": mass, "elements_kg": elements}, "outputs": outputs}  # fmt: skip


def scaled(lot: dict, k: Decimal) -> dict:
    def times(elements):
        return {x: kg * k for x, kg in elements.items()}

    return lot | {
        "input": {"mass_kg": lot["input"]["mass_kg"] * k, "elements_kg": times(lot["input"]["elements_kg"])},
        "outputs": [o | {"mass_kg": o["mass_kg"] * k, "elements_kg": times(o["elements_kg"])} for o in lot["outputs"]],
    }


@settings(max_examples=200, deadline=None)
@given(lots())
def test_random_lots_conserve_mass_and_rates_stay_in_unit_interval(lot):
    r = calculate_recovery(lot)
    (balance,) = r.balances
    assert balance.outputs_kg + balance.residual_kg == lot["input"]["mass_kg"] and balance.residual_kg >= 0
    assert 0 <= r.recycling_efficiency <= 1
    for x in RECOVERY_ELEMENTS:
        rate = r.material_recovery[x]
        assert (rate is None) == (lot["input"]["elements_kg"].get(x, 0) == 0)
        assert rate is None or 0 <= rate <= 1


@settings(max_examples=100, deadline=None)
@given(lots(), st.sampled_from([D(2), D(3), D(7), D(1000), D("0.5")]))
def test_scaling_every_mass_leaves_the_rates_unchanged(lot, k):
    a, b = calculate_recovery(lot), calculate_recovery(scaled(lot, k))
    assert a.recycling_efficiency == b.recycling_efficiency
    assert a.material_recovery == b.material_recovery
    assert [t.met for t in a.targets] == [t.met for t in b.targets]


@settings(max_examples=100, deadline=None)
@given(lots(), st.integers(1, 10_000))
def test_counted_outputs_above_the_input_are_always_refused(lot, extra_cents):
    over = lot["input"]["mass_kg"] + D(extra_cents) * CENT  # all the input and more, as recycled output
    bad = lot | {"outputs": [{"name": "everything", "mass_kg": over, "fate": "recycled"}, *lot["outputs"][1:]]}
    with pytest.raises(MassBalanceError):
        calculate_recovery(bad)

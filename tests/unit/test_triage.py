"""End-of-life triage: every rule T1-T9, threshold overrides, refusals, and the vectorised path against the scalar one.

Default thresholds (data/health/triage.toml): the three-grade sort >= 80 % reuse/remanufacture, 60-80 % repurpose,
< 60 % recycle (planning-forecasting-custody.md §1.3, Bafadal et al. 2025 [S20]); max age 12 y for reuse or
repurpose (§1.2, Busch et al. [S5]); NMC/NCA repurposing floor 0.70, reuse 0 and repurpose 1 negative events
(platform choices [U]).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batteryloop.domain.custody.events import EventKind
from batteryloop.domain.health import (
    ROUTE_CODES,
    ROUTES,
    classify_end_of_life,
    default_thresholds,
    is_stationary_suitable,
    route_names,
    triage_many,
)
from batteryloop.domain.health.triage import load_triage_reference
from batteryloop.domain.transport import ClassificationInputError

BASE: dict[str, Any] = {
    "state_of_health": 0.85,
    "condition": "intact",
    "negative_events": 0,
    "age_years": 6,
    "second_life_demand": True,
    "chemistry": "LFP",
}

# (case, changes, route, rule, next custody step)
TABLE = [
    ("critically damaged", {"condition": "critically_damaged"}, "safety_hold", "T1", "stored"),
    ("unknown condition", {"condition": "unknown"}, "safety_hold", "T1", "stored"),
    ("damaged but stable, high SoH", {"condition": "damaged_stable"}, "recycle", "T2", "condition_measured"),
    ("healthy young pack", {}, "reuse", "T3", "handed_over"),
    ("exactly 0.80, exactly 12 y", {"state_of_health": 0.8, "age_years": 12}, "reuse", "T3", "handed_over"),
    ("one deep discharge", {"negative_events": ["deep_discharge"]}, "remanufacture", "T4", "dismantled"),
    ("too old to reuse", {"age_years": 12.5}, "remanufacture", "T4", "dismantled"),
    ("LFP at 0.60", {"state_of_health": 0.6}, "repurpose", "T5", "repurposed"),
    ("NMC at 0.70", {"state_of_health": 0.7, "chemistry": "NMC811"}, "repurpose", "T5", "repurposed"),
    ("LFP, one event", {"state_of_health": 0.7, "negative_events": 1}, "repurpose", "T5", "repurposed"),
    ("no demand", {"state_of_health": 0.7, "second_life_demand": False}, "recycle", "T6", "sorted"),
    ("NMC at 0.65", {"state_of_health": 0.65, "chemistry": "NMC622"}, "recycle", "T7", "sorted"),
    ("no chemistry at 0.65", {"state_of_health": 0.65, "chemistry": None}, "recycle", "T7", "sorted"),
    ("LFP, two events", {"state_of_health": 0.7, "negative_events": 2}, "recycle", "T8", "sorted"),
    ("LFP, 13 y", {"state_of_health": 0.7, "age_years": 13}, "recycle", "T8", "sorted"),
    ("LFP just below 0.60", {"state_of_health": 0.5999}, "recycle", "T9", "sorted"),
    ("empty pack", {"state_of_health": 0}, "recycle", "T9", "sorted"),
]


def _decide(**changes: Any) -> Any:
    document = {**BASE, **changes}
    return classify_end_of_life(**document)


@pytest.mark.parametrize(("case", "changes", "route", "rule", "step"), TABLE, ids=[row[0] for row in TABLE])
def test_decision_table(case: str, changes: dict[str, Any], route: str, rule: str, step: str) -> None:
    decision = _decide(**changes)
    assert (decision.route, decision.rule, decision.next_custody_step) == (route, rule, step), case
    assert decision.reasons[0].startswith(f"{rule}: ") and decision.reasons[0].endswith(f"-> {route}")
    assert any(f"next custody step: record '{step}'" in r for r in decision.reasons)


def test_reasons_inputs_and_notes() -> None:
    recycle = _decide(state_of_health=0.4)
    assert recycle.then_custody_steps == ("lot_assigned",)
    assert "'sorted' then 'lot_assigned'" in recycle.reasons[-1]
    repurpose = _decide(state_of_health=0.7)
    assert repurpose.new_passport is True
    assert "new passport linked to the old one" in repurpose.reasons[0]
    assert "0.7 in the repurposing grade (repurpose_min_soh 0.6 for LFP" in repurpose.reasons[0]
    held = _decide(condition="critically_damaged", negative_events=["accident", "thermal_event"])
    assert held.safety_note is not None and "quarantine" in held.safety_note
    assert held.inputs.negative_events == 2
    assert held.inputs.negative_event_kinds == ("accident", "thermal_event")
    damaged = _decide(condition="damaged_stable")
    assert damaged.safety_note is not None and "SP 376" in damaged.safety_note
    assert any(r.startswith("safety: ") for r in damaged.reasons)
    thermal = _decide(state_of_health=0.7, negative_events=["thermal"])
    assert any("thermal event" in r for r in thermal.reasons)
    nmc = _decide(state_of_health=0.65, chemistry="NCM 622")
    assert nmc.inputs.chemistry == "NMC622" and nmc.inputs.stationary_suitable is False
    assert "ranked lower for stationary storage and needs repurpose_min_soh_other_chemistry 0.7" in nmc.reasons[0]
    unknown_chem = _decide(state_of_health=0.65, chemistry=None)
    assert any("chemistry not given" in r for r in unknown_chem.reasons)
    basis = classify_end_of_life(**BASE, state_of_health_basis="state_of_certified_energy")
    assert "state of health 0.85 (state_of_certified_energy) >= reuse_min_soh 0.8" in basis.reasons[0]


def test_changing_thresholds_changes_decisions() -> None:
    strict = default_thresholds().with_overrides(reuse_min_soh=0.9, repurpose_min_soh=0.5)
    assert strict.reuse_min_soh == Decimal("0.9")
    # 0.85 reuses by default, not at a 0.90 reuse floor (falls to repurposing for LFP)
    assert _decide().route == "reuse"
    assert _decide(thresholds=strict).route == "repurpose"
    # 0.55 recycles by default, repurposes at a 0.50 floor
    assert _decide(state_of_health=0.55).route == "recycle"
    assert _decide(state_of_health=0.55, thresholds=strict).route == "repurpose"
    lenient = default_thresholds().with_overrides(reuse_max_negative_events=1, reuse_max_age_years=15)
    assert _decide(negative_events=1, age_years=14).route == "remanufacture"
    assert _decide(negative_events=1, age_years=14, thresholds=lenient).route == "reuse"
    nmc = default_thresholds().with_overrides(repurpose_min_soh_other_chemistry=0.6)
    assert _decide(state_of_health=0.65, chemistry="NCA", thresholds=nmc).route == "repurpose"


def test_bad_thresholds_are_refused_with_every_problem() -> None:
    with pytest.raises(ClassificationInputError) as excinfo:
        default_thresholds().with_overrides(reuse_min_soh=80, reuse_max_negative_events=-1, foo=1)
    fields = {p.field for p in excinfo.value.problems}
    assert fields == {"thresholds.reuse_min_soh", "thresholds.reuse_max_negative_events", "thresholds.foo"}
    with pytest.raises(ClassificationInputError) as excinfo:
        default_thresholds().with_overrides(repurpose_min_soh=0.9)
    assert {p.field for p in excinfo.value.problems} == {
        "thresholds.repurpose_min_soh",
        "thresholds.repurpose_min_soh_other_chemistry",
    }


def test_bad_inputs_are_refused_with_every_problem() -> None:
    with pytest.raises(ClassificationInputError) as excinfo:
        classify_end_of_life(
            state_of_health=85,
            condition="broken",
            negative_events=["meteor"],
            age_years=-1,
            second_life_demand="yes",
            chemistry="unobtainium",
        )
    found = {p.field: p.reason for p in excinfo.value.problems}
    assert set(found) == {
        "state_of_health",
        "condition",
        "negative_events.0",
        "age_years",
        "second_life_demand",
        "chemistry",
    }
    assert "looks like a percentage: give 0.85" in found["state_of_health"]
    with pytest.raises(ClassificationInputError) as excinfo:
        classify_end_of_life(
            state_of_health=None, condition=None, negative_events=None, age_years=None, second_life_demand=None
        )
    assert len(excinfo.value.problems) == 5


def test_reference_data_is_consistent() -> None:
    ref = load_triage_reference()
    assert set(ref.routes) == set(ROUTES)
    assert all(isinstance(step.next_custody_step, EventKind) for step in ref.routes.values())
    assert ref.stationary_chemistries == {"LFP", "LMFP"}
    assert is_stationary_suitable("LiFePO4") and is_stationary_suitable("LMFP")
    assert not is_stationary_suitable("NMC811") and not is_stationary_suitable("NCA")
    t = ref.thresholds
    assert (t.reuse_min_soh, t.repurpose_min_soh) == (Decimal("0.80"), Decimal("0.60"))
    assert set(ref.threshold_sources) == set(t.as_dict())


def test_triage_many_matches_the_table() -> None:
    t = default_thresholds()
    rows = [{**BASE, **changes} for _, changes, *_ in TABLE]
    codes = triage_many(
        np.array([float(r["state_of_health"]) for r in rows]),
        np.array([r["condition"] != "intact" for r in rows]),
        np.array(
            [r["negative_events"] if isinstance(r["negative_events"], int) else len(r["negative_events"]) for r in rows]
        ),
        np.array([float(r["age_years"]) for r in rows]),
        np.array([r["chemistry"] in {"LFP", "LMFP"} for r in rows]),
        np.array([r["second_life_demand"] for r in rows]),
        t,
        critical=np.array([r["condition"] in {"critically_damaged", "unknown"} for r in rows]),
    )
    assert codes.dtype == np.int8
    assert list(route_names(codes)) == [route for _, _, route, _, _ in TABLE]
    assert ROUTE_CODES["recycle"] == 3
    # a scalar demand flag broadcasts; NaN never passes a threshold
    assert list(triage_many([0.7, float("nan")], [False, False], [0, 0], [5, 5], [True, True], False)) == [3, 3]


_CONDITION_FLAGS = {"intact": (False, False), "damaged_stable": (True, False), "critically_damaged": (True, True)}


@settings(max_examples=300, deadline=None)
@given(
    packs=st.lists(
        st.tuples(
            st.one_of(
                st.floats(min_value=0, max_value=1.1, allow_nan=False),
                st.sampled_from([0.6, 0.7, 0.8, 0.5999999999999999, 0.7999999999999999, 0.6000000000000001]),
            ),
            st.sampled_from(sorted(_CONDITION_FLAGS)),
            st.integers(min_value=0, max_value=4),
            st.one_of(st.floats(min_value=0, max_value=30, allow_nan=False), st.sampled_from([12.0, 12.000000001])),
            st.sampled_from(["LFP", "LMFP", "NMC811", "NCA"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=30,
    ),
    overrides=st.one_of(
        st.just({}),
        st.fixed_dictionaries(
            {
                "repurpose_min_soh": st.sampled_from([0.5, 0.6, 0.65]),
                "repurpose_min_soh_other_chemistry": st.sampled_from([0.65, 0.7, 0.75]),
                "reuse_min_soh": st.sampled_from([0.75, 0.8, 0.9]),
                "reuse_max_negative_events": st.integers(0, 2),
                "repurpose_max_age_years": st.sampled_from([8, 12, 15.5]),
            }
        ),
    ),
)
def test_triage_many_gives_the_scalar_routes(packs: list[tuple[Any, ...]], overrides: dict[str, Any]) -> None:
    t = default_thresholds().with_overrides(**overrides)
    expected = [
        classify_end_of_life(
            state_of_health=soh,
            condition=cond,
            negative_events=events,
            age_years=age,
            chemistry=chem,
            second_life_demand=demand,
            thresholds=t,
        ).route
        for soh, cond, events, age, chem, demand in packs
    ]
    soh, cond, events, age, chem, demand = (list(column) for column in zip(*packs, strict=True))
    codes = triage_many(
        np.array(soh),
        np.array([_CONDITION_FLAGS[c][0] for c in cond]),
        np.array(events),
        np.array(age),
        np.array([is_stationary_suitable(c) for c in chem]),
        np.array(demand),
        t,
        critical=np.array([_CONDITION_FLAGS[c][1] for c in cond]),
    )
    assert list(route_names(codes)) == expected

"""Calculator ``triage``: the end-of-life route of an EV battery pack (reuse, remanufacture, repurpose, recycle or
safety hold), with the rule that decided it and the custody step to record next.

Contract (partners' scripts rely on it):

- in: ``state_of_health`` (fraction) or the measurements of the ``soh`` calculator (rated and remaining capacity,
  certified and remaining energy, ...), ``condition`` (intact | damaged_stable | critically_damaged | unknown),
  ``negative_events`` (a count or a list of kinds), ``age_years``, ``second_life_demand`` (true/false), optional
  ``chemistry`` and ``thresholds`` (any of the :class:`~batteryloop.domain.health.TriageThresholds` names);
- out: ``route``, ``rule`` (T1-T9), ``reasons``, ``next_custody_step``, ``then_custody_steps``, ``safety_note``,
  ``new_passport``, ``thresholds``, ``inputs`` and, when measurements were given, ``health`` (the ``soh`` output).
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, StrictInt, StrictStr

from batteryloop.domain.health import TriageDecision, calculate_health_indicators, classify_end_of_life
from batteryloop.domain.health.triage import CONDITIONS, default_thresholds
from batteryloop.domain.transport import ClassificationInputError, InputProblem
from batteryloop.services.calc.base import CalcInput, Calculator
from batteryloop.services.calc.fields import choice_field, json_value, quantity_field, refused
from batteryloop.services.calc.soh import SohMeasurements, health_as_dict


class ThresholdsInput(CalcInput):
    """A consortium's overrides of the default triage thresholds (``data/health/triage.toml``)."""

    reuse_min_soh: float | None = quantity_field("Reuse or remanufacture at or above this state of health (0.80).")
    repurpose_min_soh: float | None = quantity_field("Repurpose at or above this state of health (0.60).")
    repurpose_min_soh_other_chemistry: float | None = quantity_field(
        "Repurposing floor for chemistries not suited to stationary storage, e.g. NMC, NCA (0.70)."
    )
    reuse_max_negative_events: int | None = Field(default=None, strict=True, description="Default 0.")
    repurpose_max_negative_events: int | None = Field(default=None, strict=True, description="Default 1.")
    reuse_max_age_years: float | None = quantity_field("Oldest pack reused as is [years] (12).")
    repurpose_max_age_years: float | None = quantity_field("Oldest pack repurposed [years] (12).")


class TriageInput(SohMeasurements):
    """Input of the ``triage`` calculator."""

    model_config = ConfigDict(
        json_schema_extra={"required": ["condition", "negative_events", "age_years", "second_life_demand"]}
    )

    state_of_health: float | None = quantity_field(
        "State of health, a fraction (SOCE, else remaining capacity share); or give the measurements instead."
    )
    condition: str | None = choice_field(
        "intact, damaged_stable, critically_damaged or unknown (not assessed).", CONDITIONS
    )
    negative_events: StrictInt | list[StrictStr] | None = Field(
        default=None,
        description="Negative events recorded (Annex VII Part B): a count, or a list of kinds such as "
        "accident, thermal_event, deep_discharge.",
    )
    age_years: float | None = quantity_field("Age of the pack since manufacture [years].")
    second_life_demand: bool | None = Field(
        default=None, strict=True, description="Whether a second-life (repurposing) buyer or project is available."
    )
    chemistry: str | None = Field(
        default=None, strict=True, description="Cathode chemistry, e.g. LFP, LMFP, NMC811, NCA (aliases accepted)."
    )
    thresholds: ThresholdsInput | None = Field(default=None, description="Overrides of the default thresholds.")


def decision_as_dict(decision: TriageDecision) -> dict[str, Any]:
    """Return a triage decision as the calculator's JSON-ready output."""
    i = decision.inputs
    return {
        "route": decision.route,
        "rule": decision.rule,
        "reasons": list(decision.reasons),
        "next_custody_step": decision.next_custody_step,
        "then_custody_steps": list(decision.then_custody_steps),
        "safety_note": decision.safety_note,
        "new_passport": decision.new_passport,
        "thresholds": {name: json_value(value) for name, value in decision.thresholds.as_dict().items()},
        "inputs": {
            "state_of_health": json_value(i.state_of_health),
            "condition": i.condition,
            "negative_events": i.negative_events,
            "negative_event_kinds": list(i.negative_event_kinds),
            "age_years": json_value(i.age_years),
            "chemistry": i.chemistry,
            "stationary_suitable": i.stationary_suitable,
            "second_life_demand": i.second_life_demand,
        },
    }


def compute_triage(params: TriageInput) -> dict[str, Any]:
    """Decide the end-of-life route of one pack; refuse with every problem at once."""
    problems: list[InputProblem] = []
    measurements = {name: value for name, value in params.measurements().items() if value is not None}
    soh: object = params.state_of_health
    basis: str | None = None
    health = None
    if measurements:
        if params.state_of_health is not None:
            problems.append(
                InputProblem(
                    field="state_of_health",
                    reason=f"give either state_of_health or the measurements ({', '.join(measurements)}), not both",
                )
            )
        try:
            health = calculate_health_indicators(**measurements)
        except ClassificationInputError as exc:
            problems.extend(exc.problems)
        else:
            soh, basis = health.state_of_health, health.state_of_health_basis
            if soh is None:
                problems.append(
                    InputProblem(
                        field="state_of_health",
                        reason="the measurements give no state of health: add rated_capacity_ah and "
                        "remaining_capacity_ah, or certified_energy_kwh and remaining_energy_kwh",
                    )
                )
    thresholds = None
    if params.thresholds is not None:
        try:
            thresholds = default_thresholds().with_overrides(**params.thresholds.model_dump(exclude_none=True))
        except ClassificationInputError as exc:
            problems.extend(exc.problems)
    soh_unusable = bool(problems) and soh is None and bool(measurements)
    try:
        decision = classify_end_of_life(
            state_of_health=0 if soh_unusable else soh,
            condition=params.condition,
            negative_events=params.negative_events,
            age_years=params.age_years,
            second_life_demand=params.second_life_demand,
            chemistry=params.chemistry,
            thresholds=thresholds,
            state_of_health_basis=basis,
        )
    except ClassificationInputError as exc:
        problems.extend(exc.problems)
    if problems:
        raise refused(ClassificationInputError(problems))
    result = decision_as_dict(decision)
    if health is not None:
        result["health"] = health_as_dict(health)
    return result


CALCULATOR = Calculator(
    topic="triage",
    summary=(
        "End-of-life triage of an EV battery pack: reuse, remanufacture, repurpose, recycle or safety hold from its "
        "state of health, condition, negative events, age, chemistry and second-life demand, with the rule (T1-T9), "
        "the reasons and the custody event to record next."
    ),
    input_model=TriageInput,
    compute=compute_triage,
    examples=(
        {
            "state_of_health": 0.72,
            "chemistry": "LFP",
            "condition": "intact",
            "negative_events": 0,
            "age_years": 9,
            "second_life_demand": True,
        },
        {
            "rated_capacity_ah": 200,
            "remaining_capacity_ah": 172,
            "chemistry": "NMC811",
            "condition": "intact",
            "negative_events": ["deep_discharge"],
            "age_years": 6,
            "second_life_demand": False,
        },
        {
            "state_of_health": 0.85,
            "chemistry": "NCA",
            "condition": "critically_damaged",
            "negative_events": ["accident"],
            "age_years": 3,
            "second_life_demand": True,
        },
    ),
)

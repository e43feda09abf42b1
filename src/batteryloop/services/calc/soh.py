"""Calculator ``soh``: Annex VII state-of-health indicators of a battery from measurements against rated values.

Contract (partners' scripts rely on it):

- in: ``rated_capacity_ah`` and ``remaining_capacity_ah`` (required); optional pairs ``certified_energy_kwh`` +
  ``remaining_energy_kwh``, ``initial_power_w`` + ``power_w``, ``initial_resistance_ohm`` + ``resistance_ohm``,
  ``initial_round_trip_efficiency`` + ``round_trip_efficiency``, ``initial_self_discharge_rate`` +
  ``self_discharge_rate`` (efficiencies and rates as fractions, 0.95 not 95);
- out: ``indicators`` (by name: ``value``, ``formula``, ``annex_vii_item``, ``inputs``) for the pairs given,
  ``state_of_health`` (SOCE when the energies are given, else the remaining capacity share),
  ``state_of_health_basis``, ``reasons``, ``inputs``.

Every indicator is a fraction (1 = 100 %); fades and increases are negative when the value improved.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from batteryloop.domain.health.soh import FIELDS, HealthIndicators, calculate_health_indicators
from batteryloop.domain.transport import ClassificationInputError, InputProblem
from batteryloop.services.calc.base import CalcInput, Calculator
from batteryloop.services.calc.fields import json_value, quantity_field, refused

REQUIRED = ("rated_capacity_ah", "remaining_capacity_ah")


class SohMeasurements(CalcInput):
    """The measurement fields shared by the ``soh`` and ``triage`` calculators (all optional here)."""

    rated_capacity_ah: float | None = quantity_field("Rated (nameplate) capacity [Ah].")
    remaining_capacity_ah: float | None = quantity_field("Measured remaining capacity [Ah].")
    certified_energy_kwh: float | None = quantity_field("Certified usable battery energy [kWh] (EV: for SOCE).")
    remaining_energy_kwh: float | None = quantity_field("Measured usable battery energy [kWh].")
    initial_power_w: float | None = quantity_field("Original power capability [W].")
    power_w: float | None = quantity_field("Measured power capability [W].")
    initial_resistance_ohm: float | None = quantity_field("Internal resistance at beginning of life [ohm].")
    resistance_ohm: float | None = quantity_field("Measured internal resistance [ohm], same level as the initial.")
    initial_round_trip_efficiency: float | None = quantity_field("Initial round-trip efficiency, a fraction (0, 1].")
    round_trip_efficiency: float | None = quantity_field("Measured round-trip efficiency, a fraction (0, 1].")
    initial_self_discharge_rate: float | None = quantity_field(
        "Initial self-discharge rate, a fraction of charge per period (e.g. per month)."
    )
    self_discharge_rate: float | None = quantity_field("Measured self-discharge rate, same period as the initial.")

    def measurements(self) -> dict[str, Any]:
        """Return the measurement fields by name."""
        return {name: getattr(self, name) for name in FIELDS}


class SohInput(SohMeasurements):
    """Input of the ``soh`` calculator."""

    model_config = ConfigDict(json_schema_extra={"required": list(REQUIRED)})


def health_as_dict(result: HealthIndicators) -> dict[str, Any]:
    """Return health indicators as the calculator's JSON-ready output."""
    return {
        "indicators": {
            name: {
                "value": json_value(ind.value),
                "formula": ind.formula,
                "annex_vii_item": ind.annex_vii_item,
                "inputs": {key: json_value(value) for key, value in ind.inputs.items()},
            }
            for name, ind in result.indicators.items()
        },
        "state_of_health": json_value(result.state_of_health),
        "state_of_health_basis": result.state_of_health_basis,
        "reasons": list(result.reasons),
        "inputs": {key: json_value(value) for key, value in result.inputs.items()},
    }


def compute_soh(params: SohInput) -> dict[str, Any]:
    """Compute the Annex VII indicators of one battery; refuse with every problem at once."""
    problems = [
        InputProblem(field=name, reason=f"required: the {name.split('_')[0]} capacity in Ah")
        for name in REQUIRED
        if getattr(params, name) is None
    ]
    try:
        result = calculate_health_indicators(**params.measurements())
    except ClassificationInputError as exc:
        problems = [*problems, *exc.problems]
    if problems:
        raise refused(ClassificationInputError(problems))
    return health_as_dict(result)


CALCULATOR = Calculator(
    topic="soh",
    summary=(
        "Annex VII state-of-health indicators from measurements against rated values: state of certified energy, "
        "remaining capacity share, capacity fade, power fade, internal resistance increase, round-trip efficiency "
        "fade and self-discharge evolution, as fractions with their formulas."
    ),
    input_model=SohInput,
    compute=compute_soh,
    examples=(
        {"rated_capacity_ah": 200, "remaining_capacity_ah": 168},
        {
            "rated_capacity_ah": 200,
            "remaining_capacity_ah": 150,
            "certified_energy_kwh": 75,
            "remaining_energy_kwh": 57,
            "initial_resistance_ohm": 0.1,
            "resistance_ohm": 0.14,
            "initial_power_w": 150000,
            "power_w": 120000,
            "initial_round_trip_efficiency": 0.95,
            "round_trip_efficiency": 0.9,
            "initial_self_discharge_rate": 0.02,
            "self_discharge_rate": 0.03,
        },
    ),
)

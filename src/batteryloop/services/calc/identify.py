"""Calculator ``identify``: a battery's chemistry from an elemental assay or from its cell voltages.

Contract (partners' scripts rely on it):

- in, assay: ``{"elements_wt_pct": {"Li": 4.4, "Ni": 22.1, "Co": 7.4, "Mn": 6.9, "C": 38.2, ...}}`` (weight % of
  the sample; any subset of Li, Ni, Co, Mn, Fe, P, Al, Cu, C, F, Na);
- in, voltages (per cell): any of ``nominal_voltage_v``, ``open_circuit_min_v``, ``open_circuit_max_v``;
- optional ``declared_chemistry`` (code or unambiguous alias) to check;
- out: ``method`` ("assay" or "voltage"), ``chemistry`` (null from voltages when the family has several members),
  ``confidence`` (0-1), ``runner_up``, ``reasons``, ``declared_chemistry``, ``mismatch`` (null or
  ``{declared, identified, reason}``); assay: ``distance``, ``runner_up_distance``, ``distances``,
  ``cation_shares``, ``ratios``; voltage: ``family``, ``candidates``; and ``inputs``.

An assay and voltages are not combined: give one or the other. Every input problem is reported at once.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from batteryloop.domain.identify import (
    AssayIdentification,
    IdentificationInputError,
    Mismatch,
    VoltageIdentification,
    identify_from_assay,
    identify_from_voltage,
)
from batteryloop.services.calc.base import CalcInput, CalcItemError, Calculator, FieldProblem
from batteryloop.services.calc.fields import quantity_field

_VOLTAGE_FIELDS = ("nominal_voltage_v", "open_circuit_min_v", "open_circuit_max_v")


class IdentifyInput(CalcInput):
    """Input of the ``identify`` calculator: an assay, or cell voltages."""

    elements_wt_pct: dict[str, Any] | None = Field(
        default=None,
        description="Elemental assay of cathode material or black mass, weight % of the sample by symbol: "
        "Li, Ni, Co, Mn, Fe, P, Al, Cu, C, F, Na (any subset).",
        json_schema_extra={"examples": [{"Li": 4.36, "Ni": 22.1, "Co": 7.4, "Mn": 6.9, "C": 38.16}]},
    )
    nominal_voltage_v: float | None = quantity_field("Nominal voltage of one cell [V].")
    open_circuit_min_v: float | None = quantity_field("Lowest rated voltage of one cell, end of discharge [V].")
    open_circuit_max_v: float | None = quantity_field("Highest rated voltage of one cell, end of charge [V].")
    declared_chemistry: str | None = Field(
        default=None, strict=True, description="The chemistry declared for the battery (e.g. 'NMC622'), to check."
    )


def _mismatch(m: Mismatch | None) -> dict[str, str] | None:
    return None if m is None else {"declared": m.declared, "identified": m.identified, "reason": m.reason}


def assay_as_dict(result: AssayIdentification) -> dict[str, Any]:
    """Return an assay identification as the calculator's JSON-ready output."""
    return {
        "method": "assay",
        "chemistry": result.chemistry,
        "confidence": result.confidence,
        "runner_up": result.runner_up,
        "reasons": list(result.reasons),
        "declared_chemistry": result.declared,
        "mismatch": _mismatch(result.mismatch),
        "distance": result.distance,
        "runner_up_distance": result.runner_up_distance,
        "distances": dict(result.distances),
        "cation_shares": dict(result.cation_shares),
        "ratios": dict(result.ratios),
        "inputs": {"elements_wt_pct": dict(result.inputs)},
    }


def voltage_as_dict(result: VoltageIdentification) -> dict[str, Any]:
    """Return a voltage identification as the calculator's JSON-ready output."""
    return {
        "method": "voltage",
        "chemistry": result.chemistry,
        "confidence": result.confidence,
        "runner_up": result.runner_up,
        "reasons": list(result.reasons),
        "declared_chemistry": result.declared,
        "mismatch": _mismatch(result.mismatch),
        "family": result.family,
        "candidates": list(result.candidates),
        "inputs": dict(result.inputs),
    }


def compute_identify(params: IdentifyInput) -> dict[str, Any]:
    """Identify the chemistry from the assay or the voltages given."""
    voltages = {name: getattr(params, name) for name in _VOLTAGE_FIELDS}
    has_voltage = any(v is not None for v in voltages.values())
    if params.elements_wt_pct is not None and has_voltage:
        raise CalcItemError(
            "Invalid input",
            [FieldProblem(field="", reason="give either elements_wt_pct or cell voltages, not both")],
        )
    if params.elements_wt_pct is None and not has_voltage:
        raise CalcItemError(
            "Invalid input",
            [
                FieldProblem(
                    field="",
                    reason="nothing usable: give elements_wt_pct (an assay) or at least one of "
                    + ", ".join(_VOLTAGE_FIELDS),
                )
            ],
        )
    try:
        if params.elements_wt_pct is not None:
            return assay_as_dict(identify_from_assay(params.elements_wt_pct, declared=params.declared_chemistry))
        return voltage_as_dict(
            identify_from_voltage(
                params.nominal_voltage_v,
                params.open_circuit_min_v,
                params.open_circuit_max_v,
                declared=params.declared_chemistry,
            )
        )
    except IdentificationInputError as exc:
        raise CalcItemError(
            "Invalid input", [FieldProblem(field=p.field, reason=p.reason) for p in exc.problems]
        ) from exc


CALCULATOR = Calculator(
    topic="identify",
    summary=(
        "Identify a battery's chemistry (NMC grades, NCA, LFP, LMFP, LMO, LCO, sodium-ion) from an elemental assay "
        "of cathode material or black mass (molar ratios that survive dilution), or its family from cell "
        "voltages; with confidence, runner-up, the ratios that decided, and a mismatch against a declared chemistry."
    ),
    input_model=IdentifyInput,
    compute=compute_identify,
    examples=(
        {"elements_wt_pct": {"Li": 4.36, "Ni": 22.10, "Co": 7.40, "Mn": 6.90, "Cu": 0.57, "Al": 0.37, "C": 38.16}},
        {
            "elements_wt_pct": {"Li": 2.87, "Fe": 23.07, "P": 12.80, "Cu": 0.72, "Al": 0.45, "C": 33.58},
            "declared_chemistry": "NMC811",
        },
        {"nominal_voltage_v": 3.2, "open_circuit_min_v": 2.5, "open_circuit_max_v": 3.65},
    ),
)

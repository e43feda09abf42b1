"""Calculator ``grade``: product quality of a recovered battery material lot, graded against specifications.

Contract:

- in: ``product`` (``Li2CO3``, ``LiOH·H2O``, ``NiSO4·6H2O``, ``CoSO4·7H2O``, ``MnSO4·H2O`` or ``black_mass``;
  aliases such as ``lithium carbonate``, ``LiOH``, ``NiSO4`` or ``BM`` are accepted), ``assay`` with some of
  ``main_content_pct`` (the product's main content: Li2CO3 %, LiOH %, Ni %, Co % or Mn %), ``impurities_ppm``
  ({parameter: ppm}, e.g. {"Na": 200, "SO4": 500, "magnetic": 0.1, "insolubles": 20}), ``content_pct``
  ({parameter: mass %}, e.g. black mass {"Ni": 20, "Co": 7, "Li": 4, "Al": 1.5}, or {"H2O": 0.1}, {"CO2": 0.2}),
  ``ph`` and ``methods`` ({parameter: analytical method}); optional ``specification`` (an id; without it the lot
  is graded against every specification of the product in force and the best grade met is named), ``as_of``
  (ISO date the specifications must be in force on) and ``lot`` ({id, producer, date, mass_kg}, echoed; needed
  for a certificate of analysis: ``batteryloop certificate``).
- out: ``verdict`` (``pass | fail | unconfirmed``; unconfirmed when nothing fails but parameters were not measured),
  ``best_grade`` ({id, name, rank} or null), ``reasons``, ``grades`` (per specification: verdict, in_force,
  failing, not_measured, not_limited, ``parameters`` [{parameter, label, unit, value, limit, min, max,
  max_exclusive, outcome (pass | fail | not_measured), reason, method, source, status}], reasons, assumptions (the
  limits that are not verified) and note), ``sources`` (cited sources with date and address), ``lot``.

Limits are inclusive (a value on the limit passes) except where the source writes a strict "<".
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from batteryloop.domain.grading import GradeResult, SpecGrade, get_grading_data, grade
from batteryloop.domain.transport import ClassificationInputError
from batteryloop.services.calc.base import (
    CalcInput,
    CalcItemError,
    Calculator,
    FieldProblem,
    field_problems_from_validation,
)
from batteryloop.services.calc.fields import IsoDate, json_number, json_value, refused


class LotInput(BaseModel):
    """The graded product lot, as named on a certificate of analysis."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str | None = Field(default=None, strict=True, min_length=1, description="Lot number or identifier.")
    producer: str | None = Field(default=None, strict=True, description="Who produced the lot.")
    date: IsoDate = Field(default=None, description="Date of analysis (ISO 8601).")
    mass_kg: float | None = Field(default=None, strict=True, gt=0, allow_inf_nan=False, description="Lot mass [kg].")


class GradeInput(CalcInput):
    """Input of ``grade``: a product, its assay, optionally the specification and the lot."""

    product: str | None = Field(default=None, strict=True, description="Product graded, e.g. Li2CO3 or black_mass.")
    specification: str | None = Field(default=None, strict=True, description="Specification id; default: all.")
    as_of: IsoDate = Field(default=None, description="Date the specifications must be in force on (ISO 8601).")
    assay: dict[str, Any] | None = Field(
        default=None, description="main_content_pct, impurities_ppm {}, content_pct {}, ph, methods {}."
    )
    lot: LotInput | None = Field(default=None, description="The lot: id, producer, date, mass_kg.")


def parse_grade_input(document: Any) -> GradeInput:
    """Validate one JSON object into :class:`GradeInput`; raises :class:`CalcItemError` naming every bad field."""
    if not isinstance(document, dict):
        raise CalcItemError("Invalid input", [FieldProblem(field="", reason="the input must be a JSON object")])
    try:
        return GradeInput.model_validate(document)
    except ValidationError as exc:
        raise CalcItemError("Invalid input", field_problems_from_validation(exc)) from exc


def grade_input(params: GradeInput) -> GradeResult:
    """Grade the input's assay; input problems become :class:`CalcItemError`."""
    try:
        return grade(params.product, params.assay, params.specification, as_of=params.as_of)
    except ClassificationInputError as exc:
        raise refused(exc) from exc


def _grade_as_dict(g: SpecGrade) -> dict[str, Any]:
    spec = g.specification
    return {
        "specification": spec.id,
        "name": spec.name,
        "rank": spec.rank,
        "verdict": g.verdict,
        "in_force": g.in_force,
        "failing": list(g.failing),
        "not_measured": list(g.not_measured),
        "not_limited": list(g.not_limited),
        "parameters": [
            {
                "parameter": c.parameter.name,
                "label": c.parameter.label,
                "unit": c.parameter.unit,
                "value": None if c.value is None else json_number(c.value),
                "limit": c.parameter.limit_text,
                "min": json_value(c.parameter.minimum),
                "max": json_value(c.parameter.maximum),
                "max_exclusive": c.parameter.max_exclusive,
                "outcome": c.outcome,
                "reason": c.reason,
                "method": c.method,
                "source": c.parameter.source,
                "status": c.parameter.status,
            }
            for c in g.checks
        ],
        "reasons": list(g.reasons),
        "assumptions": list(g.assumptions),
        "note": spec.note,
        "valid_from": json_value(spec.valid_from),
        "valid_until": json_value(spec.valid_until),
    }


def grade_result_as_dict(result: GradeResult, lot: LotInput | None = None) -> dict[str, Any]:
    """Return a grading result as the calculator's JSON-ready output."""
    sources = get_grading_data().sources
    cited = dict.fromkeys(c.parameter.source for g in result.grades for c in g.checks)
    best = result.best
    return {
        "product": result.product.key,
        "product_label": result.product.label,
        "specification": result.requested,
        "as_of": json_value(result.as_of),
        "verdict": result.verdict,
        "best_grade": None
        if best is None
        else {"id": best.specification.id, "name": best.specification.name, "rank": best.specification.rank},
        "reasons": list(result.reasons),
        "grades": [_grade_as_dict(g) for g in result.grades],
        "sources": {key: sources[key].text for key in cited},
        "lot": None if lot is None else {k: json_value(v) for k, v in lot.model_dump().items()},
    }


def compute_grade(params: GradeInput) -> dict[str, Any]:
    """Grade one lot's assay (see the module docstring for the contract)."""
    return grade_result_as_dict(grade_input(params), params.lot)


_EXAMPLE: dict[str, Any] = {
    "product": "Li2CO3",
    "assay": {
        "main_content_pct": 99.62,
        "impurities_ppm": {"Na": 180, "Ca": 35, "Mg": 60, "magnetic": 0.2},
        "methods": {"Na": "ICP-OES"},
    },
    "lot": {"id": "LC-2026-0042", "producer": "Example Recycling GmbH", "date": "2026-11-20", "mass_kg": 1000},
}

CALCULATOR = Calculator(
    topic="grade",
    summary=(
        "Product quality of a recovered material lot (Li2CO3, LiOH·H2O, NiSO4·6H2O, CoSO4·7H2O, MnSO4·H2O, black "
        "mass): the assay graded against a specification or all of the product's, every parameter with value, "
        "limit, pass/fail and reason, the best grade met; limits with their source and verification status."
    ),
    input_model=GradeInput,
    compute=compute_grade,
    examples=(
        _EXAMPLE,
        {
            "product": "black_mass",
            "assay": {"content_pct": {"Ni": 21.5, "Co": 6.8, "Li": 3.9, "Al": 1.2, "Cu": 1.1, "F": 2.0, "Fe": 0.4}},
        },
        {
            "product": "MnSO4·H2O",
            "specification": "mnso4-fastmarkets-battery",
            "assay": {"main_content_pct": 32.1, "impurities_ppm": {"Fe": 8, "Ni": 60}, "ph": 5.1},
        },
    ),
)

"""Calculator ``design-score``: design-for-recycling score of battery models, one or several side by side.

Contract:

- in, one model: ``chemistry``, ``pack_mass_kg``, ``joining`` ({``pack_to_module``, ``module_to_cell``} or
  {``pack_to_cell``} for cell-to-pack; each ``screws | clips | adhesive | potting | welded``),
  ``disassembly_steps``, ``disassembly_minutes`` (pack to modules, estimated), ``tools``
  (``standard | special | none_needed``), ``modules`` (0 for cell-to-pack), ``cell_format``
  (``prismatic | pouch | cylindrical | cell_to_pack``), ``chemistry_label_on_modules``, and
  ``has_dismantling_manual`` or ``documents`` (passport document types); optional ``code``, ``oem``, ``year``,
  ``materials`` ([{name, mass_kg, critical_raw_material?}], passport attribute #33) and ``hazardous_substances``
  ([{name, hazard_class?}], #34). Out: ``total`` (0-100, one decimal), ``breakdown`` (criterion, label, score,
  weight, points, why, assessed), ``advice`` (criterion, action, gain_points, effect), ``critical_raw_materials``
  (mass_kg, value_eur, share_of_pack, lines, reasons; null without materials), ``assumptions``, ``inputs``.
- in, several models: ``{"models": [<model>, ...]}`` (nothing else). Out: ``models`` (each as above), ``comparison``
  (criteria, rows ranked by total with points per criterion, best_per_criterion) and ``trends`` (per oem: models,
  mean_total, by_year, change_per_year) with ``trend_notes``. Errors name ``models[<i>].<field>``.

A plain list of models is scored item by item (the calc contract); ``{"models": [...]}`` compares them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from batteryloop.domain.design import (
    CELL_FORMATS,
    JOINING_METHODS,
    TOOLS,
    DesignScore,
    calculate_oem_trends,
    check_design_facts,
    compare_models,
    score_design,
)
from batteryloop.domain.design.score import round_half_up
from batteryloop.domain.transport import ClassificationInputError
from batteryloop.services.calc.base import CalcInput, CalcItemError, Calculator, FieldProblem
from batteryloop.services.calc.base import field_problems_from_validation as _validation_problems
from batteryloop.services.calc.fields import json_number, quantity_field, refused

_MODEL_FIELDS = (
    "chemistry",
    "pack_mass_kg",
    "has_dismantling_manual",
    "joining",
    "disassembly_steps",
    "disassembly_minutes",
    "tools",
    "modules",
    "cell_format",
    "chemistry_label_on_modules",
    "code",
    "oem",
    "year",
    "materials",
    "hazardous_substances",
    "documents",
)


class DesignModelInput(BaseModel):
    """One battery model's design facts (passport data plus the facts the passport does not carry)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str | None = Field(default=None, strict=True, description="Model code or name.")
    oem: str | None = Field(default=None, strict=True, description="Automaker, for trends.")
    year: int | None = Field(default=None, strict=True, description="Model year, for trends.")
    chemistry: str | None = Field(default=None, strict=True, description="Chemistry code (passport #31), e.g. NMC811.")
    pack_mass_kg: float | None = quantity_field("Pack mass [kg] (passport battery_mass_kg).")
    materials: list[dict[str, Any]] | None = Field(
        default=None, description="Passport #33 materials: [{name, mass_kg, critical_raw_material?}]."
    )
    hazardous_substances: list[dict[str, Any]] | None = Field(
        default=None, description="Passport #34 hazardous substances: [{name, hazard_class?}]; [] declares none."
    )
    documents: list[Any] | None = Field(
        default=None, description="Passport #36 documents: types or {type, url}; a dismantling_manual counts."
    )
    has_dismantling_manual: bool | None = Field(default=None, strict=True, description="A dismantling manual exists.")
    joining: dict[str, Any] | None = Field(
        default=None,
        description=f"Method per level (pack_to_module, module_to_cell; pack_to_cell): {', '.join(JOINING_METHODS)}.",
    )
    disassembly_steps: int | None = Field(default=None, strict=True, description="Disassembly steps, pack to modules.")
    disassembly_minutes: float | None = quantity_field("Estimated manual disassembly time, pack to modules [min].")
    tools: str | None = Field(default=None, strict=True, description=f"Tools needed: {', '.join(TOOLS)}.")
    modules: int | None = Field(default=None, strict=True, description="Number of modules; 0 for cell-to-pack.")
    cell_format: str | None = Field(default=None, strict=True, description=f"Cell format: {', '.join(CELL_FORMATS)}.")
    chemistry_label_on_modules: bool | None = Field(
        default=None, strict=True, description="Every module carries a chemistry label."
    )


class DesignScoreInput(CalcInput, DesignModelInput):
    """Input of ``design-score``: one model, or ``models`` (a list of models) to compare side by side."""

    models: list[Any] | None = Field(default=None, description="Several models to compare; nothing else then.")


def _num(value: Decimal, quantum: str | None = None) -> int | float:
    return json_number(round_half_up(value, quantum) if quantum else value)


def design_score_as_dict(result: DesignScore) -> dict[str, Any]:
    """Return a score as the calculator's JSON-ready output (points to 0.01, total to 0.1)."""
    facts = result.inputs
    crm = result.crm
    return {
        "code": facts.code,
        "oem": facts.oem,
        "year": facts.year,
        "total": _num(result.total, "0.1"),
        "breakdown": [
            {
                "criterion": line.criterion,
                "label": line.label,
                "score": _num(line.score, "0.001"),
                "weight": _num(line.weight),
                "points": _num(line.points, "0.01"),
                "why": line.why,
                "assessed": line.assessed,
            }
            for line in result.breakdown
        ],
        "advice": [
            {
                "criterion": a.criterion,
                "action": a.action,
                "gain_points": _num(a.gain_points, "0.1"),
                "effect": a.effect,
            }
            for a in result.advice
        ],
        "critical_raw_materials": None
        if crm is None
        else {
            "mass_kg": _num(crm.mass_kg, "0.001"),
            "value_eur": _num(crm.value_eur, "0.01"),
            "share_of_pack": _num(crm.share_of_pack, "0.0001"),
            "lines": [
                {
                    "material": line.material,
                    "crm": line.crm,
                    "mass_kg": _num(line.mass_kg),
                    "value_eur": None if line.value_eur is None else _num(line.value_eur, "0.01"),
                    "basis": line.basis,
                }
                for line in crm.lines
            ],
            "reasons": list(crm.reasons),
        },
        "assumptions": list(result.assumptions),
        "inputs": {
            "chemistry": facts.chemistry,
            "pack_mass_kg": _num(facts.pack_mass_kg),
            "has_dismantling_manual": facts.has_dismantling_manual,
            "joining": facts.joining_map,
            "disassembly_steps": facts.disassembly_steps,
            "disassembly_minutes": _num(facts.disassembly_minutes),
            "tools": facts.tools,
            "modules": facts.modules,
            "cell_format": facts.cell_format,
            "chemistry_label_on_modules": facts.chemistry_label_on_modules,
            "materials": None
            if facts.materials is None
            else [{"name": m.name, "mass_kg": _num(m.mass_kg)} for m in facts.materials],
            "hazardous_substances": None
            if facts.hazardous_substances is None
            else [{"name": s.name, "hazard_class": s.hazard_class} for s in facts.hazardous_substances],
        },
    }


def _score_one(values: dict[str, Any], prefix: str = "") -> DesignScore:
    try:
        return score_design(check_design_facts(**values, field_prefix=prefix))
    except ClassificationInputError as exc:
        raise refused(exc) from exc


def compute_design_score(params: DesignScoreInput) -> dict[str, Any]:
    """Score one model, or compare ``models`` side by side with trends per automaker."""
    values = params.model_dump(exclude={"models"})
    if params.models is None:
        return design_score_as_dict(_score_one(values))
    given = [name for name in _MODEL_FIELDS if values.get(name) is not None]
    if given:
        raise CalcItemError(
            "Invalid input",
            [FieldProblem(field=name, reason="give it inside each of models, not beside models") for name in given],
        )
    if not params.models:
        raise CalcItemError("Invalid input", [FieldProblem(field="models", reason="must list at least one model")])
    problems: list[FieldProblem] = []
    scores: list[DesignScore] = []
    for i, raw in enumerate(params.models):
        prefix = f"models[{i}]"
        if not isinstance(raw, dict):
            problems.append(FieldProblem(field=prefix, reason="must be a JSON object (one model)"))
            continue
        try:
            model = DesignModelInput.model_validate(raw)
            scores.append(_score_one(model.model_dump(), prefix))
        except ValidationError as exc:
            problems.extend(_validation_problems(exc, prefix=prefix))
        except CalcItemError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CalcItemError("Invalid input", problems)
    comparison = compare_models(scores)
    trends, notes = calculate_oem_trends(scores)
    return {
        "models": [design_score_as_dict(s) for s in scores],
        "comparison": {
            "criteria": list(comparison.criteria),
            "rows": [
                {
                    "rank": row.rank,
                    "code": row.code,
                    "oem": row.oem,
                    "year": row.year,
                    "total": _num(row.total, "0.1"),
                    "points": {name: _num(points, "0.01") for name, points in row.points.items()},
                }
                for row in comparison.rows
            ],
            "best_per_criterion": {name: list(codes) for name, codes in comparison.best_per_criterion.items()},
        },
        "trends": [
            {
                "oem": t.oem,
                "models": t.models,
                "mean_total": _num(t.mean_total, "0.1"),
                "by_year": [{"year": year, "mean_total": _num(mean, "0.1")} for year, mean in t.by_year],
                "change_per_year": None if t.change_per_year is None else _num(t.change_per_year, "0.01"),
            }
            for t in trends
        ],
        "trend_notes": list(notes),
    }


_EXAMPLE: dict[str, Any] = {
    "code": "EV-P1",
    "oem": "Example Motors",
    "year": 2024,
    "chemistry": "NMC811",
    "pack_mass_kg": 450,
    "materials": [
        {"name": "Nickel", "mass_kg": 38.0},
        {"name": "Cobalt", "mass_kg": 4.7},
        {"name": "Lithium", "mass_kg": 5.4},
        {"name": "Graphite", "mass_kg": 45.0},
        {"name": "Polyurethane potting", "mass_kg": 12.0},
    ],
    "hazardous_substances": [{"name": "Lithium hexafluorophosphate", "hazard_class": "Acute Tox. 3"}],
    "has_dismantling_manual": False,
    "joining": {"pack_to_module": "potting", "module_to_cell": "welded"},
    "disassembly_steps": 45,
    "disassembly_minutes": 90,
    "tools": "special",
    "modules": 8,
    "cell_format": "pouch",
    "chemistry_label_on_modules": False,
}

CALCULATOR = Calculator(
    topic="design-score",
    summary=(
        "Design-for-recycling score (0-100) of a battery model from passport data and design facts: breakdown per "
        "criterion with why, advice for the weakest criteria with their effect, critical raw material content and "
        "value; {'models': [...]} compares models side by side with trends per automaker."
    ),
    input_model=DesignScoreInput,
    compute=compute_design_score,
    examples=(
        _EXAMPLE,
        {
            "models": [
                _EXAMPLE,
                {
                    **_EXAMPLE,
                    "code": "EV-P2",
                    "year": 2026,
                    "has_dismantling_manual": True,
                    "joining": {"pack_to_module": "screws", "module_to_cell": "welded"},
                    "disassembly_minutes": 40,
                    "tools": "standard",
                },
            ]
        },
    ),
)

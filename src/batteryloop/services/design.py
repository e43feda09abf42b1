"""Design for recycling of stored battery models: the automaker's design facts, the score card, comparisons.

A model's passport attributes already say much of what the score needs (chemistry, pack mass, materials,
hazardous substances, the dismantling documents); the automaker adds what the passport does not carry -- how the
pack is joined, the disassembly steps and time, tools, modules, cell format, chemistry labels on modules and the
model year -- with :func:`set_design_facts`. Those facts are checked together with the passport-derived ones and
kept on the model. Cards, comparisons and trends are computed from stored data when read, so a change of criteria
data or of the model's passport attributes shows at once.

Reading follows the passports: the model's owner, and consortium partners whose agreement opens the owner's
passports to them. Only the owner's admins and operators set design facts.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Final

from sqlalchemy import select

from batteryloop.domain.access import Actor
from batteryloop.domain.design import (
    DesignScore,
    calculate_oem_trends,
    check_design_facts,
    compare_models,
    score_design,
)
from batteryloop.domain.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from batteryloop.domain.organization import DataCategory
from batteryloop.domain.passport.problems import PassportValidationError, Problem
from batteryloop.domain.transport import ClassificationInputError
from batteryloop.services import audit
from batteryloop.services.calc.design_score import design_score_as_dict
from batteryloop.storage.access import may_read_owner, readable_owner_ids
from batteryloop.storage.repositories.passport import BatteryModel
from batteryloop.storage.tables import OrganizationRow
from batteryloop.storage.uow import UnitOfWork

#: facts the automaker gives (the passport does not carry them)
DESIGN_FIELDS: Final = (
    "joining",
    "disassembly_steps",
    "disassembly_minutes",
    "tools",
    "modules",
    "cell_format",
    "chemistry_label_on_modules",
    "has_dismantling_manual",
    "year",
)
#: score input -> the model's passport attribute it is read from
FROM_PASSPORT: Final = {
    "chemistry": "battery_chemistry",
    "pack_mass_kg": "battery_mass_kg",
    "materials": "cathode_anode_electrolyte_materials",
    "hazardous_substances": "hazardous_substances",
    "documents": "dismantling_manuals",
}
MAX_COMPARED: Final = 200


def _passport_inputs(model: BatteryModel) -> dict[str, Any]:
    attrs = model.attributes
    chemistry = attrs.get("battery_chemistry")
    inputs: dict[str, Any] = {
        "chemistry": chemistry.get("code") if isinstance(chemistry, dict) else model.chemistry,
        "pack_mass_kg": attrs.get("battery_mass_kg"),
    }
    materials = attrs.get("cathode_anode_electrolyte_materials")
    if isinstance(materials, list):
        inputs["materials"] = [
            {k: m[k] for k in ("name", "mass_kg", "critical_raw_material") if k in m and m[k] is not None}
            for m in materials
            if isinstance(m, dict)
        ]
    hazards = attrs.get("hazardous_substances")
    if isinstance(hazards, list):
        inputs["hazardous_substances"] = [
            {k: h[k] for k in ("name", "hazard_class") if k in h and h[k] is not None}
            for h in hazards
            if isinstance(h, dict)
        ]
    documents = attrs.get("dismantling_manuals")
    if isinstance(documents, list):
        inputs["documents"] = [d.get("type") for d in documents if isinstance(d, dict)]
    return inputs


def _design_problem(problem: Problem) -> Problem:
    head = problem.field.split(".", 1)[0].split("[", 1)[0]
    source = FROM_PASSPORT.get(head)
    if source is None:
        return Problem(field=f"design.{problem.field}", reason=problem.reason)
    return Problem(
        field=f"attributes.{source}",
        reason=f"the model's passport attribute {source}: {problem.reason}; correct the model's attributes",
    )


def _check(model: BatteryModel, facts: Mapping[str, Any], oem: str | None) -> DesignScore:
    try:
        checked = check_design_facts(**_passport_inputs(model), **facts, code=model.code, oem=oem)
    except ClassificationInputError as exc:
        raise PassportValidationError([_design_problem(p) for p in exc.problems]) from exc
    return score_design(checked)


def _org_names(uow: UnitOfWork, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = uow.session.execute(select(OrganizationRow.id, OrganizationRow.name).where(OrganizationRow.id.in_(ids)))
    return {row.id: row.name for row in rows}


def _readable_model(uow: UnitOfWork, actor: Actor, model_id: uuid.UUID) -> BatteryModel:
    model = uow.passports.get_model(model_id)
    if model is not None and may_read_owner(uow.connection, actor, model.owner_org_id, DataCategory.PASSPORTS):
        return model
    raise NotFoundError(f"no battery model {model_id} you may read", field="model_id")


def model_summary(model: BatteryModel, oem: str | None) -> dict[str, Any]:
    """A model as JSON: identity, chemistry, whether design facts are given and when."""
    return {
        "id": str(model.id),
        "owner_org_id": str(model.owner_org_id),
        "oem": oem,
        "code": model.code,
        "name": model.name,
        "category": model.category,
        "chemistry": model.chemistry,
        "design_facts": model.design_facts,
        "design_updated_at": model.design_updated_at.isoformat() if model.design_updated_at else None,
    }


def _card(model: BatteryModel, oem: str | None, score: DesignScore) -> dict[str, Any]:
    return {"model": model_summary(model, oem), "score": design_score_as_dict(score)}


def get_model(uow: UnitOfWork, actor: Actor, model_id: uuid.UUID) -> dict[str, Any]:
    """One battery model the caller may read, with its attributes."""
    model = _readable_model(uow, actor, model_id)
    return model_summary(model, _org_names(uow, {model.owner_org_id}).get(model.owner_org_id)) | {
        "attributes": model.attributes
    }


def list_models(
    uow: UnitOfWork, actor: Actor, *, cursor: str | None, limit: int, with_design: bool = False
) -> tuple[list[dict[str, Any]], str | None]:
    """Battery models the caller may read (its own and those its partners' agreements open), in id order."""
    owners = None if actor.system else readable_owner_ids(actor, DataCategory.PASSPORTS)
    page = uow.passports.list_models(owners, cursor=cursor, limit=limit, with_design=with_design)
    names = _org_names(uow, {m.owner_org_id for m in page.items})
    return [model_summary(m, names.get(m.owner_org_id)) for m in page.items], page.next_cursor


def set_design_facts(uow: UnitOfWork, actor: Actor, model_id: uuid.UUID, raw: object) -> dict[str, Any]:
    """Set a model's design facts (its owner's admins and operators); returns the new design card.

    ``raw`` holds the facts the passport does not carry (:data:`DESIGN_FIELDS`); ``{}`` or ``null`` removes them.
    Every bad value is refused with its field, the passport-derived ones under ``attributes.<name>``; nothing is
    stored then.
    """
    model = _readable_model(uow, actor, model_id)
    if model.owner_org_id != actor.org_id or not actor.may_write:
        raise PermissionDeniedError(
            "only admins and operators of the model's automaker set its design facts", field="role"
        )
    if raw is not None and not isinstance(raw, dict):
        raise InvalidInputError('send an object of design facts, e.g. {"tools": "standard", ...}', field="design")
    facts = dict(raw or {})
    unknown = sorted(set(facts) - set(DESIGN_FIELDS))
    if unknown:
        passport_side = [name for name in unknown if name in FROM_PASSPORT or name in ("code", "oem")]
        reason = (
            f"comes from the model's passport attributes ({FROM_PASSPORT.get(unknown[0], 'code and owner')}), "
            "not from the design facts"
            if passport_side and passport_side[0] == unknown[0]
            else f"unknown field; design facts are {', '.join(DESIGN_FIELDS)}"
        )
        raise PassportValidationError(
            [Problem(field=f"design.{unknown[0]}", reason=reason)]
            + [Problem(field=f"design.{name}", reason="unknown or passport-derived field") for name in unknown[1:]]
        )
    oem = _org_names(uow, {model.owner_org_id}).get(model.owner_org_id)
    card = design_score_as_dict(_check(model, facts, oem)) if facts else None
    uow.passports.set_model_design(model.id, facts or None, uow.now())
    audit.record(
        uow,
        actor,
        action="model.design",
        resource_type="battery_model",
        resource_id=model.id,
        owner_org_id=model.owner_org_id,
        detail=f"design score {card['total']}" if card else "design facts removed",
    )
    stored = uow.passports.get_model(model.id) or model
    return {"model": model_summary(stored, oem), "score": card}


def design_card(uow: UnitOfWork, actor: Actor, model_id: uuid.UUID) -> dict[str, Any]:
    """A model's design-for-recycling card: its score, the breakdown per criterion, advice and CRM content."""
    model = _readable_model(uow, actor, model_id)
    oem = _org_names(uow, {model.owner_org_id}).get(model.owner_org_id)
    if model.design_facts is None:
        raise NotFoundError(
            f"battery model {model.code} has no design facts yet; its automaker sets them with "
            f"PUT /v1/models/{model.id}/design",
            field="model_id",
        )
    return _card(model, oem, _check(model, model.design_facts, oem))


def _scored(uow: UnitOfWork, models: Sequence[BatteryModel]) -> list[tuple[BatteryModel, str | None, DesignScore]]:
    names = _org_names(uow, {m.owner_org_id for m in models})
    out = []
    for model in models:
        if model.design_facts is None:
            continue
        oem = names.get(model.owner_org_id)
        out.append((model, oem, _check(model, model.design_facts, oem)))
    return out


def compare_design(uow: UnitOfWork, actor: Actor, model_ids: Sequence[uuid.UUID] | None = None) -> dict[str, Any]:
    """Models side by side (ranked, points per criterion, leaders) and mean scores per automaker and model year.

    Without ``model_ids``: every readable model with design facts (at most :data:`MAX_COMPARED`).
    """
    if model_ids:
        if len(model_ids) > MAX_COMPARED:
            raise InvalidInputError(f"compare at most {MAX_COMPARED} models at once", field="model_id")
        models = [_readable_model(uow, actor, mid) for mid in dict.fromkeys(model_ids)]
        missing = [m.code for m in models if m.design_facts is None]
        if missing:
            raise InvalidInputError(
                f"model(s) {', '.join(missing)} have no design facts yet; leave them out or ask their automaker",
                field="model_id",
            )
    else:
        owners = None if actor.system else readable_owner_ids(actor, DataCategory.PASSPORTS)
        models = list(uow.passports.list_models(owners, cursor=None, limit=MAX_COMPARED, with_design=True).items)
    scored = _scored(uow, models)
    codes = [model.code for model, _o, _s in scored]
    if len(set(codes)) < len(codes):  # the same code at two automakers: name them apart
        scored = [(m, o, replace(s, inputs=replace(s.inputs, code=f"{m.code} ({o})"))) for m, o, s in scored]
    scores = [score for _m, _o, score in scored]
    comparison = compare_models(scores)
    trends, notes = calculate_oem_trends(scores)
    by_code = {score.inputs.code: model for model, _o, score in scored}
    return {
        "models": [_card(model, oem, score) for model, oem, score in scored],
        "comparison": {
            "criteria": list(comparison.criteria),
            "rows": [
                {
                    "rank": row.rank,
                    "model_id": str(by_code[row.code].id) if row.code in by_code else None,
                    "code": row.code,
                    "oem": row.oem,
                    "year": row.year,
                    "total": float(round(row.total, 1)),
                    "points": {k: float(round(v, 2)) for k, v in row.points.items()},
                }
                for row in comparison.rows
            ],
            "best_per_criterion": {k: list(v) for k, v in comparison.best_per_criterion.items()},
        },
        "trends": [
            {
                "oem": t.oem,
                "models": t.models,
                "mean_total": float(round(t.mean_total, 1)),
                "by_year": [{"year": y, "mean_total": float(round(m, 1))} for y, m in t.by_year],
                "change_per_year": None if t.change_per_year is None else float(round(t.change_per_year, 2)),
            }
            for t in trends
        ],
        "trend_notes": list(notes),
    }

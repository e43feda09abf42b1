"""Battery models: the model-level passport attributes an automaker's packs share, and their design for recycling."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Body, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field

from batteryloop.api.deps import DEFAULT_LIMIT, CallerDep, CursorQuery, LimitQuery
from batteryloop.api.schemas.common import PROBLEM_RESPONSES
from batteryloop.domain.access import Actor
from batteryloop.services import design
from batteryloop.services import passport as passport_service
from batteryloop.storage.uow import UnitOfWork

router = APIRouter(prefix="/v1/models", tags=["battery models"], responses=PROBLEM_RESPONSES)

ModelId = Path(description="Battery model id (UUID)")
DESIGN_EXAMPLE = {
    "joining": {"pack_to_module": "screws", "module_to_cell": "adhesive"},
    "disassembly_steps": 14,
    "disassembly_minutes": 38,
    "tools": "standard",
    "modules": 8,
    "cell_format": "prismatic",
    "chemistry_label_on_modules": True,
    "year": 2024,
}


class ModelCreate(BaseModel):
    """A new battery model of the caller's organisation."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=100, description="The automaker's code of the model, unique within it, e.g. VM-E80.")
    name: str = Field(default="", max_length=200, description="A readable name; the code when left out.")
    attributes: dict[str, Any] = Field(
        description="Model-level passport attributes (battery_category required), checked like a passport's."
    )


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_model(body: ModelCreate, call: CallerDep) -> dict[str, Any]:
    """Register a battery model for the caller's organisation; every invalid attribute is listed in the problem."""

    def use_case(uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
        model = passport_service.create_model(uow, actor, code=body.code, name=body.name, attributes=body.attributes)
        return design.get_model(uow, actor, model.id)

    return await call(use_case)


@router.get("")
async def list_models(
    call: CallerDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
    with_design: bool = Query(default=False, description="Only models whose design facts are given."),
) -> dict[str, Any]:
    """Battery models of the caller's organisation and those its consortium agreements open (with passports)."""
    items, next_cursor = await call.read(
        lambda uow, actor: design.list_models(uow, actor, cursor=cursor, limit=limit, with_design=with_design)
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get("/design-comparison")
async def design_comparison(
    call: CallerDep,
    model_id: list[uuid.UUID] | None = Query(default=None, description="Models to compare; all with design facts."),
) -> dict[str, Any]:
    """Models side by side: design-for-recycling scores ranked, points per criterion, the leader per criterion, and
    mean scores per automaker and model year (trends)."""
    return await call.read(lambda uow, actor: design.compare_design(uow, actor, model_id))


@router.get("/{model_id}")
async def get_model(call: CallerDep, model_id: uuid.UUID = ModelId) -> dict[str, Any]:
    """One battery model with its attributes and design facts."""
    return await call.read(lambda uow, actor: design.get_model(uow, actor, model_id))


@router.put("/{model_id}/design")
async def set_design(
    call: CallerDep, model_id: uuid.UUID = ModelId, body: Any = Body(..., examples=[DESIGN_EXAMPLE])
) -> dict[str, Any]:
    """Set the model's design facts that its passport does not carry (the automaker's admins and operators):
    ``joining``, ``disassembly_steps``, ``disassembly_minutes``, ``tools``, ``modules``, ``cell_format``,
    ``chemistry_label_on_modules``, optional ``has_dismantling_manual`` and ``year``. Chemistry, pack mass,
    materials, hazardous substances and the dismantling documents come from the model's passport attributes.
    Returns the new design card; ``{}`` removes the facts."""
    return await call(lambda uow, actor: design.set_design_facts(uow, actor, model_id, body))


@router.get("/{model_id}/design-score")
async def design_score(call: CallerDep, model_id: uuid.UUID = ModelId) -> dict[str, Any]:
    """The model's design-for-recycling card: 0-100 score, breakdown per criterion with the reason, concrete
    advice with the points it would gain, critical raw material content and value."""
    return await call.read(lambda uow, actor: design.design_card(uow, actor, model_id))

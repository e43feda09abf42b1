"""Shipments: plan (classified for carriage, packaging checked), dispatch and receive with weighing."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Body, Query, status

from batteryloop.api.deps import CallerDep
from batteryloop.api.schemas.common import PROBLEM_RESPONSES
from batteryloop.services import shipments

router = APIRouter(prefix="/v1/shipments", tags=["shipments"], responses=PROBLEM_RESPONSES)

PLAN_EXAMPLE = {
    "code": "SHP-2026-0042",
    "from_site": "DE-DUI-DISMANTLER",
    "to_site": "DE-BRE-RECYCLER",
    "to_org_id": "<receiving organisation id>",
    "planned_date": "2026-11-26",
    "declared_gross_kg": 905,
    "tolerance": {"absolute_kg": 2, "relative": 0.005},
    "items": [
        {"passport_id": "urn:voltavia:vme800000001", "condition": "intact", "energy_wh": 77000,
         "cell_energy_wh": 280, "gross_mass_kg": 452, "packaging": "LP903"},
    ],
}  # fmt: skip
WEIGHING_EXAMPLE = {"gross_kg": 904.5, "occurred_at": "2026-11-26T08:10:00Z", "scale_id": "SCALE-3"}


@router.post("", status_code=status.HTTP_201_CREATED)
async def plan_shipment(call: CallerDep, body: Any = Body(..., examples=[PLAN_EXAMPLE])) -> dict[str, Any]:
    """Plan a shipment: each pack is classified for carriage (ADR 2025) and its packaging checked; a packaging that
    does not fit (P909 for a critically damaged pack) refuses the plan with the reason."""
    return await call(lambda uow, actor: shipments.plan_shipment(uow, actor, body))


@router.get("")
async def list_shipments(call: CallerDep, status: str | None = Query(None)) -> dict[str, Any]:
    """Shipments your organisation sends, receives or carries, newest first (``status=discrepancy`` for those
    whose weights did not reconcile)."""
    return {"items": await call.read(lambda uow, actor: shipments.list_shipments(uow, actor, status=status))}


@router.get("/{shipment_id}")
async def get_shipment(call: CallerDep, shipment_id: uuid.UUID) -> dict[str, Any]:
    """A shipment with each pack's classification, the weights and their reconciliation."""
    return await call.read(lambda uow, actor: shipments.shipment_view(uow, actor, shipment_id))


@router.post("/{shipment_id}/dispatch")
async def dispatch(
    call: CallerDep, shipment_id: uuid.UUID, body: Any = Body(..., examples=[WEIGHING_EXAMPLE])
) -> dict[str, Any]:
    """Weigh and dispatch (the sender): packed, weighed and dispatched go into the custody log."""
    return await call(lambda uow, actor: shipments.dispatch(uow, actor, shipment_id, body))


@router.post("/{shipment_id}/receive")
async def receive(
    call: CallerDep, shipment_id: uuid.UUID, body: Any = Body(..., examples=[WEIGHING_EXAMPLE])
) -> dict[str, Any]:
    """Receive and weigh (the receiver): the weights are reconciled; a discrepancy is flagged to both partners."""
    return await call(lambda uow, actor: shipments.receive(uow, actor, shipment_id, body))

"""Custody events: record them (each becomes an entry of the tamper-evident log), follow a pack, prove an event."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Body, Path, Query, status

from batteryloop.api.deps import CallerDep
from batteryloop.api.schemas.common import PROBLEM_RESPONSES
from batteryloop.services import custody, identification, triage

router = APIRouter(prefix="/v1/custody", tags=["custody"], responses=PROBLEM_RESPONSES)

EVENTS_EXAMPLE = {
    "events": [
        {
            "kind": "weighed",
            "items": ["urn:voltavia:vme800000001"],
            "occurred_at": "2026-11-02T09:30:00Z",
            "site": "DE-BRE-RECYCLER-1",
            "details": {"mass_kg": 451.2, "scale_id": "SCALE-3", "basis": "gross"},
        }
    ]
}


@router.post("/events", status_code=status.HTTP_201_CREATED)
async def record_events(call: CallerDep, body: Any = Body(..., examples=[EVENTS_EXAMPLE])) -> dict[str, Any]:
    """Record custody events for the caller's organisation, all or none. Kinds: registered, condition_measured,
    retired, collected, packed, dispatched, received, weighed, stored, dismantled, sorted, lot_assigned, processed,
    repurposed, handed_over, incident, triaged. Impossible steps (a pack in a lot dispatched, a shipment received
    twice, a pack at two sites) are refused with the reason; ``commercial`` details stay off the log (committed by
    hash)."""
    recorded = await call(lambda uow, actor: custody.record_events(uow, actor, body))
    return recorded.as_dict()


@router.get("/items/{passport_id}")
async def item_timeline(call: CallerDep, passport_id: str = Path(max_length=200)) -> dict[str, Any]:
    """Where a pack or module is, and the custody events of it you may read, oldest first."""
    return await call.read(lambda uow, actor: custody.item_timeline(uow, actor, passport_id))


@router.get("/events/{leaf_index}/proof")
async def event_proof(call: CallerDep, leaf_index: int = Path(ge=0)) -> dict[str, Any]:
    """A proof bundle for one event: check it offline with ``batteryloop verify BUNDLE --key <verifier key>``."""
    signer = call.platform.log_signer
    return await call(lambda uow, actor: custody.event_proof(uow, actor, signer, leaf_index))


@router.post("/triage/{passport_id}")
async def triage_passport(
    call: CallerDep,
    passport_id: str = Path(max_length=200),
    consortium_id: uuid.UUID = Query(...),
    body: Any = Body(default={}, examples=[{"second_life_demand": True}]),
) -> dict[str, Any]:
    """End-of-life triage of a pack under the consortium's thresholds: health from the passport, condition from the
    custody log (or as given), negative events and age from the passport; the route, rule, reasons and the custody
    event to record next."""
    # a write: reading a passport's restricted attributes is audited
    return await call(
        lambda uow, actor: triage.triage_passport(uow, actor, passport_id, consortium_id=consortium_id, raw=body)
    )


@router.get("/triage-thresholds/{consortium_id}")
async def get_thresholds(call: CallerDep, consortium_id: uuid.UUID) -> dict[str, Any]:
    """A consortium's triage thresholds: its own overrides and the reference defaults."""
    return await call.read(lambda uow, actor: triage.consortium_thresholds(uow, actor, consortium_id))


@router.put("/triage-thresholds/{consortium_id}")
async def set_thresholds(
    call: CallerDep, consortium_id: uuid.UUID, body: Any = Body(..., examples=[{"reuse_min_soh": 0.85}])
) -> dict[str, Any]:
    """Set the consortium's own triage thresholds (an admin of the convening organisation); ``{}`` restores the
    defaults. Every unknown name or bad value is refused with its field."""
    return await call(lambda uow, actor: triage.set_consortium_thresholds(uow, actor, consortium_id, body))


@router.post("/identify/{passport_id}")
async def identify_pack(
    call: CallerDep,
    passport_id: str = Path(max_length=200),
    body: Any = Body(
        ...,
        examples=[
            {
                "elements_wt_pct": {"Li": 2.9, "Ni": 20.5, "Co": 6.8, "Mn": 6.4, "C": 31.0},
                "record_at_site": "DE-BRE-RECYCLER",
            }
        ],
    ),
) -> dict[str, Any]:
    """Identify a registered pack's chemistry from an elemental assay (``elements_wt_pct``) or its cells' voltages
    and flag a mismatch with the chemistry its passport declares. With ``record_at_site`` the result is logged as
    a ``sorted`` event, and triage then decides on the identified chemistry."""
    return await call(lambda uow, actor: identification.identify_pack(uow, actor, passport_id, body))

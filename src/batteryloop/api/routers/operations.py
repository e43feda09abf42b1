"""Recycling operations: facilities, lots, the recovery of a lot's chain and the annual recovery report."""

from __future__ import annotations

import re
import uuid
from typing import Any, Literal

from fastapi import APIRouter, Body, Path, Query, status
from fastapi.responses import Response

from batteryloop.api.deps import CallerDep
from batteryloop.api.schemas.common import PROBLEM_RESPONSES
from batteryloop.domain.recovery import MassBalanceError
from batteryloop.services import facilities, lots, product_grades, recovery_chain, recovery_report
from batteryloop.services import recycling_batch as batches
from batteryloop.services.recovery_report_pdf import report_file

router = APIRouter(tags=["recycling operations"], responses=PROBLEM_RESPONSES)

FACILITY_EXAMPLE = {
    "code": "DE-BRE-CIRCUMET-1",
    "name": "CircuMet Bremen pre-treatment",
    "country": "DE",
    "permitted_operations": ["R4", "R12", "R13"],
    "routes": ["pretreatment"],
    "capacity_t_per_year": 12000,
}
LOT_EXAMPLE = {"code": "CM-2026-L001", "route": "pretreatment", "items": ["urn:voltavia:vme800000001"]}
OUTPUTS_EXAMPLE = {
    "processed_on": "2026-11-20",
    "outputs": [
        {"name": "steel and aluminium", "mass_kg": 150.0, "rd_code": "R4"},
        {
            "name": "black mass",
            "mass_kg": 260.0,
            "fate": "intermediate",
            "to_facility": "BE-HOB-PYROLUX-1",
            "elements_kg": {"Li": 6.1, "Ni": 38.9, "Co": 4.9},
        },
        {"name": "losses", "mass_kg": 70.0, "fate": "loss"},
    ],
}


@router.post("/v1/facilities", status_code=status.HTTP_201_CREATED)
async def register_facility(call: CallerDep, body: Any = Body(..., examples=[FACILITY_EXAMPLE])) -> dict[str, Any]:
    """Register a treatment facility of the caller's organisation (its code is the custody site code)."""
    return await call(lambda uow, actor: facilities.register_facility(uow, actor, body))


@router.get("/v1/facilities")
async def list_facilities(call: CallerDep) -> dict[str, Any]:
    """Facilities of the caller's organisation and of partners whose agreement opens their lots."""
    return {"items": await call.read(lambda uow, actor: facilities.list_facilities(uow, actor))}


@router.post("/v1/facilities/{facility_id}/lots", status_code=status.HTTP_201_CREATED)
async def create_lot(
    call: CallerDep, facility_id: uuid.UUID = Path(), body: Any = Body(..., examples=[LOT_EXAMPLE])
) -> dict[str, Any]:
    """Form a lot: ``items`` (packs received at the facility, sorted for the route) or ``source`` ({lot_id,
    output}: an intermediate another lot sent here), optional ``assay`` ({symbol: wt %}) for the input's elements,
    ``water_kg`` and ``pack_periphery_kg``. The packs get a ``lot_assigned`` custody event."""
    return await call(lambda uow, actor: lots.create_lot(uow, actor, facility_id, body))


@router.get("/v1/lots")
async def list_lots(call: CallerDep, facility_id: uuid.UUID | None = Query(default=None)) -> dict[str, Any]:
    """Lots the caller operates, heads as first recycler, or may read through an agreement (newest first)."""
    return {"items": await call.read(lambda uow, actor: lots.list_lots(uow, actor, facility_id=facility_id))}


@router.get("/v1/lots/{lot_id}")
async def get_lot(call: CallerDep, lot_id: uuid.UUID = Path()) -> dict[str, Any]:
    """One lot: input (with its basis), items, outputs, status and the last refused attempt, if any."""
    return await call.read(lambda uow, actor: lots.lot_view(uow, lots.readable_lot(uow, actor, lot_id)))


@router.post("/v1/lots/{lot_id}/outputs")
async def record_outputs(
    call: CallerDep, lot_id: uuid.UUID = Path(), body: Any = Body(..., examples=[OUTPUTS_EXAMPLE])
) -> dict[str, Any]:
    """Record the lot's outputs and the day it was processed. Outputs are checked by the regulatory accounting:
    more out than in (overall or of an element) is refused naming the outputs, nothing is stored, and the refusal
    is noted on the lot."""
    try:
        return await call(lambda uow, actor: lots.record_outputs(uow, actor, lot_id, body))
    except MassBalanceError as exc:
        problems = [p.to_dict() for p in exc.problems]
        await call(lambda uow, actor: lots.note_refusal(uow, actor, lot_id, problems))
        raise


@router.get("/v1/lots/{lot_id}/recovery")
async def lot_recovery(
    call: CallerDep,
    lot_id: uuid.UUID = Path(),
    input_excludes_water: bool = Query(default=False),
    input_includes_pack_periphery: bool = Query(default=True),
    excluded_substances: list[str] | None = Query(default=None),
    target_effective_rule: Literal["period_end_on_or_after_deadline", "following_year"] = Query(
        default="period_end_on_or_after_deadline"
    ),
) -> dict[str, Any]:
    """Recycling efficiency and material recovery of the chain this lot belongs to, followed through every
    facility, against the dated targets (the ``recovery`` calculator's output, plus the lots followed and the
    intermediates still pending)."""
    options = {
        "input_excludes_water": input_excludes_water,
        "input_includes_pack_periphery": input_includes_pack_periphery,
        "excluded_substances": excluded_substances or [],
        "target_effective_rule": target_effective_rule,
    }
    return await call.read(lambda uow, actor: recovery_chain.chain_recovery(uow, actor, lot_id, options))


@router.get("/v1/recovery/reports/{recycler_org_id}/{year}", response_model=None)
async def annual_report(
    call: CallerDep,
    recycler_org_id: uuid.UUID = Path(),
    year: int = Path(ge=2000, le=2100),
    format: Literal["json", "csv", "pdf"] = Query(default="json"),
) -> dict[str, Any] | Response:
    """The annual recycling-efficiency and material-recovery report of a first recycler (sections of Delegated
    Regulation (EU) 2025/606, broken down by Member State of collection), as JSON, CSV or PDF."""
    report = await call.read(lambda uow, actor: recovery_report.annual_report(uow, actor, recycler_org_id, year))
    if format in ("csv", "pdf"):
        content, media_type, name = report_file(report, format)
        return Response(
            content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'}
        )
    return report


@router.post("/v1/lots/{lot_id}/outputs/{index}/grade")
async def grade_output(
    call: CallerDep,
    lot_id: uuid.UUID = Path(),
    index: int = Path(ge=0, description="Position of the output in the lot's outputs, from 0"),
    body: Any = Body(
        ...,
        examples=[
            {
                "product": "Li2CO3",
                "assay": {
                    "main_content_pct": 99.62,
                    "impurities_ppm": {"Na": 180, "Ca": 35, "Mg": 60, "magnetic": 0.2},
                },
            }
        ],
    ),
) -> dict[str, Any]:
    """Grade a recycled output of a processed lot against the battery-grade specifications (the ``grade``
    calculator's input: product, assay, optional specification and graded_on); the grade is kept on the output."""
    return await call(lambda uow, actor: product_grades.grade_output(uow, actor, lot_id, index, body))


@router.get("/v1/lots/{lot_id}/outputs/{index}/certificate.pdf", response_class=Response)
async def output_certificate(call: CallerDep, lot_id: uuid.UUID = Path(), index: int = Path(ge=0)) -> Response:
    """The certificate of analysis (PDF) of a graded output."""
    issued = await call.read(lambda uow, actor: product_grades.certificate(uow, actor, lot_id, index))
    name = "certificate-" + re.sub(r"[^A-Za-z0-9._-]+", "-", issued.lot_id) + ".pdf"
    return Response(
        issued.pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get("/v1/facilities/{facility_id}/balance")
async def facility_balance(
    call: CallerDep, facility_id: uuid.UUID = Path(), year: int = Query(ge=2000, le=2100)
) -> dict[str, Any]:
    """The facility-year mass balance over the lots processed there: mass and each element in, out
    (input-derived), counted as recycled, and the residual with its share of the input."""
    return await call.read(lambda uow, actor: facilities.facility_balance(uow, actor, facility_id, year))


@router.get("/v1/lots/{lot_id}/recycling-batch")
async def recycling_batch(call: CallerDep, lot_id: uuid.UUID = Path()) -> dict[str, Any]:
    """A processed lot as a Catena-X ``RecyclingBatch`` (io.catenax.material_accounting:1.0.0): its process step
    with input, output and loss masses, the treatment procedure (R code) and the facility."""
    return await call.read(lambda uow, actor: batches.recycling_batch(uow, actor, lot_id))

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, status
from fastapi.responses import Response

from batteryloop.api.deps import DEFAULT_LIMIT, CallerDep, CursorQuery, LimitQuery, OptionalCallerDep, PlatformDep
from batteryloop.api.schemas.common import PROBLEM_RESPONSES
from batteryloop.api.schemas.passport import (
    CompletenessRead,
    PassportCreate,
    PassportPage,
    PassportRead,
    PassportSummary,
    ReadingsCreate,
    StatusChangeCreate,
    StatusChangeRead,
)
from batteryloop.domain.access import Actor
from batteryloop.services import passport as passport_service
from batteryloop.services import qr
from batteryloop.storage.uow import UnitOfWork

router = APIRouter(prefix="/v1/passports", tags=["passports"], responses=PROBLEM_RESPONSES)

PassportId = Path(description="Passport identifier: a URN (urn:<nid>:<nss>) or urn:uuid:<uuid>", max_length=200)


def _read(view: passport_service.PassportRead) -> PassportRead:
    data: dict[str, Any] = {f: getattr(view, f) for f in PassportRead.model_fields if f != "completeness"}
    if view.completeness is not None:
        data["completeness"] = CompletenessRead.model_validate(passport_service.completeness_dict(view.completeness))
    return PassportRead(**data)


@router.post("", response_model=PassportRead, status_code=status.HTTP_201_CREATED)
async def register_passport(body: PassportCreate, call: CallerDep) -> PassportRead:
    """Register a passport for the caller's organisation; every invalid value is listed in the problem."""
    view = await call(
        lambda uow, actor: passport_service.register_passport(uow, actor, body.attributes, model_id=body.model_id)
    )
    return _read(view)


@router.get("", response_model=PassportPage)
async def list_passports(
    call: CallerDep, cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT, status: str | None = None
) -> PassportPage:
    """Passports of the caller's organisation and those shared with it."""
    page = await call.read(
        lambda uow, actor: uow.passports.list_visible(actor, cursor=cursor, limit=limit, status=status)
    )
    return PassportPage(
        items=[PassportSummary.model_validate(p, from_attributes=True) for p in page.items],
        next_cursor=page.next_cursor,
    )


@router.get("/{passport_id}", response_model=PassportRead)
async def read_passport(call: OptionalCallerDep, passport_id: str = PassportId) -> PassportRead:
    """A passport at the caller's access level: public without a key; with a key, the level the caller's
    organisation holds (owner, authority, legitimate interest as shared). The answer states the level."""

    def use_case(uow: UnitOfWork, actor: Actor) -> passport_service.PassportRead:
        return passport_service.read_passport(uow, actor, passport_id, completeness=True)

    # anonymous reads are public and write nothing (no audit): the read-only path; a signed-in read at a
    # restricted level is audited, which is a write
    view = await (call.read(use_case) if call.token is None else call(use_case))
    return _read(view)


@router.post("/{passport_id}/readings", response_model=PassportRead, status_code=status.HTTP_201_CREATED)
async def add_readings(body: ReadingsCreate, call: CallerDep, passport_id: str = PassportId) -> PassportRead:
    """Append dynamic readings (state of health, cycles, temperatures, negative events)."""
    view = await call(lambda uow, actor: passport_service.add_readings(uow, actor, passport_id, body.attributes))
    return _read(view)


@router.post("/{passport_id}/status", response_model=StatusChangeRead)
async def change_status(body: StatusChangeCreate, call: CallerDep, passport_id: str = PassportId) -> StatusChangeRead:
    """Move the battery through its lifecycle; impossible transitions are refused with the reason."""
    change = await call(
        lambda uow, actor: passport_service.change_status(
            uow,
            actor,
            passport_id,
            body.status,
            operator_org_id=body.operator_org_id,
            new_passport_id=body.new_passport_id,
        )
    )
    t = change.transition
    return StatusChangeRead(
        passport_id=change.passport_id,
        from_status=t.from_status.value,
        status=t.status.value,
        ceased=t.ceased,
        superseded=t.superseded,
        new_passport_id=change.new_passport_id,
        responsible_org_id=t.responsible_org_id,
        responsibility_transferred=t.responsibility_transferred,
        rule=t.rule,
        reasons=list(t.reasons),
    )


@router.get("/{passport_id}/completeness", response_model=CompletenessRead)
async def read_completeness(call: CallerDep, passport_id: str = PassportId) -> CompletenessRead:
    """Which mandatory attributes of its battery category the passport lacks (owner and authorities)."""
    report = await call.read(lambda uow, actor: passport_service.completeness_of(uow, actor, passport_id))
    return CompletenessRead.model_validate(passport_service.completeness_dict(report))


@router.get("/{passport_id}/qr.svg", response_class=Response, responses={200: {"content": {"image/svg+xml": {}}}})
async def qr_svg(platform: PlatformDep, call: OptionalCallerDep, passport_id: str = PassportId) -> Response:
    """QR code (SVG) resolving to the public passport page /p/{passport_id}."""
    await call.read(lambda uow, actor: passport_service.read_passport(uow, None, passport_id))
    return Response(qr.passport_qr(platform.settings.base_url, passport_id, kind="svg"), media_type="image/svg+xml")


@router.get("/{passport_id}/qr.png", response_class=Response, responses={200: {"content": {"image/png": {}}}})
async def qr_png(platform: PlatformDep, call: OptionalCallerDep, passport_id: str = PassportId) -> Response:
    """QR code (PNG) resolving to the public passport page /p/{passport_id}."""
    await call.read(lambda uow, actor: passport_service.read_passport(uow, None, passport_id))
    return Response(qr.passport_qr(platform.settings.base_url, passport_id, kind="png"), media_type="image/png")

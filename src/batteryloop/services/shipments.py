"""Shipments: plan (classified for carriage, packaging checked), dispatch and receipt with weighing, reconciliation.

Dispatch and receipt are custody events in the log (``packed``, ``weighed`` and ``dispatched`` at the sending site;
``received`` and ``weighed`` at the receiving one), so the weights both partners rely on are as tamper-evident as
the rest of the chain. A receipt weight outside the tolerance flags a discrepancy to both partners: the shipment
shows it with its evidence (both weights, the tolerance, and the log entries that hold the weighings), and the audit
trail of each organisation records it.

Who sees a shipment: the sending organisation, the receiving one and the carrier.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select

from batteryloop.domain.access import Actor
from batteryloop.domain.chemistry import get_chemistry
from batteryloop.domain.custody.events import EventKind, describe
from batteryloop.domain.custody.shipments import ShipmentPlan, Tolerance, check_plan, reconcile
from batteryloop.domain.errors import (
    ConflictError,
    DomainError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from batteryloop.domain.passport.primitives import format_datetime
from batteryloop.domain.passport.problems import PassportValidationError, Problem
from batteryloop.domain.transport.classification import TransportClassification
from batteryloop.services import audit, custody
from batteryloop.storage.access import fellow_member_ids
from batteryloop.storage.tables import (
    OrganizationRow,
    PassportRow,
    ShipmentItemRow,
    ShipmentRow,
)
from batteryloop.storage.uow import UnitOfWork


def _classification_dict(c: TransportClassification) -> dict[str, Any]:
    return {
        "decision_row": c.decision_row,
        "edition": c.edition,
        "un_number": c.un_number,
        "proper_shipping_name": c.proper_shipping_name,
        "document_description": c.document_description,
        "transport_class": c.transport_class,
        "special_provisions": list(c.special_provisions),
        "packing_instructions": list(c.packing_instructions),
        "labels": list(c.labels),
        "marks": list(c.marks),
        "document_notes": list(c.document_notes),
        "action": c.action,
        "not_subject_to_other_provisions": c.not_subject_to_other_provisions,
        "reasons": list(c.reasons),
    }


def _transport_chemistries(uow: UnitOfWork, passport_ids: list[str]) -> dict[str, str]:
    rows = uow.session.execute(
        select(PassportRow.passport_id, PassportRow.chemistry).where(PassportRow.passport_id.in_(passport_ids))
    )
    out = {}
    for pid, code in rows:
        if not code:
            continue
        try:
            carrier = get_chemistry(code).charge_carrier
        except DomainError:
            continue
        out[pid] = {"Li": "lithium_ion", "Na": "sodium_ion"}.get(carrier, "")
    return out


def _partner(uow: UnitOfWork, actor: Actor, value: object, field: str) -> uuid.UUID:
    """An organisation the caller shares a consortium with (a partner of the chain)."""
    try:
        org_id = uuid.UUID(str(value))
    except ValueError:
        raise InvalidInputError("must be an organisation id (UUID)", field=field) from None
    partners = set(uow.session.scalars(fellow_member_ids(actor.org_id))) if actor.org_id else set()
    if org_id not in partners:
        raise PermissionDeniedError(
            f"{org_id} is not a member of a consortium of yours; shipments go to partners of the chain", field=field
        )
    return org_id


_SEVERITY = {"intact": 0, "damaged_stable": 1, "critically_damaged": 2}


def logged_conditions(uow: UnitOfWork, passport_ids: list[str]) -> dict[str, tuple[str, int]]:
    """The newest condition the custody log holds for each pack: ``(condition, leaf index)``."""
    found: dict[str, tuple[str, int]] = {}
    for pid, (details, leaf) in custody.latest_details(uow, passport_ids, EventKind.CONDITION_MEASURED).items():
        if details.get("condition") in _SEVERITY:
            found[pid] = (details["condition"], leaf)
    return found


def _check_against_records(uow: UnitOfWork, plan: ShipmentPlan, chemistries: dict[str, str]) -> None:
    """What the sender declares must not contradict the log and the passports: a pack the log says is damaged is
    not shipped as intact (that would pick the wrong packaging), a pack's chemistry is its passport's, and the
    declared gross mass holds at least the packs themselves."""
    problems = []
    logged = logged_conditions(uow, [i.passport_id for i in plan.items])
    for n, item in enumerate(plan.items):
        if item.passport_id in logged:
            condition, leaf = logged[item.passport_id]
            if _SEVERITY[item.condition] < _SEVERITY[condition]:
                problems.append(
                    Problem(
                        field=f"shipment.items[{n}].condition",
                        reason=f"declared {item.condition}, but the custody log records "
                        f"{condition} (entry {leaf}); declare at least {condition}",
                    )
                )
        known = chemistries.get(item.passport_id)
        if known and item.chemistry != known:
            problems.append(
                Problem(
                    field=f"shipment.items[{n}].chemistry",
                    reason=f"declared {item.chemistry}, but the passport says {known}",
                )
            )
    packs = sum(i.gross_mass_kg for i in plan.items)
    if plan.declared_gross_kg < 0.95 * packs:
        problems.append(
            Problem(
                field="shipment.declared_gross_kg",
                reason=f"{plan.declared_gross_kg:g} kg is less than the packs' own gross masses "
                f"({packs:g} kg together)",
            )
        )
    if problems:
        raise PassportValidationError(problems)


def _check_at_site(uow: UnitOfWork, actor: Actor, site: str, passport_ids: list[str]) -> None:
    """Every pack must be at ``site`` by the custody log, and the caller may record events about it."""
    states = uow.custody.states(passport_ids)
    custody.check_may_record(uow, actor, {pid: owner for pid, (_, owner) in states.items()})
    problems = []
    for i, pid in enumerate(passport_ids):
        state = states.get(pid)
        if state is None:
            problems.append(
                Problem(
                    field=f"shipment.items[{i}].passport_id",
                    reason=f"{pid} has no custody events yet; record its collection at {site} first",
                )
            )
        elif state[0].phase.value not in ("at_site", "packed") or state[0].site != site:
            problems.append(
                Problem(
                    field=f"shipment.items[{i}].passport_id", reason=f"{pid} is {describe(state[0])}, not at {site}"
                )
            )
    if problems:
        raise PassportValidationError(problems)


def plan_shipment(uow: UnitOfWork, actor: Actor, raw: object) -> dict[str, Any]:
    """Plan a shipment from one of the caller's sites; refused with every problem (a packaging that does not fit a
    pack's classification among them)."""
    if actor.org_id is None or not actor.may_write:
        raise PermissionDeniedError("only admins and operators of an organisation plan shipments", field="role")
    items = raw.get("items") if isinstance(raw, dict) else None
    pids = [i.get("passport_id") for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    chemistries = _transport_chemistries(uow, [p for p in pids if isinstance(p, str)])
    plan = check_plan(raw, chemistry_of=chemistries)
    to_org = _partner(uow, actor, plan.to_org_id, "to_org_id")
    carrier = _partner(uow, actor, plan.carrier_org_id, "carrier_org_id") if plan.carrier_org_id else None
    _check_at_site(uow, actor, plan.from_site, [i.passport_id for i in plan.items])
    _check_against_records(uow, plan, chemistries)
    exists = uow.session.scalar(
        select(ShipmentRow.id).where(ShipmentRow.from_org_id == actor.org_id, ShipmentRow.code == plan.code)
    )
    if exists is not None:
        raise ConflictError(f"your organisation has a shipment {plan.code!r} already", field="code")
    row = ShipmentRow(
        code=plan.code, from_org_id=actor.org_id, from_site=plan.from_site, to_org_id=to_org, to_site=plan.to_site,
        carrier_org_id=carrier, planned_date=plan.planned_date, declared_gross_kg=plan.declared_gross_kg,
        tolerance_absolute_kg=plan.tolerance.absolute_kg, tolerance_relative=plan.tolerance.relative,
        status="planned", created_at=uow.now(),
    )  # fmt: skip
    uow.session.add(row)
    uow.session.flush()
    for n, item in enumerate(plan.items):
        uow.session.add(
            ShipmentItemRow(
                shipment_id=row.id, passport_id=item.passport_id, position=n, chemistry=item.chemistry,
                condition=item.condition, energy_wh=item.energy_wh, gross_mass_kg=item.gross_mass_kg,
                packaging=item.packaging, classification=_classification_dict(item.classification),
            )
        )  # fmt: skip
    uow.session.flush()
    audit.record(uow, actor, action="shipment.plan", resource_type="shipment", resource_id=row.id,
                 owner_org_id=actor.org_id, detail=f"{plan.code}: {len(plan.items)} packs")  # fmt: skip
    return shipment_view(uow, actor, row.id)


def _get(uow: UnitOfWork, actor: Actor, shipment_id: uuid.UUID) -> ShipmentRow:
    row = uow.session.get(ShipmentRow, shipment_id)
    parties = {row.from_org_id, row.to_org_id, row.carrier_org_id} if row is not None else set()
    if row is None or (not actor.system and actor.org_id not in parties):
        raise NotFoundError(f"no shipment {shipment_id} of yours", field="shipment_id")
    return row


def _items(uow: UnitOfWork, shipment_id: uuid.UUID) -> list[ShipmentItemRow]:
    return list(
        uow.session.scalars(
            select(ShipmentItemRow).where(ShipmentItemRow.shipment_id == shipment_id).order_by(ShipmentItemRow.position)
        )
    )


def _moment(value: object, field: str) -> datetime:
    if not isinstance(value, str):
        raise InvalidInputError("is required: an ISO 8601 date-time with a time zone", field=field)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(f"{value!r} is not an ISO 8601 date-time", field=field) from None
    if moment.tzinfo is None:
        raise InvalidInputError(f"{value!r} has no time zone; add 'Z' or '+01:00'", field=field)
    return moment.astimezone(UTC)


def _mass(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 100_000:
        raise InvalidInputError(f"must be the weighed gross mass in kg, above 0; got {value!r}", field=field)
    return float(value)


def dispatch(uow: UnitOfWork, actor: Actor, shipment_id: uuid.UUID, raw: object) -> dict[str, Any]:
    """Weigh and dispatch a planned shipment (the sender): ``{gross_kg, occurred_at, scale_id?}``."""
    row = _get(uow, actor, shipment_id)
    if actor.org_id != row.from_org_id or not actor.may_write:
        raise PermissionDeniedError("only the sending organisation dispatches a shipment", field="shipment_id")
    if row.status != "planned":
        raise ConflictError(f"shipment {row.code} is {row.status}, not planned", field="status")
    body = raw if isinstance(raw, dict) else {}
    gross, at = _mass(body.get("gross_kg"), "gross_kg"), _moment(body.get("occurred_at"), "occurred_at")
    items = _items(uow, row.id)
    pids = [i.passport_id for i in items]
    states = uow.custody.states(pids)
    unpacked = [i for i in items if i.passport_id not in states or states[i.passport_id][0].phase.value != "packed"]
    events: list[dict[str, Any]] = [
        {"kind": "packed", "items": [i.passport_id], "occurred_at": format_datetime(at), "site": row.from_site,
         "details": {"packaging": i.packaging}}
        for i in unpacked
    ]  # fmt: skip
    weighed = _load_weighing(gross, body)
    events.append({"kind": "weighed", "items": pids, "occurred_at": format_datetime(at), "site": row.from_site,
                   "details": weighed})  # fmt: skip
    details = {"shipment_id": row.code, "to_site": row.to_site}
    if row.carrier_org_id:
        details["carrier_org_id"] = str(row.carrier_org_id)
    events.append({"kind": "dispatched", "items": pids, "occurred_at": format_datetime(at), "site": row.from_site,
                   "details": details})  # fmt: skip
    recorded = custody.record_events(uow, actor, events, for_shipment=True)
    row.status, row.dispatched_at, row.dispatched_kg = "dispatched", at, gross
    row.dispatch_leaf_index = recorded.first_leaf_index + len(events) - 2  # the weighing
    uow.session.flush()
    return shipment_view(uow, actor, row.id)


def _load_weighing(gross: float, body: dict[str, Any]) -> dict[str, Any]:
    """The details of weighing a shipment's whole load: gross mass, and the scale when given."""
    return {"mass_kg": gross, "basis": "gross", "scope": "load"} | (
        {"scale_id": body["scale_id"]} if body.get("scale_id") else {}
    )


def receive(uow: UnitOfWork, actor: Actor, shipment_id: uuid.UUID, raw: object) -> dict[str, Any]:
    """Receive and weigh a dispatched shipment (the receiver): ``{gross_kg, occurred_at, scale_id?}``; the weights
    are reconciled and a discrepancy is flagged to both partners."""
    row = _get(uow, actor, shipment_id)
    if actor.org_id != row.to_org_id or not actor.may_write:
        raise PermissionDeniedError("only the receiving organisation receives a shipment", field="shipment_id")
    if row.status != "dispatched":
        raise ConflictError(f"shipment {row.code} is {row.status}, not on its way; it is received once", field="status")
    body = raw if isinstance(raw, dict) else {}
    gross, at = _mass(body.get("gross_kg"), "gross_kg"), _moment(body.get("occurred_at"), "occurred_at")
    if row.dispatched_at is not None and at < row.dispatched_at.astimezone(UTC):
        raise InvalidInputError("the receipt is before the dispatch", field="occurred_at")
    pids = [i.passport_id for i in _items(uow, row.id)]
    weighed = _load_weighing(gross, body)
    events = [
        {"kind": "received", "items": pids, "occurred_at": format_datetime(at), "site": row.to_site,
         "details": {"shipment_id": row.code}},
        {"kind": "weighed", "items": pids, "occurred_at": format_datetime(at), "site": row.to_site, "details": weighed},
    ]  # fmt: skip
    recorded = custody.record_events(uow, actor, events, for_shipment=True)
    result = reconcile(row.dispatched_kg or row.declared_gross_kg, gross,
                       Tolerance(row.tolerance_absolute_kg, row.tolerance_relative))  # fmt: skip
    evidence = result.as_dict() | {
        "dispatch_weighing_leaf_index": row.dispatch_leaf_index,
        "receipt_weighing_leaf_index": recorded.first_leaf_index + 1,
    }
    row.status = "received" if result.within_tolerance else "discrepancy"
    row.received_at, row.received_kg, row.receipt_leaf_index = at, gross, recorded.first_leaf_index + 1
    row.reconciliation = evidence
    uow.session.flush()
    if not result.within_tolerance:
        for owner in (row.from_org_id, row.to_org_id):
            audit.record(uow, actor, action="shipment.discrepancy", resource_type="shipment", resource_id=row.id,
                         owner_org_id=owner, detail=f"{row.code}: {result.reason}")  # fmt: skip
    return shipment_view(uow, actor, row.id)


def shipment_view(uow: UnitOfWork, actor: Actor, shipment_id: uuid.UUID) -> dict[str, Any]:
    row = _get(uow, actor, shipment_id)
    names = dict(
        uow.session.execute(
            select(OrganizationRow.id, OrganizationRow.name).where(
                OrganizationRow.id.in_([o for o in (row.from_org_id, row.to_org_id, row.carrier_org_id) if o])
            )
        ).all()
    )
    return {
        "id": str(row.id),
        "code": row.code,
        "status": row.status,
        "from": {"org_id": str(row.from_org_id), "name": names.get(row.from_org_id), "site": row.from_site},
        "to": {"org_id": str(row.to_org_id), "name": names.get(row.to_org_id), "site": row.to_site},
        "carrier": {"org_id": str(row.carrier_org_id), "name": names.get(row.carrier_org_id)}
        if row.carrier_org_id
        else None,
        "planned_date": row.planned_date.isoformat(),
        "declared_gross_kg": row.declared_gross_kg,
        "tolerance": {"absolute_kg": row.tolerance_absolute_kg, "relative": row.tolerance_relative},
        "dispatched_at": format_datetime(row.dispatched_at) if row.dispatched_at else None,
        "dispatched_kg": row.dispatched_kg,
        "received_at": format_datetime(row.received_at) if row.received_at else None,
        "received_kg": row.received_kg,
        "reconciliation": row.reconciliation,
        "items": [
            {
                "passport_id": i.passport_id,
                "chemistry": i.chemistry,
                "condition": i.condition,
                "energy_wh": i.energy_wh,
                "gross_mass_kg": i.gross_mass_kg,
                "packaging": i.packaging,
                "classification": i.classification,
            }
            for i in _items(uow, row.id)
        ],
    }


def list_shipments(uow: UnitOfWork, actor: Actor, *, status: str | None = None) -> list[dict[str, Any]]:
    """The caller's shipments (sent, received or carried), newest first."""
    if actor.org_id is None:
        return []
    stmt = select(ShipmentRow).where(
        or_(ShipmentRow.from_org_id == actor.org_id, ShipmentRow.to_org_id == actor.org_id,
            ShipmentRow.carrier_org_id == actor.org_id)
    )  # fmt: skip
    if status is not None:
        stmt = stmt.where(ShipmentRow.status == status)
    rows = uow.session.scalars(stmt.order_by(ShipmentRow.created_at.desc()).limit(500))
    return [
        {"id": str(r.id), "code": r.code, "status": r.status, "from_site": r.from_site, "to_site": r.to_site,
         "planned_date": r.planned_date.isoformat(), "declared_gross_kg": r.declared_gross_kg,
         "reconciliation": r.reconciliation, "from_org_id": str(r.from_org_id), "to_org_id": str(r.to_org_id),
         "carrier_org_id": str(r.carrier_org_id) if r.carrier_org_id else None}
        for r in rows
    ]  # fmt: skip

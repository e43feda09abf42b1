"""Lots at a facility: formed from received packs, or from an intermediate fraction of another lot; then processed.

Forming a lot from packs checks that every pack is at the facility (custody log), in no other lot, of one battery
group, sorted for the route (direct recycling takes one cathode chemistry; LFP-type and nickel-based feed stay apart
unless the facility's process accepts mixed feed), and, when damaged, discharged first (a ``condition_measured``
with ``state_of_charge`` at most 0.05 since). The lot's input masses come from the passports (pack mass and the
declared materials, #33) or from an assay of the lot, and the lot says which (``basis``). The packs get a
``lot_assigned`` custody event.

A downstream lot is fed by an intermediate output (black mass) of a processed lot sent ``to_facility`` this
facility; its input is that output. Recording a lot's outputs checks them with the regulatory accounting (mass
balance per element, input-derived mass, fates); outputs that break it are refused naming them, and nothing is
stored (the API notes the refusal on the lot).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select

from batteryloop.domain.access import Actor
from batteryloop.domain.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from batteryloop.domain.organization import DataCategory
from batteryloop.domain.recovery import check_lot, compute_recovery
from batteryloop.services import audit, custody, facilities
from batteryloop.services.lot_feed import assay_elements, dec, pack_feed, text
from batteryloop.services.lot_ledger import ledger_of
from batteryloop.storage.access import fellow_member_ids, may_read_owner, readable_owner_ids
from batteryloop.storage.tables import FacilityRow, LotItemRow, LotRow
from batteryloop.storage.uow import UnitOfWork


def _writer_at(uow: UnitOfWork, actor: Actor, facility_id: uuid.UUID) -> FacilityRow:
    row = facilities.readable_facility(uow, actor, facility_id)
    if row.operator_org_id != actor.org_id or not actor.may_write:
        raise PermissionDeniedError(
            "only admins and operators of the facility's operator form and process lots", field="role"
        )
    return row


def create_lot(
    uow: UnitOfWork, actor: Actor, facility_id: uuid.UUID, raw: object, *, at: datetime | None = None
) -> dict[str, Any]:
    """Form a lot at a facility of the caller's organisation (see the module docstring); all or nothing."""
    facility = _writer_at(uow, actor, facility_id)
    body = raw if isinstance(raw, dict) else {}
    known = {"code", "route", "items", "source", "assay", "water_kg", "pack_periphery_kg"}
    unknown = sorted(set(body) - known)
    if not isinstance(raw, dict) or unknown:
        raise InvalidInputError(
            f"unknown field; send {', '.join(sorted(known))}", field=unknown[0] if unknown else "body"
        )
    code, route = body.get("code"), body.get("route")
    if not isinstance(code, str) or not code.strip() or len(code) > 100 or any(ord(c) < 32 for c in code):
        raise InvalidInputError("give the lot a code of at most 100 characters, e.g. CM-2026-L001", field="code")
    if route not in facility.routes:
        raise InvalidInputError(f"{facility.code} runs {', '.join(facility.routes)}; got {route!r}", field="route")
    exists = select(LotRow.id).where(LotRow.facility_id == facility.id, LotRow.code == code)
    if uow.session.scalar(exists) is not None:
        raise ConflictError(f"{facility.code} has a lot {code!r} already", field="code")
    items, source = body.get("items"), body.get("source")
    if (items is None) == (source is None):
        raise InvalidInputError(
            "give items (passport ids of packs at the facility) or source (an upstream lot's output)", field="items"
        )
    first_recycler, source_lot, source_output = actor.org_id, None, None
    rows: list[dict[str, Any]] = []
    if items is not None:
        if not isinstance(items, list) or not items:
            raise InvalidInputError("a list of passport ids", field="items")
        feed, rows = pack_feed(uow, actor, facility, items, str(route))
        group, chemistries = feed.pop("group"), feed.pop("chemistries")
    else:
        upstream, output = _source(uow, actor, facility, source)
        first_recycler, source_lot, source_output = upstream.first_recycler_org_id, upstream.id, output["name"]
        derived = dec(output["mass_kg"]) - dec(output.get("reagent_kg", "0"))
        feed = {
            "mass_kg": text(derived),
            "elements_kg": dict(output.get("elements_kg") or {}),
            "basis": "upstream_output",
            "member_states": dict(upstream.input.get("member_states") or {}),
            "no_materials": [],
        }
        group, chemistries = upstream.battery_group, [upstream.chemistry or "unknown"]
    if body.get("assay") is not None:
        feed["elements_kg"] = assay_elements(dec(feed["mass_kg"]), body["assay"])
        feed["basis"] = "assay"
    for key in ("water_kg", "pack_periphery_kg"):
        if body.get(key) is not None:
            value = body[key]
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not 0 <= value <= float(feed["mass_kg"])
            ):
                raise InvalidInputError(f"a mass in kg from 0 to the lot's {feed['mass_kg']} kg", field=key)
            feed[key] = text(dec(value))
    lot = LotRow(
        id=uuid.uuid4(),
        facility_id=facility.id,
        operator_org_id=facility.operator_org_id,
        first_recycler_org_id=first_recycler,
        code=code.strip(),
        route=str(route),
        battery_group=group,
        chemistry=chemistries[0] if len(chemistries) == 1 else "mixed",
        status="open",
        source_lot_id=source_lot,
        source_output=source_output,
        input=feed,
    )
    uow.session.add(lot)
    uow.session.flush()
    for row in rows:
        uow.session.add(LotItemRow(lot_id=lot.id, **row))
    _log_step(
        uow,
        actor,
        lot,
        facility,
        "lot_assigned",
        [r["passport_id"] for r in rows],
        {"lot_id": lot.code},
        at,
        action="lot.create",
        detail=f"{facility.code}/{lot.code}",
    )
    uow.session.flush()
    return lot_view(uow, lot)


def _source(uow: UnitOfWork, actor: Actor, facility: FacilityRow, source: object) -> tuple[LotRow, dict[str, Any]]:
    if (
        not isinstance(source, dict)
        or not isinstance(source.get("lot_id"), str)
        or not isinstance(source.get("output"), str)
    ):
        raise InvalidInputError(
            "source is {lot_id, output}: the upstream lot and the name of its intermediate output", field="source"
        )
    try:
        upstream = readable_lot(uow, actor, uuid.UUID(source["lot_id"]))
    except ValueError:
        raise InvalidInputError("source.lot_id must be a lot id (UUID)", field="source.lot_id") from None
    output = next((o for o in upstream.outputs or [] if o.get("name") == source["output"]), None)
    if upstream.status != "processed" or output is None:
        raise InvalidInputError(
            f"lot {upstream.code} has no output {source['output']!r} (is it processed?)", field="source.output"
        )
    if output.get("fate") != "intermediate" or output.get("to_facility") != facility.code:
        raise InvalidInputError(
            f"{source['output']!r} is not an intermediate sent to {facility.code}", field="source.output"
        )
    used = select(LotRow.id).where(LotRow.source_lot_id == upstream.id, LotRow.source_output == source["output"])
    if uow.session.scalar(used) is not None:
        raise ConflictError(
            f"{source['output']!r} of lot {upstream.code} feeds another lot already", field="source.output"
        )
    return upstream, output


def _log_step(
    uow: UnitOfWork,
    actor: Actor,
    lot: LotRow,
    facility: FacilityRow,
    kind: str,
    items: list[str],
    details: dict[str, Any],
    at: datetime | None,
    *,
    action: str,
    detail: str,
) -> None:
    """The custody event of a lot's step for its packs (none for a lot fed by an intermediate) and its audit entry."""
    if items:
        event = {
            "kind": kind,
            "items": items,
            "occurred_at": (at or uow.now()).isoformat(),
            "site": facility.code,
            "details": details,
        }
        custody.record_events(uow, actor, [event])
    audit.record(
        uow,
        actor,
        action=action,
        resource_type="lot",
        resource_id=lot.id,
        owner_org_id=lot.operator_org_id,
        detail=detail,
    )


def readable_lot(uow: UnitOfWork, actor: Actor, lot_id: uuid.UUID) -> LotRow:
    """A lot the caller operates, heads as first recycler, receives an intermediate of, or may read through an
    agreement (lots)."""
    lot = uow.session.get(LotRow, lot_id)
    if lot is not None and (
        actor.system
        or actor.org_id in (lot.operator_org_id, lot.first_recycler_org_id)
        or may_read_owner(uow.connection, actor, lot.operator_org_id, DataCategory.LOTS)
        or _receives_from(uow, actor, lot)
    ):
        return lot
    raise NotFoundError(f"no lot {lot_id} you may read", field="lot_id")


def _receives_from(uow: UnitOfWork, actor: Actor, lot: LotRow) -> bool:
    """The caller operates a facility an intermediate of the lot is sent to (it forms the downstream lot)."""
    sent_to = {o["to_facility"] for o in lot.outputs or [] if o.get("fate") == "intermediate" and o.get("to_facility")}
    if not sent_to or actor.org_id is None:
        return False
    found = select(FacilityRow.id).where(FacilityRow.code.in_(sent_to), FacilityRow.operator_org_id == actor.org_id)
    if uow.session.scalar(found) is None:
        return False
    return actor.org_id in set(uow.session.scalars(fellow_member_ids(lot.operator_org_id)))


def _period_end(day: date) -> date:
    return date(day.year, 12, 31)


def record_outputs(
    uow: UnitOfWork, actor: Actor, lot_id: uuid.UUID, raw: object, *, at: datetime | None = None
) -> dict[str, Any]:
    """Record a lot's outputs (``{outputs, processed_on}``), checked by the regulatory accounting; all or nothing.

    Raises:
        MassBalanceError: Outputs above the input; nothing is stored (see :func:`note_refusal`).
    """
    lot = readable_lot(uow, actor, lot_id)
    facility = _writer_at(uow, actor, lot.facility_id)
    if lot.status == "processed":
        raise ConflictError(f"lot {lot.code} is processed already; its outputs stand", field="lot_id")
    body = raw if isinstance(raw, dict) else {}
    outputs, day = body.get("outputs"), body.get("processed_on")
    try:
        if not isinstance(day, str):
            raise ValueError(day)
        processed_on = date.fromisoformat(day)
    except ValueError:
        raise InvalidInputError("the day the lot was processed, YYYY-MM-DD", field="processed_on") from None
    if processed_on > uow.now().date():
        raise InvalidInputError("a lot cannot be processed in the future", field="processed_on")
    if not isinstance(outputs, list) or not outputs:
        raise InvalidInputError("a list of the lot's output fractions", field="outputs")
    upstream = _upstream(uow, lot)
    partners = set(uow.session.scalars(fellow_member_ids(facility.operator_org_id)))
    for n, o in enumerate(outputs):
        _check_grams(o, f"outputs[{n}]")
        if isinstance(o, dict) and o.get("to_facility") is not None:
            _check_destination(uow, facility, o["to_facility"], f"outputs[{n}].to_facility", upstream, partners)
        if isinstance(o, dict) and o.get("facility") not in (None, facility.code):
            raise InvalidInputError(
                f"a lot's outputs are its facility's ({facility.code}); the next facility records its own lot",
                field=f"outputs[{n}].facility",
            )
    checked = check_lot(
        {
            "battery_group": lot.battery_group,
            "period_end": _period_end(processed_on).isoformat(),
            "input": domain_input(lot),
            "outputs": outputs,
        }
    )
    compute_recovery(checked)  # refuses outputs above the input (MassBalanceError), naming them
    lot.outputs = [_stored_output(o) for o in checked.outputs]
    lot.ledger = ledger_of(lot.outputs)
    lot.processed_on = processed_on
    lot.status = "processed"
    lot.refusal = None
    items = list(uow.session.scalars(select(LotItemRow.passport_id).where(LotItemRow.lot_id == lot.id)))
    details = {"lot_id": lot.code, "route": lot.route}
    _log_step(
        uow,
        actor,
        lot,
        facility,
        "processed",
        items,
        details,
        at,
        action="lot.process",
        detail=f"{len(outputs)} outputs",
    )
    uow.session.flush()
    return lot_view(uow, lot)


BIG = Decimal(10) ** 15  # beyond, the accounting refuses the mass anyway


def _check_grams(output: object, where: str) -> None:
    """Masses are kept to the gram: finer values would be rounded when stored and could then break the balance."""
    if not isinstance(output, dict):
        return
    values = [
        ("mass_kg", output.get("mass_kg")),
        ("reagent_kg", output.get("reagent_kg")),
        ("water_kg", output.get("water_kg")),
    ]
    elements = output.get("elements_kg")
    if isinstance(elements, dict):
        values += [(f"elements_kg.{x}", v) for x, v in elements.items()]
    for name, value in values:
        if isinstance(value, int | float) and not isinstance(value, bool):
            exact = Decimal(str(value))
            if exact.is_finite() and abs(exact) < BIG and exact != exact.quantize(Decimal("0.001")):
                raise InvalidInputError(
                    f"give masses to the gram (at most 3 decimals); got {value}", field=f"{where}.{name}"
                )


def _upstream(uow: UnitOfWork, lot: LotRow) -> set[uuid.UUID]:
    """The facilities of the lots upstream of ``lot`` in its chain."""
    found: set[uuid.UUID] = set()
    source = lot.source_lot_id
    while source is not None:
        row = uow.session.get(LotRow, source)
        if row is None or row.facility_id in found:
            break
        found.add(row.facility_id)
        source = row.source_lot_id
    return found


def _check_destination(
    uow: UnitOfWork,
    facility: FacilityRow,
    code: object,
    field: str,
    upstream: set[uuid.UUID],
    partners: set[uuid.UUID],
) -> None:
    """An intermediate goes on down the chain to another registered facility, of the same operator or a
    consortium partner -- not back to a facility the chain came through."""
    target = facilities.facility_by_code(uow, code) if isinstance(code, str) else None
    if target is None:
        raise InvalidInputError(
            f"{code!r} is no registered facility: register it first (POST /v1/facilities)", field=field
        )
    if target.id == facility.id:
        raise InvalidInputError(
            "an intermediate goes on to another facility; a further step at the same site is part of this lot",
            field=field,
        )
    if target.id in upstream:
        raise InvalidInputError(f"{code} is upstream in this lot's chain: a chain must not loop", field=field)
    if target.operator_org_id != facility.operator_org_id and target.operator_org_id not in partners:
        raise InvalidInputError(
            f"{code} is not operated by a consortium partner of {facility.code}'s operator", field=field
        )


def note_refusal(uow: UnitOfWork, actor: Actor, lot_id: uuid.UUID, problems: list[dict[str, str]]) -> None:
    """Note on the lot that outputs were refused (in its own unit of work, after the refusal rolled back)."""
    lot = readable_lot(uow, actor, lot_id)
    _writer_at(uow, actor, lot.facility_id)
    lot.refusal = {"at": uow.now().isoformat(), "problems": problems}
    audit.record(
        uow,
        actor,
        action="lot.outputs_refused",
        resource_type="lot",
        resource_id=lot.id,
        owner_org_id=lot.operator_org_id,
        detail="; ".join(p["reason"] for p in problems)[:500],
    )


def domain_input(lot: LotRow) -> dict[str, Any]:
    feed = lot.input
    out: dict[str, Any] = {
        "mass_kg": dec(feed["mass_kg"]),
        "elements_kg": {k: dec(v) for k, v in feed["elements_kg"].items()},
    }
    for key in ("water_kg", "pack_periphery_kg"):
        if feed.get(key) is not None:
            out[key] = dec(feed[key])
    return out


def domain_output(stored: dict[str, Any], facility: str) -> dict[str, Any]:
    """A stored output as the accounting's input (decimal strings back to Decimal), at ``facility``."""
    out = {k: v for k, v in stored.items() if k != "grade"} | {"facility": facility, "mass_kg": dec(stored["mass_kg"])}
    if stored.get("elements_kg") is not None:
        out["elements_kg"] = {k: dec(v) for k, v in stored["elements_kg"].items()}
    for key in ("reagent_kg", "water_kg"):
        if stored.get(key) is not None:
            out[key] = dec(stored[key])
    return out


def _stored_output(o: Any) -> dict[str, Any]:
    stored: dict[str, Any] = {"name": o.name, "mass_kg": text(o.mass_kg), "fate": o.fate}
    if o.rd_code:
        stored["rd_code"] = o.rd_code
    if o.to_facility:
        stored["to_facility"] = o.to_facility
    if o.elements_kg is not None:
        stored["elements_kg"] = {k: text(v) for k, v in sorted(o.elements_kg.items())}
    if o.recovered_elements is not None:
        stored["recovered_elements"] = sorted(o.recovered_elements)
    for key in ("reagent_kg", "water_kg"):
        if getattr(o, key):
            stored[key] = text(getattr(o, key))
    if o.periphery:
        stored["periphery"] = True
    return stored


def _items_of(uow: UnitOfWork, lot_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """The passport ids in each lot, in order (one query for all the lots)."""
    found: dict[uuid.UUID, list[str]] = {lot_id: [] for lot_id in lot_ids}
    rows = select(LotItemRow.lot_id, LotItemRow.passport_id).where(LotItemRow.lot_id.in_(lot_ids))
    for lot_id, pid in uow.session.execute(rows.order_by(LotItemRow.lot_id, LotItemRow.passport_id)):
        found[lot_id].append(pid)
    return found


def lot_view(uow: UnitOfWork, lot: LotRow, items: list[str] | None = None) -> dict[str, Any]:
    """A lot as JSON (``items``: its passport ids when the caller read them already)."""
    facility = uow.session.get(FacilityRow, lot.facility_id)
    if items is None:
        items = _items_of(uow, [lot.id])[lot.id]
    return {
        "id": str(lot.id),
        "code": lot.code,
        "facility_id": str(lot.facility_id),
        "facility": facility.code if facility else None,
        "operator_org_id": str(lot.operator_org_id),
        "first_recycler_org_id": str(lot.first_recycler_org_id),
        "route": lot.route,
        "battery_group": lot.battery_group,
        "chemistry": lot.chemistry,
        "status": lot.status,
        "source": {"lot_id": str(lot.source_lot_id), "output": lot.source_output} if lot.source_lot_id else None,
        "input": lot.input,
        "items": items,
        "outputs": lot.outputs,
        "processed_on": lot.processed_on.isoformat() if lot.processed_on else None,
        "refusal": lot.refusal,
    }


def list_lots(uow: UnitOfWork, actor: Actor, *, facility_id: uuid.UUID | None = None) -> list[dict[str, Any]]:
    """Lots the caller operates, heads as first recycler, or may read through an agreement; newest first (500)."""
    stmt = select(LotRow).order_by(LotRow.created_at.desc(), LotRow.code).limit(500)
    if not actor.system:
        stmt = stmt.where(
            or_(
                LotRow.operator_org_id == actor.org_id,
                LotRow.first_recycler_org_id == actor.org_id,
                LotRow.operator_org_id.in_(readable_owner_ids(actor, DataCategory.LOTS)),
            )
        )
    if facility_id is not None:
        stmt = stmt.where(LotRow.facility_id == facility_id)
    found = list(uow.session.scalars(stmt))
    if not actor.system and actor.org_id is not None and facility_id is None:
        # and partners' processed lots whose intermediates go to the caller's facilities (to form its own lot)
        mine = set(uow.session.scalars(select(FacilityRow.code).where(FacilityRow.operator_org_id == actor.org_id)))
        if mine:
            partners = select(LotRow).where(
                LotRow.status == "processed",
                LotRow.operator_org_id.in_(fellow_member_ids(actor.org_id)),
                LotRow.operator_org_id != actor.org_id,
            )
            seen = {lot.id for lot in found}
            for lot in uow.session.scalars(partners.order_by(LotRow.created_at.desc()).limit(500)):
                sent = {o.get("to_facility") for o in lot.outputs or [] if o.get("fate") == "intermediate"}
                if lot.id not in seen and sent & mine:
                    found.append(lot)
    items = _items_of(uow, [lot.id for lot in found])
    return [lot_view(uow, lot, items[lot.id]) for lot in found]

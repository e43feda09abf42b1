"""Battery passports: register, read at the caller's access level, record readings, follow the lifecycle."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import func, select

from batteryloop.domain.access import Actor
from batteryloop.domain.audit import AuditOutcome
from batteryloop.domain.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from batteryloop.domain.organization import DataCategory
from batteryloop.domain.pagination import Page
from batteryloop.domain.passport.access import PassportView, ServedLevel, decide_served_level, filter_attributes
from batteryloop.domain.passport.attributes import Behaviour, Level, get_attributes
from batteryloop.domain.passport.completeness import CompletenessReport, check_completeness
from batteryloop.domain.passport.lifecycle import (
    RECYCLED,
    BatteryStatus,
    PassportState,
    TransitionResult,
    check_transition,
    parse_status,
)
from batteryloop.domain.passport.problems import PassportValidationError, Problem
from batteryloop.domain.passport.values import check_attributes
from batteryloop.services import audit
from batteryloop.storage.access import may_read_owner
from batteryloop.storage.repositories.passport import BatteryModel, StoredPassport
from batteryloop.storage.uow import UnitOfWork

STATUS_KEY = "battery_status"


@dataclass(frozen=True, slots=True, kw_only=True)
class PassportRead:
    """A passport as served to one reader: only the attributes its level allows, and why."""

    passport_id: str
    battery_id: str
    served_level: ServedLevel
    roles: list[str]
    reasons: list[str]
    status: str
    category: str | None
    chemistry: str | None
    ceased: bool
    predecessor_passport_id: str | None
    successor_passport_id: str | None
    owner_org_id: uuid.UUID | None
    attributes: dict[str, Any]
    withheld: int = 0
    completeness: CompletenessReport | None = field(default=None)


_SEES_COMPLETENESS = frozenset({ServedLevel.OWNER, ServedLevel.AUTHORITY, ServedLevel.COMMISSION})


def full_attributes(stored: StoredPassport, model: BatteryModel | None) -> dict[str, Any]:
    """Everything the passport holds, in longlist order: model-level values, item values, dynamic series."""
    merged: dict[str, Any] = {}
    if model is not None:
        merged.update(model.attributes)
    merged.update(stored.attributes)
    for key, series in stored.readings.items():
        merged[key] = [{"value": r["value"], "recorded_at": _iso(r["recorded_at"])} for r in series]
    registry = get_attributes()
    return {key: merged[key] for key in registry if key in merged}


def _iso(moment: Any) -> str:
    return moment.isoformat().replace("+00:00", "Z") if isinstance(moment, datetime) else str(moment)


def _get(uow: UnitOfWork, passport_id: str) -> StoredPassport:
    stored = uow.passports.get(passport_id)
    if stored is None:
        raise NotFoundError(f"no passport {passport_id!r} is registered", field="passport_id")
    return stored


def served_view(uow: UnitOfWork, actor: Actor | None, stored: StoredPassport) -> PassportView:
    """The level a reader is served at: owner, authority, legitimate interest (as shared) or public."""
    if actor is None or actor.org_id is None:
        if actor is not None and actor.system:
            return decide_served_level(reader_kind=None, is_owner=True, passports_shared=True)
        return decide_served_level(reader_kind=None, is_owner=False, passports_shared=False)
    is_owner = actor.org_id == stored.owner_org_id
    shared = not is_owner and may_read_owner(uow.connection, actor, stored.owner_org_id, DataCategory.PASSPORTS)
    return decide_served_level(reader_kind=actor.org_kind, is_owner=is_owner, passports_shared=shared)


def read_passport(
    uow: UnitOfWork, actor: Actor | None, passport_id: str, *, completeness: bool = False
) -> PassportRead:
    """Read a passport at the caller's level (anonymous callers get the public view). Restricted reads are audited."""
    stored = _get(uow, passport_id)
    model = uow.passports.get_model(stored.model_id) if stored.model_id else None
    view = served_view(uow, actor, stored)
    everything = full_attributes(stored, model)
    visible = filter_attributes(everything, view)
    if actor is not None and view.level is not ServedLevel.PUBLIC:
        audit.record(
            uow,
            actor,
            action="passport.read",
            resource_type="passport",
            resource_id=passport_id,
            owner_org_id=stored.owner_org_id,
            outcome=AuditOutcome.SUCCESS,
            detail=f"level={view.level}",
        )
    report = None
    if completeness and stored.category and view.level in _SEES_COMPLETENESS:
        report = check_completeness(everything, stored.category)
    return PassportRead(
        passport_id=stored.passport_id,
        battery_id=stored.battery_id,
        served_level=view.level,
        roles=sorted(r.value for r in view.roles),
        reasons=list(view.reasons),
        status=stored.status,
        category=stored.category,
        chemistry=stored.chemistry,
        ceased=stored.ceased_at is not None,
        predecessor_passport_id=stored.predecessor_passport_id,
        successor_passport_id=stored.successor_passport_id,
        owner_org_id=stored.owner_org_id if view.level is not ServedLevel.PUBLIC else None,
        attributes=visible,
        withheld=len(everything) - len(visible),
        completeness=report,
    )


# -- registration ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PreparedPassport:
    """A validated passport ready for insertion: the row values and its readings."""

    row: dict[str, Any]
    readings: list[dict[str, Any]]


@cache
def _dynamic_keys() -> frozenset[str]:
    return frozenset(key for key, attribute in get_attributes().items() if attribute.behaviour is Behaviour.DYNAMIC)


def prepare_passport(
    attributes: object,
    *,
    owner_org_id: uuid.UUID,
    now: datetime,
    model: BatteryModel | None = None,
    prefix: str = "attributes",
) -> PreparedPassport:
    """Validate one passport record and turn it into a row and readings; raises PassportValidationError
    listing every problem."""
    checked, problems = check_attributes(attributes, prefix=prefix)
    problems = list(problems)
    merged = {**model.attributes, **checked} if model else checked
    for key in ("passport_id", "battery_id"):
        if key not in merged and not any(p.field == f"{prefix}.{key}" for p in problems):
            problems.append(Problem(field=f"{prefix}.{key}", reason=f"{key} is required to register a passport"))
    if problems:
        raise PassportValidationError(problems)
    dynamic = _dynamic_keys()
    static: dict[str, Any] = {}
    readings: list[dict[str, Any]] = []
    for key, value in checked.items():
        if key in dynamic:
            for r in value:  # recorded_at: canonical text, UTC with "Z" (storage.bulk writes it as is)
                readings.append({"attribute": key, "recorded_at": r["recorded_at"], "value": r["value"]})
        else:
            static[key] = value
    status = "original"
    if STATUS_KEY in checked:
        status = checked[STATUS_KEY][-1]["value"]
    else:
        readings.append({"attribute": STATUS_KEY, "recorded_at": now, "value": status})
    chemistry = (
        merged.get("battery_chemistry", {}).get("code") if isinstance(merged.get("battery_chemistry"), dict) else None
    )
    row = {
        "passport_id": checked["passport_id"] if "passport_id" in checked else merged["passport_id"],
        "battery_id": merged["battery_id"],
        "owner_org_id": owner_org_id,
        "model_id": model.id if model else None,
        "category": merged.get("battery_category"),
        "chemistry": chemistry,
        "status": status,
        "predecessor_passport_id": None,
        "successor_passport_id": None,
        "ceased_at": now if status == "recycled" else None,
        "created_at": now,
        "updated_at": now,
        "attributes": static,
    }
    return PreparedPassport(row=row, readings=readings)


def _writer(actor: Actor) -> uuid.UUID:
    if actor.org_id is None or not actor.may_write:
        raise PermissionDeniedError("only admins and operators of an organisation register passports", field="role")
    return actor.org_id


def register_passport(
    uow: UnitOfWork, actor: Actor, attributes: object, *, model_id: uuid.UUID | None = None
) -> PassportRead:
    """Register one passport for the caller's organisation."""
    owner = _writer(actor)
    model = None
    if model_id is not None:
        model = uow.passports.get_model(model_id)
        if model is None or model.owner_org_id != owner:
            raise NotFoundError(f"no battery model {model_id} of your organisation", field="model_id")
    prepared = prepare_passport(attributes, owner_org_id=owner, now=uow.now(), model=model)
    pid = prepared.row["passport_id"]
    if uow.passports.existing_ids([pid]):
        raise ConflictError(f"passport {pid!r} is already registered", field="attributes.passport_id")
    uow.passports.add_many([prepared.row], {pid: prepared.readings})
    audit.record(uow, actor, action="passport.register", resource_type="passport", resource_id=pid, owner_org_id=owner)
    return read_passport(uow, actor, pid)


def add_readings(uow: UnitOfWork, actor: Actor, passport_id: str, attributes: object) -> PassportRead:
    """Append dynamic readings (state of health, cycles, events, ...) to a passport the caller is responsible for."""
    owner = _writer(actor)
    stored = _get(uow, passport_id)
    if stored.owner_org_id != owner:
        raise PermissionDeniedError(
            "only the organisation responsible for a passport records its readings",
            field="passport_id",
            owner_org_id=stored.owner_org_id,
        )
    if stored.ceased_at is not None:
        raise ConflictError("the battery was recycled: its passport is a read-only archive", field="passport_id")
    checked, problems = check_attributes(attributes, prefix="attributes")
    registry = get_attributes()
    problems = list(problems)
    for key in checked:
        if registry[key].behaviour is not Behaviour.DYNAMIC:
            problems.append(
                Problem(
                    field=f"attributes.{key}",
                    reason=f"{key} is static; readings take dynamic "
                    "attributes only (state of health, cycles, temperatures, events)",
                )
            )
        elif key == STATUS_KEY:
            problems.append(
                Problem(
                    field=f"attributes.{key}",
                    reason="change the status through the lifecycle "
                    "(POST /v1/passports/{id}/status), which checks the transition",
                )
            )
    if problems:
        raise PassportValidationError(problems)
    rows = [
        {
            "attribute": key,
            "recorded_at": datetime.fromisoformat(r["recorded_at"].replace("Z", "+00:00")),
            "value": r["value"],
        }
        for key, series in checked.items()
        for r in series
    ]
    uow.passports.add_readings(stored.pk, rows)
    uow.passports.update(stored.pk, updated_at=uow.now())
    audit.record(
        uow,
        actor,
        action="passport.readings",
        resource_type="passport",
        resource_id=passport_id,
        owner_org_id=owner,
        detail=f"{len(rows)} readings",
    )
    return read_passport(uow, actor, passport_id)


def completeness_of(uow: UnitOfWork, actor: Actor, passport_id: str) -> CompletenessReport:
    stored = _get(uow, passport_id)
    view = served_view(uow, actor, stored)
    if view.level not in _SEES_COMPLETENESS:
        raise PermissionDeniedError(
            "completeness is reported to the passport's owner, authorities and the Commission", field="passport_id"
        )
    model = uow.passports.get_model(stored.model_id) if stored.model_id else None
    if not stored.category:
        raise InvalidInputError(
            "the passport has no battery category, so its mandatory attributes are not defined; add one",
            field="battery_category",
        )
    return check_completeness(full_attributes(stored, model), stored.category)


def check_level(level: str) -> Level:
    try:
        return Level(level)
    except ValueError:
        raise InvalidInputError("use 'model' or 'item'", field="level") from None


def completeness_dict(report: CompletenessReport) -> dict[str, Any]:
    """JSON-ready form of a completeness report."""
    return {
        "category": str(report.category),
        "mandatory": report.mandatory_count,
        "present": report.present_count,
        "complete_share": report.complete_share,
        "missing": [
            {"key": a.key, "name": a.name, "number": a.number}
            for a in (get_attributes()[k] for k in report.missing_keys)
        ],
    }


# -- lifecycle -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusChange:
    """What a status change did: the domain's transition result and the passport(s) afterwards."""

    transition: TransitionResult
    passport_id: str
    new_passport_id: str | None


def change_status(
    uow: UnitOfWork,
    actor: Actor,
    passport_id: str,
    to: str,
    *,
    operator_org_id: uuid.UUID | None = None,
    new_passport_id: str | None = None,
) -> StatusChange:
    """Change a battery's status through the lifecycle (the organisation responsible for the passport).

    Waste hands the passport to the waste operator; repurposing and remanufacturing issue a new passport
    (``new_passport_id``) linked to this one, for the operator; recycling ends the passport (read-only archive).
    """
    if actor.org_id is None and not actor.system:
        raise PermissionDeniedError("sign in to change a battery's status", field="authorization")
    stored = _get(uow, passport_id)
    if not (actor.system or (actor.org_id == stored.owner_org_id and actor.may_write)):
        raise PermissionDeniedError(
            "only the organisation responsible for the passport changes the battery's status",
            field="passport_id",
            owner_org_id=stored.owner_org_id,
        )
    if operator_org_id is not None and uow.organizations.get(Actor.platform_operator(), operator_org_id) is None:
        raise NotFoundError(f"no organisation {operator_org_id}", field="operator_org_id")
    state = PassportState(
        status=parse_status(stored.status) if stored.status != RECYCLED else BatteryStatus.WASTE,
        responsible_org_id=stored.owner_org_id,
        superseded=stored.successor_passport_id is not None,
        ceased=stored.ceased_at is not None,
    )
    result = check_transition(state, to, operator_org_id=operator_org_id)
    now = uow.now()
    created: str | None = None
    if result.creates_new_passport:
        if not new_passport_id:
            raise InvalidInputError(
                f"{result.to} makes a new battery with a new passport: give its new_passport_id",
                field="new_passport_id",
            )
        model = uow.passports.get_model(stored.model_id) if stored.model_id else None
        carried = {k: v for k, v in full_attributes(stored, model).items() if not get_attributes()[k].is_dynamic}
        carried["passport_id"] = new_passport_id
        assert result.new_passport_status is not None
        carried[STATUS_KEY] = [{"value": result.new_passport_status.value, "recorded_at": _iso(now)}]
        prepared = prepare_passport(carried, owner_org_id=result.responsible_org_id, now=now)
        if uow.passports.existing_ids([new_passport_id]):
            raise ConflictError(f"passport {new_passport_id!r} is already registered", field="new_passport_id")
        prepared.row["predecessor_passport_id"] = stored.passport_id
        uow.passports.add_many([prepared.row], {new_passport_id: prepared.readings})
        uow.passports.update(stored.pk, successor_passport_id=new_passport_id, updated_at=now)
        created = new_passport_id
    elif result.ceased:
        uow.passports.update(stored.pk, status=RECYCLED, ceased_at=now, updated_at=now)
    else:
        uow.passports.add_readings(
            stored.pk, [{"attribute": STATUS_KEY, "recorded_at": now, "value": result.status.value}]
        )
        uow.passports.update(
            stored.pk, status=result.status.value, owner_org_id=result.responsible_org_id, updated_at=now
        )
    for owner in {stored.owner_org_id, result.responsible_org_id}:
        audit.record(
            uow,
            actor,
            action="passport.status",
            resource_type="passport",
            resource_id=passport_id,
            owner_org_id=owner,
            detail=f"{stored.status} -> {result.to}" + (f"; new {created}" if created else ""),
        )
    return StatusChange(transition=result, passport_id=passport_id, new_passport_id=created)


# -- battery models --------------------------------------------------------------------------------------------


def create_model(
    uow: UnitOfWork,
    actor: Actor,
    *,
    code: str,
    name: str,
    attributes: object,
    model_id: uuid.UUID | None = None,
) -> BatteryModel:
    """Register a battery model: the model-level passport attributes its packs share (an automaker's)."""
    owner = _writer(actor)
    checked, problems = check_attributes(attributes, level=Level.MODEL, prefix="attributes")
    problems = list(problems)
    if "battery_category" not in checked and not any(p.field == "attributes.battery_category" for p in problems):
        problems.append(Problem(field="attributes.battery_category", reason="a battery model needs its category"))
    if problems:
        raise PassportValidationError(problems)
    code = code.strip()
    if not code:
        raise InvalidInputError("give the model a code, e.g. VM-E80", field="code")
    if uow.passports.get_model_by_code(owner, code) is not None:
        raise ConflictError(f"your organisation already has a battery model {code!r}", field="code")
    chemistry = checked.get("battery_chemistry", {}).get("code") if "battery_chemistry" in checked else None
    model = BatteryModel(
        id=model_id or uuid.uuid4(),
        owner_org_id=owner,
        code=code,
        name=name.strip() or code,
        category=checked["battery_category"],
        chemistry=chemistry,
        attributes=checked,
    )
    uow.passports.add_model(model)
    audit.record(
        uow, actor, action="model.create", resource_type="battery_model", resource_id=model.id, owner_org_id=owner
    )
    return model


# -- listings --------------------------------------------------------------------------------------------------


def list_passports(
    uow: UnitOfWork, actor: Actor, *, cursor: str | None, limit: int, status: str | None = None
) -> Page[StoredPassport]:
    """Passports of the caller's organisation and those shared with it, optionally of one status, in id order."""
    return uow.passports.list_visible(actor, cursor=cursor, limit=limit, status=status)


def count_passports_by_status(uow: UnitOfWork, actor: Actor) -> dict[str, int]:
    """How many of the passports :func:`list_passports` lists hold each status (statuses without any left out)."""
    listed = uow.passports.readable_by(actor).subquery()
    rows = uow.connection.execute(select(listed.c.status, func.count()).group_by(listed.c.status))
    return {str(status): int(count) for status, count in rows}

"""Treatment facilities: a recycler's or refiner's permitted sites, the R/D operations and routes they run.

A facility's ``code`` is its custody site code (packs are received "at" it), unique on the platform. Its operator's
admins and operators register it; consortium partners whose agreement opens the operator's ``lots`` read it.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import extract, select

from batteryloop.domain.access import Actor
from batteryloop.domain.errors import ConflictError, NotFoundError, PermissionDeniedError
from batteryloop.domain.organization import DataCategory, OrganizationKind
from batteryloop.domain.passport.problems import PassportValidationError, Problem
from batteryloop.domain.recovery import get_targets
from batteryloop.domain.recovery.accounting import DEFAULT_TOLERANCE
from batteryloop.domain.recovery.routes import get_routes
from batteryloop.services import audit
from batteryloop.services.lot_feed import text
from batteryloop.storage.access import fellow_member_ids, may_read_owner, readable_owner_ids
from batteryloop.storage.tables import CustodyEventRow, FacilityRow, LotRow
from batteryloop.storage.uow import UnitOfWork

OPERATORS: Final = (OrganizationKind.RECYCLER, OrganizationKind.REFINER, OrganizationKind.DISMANTLER)
_CODE: Final = re.compile(r"^[A-Z0-9][A-Z0-9._-]{1,99}$")
_OPERATION: Final = re.compile(r"^(R([1-9]|1[0-3])|D([1-9]|1[0-5]))$")


def facility_view(row: FacilityRow) -> dict[str, Any]:
    """A facility as JSON."""
    return {
        "id": str(row.id),
        "operator_org_id": str(row.operator_org_id),
        "code": row.code,
        "name": row.name,
        "country": row.country,
        "permitted_operations": list(row.permitted_operations),
        "routes": list(row.routes),
        "capacity_t_per_year": row.capacity_t_per_year,
        "process": row.process or {},
        "route_parameters": {name: route_parameters(name, row.process or {}) for name in row.routes},
    }


def route_parameters(route_id: str, process: dict[str, Any]) -> dict[str, Any]:
    """A route's reference process parameters (EverBatt defaults of ``routes.toml``), with the facility's own
    ``mixed_feed`` where it declares one; yields are fractions of each input element going into the output."""
    route = get_routes().routes.get(route_id)
    if route is None:  # pragma: no cover - facilities are checked against the routes
        return {}
    mixed = process.get("mixed_feed")
    return {
        "label": route.label,
        "inputs": list(route.inputs),
        "chemistries": list(route.chemistries),
        "mixed_feed": mixed if isinstance(mixed, bool) else route.mixed_feed,
        "outputs": [
            {"name": o.name, "fate": o.fate, "rd_code": o.rd_code, "yields": {x: float(y) for x, y in o.yields.items()}}
            for o in route.outputs
        ],
        "reagents_per_kg_input": {k: float(r.per_kg_input) for k, r in route.reagents.items() if r.per_kg_input},
        "energy_per_kg_input": {k: float(r.per_kg_input) for k, r in route.energy.items() if r.per_kg_input},
        "source": route.source,
        "status": route.status,
    }


def _check(raw: object) -> tuple[dict[str, Any], list[Problem]]:
    problems: list[Problem] = []
    body = raw if isinstance(raw, dict) else {}
    if not isinstance(raw, dict):
        problems.append(
            Problem(field="body", reason="send an object: code, name, country, permitted_operations, routes")
        )
    known = {"code", "name", "country", "permitted_operations", "routes", "capacity_t_per_year", "process"}
    problems += [
        Problem(field=k, reason=f"unknown field; known: {', '.join(sorted(known))}") for k in sorted(set(body) - known)
    ]
    code = body.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        problems.append(
            Problem(field="code", reason="the site code, capitals, digits, '-', '.', '_', e.g. DE-BRE-CIRCUMET-1")
        )
    name = body.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200 or any(ord(c) < 32 for c in name):
        problems.append(Problem(field="name", reason="is required: the facility's name, at most 200 characters"))
    country = body.get("country")
    if not isinstance(country, str) or not re.match(r"^[A-Z]{2}$", country):
        problems.append(
            Problem(field="country", reason="the ISO 3166-1 alpha-2 code of the facility's country, e.g. DE")
        )
    ops = body.get("permitted_operations")
    if not isinstance(ops, list) or not ops or not all(isinstance(o, str) and _OPERATION.match(o) for o in ops):
        problems.append(
            Problem(
                field="permitted_operations", reason='a list of R1-R13 / D1-D15 codes of the permit, e.g. ["R4", "R12"]'
            )
        )
    routes, known_routes = body.get("routes"), tuple(get_routes().routes)
    if not isinstance(routes, list) or not routes or not all(r in known_routes for r in routes):
        problems.append(Problem(field="routes", reason=f"a list of routes run here: {', '.join(known_routes)}"))
    capacity = body.get("capacity_t_per_year")
    if isinstance(capacity, bool) or not isinstance(capacity, int | float) or not 0 < capacity < 10_000_000:
        problems.append(Problem(field="capacity_t_per_year", reason="the permitted capacity in tonnes a year, above 0"))
    process = body.get("process")
    if process is not None and not isinstance(process, dict):
        problems.append(
            Problem(field="process", reason="an object of process parameters that differ from the route defaults")
        )
    return body, problems


def register_facility(uow: UnitOfWork, actor: Actor, raw: object) -> dict[str, Any]:
    """Register a facility of the caller's organisation (a recycler, refiner or dismantler; admins and operators)."""
    if actor.org_id is None or not actor.may_write:
        raise PermissionDeniedError(
            "only admins and operators of an organisation register its facilities", field="role"
        )
    if actor.org_kind not in OPERATORS:
        raise PermissionDeniedError(
            "only recyclers, refiners and dismantlers operate treatment facilities", field="role"
        )
    body, problems = _check(raw)
    if problems:
        raise PassportValidationError(problems)
    if uow.session.scalar(select(FacilityRow.id).where(FacilityRow.code == body["code"])) is not None:
        raise ConflictError(f"a facility with code {body['code']!r} is registered already", field="code")
    strangers = select(CustodyEventRow.org_id).where(
        CustodyEventRow.site == body["code"],
        CustodyEventRow.org_id != actor.org_id,
        CustodyEventRow.org_id.not_in(fellow_member_ids(actor.org_id)),
    )
    if uow.session.scalar(strangers.limit(1)) is not None:  # a code in use by someone outside its consortia
        raise ConflictError(
            f"the custody log has events at site {body['code']!r} by an organisation outside your consortia: "
            "a facility takes the code of a site you or your partners record at",
            field="code",
        )
    row = FacilityRow(
        id=uuid.uuid4(),
        operator_org_id=actor.org_id,
        code=body["code"],
        name=body["name"].strip(),
        country=body["country"],
        permitted_operations=list(body["permitted_operations"]),
        routes=list(body["routes"]),
        capacity_t_per_year=float(body["capacity_t_per_year"]),
        process=body.get("process"),
    )
    uow.session.add(row)
    uow.session.flush()
    audit.record(
        uow,
        actor,
        action="facility.register",
        resource_type="facility",
        resource_id=row.id,
        owner_org_id=actor.org_id,
        detail=row.code,
    )
    return facility_view(row)


def readable_facility(uow: UnitOfWork, actor: Actor, facility_id: uuid.UUID) -> FacilityRow:
    """A facility the caller operates or whose operator shares its lots with it."""
    row = uow.session.get(FacilityRow, facility_id)
    if row is None or not may_read_owner(uow.connection, actor, row.operator_org_id, DataCategory.LOTS):
        raise NotFoundError(f"no facility {facility_id} you may read", field="facility_id")
    return row


def list_facilities(uow: UnitOfWork, actor: Actor) -> list[dict[str, Any]]:
    """The facilities the caller operates or may read, by code."""
    stmt = select(FacilityRow).order_by(FacilityRow.code)
    if not actor.system:
        stmt = stmt.where(FacilityRow.operator_org_id.in_(readable_owner_ids(actor, DataCategory.LOTS)))
    return [facility_view(row) for row in uow.session.scalars(stmt)]


def facility_by_code(uow: UnitOfWork, code: str) -> FacilityRow | None:
    """The facility of a site code (no access check: callers check what they show)."""
    return uow.session.scalar(select(FacilityRow).where(FacilityRow.code == code))


def processed_lots(uow: UnitOfWork, facility_ids: list[uuid.UUID], year: int) -> dict[uuid.UUID, list[LotRow]]:
    """The lots processed at each of the facilities in calendar ``year`` (one query; no access check)."""
    found: dict[uuid.UUID, list[LotRow]] = {facility_id: [] for facility_id in facility_ids}
    stmt = select(LotRow).where(
        LotRow.facility_id.in_(facility_ids), LotRow.status == "processed", extract("year", LotRow.processed_on) == year
    )
    for lot in uow.session.scalars(stmt):
        found[lot.facility_id].append(lot)
    return found


def derived_kg(output: dict[str, Any]) -> Decimal:
    """A stored output's input-derived mass: its mass less what added reagents put in it."""
    return Decimal(output["mass_kg"]) - Decimal(output.get("reagent_kg", "0"))


def facility_balance(uow: UnitOfWork, actor: Actor, facility_id: uuid.UUID, year: int) -> dict[str, Any]:
    """The facility-year mass balance over its processed lots: mass and each element in, out (input-derived),
    counted as recycled, and the residual (unaccounted) with its share of the input, against the tolerance."""
    facility = readable_facility(uow, actor, facility_id)
    lots = processed_lots(uow, [facility.id], year)[facility.id]
    counting = get_targets().counting_fates
    zero = Decimal(0)
    rows: dict[str, dict[str, Decimal]] = {"mass": {"in": zero, "out": zero, "counted": zero}}
    for lot in lots:
        rows["mass"]["in"] += Decimal(lot.input["mass_kg"])
        for symbol, kg in lot.input["elements_kg"].items():
            rows.setdefault(symbol, {"in": zero, "out": zero, "counted": zero})["in"] += Decimal(kg)
        for o in lot.outputs or []:
            derived = derived_kg(o)
            rows["mass"]["out"] += derived
            rows["mass"]["counted"] += derived if o["fate"] in counting else zero
            for symbol, kg in (o.get("elements_kg") or {}).items():
                if symbol in rows:  # elements brought by reagents only are not balanced
                    rows[symbol]["out"] += Decimal(kg)
                    rows[symbol]["counted"] += Decimal(kg) if o["fate"] in counting else zero
    lines = []
    for name, r in rows.items():
        residual = r["in"] - r["out"]
        share = residual / r["in"] if r["in"] else None
        lines.append(
            {
                "subject": name,
                "input_kg": text(r["in"]),
                "output_kg": text(r["out"]),
                "counted_kg": text(r["counted"]),
                "residual_kg": text(residual),
                "residual_share": None if share is None else float(share),
                "within_tolerance": share is None or share >= -DEFAULT_TOLERANCE,
            }
        )
    return {
        "facility": facility_view(facility),
        "year": year,
        "lots": len(lots),
        "tolerance": float(DEFAULT_TOLERANCE),
        "balance": lines,
    }

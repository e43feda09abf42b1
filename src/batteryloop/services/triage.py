"""End-of-life triage of a registered pack under its consortium's thresholds.

A consortium keeps its own triage thresholds (the convenor's admins set them; every member reads them); without
them the reference defaults of ``data/health/triage.toml`` apply. Triage of a pack gathers what the platform knows:
the state of health (the newest state of certified energy in the passport, read at the caller's level), the
condition (the newest ``condition_measured`` in the custody log, or critically damaged after a critical ``incident``
logged since, unless the caller gives one), the negative events (accidents in the passport and incidents in the
log), the age (from the manufacturing date) and the chemistry (the passport's, unless one
identified on site and logged in a ``sorted`` event differs: then that one, named in ``chemistry_mismatch``), and
decides with :func:`batteryloop.domain.health.triage.classify_end_of_life`. The decision names the custody event to
record next.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from batteryloop.domain.access import Actor
from batteryloop.domain.errors import InvalidInputError, PermissionDeniedError
from batteryloop.domain.health.triage import TriageThresholds, classify_end_of_life, default_thresholds
from batteryloop.services import audit, consortium, custody
from batteryloop.services import passport as passport_service
from batteryloop.services.calc.triage import decision_as_dict
from batteryloop.storage.tables import ConsortiumRow
from batteryloop.storage.uow import UnitOfWork


def _thresholds_of(row: ConsortiumRow | None) -> TriageThresholds:
    base = default_thresholds()
    if row is None or not row.triage_thresholds:
        return base
    return base.with_overrides(**row.triage_thresholds)


def _json(thresholds: TriageThresholds) -> dict[str, Any]:
    return {k: (float(v) if isinstance(v, Decimal) else v) for k, v in thresholds.as_dict().items()}


def consortium_thresholds(uow: UnitOfWork, actor: Actor, consortium_id: uuid.UUID) -> dict[str, Any]:
    """The triage thresholds of a consortium the caller belongs to, and which of them are its own."""
    consortium.get_consortium(uow, actor, consortium_id)
    row = uow.session.get(ConsortiumRow, consortium_id)
    return {
        "consortium_id": str(consortium_id),
        "thresholds": _json(_thresholds_of(row)),
        "overrides": dict(row.triage_thresholds or {}) if row else {},
        "defaults": _json(default_thresholds()),
    }


def set_consortium_thresholds(
    uow: UnitOfWork, actor: Actor, consortium_id: uuid.UUID, overrides: object
) -> dict[str, Any]:
    """Set a consortium's own thresholds (an admin of the convening organisation); ``{}`` restores the defaults.

    Every unknown name or bad value is refused with its field, and nothing is stored.
    """
    found = consortium.get_consortium(uow, actor, consortium_id)
    if not actor.administers(found.convenor_org_id):
        raise PermissionDeniedError(
            "only an admin of the convening organisation sets the consortium's triage thresholds", field="role"
        )
    if not isinstance(overrides, dict):
        raise InvalidInputError("send an object of threshold names to values", field="thresholds")
    default_thresholds().with_overrides(**overrides)  # refuses unknown names and bad values, naming each
    row = uow.session.get(ConsortiumRow, consortium_id)
    if row is None:  # pragma: no cover - get_consortium found it
        raise InvalidInputError("no such consortium", field="consortium_id")
    row.triage_thresholds = dict(overrides) or None
    uow.session.flush()
    audit.record(
        uow,
        actor,
        action="consortium.triage_thresholds",
        resource_type="consortium",
        resource_id=consortium_id,
        owner_org_id=actor.org_id,
        detail=str(overrides),
    )
    return consortium_thresholds(uow, actor, consortium_id)


def _age_years(manufactured: object, today: date) -> float | None:
    if not isinstance(manufactured, str) or len(manufactured) < 7:
        return None
    year, month = int(manufactured[:4]), int(manufactured[5:7])
    return max(0.0, (today.year - year) + (today.month - month) / 12)


@dataclass(frozen=True, slots=True)
class _Log:
    """What the custody log says of a pack, from the events the caller may read."""

    condition: tuple[str, int] | None  # newest condition_measured: (condition, leaf index)
    incidents: tuple[int, ...]  # leaf indexes of incidents
    critical_incident: int | None  # leaf index of the newest critical incident
    identified: tuple[str, str | None, int] | None  # newest identified chemistry: (identified, declared, leaf)
    decided: tuple[str, int] | None = None  # newest recorded triage decision: (route, leaf)


def _readable_log(uow: UnitOfWork, actor: Actor, passport_id: str) -> _Log:
    condition, incidents, critical, identified, decided = None, [], None, None, None
    for leaf, kind, _org, entry, _commercial, _salt in uow.custody.timeline(actor, passport_id):
        details = custody.entry_details(entry)
        if kind == "condition_measured" and details.get("condition"):
            condition = (str(details["condition"]), leaf)
        elif kind == "incident":
            incidents.append(leaf)
            if details.get("severity") == "critical":
                critical = leaf
        elif kind == "sorted" and details.get("chemistry") and details.get("method") in ("assay", "voltage"):
            identified = (str(details["chemistry"]), details.get("declared_chemistry"), leaf)
        elif kind == "triaged" and details.get("route"):
            decided = (str(details["route"]), leaf)
    return _Log(condition, tuple(incidents), critical, identified, decided)


def triage_passport(
    uow: UnitOfWork, actor: Actor, passport_id: str, *, consortium_id: uuid.UUID, raw: object
) -> dict[str, Any]:
    """Decide the route of a registered pack under the consortium's thresholds.

    ``raw``: ``{second_life_demand: bool, condition?, state_of_health?, negative_events?, age_years?}`` -- given
    values take precedence over what the passport and the custody log hold (and are echoed as such).
    """
    body = raw if isinstance(raw, dict) else {}
    unknown = set(body) - {
        "second_life_demand",
        "condition",
        "state_of_health",
        "negative_events",
        "age_years",
        "record_at_site",
    }
    if unknown:
        raise InvalidInputError(f"unknown field(s) {sorted(unknown)}", field=sorted(unknown)[0])
    consortium.get_consortium(uow, actor, consortium_id)
    thresholds = _thresholds_of(uow.session.get(ConsortiumRow, consortium_id))
    view = passport_service.read_passport(uow, actor, passport_id)
    attributes = view.attributes
    sources: dict[str, str] = {}
    soh = body.get("state_of_health")
    if soh is None:
        series = attributes.get("state_of_certified_energy_share") or []
        if series:
            soh, sources["state_of_health"] = series[-1]["value"], f"passport, reading of {series[-1]['recorded_at']}"
    log = _readable_log(uow, actor, passport_id)
    condition = body.get("condition")
    if condition is None:
        if log.condition is not None:
            condition, sources["condition"] = log.condition[0], f"custody log entry {log.condition[1]}"
        newer = log.condition is None or (log.critical_incident or -1) > log.condition[1]
        if log.critical_incident is not None and newer:  # unless the condition was measured again since
            condition = "critically_damaged"
            sources["condition"] = f"custody log entry {log.critical_incident} (a critical incident)"
    events = body.get("negative_events")
    if events is None:
        accidents = attributes.get("accident_information") or []
        events = sum(len(reading.get("value") or []) for reading in accidents) + len(log.incidents)
        sources["negative_events"] = "passport accident information" + (
            f" and {len(log.incidents)} incident(s) in the custody log" if log.incidents else ""
        )
    age = body.get("age_years")
    if age is None:
        age = _age_years(attributes.get("manufacturing_date"), uow.now().date())
        if age is not None:
            sources["age_years"] = "passport manufacturing date"
    chemistry = view.chemistry
    identified = log.identified
    mismatch = None
    if identified is not None and identified[0] != view.chemistry:
        chemistry = identified[0]
        sources["chemistry"] = f"custody log entry {identified[2]} (identified on site)"
        mismatch = {"declared": view.chemistry, "identified": identified[0], "leaf_index": identified[2]}
    decision = classify_end_of_life(
        state_of_health=soh,
        condition=condition if condition is not None else "unknown",
        negative_events=events,
        age_years=age,
        second_life_demand=body.get("second_life_demand"),
        chemistry=chemistry,
        thresholds=thresholds,
    )
    result: dict[str, Any] = {
        "passport_id": passport_id,
        "consortium_id": str(consortium_id),
        "sources": sources,
        "chemistry_mismatch": mismatch,
        "recorded_decision": None if log.decided is None else {"route": log.decided[0], "leaf_index": log.decided[1]},
    }
    result |= decision_as_dict(decision)
    site = body.get("record_at_site")
    if site is not None:  # the decision goes into the custody log as a 'triaged' event
        details: dict[str, Any] = {"route": decision.route, "rule": decision.rule}
        if soh is not None:
            details["state_of_health"] = float(soh)
        event = {
            "kind": "triaged",
            "items": [passport_id],
            "occurred_at": uow.now().isoformat(),
            "site": site,
            "details": details,
        }
        result["recorded_leaf_index"] = custody.record_events(uow, actor, [event]).first_leaf_index
    return result

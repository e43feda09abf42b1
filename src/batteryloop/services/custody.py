"""Recording custody events: checked, applied to each pack's lifecycle, logged in one tamper-evident log.

A batch of events applies whole or not at all: every problem (a bad field, an impossible step for one of the
packs) is listed with its path, and nothing is written. Events are applied in the order given, so one batch may
carry a pack from ``packed`` through ``dispatched``. Appending takes the log's lock first, so lifecycle checks and
log order agree even with many writers.

Commercial details sent with an event (``commercial``: prices, contract references) never reach the log: a random
salt and the details are kept off-log for the recording organisation, and the log holds their commitment
``SHA-256(salt || canonical JSON)``.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from batteryloop.domain.access import Actor
from batteryloop.domain.custody.events import EventKind, ItemState, apply, check_events, commit_to, describe
from batteryloop.domain.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from batteryloop.domain.organization import DataCategory
from batteryloop.domain.passport.problems import PassportValidationError, Problem
from batteryloop.services import audit, custody_log
from batteryloop.storage.access import fellow_member_ids, may_read_owner
from batteryloop.storage.tables import CustodyEventItemRow, CustodyEventRow, ShipmentRow
from batteryloop.storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Recorded:
    first_leaf_index: int
    count: int
    log_size: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "first_leaf_index": self.first_leaf_index,
            "count": self.count,
            "leaf_indexes": list(range(self.first_leaf_index, self.first_leaf_index + self.count)),
            "log_size": self.log_size,
        }


def _split_commercial(raw: Sequence[object]) -> tuple[list[object], list[dict[str, Any] | None]]:
    events: list[object] = []
    commercial: list[dict[str, Any] | None] = []
    problems: list[Problem] = []
    for i, item in enumerate(raw):
        extra = None
        if isinstance(item, dict) and "commercial" in item:
            item = dict(item)
            extra = item.pop("commercial")
            if not isinstance(extra, dict) or not extra:
                problems.append(Problem(field=f"events[{i}].commercial", reason="must be an object of details"))
            elif "commitment" in item:
                problems.append(
                    Problem(field=f"events[{i}].commitment", reason="give commercial details or a commitment, not both")
                )
        events.append(item)
        commercial.append(extra)
    if problems:
        raise PassportValidationError(problems)
    return events, commercial


def check_may_record(uow: UnitOfWork, actor: Actor, owners: dict[str, uuid.UUID]) -> None:
    """Events about another organisation's pack need its custody data shared with the recorder (a partner of the
    chain); a pack nobody registered here is the recorder's to follow."""
    allowed: dict[uuid.UUID, bool] = {}
    for pid, owner in sorted(owners.items()):
        if owner not in allowed:
            allowed[owner] = may_read_owner(uow.connection, actor, owner, DataCategory.CUSTODY)
        if not allowed[owner]:
            raise PermissionDeniedError(
                f"{pid} belongs to another organisation that does not share its custody data with yours; ask it "
                "for a data-sharing rule on 'custody'",
                field="items",
            )


def _check_not_a_planned_shipment(uow: UnitOfWork, events: list[Any]) -> None:
    """Dispatch and receipt of a shipment planned on the platform go through its endpoints (which weigh and
    reconcile); posting them as bare events would leave the shipment's record behind the log."""
    codes = {e.details.get("shipment_id") for e in events if e.kind in (EventKind.DISPATCHED, EventKind.RECEIVED)}
    codes.discard(None)
    if not codes:
        return
    planned = set(uow.session.scalars(select(ShipmentRow.code).where(ShipmentRow.code.in_(codes))))
    if planned:
        code = sorted(planned)[0]
        raise InvalidInputError(
            f"shipment {code} is planned on the platform: dispatch and receive it with POST /v1/shipments/{{id}}/"
            "dispatch and /receive, which weigh and reconcile it",
            field="events",
        )


def record_events(uow: UnitOfWork, actor: Actor, raw: object, *, for_shipment: bool = False) -> Recorded:
    """Check, apply and log a batch of events (a list, or ``{"events": [...]}``) for the caller's organisation."""
    if actor.org_id is None or not actor.may_write:
        raise PermissionDeniedError("only admins and operators of an organisation record custody events", field="role")
    if isinstance(raw, dict) and set(raw) == {"events"}:
        raw = raw["events"]
    if not isinstance(raw, list) or not raw:
        raise InvalidInputError('send {"events": [...]} with at least one event', field="events")
    if len(raw) > 10_000:
        raise InvalidInputError("at most 10,000 events per request; split the batch", field="events")
    bare, commercial = _split_commercial(raw)
    salts = [os.urandom(16) if c is not None else None for c in commercial]
    prepared = [
        {**e, "commitment": commit_to(c, s)} if c is not None and s is not None and isinstance(e, dict) else e
        for e, c, s in zip(bare, commercial, salts, strict=True)
    ]
    events = check_events(prepared, org_id=str(actor.org_id))
    if not for_shipment:
        _check_not_a_planned_shipment(uow, events)

    uow.log.size(for_update=True)  # the log's lock: lifecycle checks and log order agree
    items = sorted({item for e in events for item in e.items})
    known = uow.custody.states(items)
    owners = uow.custody.passport_owners([i for i in items if i not in known])
    states: dict[str, ItemState | None] = {pid: s for pid, (s, _) in known.items()}
    owner_of: dict[str, uuid.UUID] = {pid: o for pid, (_, o) in known.items()}
    check_may_record(uow, actor, {**owners, **owner_of})
    partners = set(uow.session.scalars(fellow_member_ids(actor.org_id))) | {actor.org_id}
    last_at = uow.custody.last_times(items)
    problems: list[Problem] = []
    for i, event in enumerate(events):
        for j, item in enumerate(event.items):
            previous = last_at.get(item)
            if previous is not None and event.occurred_at < previous:
                problems.append(
                    Problem(
                        field=f"events[{i}].occurred_at",
                        reason=f"{item}'s previous event happened at {previous.isoformat()}; events are recorded in "
                        "the order they happen",
                    )
                )
                continue
            last_at[item] = event.occurred_at
            try:
                states[item] = apply(states.get(item), event, item)
            except InvalidInputError as exc:
                problems.append(Problem(field=f"events[{i}].items[{j}]", reason=exc.reason))
                continue
            owner_of.setdefault(item, owners.get(item, actor.org_id))
            if event.kind is EventKind.HANDED_OVER:
                to_org = uuid.UUID(event.details["to_org_id"])
                if to_org not in partners:
                    problems.append(
                        Problem(
                            field=f"events[{i}].details.to_org_id",
                            reason="not a member of a consortium of yours; hand over to a partner",
                        )
                    )
                elif event.details.get("transfer") == "ownership":
                    if owner_of[item] != actor.org_id:
                        problems.append(
                            Problem(
                                field=f"events[{i}].items[{j}]",
                                reason=f"{item} is not yours; only its owner transfers its ownership",
                            )
                        )
                    else:
                        owner_of[item] = to_org
    if problems:
        raise PassportValidationError(problems)

    # a random nonce in each entry: the leaf hashes public proofs show cannot be matched against guessed events
    first, size = custody_log.append(uow, [replace(e, nonce=os.urandom(8).hex()).entry() for e in events])
    last_leaf: dict[str, int] = {}
    rows, links = [], []
    for n, (event, extra, salt) in enumerate(zip(events, commercial, salts, strict=True)):
        leaf = first + n
        rows.append(
            {
                "leaf_index": leaf,
                "kind": event.kind.value,
                "occurred_at": event.occurred_at,
                "site": event.site,
                "org_id": actor.org_id,
                "shipment_id": event.details.get("shipment_id"),
                "commercial": extra,
                "salt": salt,
            }
        )
        for item in event.items:
            links.append((leaf, item))
            last_leaf[item] = leaf
    uow.custody.add_events(rows, links)
    final = {
        pid: (s, owner_of[pid], last_leaf[pid], last_at[pid])
        for pid, s in states.items()
        if s is not None and pid in last_leaf
    }
    uow.custody.save_states(final, new=[pid for pid in final if pid not in known])
    audit.record(
        uow,
        actor,
        action="custody.record",
        resource_type="custody_event",
        resource_id=str(first),
        owner_org_id=actor.org_id,
        detail=f"{len(events)} events, log entries {first}-{size - 1}",
    )
    return Recorded(first, len(events), size)


def _event_view(
    leaf: int, kind: str, org: uuid.UUID, entry: bytes, commercial: Any, salt: bytes | None, actor: Actor
) -> dict[str, Any]:
    view = {"leaf_index": leaf, "kind": kind, "recorded_by": str(org), "event": json.loads(entry)}
    if commercial is not None and actor.org_id == org:
        # off-log details: only the recording organisation sees them, with the salt that opens the commitment
        # (SHA-256(salt || RFC 8785 JSON of the details) is the entry's "commitment")
        view["commercial"] = commercial
        if salt is not None:
            view["commitment_salt"] = salt.hex()
    return view


def item_timeline(uow: UnitOfWork, actor: Actor, passport_id: str) -> dict[str, Any]:
    """Where a pack is and the custody events the caller may read, oldest first."""
    events = uow.custody.timeline(actor, passport_id)
    current = uow.custody.item(passport_id)
    if not events:
        raise NotFoundError(f"no custody events of {passport_id!r} that you may read", field="passport_id")
    out: dict[str, Any] = {"passport_id": passport_id, "events": [_event_view(*e, actor) for e in events]}
    if current is not None:
        state, _owner = current
        out["state"] = {
            "phase": state.phase.value,
            "site": state.site,
            "to_site": state.to_site,
            "shipment_id": state.shipment_id,
            "lot_id": state.lot_id,
            "where": describe(state),
        }
    return out


def event_proof(uow: UnitOfWork, actor: Actor, signer: custody_log.LogSigner, leaf_index: int) -> dict[str, Any]:
    """A proof bundle for one event the caller may read (``batteryloop verify`` checks it offline)."""
    if uow.custody.event(actor, leaf_index) is None:
        raise NotFoundError(f"no custody event {leaf_index} that you may read", field="leaf_index")
    return custody_log.proof_bundle(uow, signer, leaf_index)


def latest_details(
    uow: UnitOfWork, passport_ids: Sequence[str], kind: EventKind
) -> dict[str, tuple[dict[str, Any], int]]:
    """The details of the newest logged event of ``kind`` for each of the packs: ``(details, leaf index)``."""
    if not passport_ids:
        return {}
    rows = uow.session.execute(
        select(CustodyEventItemRow.passport_id, CustodyEventRow.leaf_index)
        .join(CustodyEventRow, CustodyEventRow.leaf_index == CustodyEventItemRow.leaf_index)
        .where(CustodyEventItemRow.passport_id.in_(passport_ids), CustodyEventRow.kind == kind.value)
        .order_by(CustodyEventRow.leaf_index)
    ).all()
    newest = {str(pid): leaf for pid, leaf in rows}  # ordered by leaf: the last one wins
    entries = uow.log.entries_at(newest.values())
    return {pid: (entry_details(entries[leaf]), leaf) for pid, leaf in newest.items()}


def entry_details(entry: bytes) -> dict[str, Any]:
    """The ``details`` of a log entry (an empty object when it has none)."""
    return dict(json.loads(entry).get("details") or {})


def entry_site(entry: bytes) -> str | None:
    """The site of a log entry."""
    site = json.loads(entry).get("site")
    return str(site) if site else None


def where(state: ItemState) -> str:
    """Where an item is, in words."""
    return describe(state)

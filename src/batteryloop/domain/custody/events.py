"""Custody events: what happened to which packs, when, where, by whom and why; and the pack's lifecycle.

An event is checked field by field (every problem listed with its path), then written to the log as RFC 8785
canonical JSON, the exact bytes its leaf hash covers. Events hold no personal data: people are never named (the
recording organisation is), free text is limited to short codes, and commercial details (prices, contract terms)
stay off the log -- only their salted SHA-256 commitment is logged, so a partner shown the details can check
them against the log without the log revealing them.

Each pack or module (by passport id) moves through a state machine (:func:`apply`):

    in_service --retired--> retired --collected--> at_site --packed--> packed --dispatched--> in_transit
    in_transit --received (at the destination)--> at_site --lot_assigned--> in_lot --processed--> processed
    at_site | in_service --repurposed--> repurposed

Impossible sequences are refused with the reason: dispatching a pack that sits in a lot, receiving a shipment
twice (the pack is no longer in transit), an event at one site for a pack that is at another (one pack in two
places), anything after ``processed``. ``weighed``, ``stored``, ``sorted``, ``dismantled`` happen at the pack's
site and keep its state; ``condition_measured``, ``handed_over``, ``incident`` and ``triaged`` (an end-of-life
decision) keep any state but the terminal ones (an incident may still be recorded after processing).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

from batteryloop.domain.custody.canonical import canonical_entry, canonical_json
from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.passport.problems import PassportValidationError, Problem, Problems

ENTRY_VERSION: Final = 1
MAX_ITEMS: Final = 1000
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_PASSPORT_ID = re.compile(r"^urn:[a-z0-9]+:[A-Za-z0-9._:-]+$")  # the passport id syntax (domain.passport.values)


class EventKind(StrEnum):
    """What happened to the packs or modules of an event."""

    REGISTERED = "registered"
    CONDITION_MEASURED = "condition_measured"
    RETIRED = "retired"
    COLLECTED = "collected"
    PACKED = "packed"
    DISPATCHED = "dispatched"
    RECEIVED = "received"
    WEIGHED = "weighed"
    STORED = "stored"
    DISMANTLED = "dismantled"
    SORTED = "sorted"
    LOT_ASSIGNED = "lot_assigned"
    PROCESSED = "processed"
    REPURPOSED = "repurposed"
    HANDED_OVER = "handed_over"
    INCIDENT = "incident"
    TRIAGED = "triaged"


class Phase(StrEnum):
    """Where an item stands in its custody lifecycle."""

    IN_SERVICE = "in_service"
    RETIRED = "retired"
    AT_SITE = "at_site"
    PACKED = "packed"
    IN_TRANSIT = "in_transit"
    IN_LOT = "in_lot"
    PROCESSED = "processed"
    REPURPOSED = "repurposed"


TERMINAL: Final = frozenset({Phase.PROCESSED, Phase.REPURPOSED})
_KINDS: Final[dict[str, EventKind]] = {k.value: k for k in EventKind}


# What each kind's ``details`` may hold: key -> (required, check). Checks return the normalised value or None.
def _mass(value: object, field: str, p: Problems) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1_000_000:
        p.add(field, f"must be a mass in kg, above 0 and below 1,000,000; got {value!r}")
        return None
    return float(value)


def _share(value: object, field: str, p: Problems) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        p.add(field, f"must be a fraction from 0 to 1 (not a percentage); got {value!r}")
        return None
    return float(value)


def _code(value: object, field: str, p: Problems) -> str | None:
    if not isinstance(value, str) or not _CODE.match(value):
        p.add(field, "must be a short code (letters, digits and . _ : / -, at most 100 characters), not free text")
        return None
    return value


def _choice(*options: str) -> Any:
    def check(value: object, field: str, p: Problems) -> str | None:
        if value not in options:
            p.add(field, f"must be one of {', '.join(options)}; got {value!r}")
            return None
        return str(value)

    return check


def _org(value: object, field: str, p: Problems) -> str | None:
    text = str(value) if isinstance(value, str) else ""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        p.add(field, f"must be an organisation id (UUID); got {value!r}")
        return None


DETAILS: Final[Mapping[EventKind, Mapping[str, tuple[bool, Any]]]] = {
    EventKind.REGISTERED: {},
    EventKind.CONDITION_MEASURED: {
        "state_of_health": (False, _share),
        "state_of_charge": (False, _share),
        "condition": (False, _choice("intact", "damaged_stable", "critically_damaged")),
        "method": (False, _code),
    },
    EventKind.RETIRED: {"route": (False, _choice("reuse", "repurpose", "recycle"))},
    EventKind.COLLECTED: {},
    EventKind.PACKED: {"packaging": (True, _code), "package_id": (False, _code)},
    EventKind.DISPATCHED: {"shipment_id": (True, _code), "to_site": (True, _code), "carrier_org_id": (False, _org)},
    EventKind.RECEIVED: {"shipment_id": (True, _code)},
    EventKind.WEIGHED: {
        "mass_kg": (True, _mass),
        "scale_id": (False, _code),
        "basis": (False, _choice("gross", "net")),
        # "load": the mass of all the event's items together (a shipment on the scale); default: each item's own
        "scope": (False, _choice("item", "load")),
    },
    EventKind.STORED: {"location": (False, _code)},
    EventKind.DISMANTLED: {"into": (False, _choice("modules", "cells", "components"))},
    EventKind.SORTED: {
        "chemistry": (False, _code),
        "fraction": (False, _code),
        # a chemistry identified on site: what the passport declares and how it was found (assay | voltage)
        "declared_chemistry": (False, _code),
        "method": (False, _choice("assay", "voltage", "label")),
    },
    EventKind.LOT_ASSIGNED: {"lot_id": (True, _code)},
    EventKind.PROCESSED: {"lot_id": (True, _code), "route": (False, _code)},
    EventKind.REPURPOSED: {"successor_passport_id": (False, _code)},
    EventKind.HANDED_OVER: {"to_org_id": (True, _org), "transfer": (True, _choice("ownership", "responsibility"))},
    EventKind.INCIDENT: {"incident_type": (True, _code), "severity": (False, _choice("minor", "major", "critical"))},
    EventKind.TRIAGED: {
        "route": (True, _choice("reuse", "remanufacture", "repurpose", "recycle", "safety_hold")),
        "rule": (False, _code),
        "state_of_health": (False, _share),
    },
}


@dataclass(frozen=True, slots=True)
class Event:
    """A checked custody event (what, which items, when, where, who, why), ready to be logged."""

    kind: EventKind
    items: tuple[str, ...]
    occurred_at: datetime
    site: str
    org_id: str
    reason: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    commitment: str | None = None
    nonce: str | None = None
    """Random hex the platform adds, so an entry cannot be guessed from the hashes a public proof shows."""

    def entry(self) -> bytes:
        """The log entry: RFC 8785 canonical JSON of the event (these bytes are hashed and stored)."""
        body: dict[str, Any] = {
            "v": ENTRY_VERSION,
            "kind": self.kind.value,
            "items": list(self.items),
            "occurred_at": self.occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "site": self.site,
            "org": self.org_id,
            "details": dict(self.details),
        }
        if self.reason is not None:
            body["reason"] = self.reason
        if self.commitment is not None:
            body["commitment"] = self.commitment
        if self.nonce is not None:
            body["nonce"] = self.nonce
        return canonical_entry(body, "details")


def commit_to(details: Mapping[str, Any], salt: bytes) -> str:
    """The salted commitment ``SHA-256(salt || RFC 8785 JSON of details)`` (hex) logged in their place."""
    return hashlib.sha256(salt + canonical_json(dict(details))).hexdigest()


def check_event(raw: object, *, org_id: str, path: str = "event") -> Event:
    """Check one event as sent, raising :class:`PassportValidationError` that lists every problem.

    Fields: ``kind``, ``items``, ``occurred_at``, ``site``, and optionally ``reason``, ``details``, ``commitment``.
    """
    p = Problems()
    if not isinstance(raw, Mapping):
        raise PassportValidationError([Problem(field=path, reason="must be an object")])
    allowed = {"kind", "items", "occurred_at", "site", "reason", "details", "commitment"}
    for key in raw:
        if key not in allowed:
            p.add(f"{path}.{key}", f"unknown field; allowed: {', '.join(sorted(allowed))} (no personal data)")
    raw_kind = raw.get("kind")
    kind = _KINDS.get(raw_kind) if isinstance(raw_kind, str) else None
    if kind is None:
        p.add(f"{path}.kind", f"must be one of {', '.join(k.value for k in EventKind)}; got {raw.get('kind')!r}")
    items = raw.get("items")
    checked_items: list[str] = []
    if not isinstance(items, list) or not items or len(items) > MAX_ITEMS:
        p.add(f"{path}.items", f"must list 1 to {MAX_ITEMS} passport ids of the packs or modules concerned")
    else:
        for i, item in enumerate(items):
            if not isinstance(item, str) or len(item) > 200 or not _PASSPORT_ID.match(item):
                p.add(f"{path}.items[{i}]", "must be a passport id such as 'urn:acme:bp000123' (no free text)")
            elif item in checked_items:
                p.add(f"{path}.items[{i}]", f"{item!r} is listed twice")
            else:
                checked_items.append(item)
    occurred = _moment(raw.get("occurred_at"), f"{path}.occurred_at", p)
    site = _code(raw.get("site"), f"{path}.site", p) if raw.get("site") is not None else None
    if raw.get("site") is None:
        p.add(f"{path}.site", "is required: the site code where it happened (e.g. 'DE-HAM-RECYCLER-1')")
    reason = None
    if raw.get("reason") is not None:
        reason = _code(raw["reason"], f"{path}.reason", p)
    commitment = raw.get("commitment")
    if commitment is not None and (not isinstance(commitment, str) or not _HEX64.match(commitment)):
        p.add(f"{path}.commitment", "must be a SHA-256 commitment, 64 lowercase hex digits")
        commitment = None
    details: dict[str, Any] = {}
    raw_details = raw.get("details", {})
    if not isinstance(raw_details, Mapping):
        p.add(f"{path}.details", "must be an object")
    elif kind is not None:
        spec = DETAILS[kind]
        for key in raw_details:
            if key not in spec:
                allowed_keys = ", ".join(spec) or "none"
                p.add(f"{path}.details.{key}", f"not a detail of a {kind.value} event (allowed: {allowed_keys})")
        for key, (required, check) in spec.items():
            value = raw_details.get(key)
            if value is None:
                if required:
                    p.add(f"{path}.details.{key}", f"is required for a {kind.value} event")
                continue
            normalized = check(value, f"{path}.details.{key}", p)
            if normalized is not None:
                details[key] = normalized
    if p.items:
        raise PassportValidationError(p.items)
    if kind is None or occurred is None or site is None:  # pragma: no cover - each adds a problem above
        raise PassportValidationError([Problem(field=path, reason="incomplete event")])
    return Event(kind, tuple(checked_items), occurred, site, org_id, reason, details, commitment)


def _moment(value: object, field: str, p: Problems) -> datetime | None:
    if not isinstance(value, str):
        p.add(field, "is required: an ISO 8601 date-time with a time zone, e.g. '2026-11-02T09:30:00Z'")
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        p.add(field, f"{value!r} is not an ISO 8601 date-time such as '2026-11-02T09:30:00Z'")
        return None
    if moment.tzinfo is None:
        p.add(field, f"{value!r} has no time zone; add one, e.g. 'Z' or '+01:00'")
        return None
    return moment.astimezone(UTC)


# -- the lifecycle -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemState:
    """Where a pack or module is in its custody lifecycle."""

    phase: Phase
    site: str | None = None
    to_site: str | None = None
    shipment_id: str | None = None
    lot_id: str | None = None


_PHASE_WORDS: Final = {
    Phase.IN_SERVICE: "in service",
    Phase.RETIRED: "retired",
    Phase.AT_SITE: "at site",
    Phase.PACKED: "packed at site",
    Phase.PROCESSED: "processed",
    Phase.REPURPOSED: "repurposed",
}


def _where(state: ItemState) -> str:
    if state.phase is Phase.IN_TRANSIT:
        return f"in transit to {state.to_site} (shipment {state.shipment_id})"
    if state.phase is Phase.IN_LOT:
        return f"in lot {state.lot_id} at {state.site}"
    words = _PHASE_WORDS.get(state.phase, state.phase.value)
    if state.site and state.phase in (Phase.AT_SITE, Phase.PACKED):
        return f"{words} {state.site}"
    return words + (f" (last at {state.site})" if state.site else "")


_AT_ITS_SITE: Final = {Phase.AT_SITE, Phase.PACKED}


def apply(state: ItemState | None, event: Event, item: str) -> ItemState:
    """The item's state after ``event``; raise :class:`InvalidInputError` (field ``kind``) for an impossible one."""

    def refuse(why: str) -> InvalidInputError:
        return InvalidInputError(f"{item}: cannot record {event.kind.value}: {why}", field="kind")

    kind = event.kind
    if state is None:
        if kind is EventKind.REGISTERED:
            return ItemState(Phase.IN_SERVICE)
        if kind is EventKind.COLLECTED:  # a pack whose earlier life was not logged here enters at collection
            return ItemState(Phase.AT_SITE, site=event.site)
        raise refuse("the log knows nothing of it yet; record 'registered' or 'collected' first")
    if kind is EventKind.REGISTERED:
        raise refuse("it is registered already")
    if state.phase in TERMINAL and kind is not EventKind.INCIDENT:
        raise refuse(f"it is {state.phase.value}; nothing follows")
    if kind in (EventKind.CONDITION_MEASURED, EventKind.HANDED_OVER, EventKind.INCIDENT, EventKind.TRIAGED):
        return state
    if kind is EventKind.RETIRED:
        if state.phase is not Phase.IN_SERVICE:
            raise refuse(f"only a battery in service retires; it is {_where(state)}")
        return ItemState(Phase.RETIRED)
    if kind is EventKind.COLLECTED:
        if state.phase not in (Phase.IN_SERVICE, Phase.RETIRED):
            raise refuse(f"it is {_where(state)} already")
        return ItemState(Phase.AT_SITE, site=event.site)
    if kind is EventKind.REPURPOSED:
        if state.phase not in (Phase.IN_SERVICE, Phase.RETIRED, Phase.AT_SITE):
            raise refuse(f"it is {_where(state)}")
        return ItemState(Phase.REPURPOSED, site=state.site)
    if kind is EventKind.RECEIVED:
        if state.phase is not Phase.IN_TRANSIT:
            raise refuse(f"it is not in transit (it is {_where(state)}); a shipment is received once")
        if event.details.get("shipment_id") != state.shipment_id:
            raise refuse(f"it travels in shipment {state.shipment_id}, not {event.details.get('shipment_id')}")
        if event.site != state.to_site:
            raise refuse(f"it is on its way to {state.to_site}, not {event.site}")
        return ItemState(Phase.AT_SITE, site=event.site)
    # every other event happens where the item is
    if state.phase not in _AT_ITS_SITE and not (state.phase is Phase.IN_LOT and kind is EventKind.PROCESSED):
        if kind is EventKind.DISPATCHED and state.phase is Phase.IN_LOT:
            raise refuse(f"it sits in lot {state.lot_id}; a pack in a lot is not dispatched")
        raise refuse(f"it is {_where(state)}, not at a site")
    if state.site != event.site:
        raise refuse(f"it is at {state.site}, not at {event.site}: one pack cannot be in two places")
    if kind is EventKind.PACKED:
        return replace(state, phase=Phase.PACKED)
    if kind is EventKind.DISPATCHED:
        to_site = event.details["to_site"]
        if to_site == state.site:
            raise refuse("a shipment goes to another site")
        return ItemState(Phase.IN_TRANSIT, site=state.site, to_site=to_site, shipment_id=event.details["shipment_id"])
    if kind is EventKind.LOT_ASSIGNED:
        if state.phase is Phase.PACKED:
            raise refuse("unpack it before it goes into a lot")
        return ItemState(Phase.IN_LOT, site=state.site, lot_id=event.details["lot_id"])
    if kind is EventKind.PROCESSED:
        if state.phase is not Phase.IN_LOT:
            raise refuse(f"only a pack in a lot is processed; it is {_where(state)}")
        if event.details["lot_id"] != state.lot_id:
            raise refuse(f"it is in lot {state.lot_id}, not {event.details['lot_id']}")
        return ItemState(Phase.PROCESSED, site=state.site, lot_id=state.lot_id)
    return state  # weighed, stored, dismantled, sorted: at its site, state kept


def apply_all(states: Mapping[str, ItemState | None], event: Event) -> dict[str, ItemState]:
    """Apply an event to each of its items (states by passport id); refuse if any item cannot take it."""
    return {item: apply(states.get(item), event, item) for item in event.items}


def describe(state: ItemState) -> str:
    """Where an item is, in words."""
    return _where(state)


def check_events(raw: Sequence[object], *, org_id: str) -> list[Event]:
    """Check a list of events, listing every problem of every event (paths ``events[i]...``)."""
    problems: list[Problem] = []
    events: list[Event] = []
    for i, item in enumerate(raw):
        try:
            events.append(check_event(item, org_id=org_id, path=f"events[{i}]"))
        except PassportValidationError as exc:
            problems.extend(exc.problems)
    if problems:
        raise PassportValidationError(problems)
    return events

"""Chain of custody on the web: a pack's timeline from the custody log, and the proof of one log entry.

``/custody/{passport_id}`` shows where a pack is and the events of it the viewer may read, oldest first, each with a
link to its proof. ``/custody/proof/{leaf_index}`` shows the proof bundle of one entry (the entry, the inclusion path,
the signed checkpoint and the log's verifier key) with two verdicts computed here with the same offline checks as
``batteryloop verify``; ``?download=1`` serves the bundle as a JSON file for that command.

Events and proofs come from :mod:`batteryloop.services.custody`, so a viewer sees exactly what the API would give
it; anything it may not read answers the same not-found page as something that does not exist.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Query
from starlette.requests import Request
from starlette.responses import Response

from batteryloop.domain.access import Actor
from batteryloop.domain.custody.checkpoint import parse_verifier_key
from batteryloop.domain.errors import DomainError, NotFoundError
from batteryloop.services import custody as custody_service
from batteryloop.services import custody_log
from batteryloop.services import organization as organization_service
from batteryloop.services import shipments as shipment_service
from batteryloop.storage.uow import UnitOfWork
from batteryloop.web.errors import PageError
from batteryloop.web.pages import Pages
from batteryloop.web.routes.passport import custody_path, humanize, moment_text, number, passport_path, percent
from batteryloop.web.session import CurrentViewer, PageUow, get_platform
from batteryloop.web.templating import render

pages = Pages()

ANOTHER_MEMBER = "another member"

KIND_LABELS: dict[str, str] = {
    "registered": "Registered",
    "condition_measured": "Condition measured",
    "retired": "Retired",
    "collected": "Collected",
    "packed": "Packed",
    "dispatched": "Dispatched",
    "received": "Received",
    "weighed": "Weighed",
    "stored": "Stored",
    "dismantled": "Dismantled",
    "sorted": "Sorted",
    "lot_assigned": "Assigned to a lot",
    "processed": "Processed",
    "repurposed": "Repurposed",
    "handed_over": "Handed over",
    "incident": "Incident",
}
#: The order details read in (the log holds them in canonical, alphabetical order); others follow.
DETAIL_ORDER: dict[str, int] = {
    key: n
    for n, key in enumerate(
        ("mass_kg", "scale_id", "shipment_id", "to_site", "carrier_org_id", "packaging", "package_id", "lot_id",
         "route", "transfer", "to_org_id", "incident_type", "severity", "condition", "state_of_health",
         "state_of_charge", "method")
    )
}  # fmt: skip
CONDITION_LABELS: dict[str, str] = {
    "intact": "Intact",
    "damaged_stable": "Damaged, stable",
    "critically_damaged": "Critically damaged",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, humanize(kind))


def condition_label(condition: object) -> str:
    return CONDITION_LABELS.get(str(condition), humanize(condition))


def proof_path(leaf_index: int) -> str:
    return f"/custody/proof/{leaf_index}"


def shipment_path(shipment_id: str) -> str:
    return "/shipments/" + quote(str(shipment_id), safe="")


def org_names(uow: UnitOfWork, actor: Actor, org_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Names of the organisations ``actor`` may see (its own and its consortium partners'); others are left out."""
    names: dict[uuid.UUID, str] = {}
    for org_id in set(org_ids):
        try:
            names[org_id] = organization_service.get_organization(uow, actor, org_id).name
        except NotFoundError:
            continue
    return names


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# -- the timeline ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Detail:
    """One detail of an event in words: a label and its value, optionally a link or set in monospace."""

    label: str
    text: str
    href: str | None = None
    mono: bool = False


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    leaf_index: int
    kind: str
    kind_text: str
    occurred: str
    occurred_at: str
    site: str
    details: list[Detail]
    recorded_by: str
    recorded_by_you: bool
    proof_href: str


def where_text(state: Mapping[str, Any]) -> str:
    """Where a pack is, as a sentence fragment people read ("At site DE-BRE-RECYCLER")."""
    phase, site = state.get("phase"), state.get("site")
    texts = {
        "in_service": "In service",
        "retired": "Retired, waiting to be collected",
        "at_site": f"At site {site}",
        "packed": f"Packed for shipment at {site}",
        "in_transit": f"In transit from {site} to {state.get('to_site')} (shipment {state.get('shipment_id')})",
        "in_lot": f"In lot {state.get('lot_id')} at {site}",
        "processed": f"Processed in lot {state.get('lot_id')} at {site}",
        "repurposed": "Repurposed" + (f" at {site}" if site else ""),
    }
    return texts.get(str(phase), str(state.get("where") or humanize(phase)))


def _mass(details: Mapping[str, Any], items: int = 1) -> str:
    text = f"{number(details['mass_kg'])}\u00a0kg"
    text += f" {details['basis']}" if details.get("basis") in ("gross", "net") else ""
    if details.get("scope") == "load" and items > 1:
        text += f", the load of {items} packs together"
    return text


def event_details(
    event: Mapping[str, Any],
    *,
    names: Mapping[uuid.UUID, str],
    shipments: Mapping[str, str],
    commercial: object = None,
) -> list[Detail]:
    """The details of a logged event in words (mass, shipment, lot, ...), in a stable order."""
    details = event.get("details") or {}
    out: list[Detail] = []

    def org(value: object) -> str:
        org_id = _uuid(value)
        return names.get(org_id, ANOTHER_MEMBER) if org_id else ANOTHER_MEMBER

    for key, value in sorted(details.items(), key=lambda kv: (DETAIL_ORDER.get(kv[0], len(DETAIL_ORDER)), kv[0])):
        if key in ("basis", "scope"):
            continue  # said with the mass
        if key == "mass_kg":
            out.append(Detail("Mass", _mass(details, len(event.get("items") or ()))))
        elif key == "shipment_id":
            out.append(Detail("Shipment", str(value), href=shipments.get(str(value)), mono=True))
        elif key in ("carrier_org_id", "to_org_id"):
            out.append(Detail("Carrier" if key == "carrier_org_id" else "To", org(value)))
        elif key == "successor_passport_id":
            out.append(Detail("Successor passport", str(value), href=passport_path(str(value)), mono=True))
        elif key in ("state_of_health", "state_of_charge"):
            out.append(Detail(humanize(key), percent(value)))
        elif key == "condition":
            out.append(Detail("Condition", condition_label(value)))
        elif key in ("transfer", "into", "severity") or (key == "route" and event.get("kind") == "retired"):
            label = {"transfer": "Transfer of", "into": "Into", "route": "Route"}.get(key, humanize(key))
            out.append(Detail(label, humanize(value)))
        else:
            label = {"to_site": "To site", "lot_id": "Lot", "scale_id": "Scale", "package_id": "Package",
                     "location": "Storage location", "incident_type": "Incident"}.get(key, humanize(key))  # fmt: skip
            out.append(Detail(label, str(value), mono=True))
    if event.get("reason"):
        out.append(Detail("Reason", str(event["reason"]), mono=True))
    items = event.get("items") or []
    if len(items) > 1:
        others = len(items) - 1
        out.append(Detail("Together with", f"{others} other pack{'' if others == 1 else 's'}"))
    if event.get("commitment"):
        digest = str(event["commitment"])[:12]
        out.append(Detail("Commercial details", f"kept off the log, committed by hash {digest}…"))
    if isinstance(commercial, Mapping) and commercial:
        text = "; ".join(f"{humanize(k)}: {v}" for k, v in commercial.items())
        out.append(Detail("Your off-log details", text))
    return out


def shipment_links(uow: UnitOfWork, actor: Actor) -> dict[str, str]:
    """Shipment code -> page of the viewer's shipments (codes that name two of its shipments are left unlinked)."""
    seen: dict[str, list[str]] = {}
    for s in shipment_service.list_shipments(uow, actor):
        seen.setdefault(str(s["code"]), []).append(shipment_path(s["id"]))
    return {code: hrefs[0] for code, hrefs in seen.items() if len(hrefs) == 1}


def timeline_events(
    uow: UnitOfWork, actor: Actor, events: Sequence[Mapping[str, Any]], links: Mapping[str, str]
) -> list[TimelineEvent]:
    """The events of a timeline ready for the page (names resolved where the viewer may see them)."""
    org_ids = {_uuid(e["recorded_by"]) for e in events}
    for e in events:
        details = e["event"].get("details") or {}
        org_ids |= {_uuid(details.get(k)) for k in ("carrier_org_id", "to_org_id")}
    names = org_names(uow, actor, (o for o in org_ids if o is not None))
    out = []
    for e in events:
        logged = e["event"]
        recorder = _uuid(e["recorded_by"])
        out.append(
            TimelineEvent(
                leaf_index=int(e["leaf_index"]),
                kind=str(e["kind"]),
                kind_text=kind_label(str(e["kind"])),
                occurred=moment_text(logged.get("occurred_at")),
                occurred_at=str(logged.get("occurred_at", "")),
                site=str(logged.get("site", "")),
                details=event_details(logged, names=names, shipments=links, commercial=e.get("commercial")),
                recorded_by=names.get(recorder, ANOTHER_MEMBER) if recorder else ANOTHER_MEMBER,
                recorded_by_you=recorder == actor.org_id,
                proof_href=proof_path(int(e["leaf_index"])),
            )
        )
    return out


def _not_readable(passport_id: str) -> PageError:
    return PageError(
        404,
        "There are no custody events of this pack that your organisation may read: either nothing was recorded "
        "about it, or its owner does not share its custody data with you. Check the passport identifier.",
        title="No custody timeline",
    )


@pages.get("/custody/{passport_id}", name="web.custody_timeline")
def custody_timeline_page(request: Request, viewer: CurrentViewer, uow: PageUow, passport_id: str) -> Response:
    if len(passport_id) > 200:
        raise _not_readable(passport_id)
    try:
        timeline = custody_service.item_timeline(uow, viewer.actor, passport_id)
    except NotFoundError:
        raise _not_readable(passport_id) from None
    state = timeline.get("state")
    links = shipment_links(uow, viewer.actor)
    events = timeline_events(uow, viewer.actor, timeline["events"], links)
    return render(
        request,
        "custody.html",
        title=f"Custody timeline {passport_id}",
        passport_id=passport_id,
        passport_href=passport_path(passport_id),
        state=state,
        where=where_text(state) if state else None,
        events=events,
        shipment_href=links.get(str(state.get("shipment_id"))) if state else None,
    )


# -- the proof ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verdict:
    """One check of the proof, as a badge: what was checked, whether it holds, and the checker's words."""

    label: str
    valid: bool
    detail: str


def key_label(verifier_key: str) -> str:
    """``name+keyid`` of a note verifier key (what a signature line names), or the key as given."""
    try:
        name, key_id, _public = parse_verifier_key(verifier_key)
    except DomainError:
        return verifier_key
    return f"{name}+{key_id.hex()}"


def _sentence(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "…", "!", "?")) else text + "."


def verdicts(bundle: Mapping[str, Any], verifier_key: str) -> list[Verdict]:
    """The two checks of a proof bundle against the platform's own key: the signed tree head and the inclusion."""
    key = key_label(verifier_key)
    try:
        head, problem = custody_log.verify_checkpoint(str(bundle.get("checkpoint", "")), verifier_key)
    except DomainError as exc:
        head, problem = None, exc.reason
    if head is not None:
        signed = Verdict(
            f"Signed tree head verifies (Ed25519, key {key})",
            True,
            f"The checkpoint of {head.size} entries carries a valid signature by the log's key.",
        )
    else:
        signed = Verdict(f"Signed tree head does not verify (Ed25519, key {key})", False, _sentence(problem))
    try:
        checked = custody_log.verify_bundle(bundle, verifier_key)
    except DomainError as exc:
        checked = custody_log.Verdict(False, exc.reason)
    name = "Inclusion proof verifies" if checked.valid else "Inclusion proof does not verify"
    included = Verdict(f"{name} (RFC 9162 §2.1.3.2)", checked.valid, _sentence(checked.reason))
    return [signed, included]


def _no_proof(leaf_index: str) -> PageError:
    return PageError(
        404,
        f"There is no custody log entry {leaf_index[:20]} that your organisation may read. Proofs are shown for the "
        "events of packs whose custody data you may see.",
        title="Proof not found",
    )


DownloadQuery = Annotated[str | None, Query(max_length=5)]


@pages.get("/custody/proof/{leaf_index}", name="web.custody_proof")
def custody_proof_page(
    request: Request, viewer: CurrentViewer, uow: PageUow, leaf_index: str, download: DownloadQuery = None
) -> Response:
    if not leaf_index.isascii() or not leaf_index.isdigit() or len(leaf_index) > 18:
        raise _no_proof(leaf_index)
    index = int(leaf_index)
    signer = get_platform(request).log_signer
    try:
        bundle = custody_service.event_proof(uow, viewer.actor, signer, index)
    except NotFoundError:
        raise _no_proof(leaf_index) from None
    uow.commit()  # the proof may have signed a new checkpoint
    filename = f"custody-proof-{index}.json"
    if download in ("1", "true", "yes"):
        return Response(
            json.dumps(bundle, indent=2, ensure_ascii=False) + "\n",
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    entry = json.loads(bundle["entry"])
    items = [str(i) for i in entry.get("items") or []]
    return render(
        request,
        "custody_proof.html",
        title=f"Proof of custody log entry {index}",
        bundle=bundle,
        entry=entry,
        entry_json=json.dumps(entry, indent=2, ensure_ascii=False),
        kind_text=kind_label(str(entry.get("kind", ""))),
        occurred=moment_text(entry.get("occurred_at")),
        items=[(pid, custody_path(pid)) for pid in items[:5]],
        more_items=max(0, len(items) - 5),
        verdicts=verdicts(bundle, signer.verifier_key),
        key=key_label(signer.verifier_key),
        verifier_key=signer.verifier_key,
        filename=filename,
        download_href=f"{proof_path(index)}?download=1",
    )

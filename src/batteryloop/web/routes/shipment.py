"""Shipments on the web: the viewer's shipments, one shipment with its weights and classification, and its
printable transport document.

``/shipments`` lists what the viewer's organisation sends, receives or carries, filtered by status, with the
discrepancies standing out. ``/shipments/{id}`` shows the parties, the weights at dispatch and receipt and their
reconciliation (with links to the proofs of both weighings in the custody log), and each pack's classification for
carriage with its reasons. ``/shipments/{id}/document`` is the transport document as ADR 5.4.1.1.1 asks for it
(UN number, proper shipping name and class as one description, number and description of packages, total quantity,
consignor and consignee; document notes such as special provision 376), ready to print.

Everything comes from :mod:`batteryloop.services.shipments`: a shipment the viewer is not a party of answers the
same not-found page as one that does not exist.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Query
from starlette.requests import Request
from starlette.responses import Response

from batteryloop.domain.errors import NotFoundError
from batteryloop.services import shipments as shipment_service
from batteryloop.storage.uow import UnitOfWork
from batteryloop.web.errors import PageError
from batteryloop.web.pages import Pages
from batteryloop.web.routes.custody import ANOTHER_MEMBER, condition_label, org_names, proof_path, shipment_path
from batteryloop.web.routes.passport import (
    NBSP,
    StatusFilter,
    custody_path,
    day,
    moment_text,
    number,
    passport_path,
    with_unit,
)
from batteryloop.web.session import CurrentViewer, PageUow, Viewer
from batteryloop.web.templating import render

pages = Pages()

STATUSES = ("planned", "dispatched", "received", "discrepancy")
_PACKING = re.compile(r"^\s*(L?P\s*\d{3})", re.IGNORECASE)


def status_label(status: str) -> str:
    return status.replace("_", " ").capitalize()


def kg(value: object) -> str:
    return with_unit(value, "kg")


def signed_kg(value: object) -> str:
    """A difference in kg with its sign: ``+1.5 kg``, ``−25 kg`` (a true minus sign)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return f"+{kg(value)}"
    return kg(value)


def tolerance_text(tolerance: Mapping[str, Any]) -> str:
    absolute, relative = tolerance.get("absolute_kg"), tolerance.get("relative")
    share = f"{relative * 100:g}{NBSP}%" if isinstance(relative, int | float) else str(relative)
    return f"the larger of {kg(absolute)} and {share} of the dispatched mass"


def un_text(un_number: object) -> str:
    """``UN3480`` -> ``UN 3480`` (as the transport document writes it)."""
    text = str(un_number or "")
    return re.sub(r"^UN\s*(\d{4})$", r"UN \1", text)


def packing_instruction(packaging: object) -> str:
    """The packing instruction of a packaging code (``P909(4)`` -> ``P909``)."""
    match = _PACKING.match(str(packaging or ""))
    return match.group(1).replace(" ", "").upper() if match else str(packaging or "")


def package_words(code: str, count: int) -> str:
    """``1 large packaging (LP903)``, ``2 packages (P908)``."""
    large = code.upper().startswith("LP")
    noun = "large packaging" if large else "package"
    return f"{count} {noun}{'' if count == 1 or large else 's'} ({code})"


# -- the list ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListedShipment:
    id: str
    href: str
    code: str
    status: str
    status_text: str
    parts: list[str]
    from_name: str
    from_site: str
    to_name: str
    to_site: str
    planned: str
    planned_date: str
    declared: str
    difference: str | None
    allowed: str | None
    within: bool | None


def list_href(status: str | None) -> str:
    return "/shipments" + (f"?status={status}" if status else "")


def viewer_parts(viewer: Viewer, from_org: object, to_org: object, carrier_org: object) -> list[str]:
    """What the viewer's organisation does in a shipment: send, receive, carry."""
    me = str(viewer.organization.id)
    return [word for word, org in (("send", from_org), ("receive", to_org), ("carry", carrier_org)) if org == me]


def _org_id(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def listed(viewer: Viewer, shipment: Mapping[str, Any], names: Mapping[uuid.UUID, str]) -> ListedShipment:
    rec = shipment.get("reconciliation") or None

    def name(key: str) -> str:
        org_id = _org_id(shipment.get(key))
        return names.get(org_id, ANOTHER_MEMBER) if org_id else ANOTHER_MEMBER

    return ListedShipment(
        id=str(shipment["id"]),
        href=shipment_path(shipment["id"]),
        code=str(shipment["code"]),
        status=str(shipment["status"]),
        status_text=status_label(str(shipment["status"])),
        parts=viewer_parts(viewer, *(shipment.get(k) for k in ("from_org_id", "to_org_id", "carrier_org_id"))),
        from_name=name("from_org_id"),
        from_site=str(shipment["from_site"]),
        to_name=name("to_org_id"),
        to_site=str(shipment["to_site"]),
        planned=day(shipment["planned_date"]),
        planned_date=str(shipment["planned_date"]),
        declared=kg(shipment["declared_gross_kg"]),
        difference=signed_kg(rec["difference_kg"]) if rec else None,
        allowed=kg(rec["allowed_kg"]) if rec else None,
        within=bool(rec["within_tolerance"]) if rec else None,
    )


StatusQuery = Annotated[str | None, Query(max_length=40)]


@pages.get("/shipments", name="web.shipments")
def shipments_page(request: Request, viewer: CurrentViewer, uow: PageUow, status: StatusQuery = None) -> Response:
    status = status or None
    if status is not None and status not in STATUSES:
        known = ", ".join(status_label(s) for s in STATUSES)
        raise PageError(422, f"There is no status {status!r}. Filter by one of: {known}.", title="Unknown status")
    everything = shipment_service.list_shipments(uow, viewer.actor)
    counts = Counter(str(s["status"]) for s in everything)
    filters = [StatusFilter(None, "All", len(everything), list_href(None), status is None)]
    filters += [StatusFilter(s, status_label(s), counts.get(s, 0), list_href(s), status == s) for s in STATUSES]
    shown = [s for s in everything if status is None or s["status"] == status]
    ids = {_org_id(s.get(k)) for s in shown for k in ("from_org_id", "to_org_id", "carrier_org_id")}
    names = org_names(uow, viewer.actor, (i for i in ids if i is not None))
    return render(
        request,
        "shipments.html",
        title="Shipments",
        items=[listed(viewer, s, names) for s in shown],
        filters=filters,
        status=status,
        status_text=status_label(status) if status else None,
        total=len(everything),
        discrepancies=counts.get("discrepancy", 0),
        discrepancy_href=list_href("discrepancy"),
    )


# -- one shipment ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Party:
    role: str
    name: str
    site: str | None
    yours: bool


@dataclass(frozen=True, slots=True)
class Weighing:
    """A weighing of the whole load at dispatch or receipt, with the log entry that holds it."""

    label: str
    mass: str
    when: str
    when_at: str
    site: str
    proof_href: str | None
    leaf_index: int | None


@dataclass(frozen=True, slots=True)
class Item:
    position: int
    passport_id: str
    passport_href: str
    custody_href: str
    condition: str
    energy: str
    gross: str
    gross_kg: float
    packaging: str
    packaging_allowed: bool
    allowed_text: str
    c: Mapping[str, Any]
    un: str
    subject_to_adr: bool
    special_provisions: list[str]


def _energy(value_wh: object) -> str:
    if isinstance(value_wh, int | float) and not isinstance(value_wh, bool) and value_wh >= 1000:
        return f"{number(value_wh / 1000)}{NBSP}kWh"
    return f"{number(value_wh)}{NBSP}Wh"


def item_view(position: int, raw: Mapping[str, Any]) -> Item:
    c = raw.get("classification") or {}
    allowed = [str(p) for p in c.get("packing_instructions") or []]
    pid = str(raw["passport_id"])
    gross = raw.get("gross_mass_kg")
    return Item(
        position=position,
        passport_id=pid,
        passport_href=passport_path(pid),
        custody_href=custody_path(pid),
        condition=condition_label(raw.get("condition")),
        energy=_energy(raw.get("energy_wh")),
        gross=kg(gross),
        gross_kg=float(gross) if isinstance(gross, int | float) else 0.0,
        packaging=str(raw.get("packaging") or "—"),
        packaging_allowed=packing_instruction(raw.get("packaging")) in allowed,
        allowed_text=" or ".join(allowed) or "none",
        c=c,
        un=un_text(c.get("un_number")),
        subject_to_adr=bool(c.get("un_number")) and not c.get("not_subject_to_other_provisions"),
        special_provisions=[f"SP {sp}" for sp in c.get("special_provisions") or []],
    )


def _shipment(uow: UnitOfWork, viewer: Viewer, shipment_id: str) -> dict[str, Any]:
    """The shipment if the viewer's organisation is a party of it, else the not-found page (nothing leaks)."""
    not_found = PageError(
        404,
        f"There is no shipment at this address that {viewer.organization.name} sends, receives or carries. Open "
        "it from the list of your shipments.",
        title="Shipment not found",
    )
    try:
        sid = uuid.UUID(shipment_id)
    except ValueError:
        raise not_found from None
    try:
        return shipment_service.shipment_view(uow, viewer.actor, sid)
    except NotFoundError:
        raise not_found from None


def parties(viewer: Viewer, s: Mapping[str, Any]) -> list[Party]:
    me = str(viewer.organization.id)
    out = [
        Party("Consignor (from)", s["from"].get("name") or ANOTHER_MEMBER, s["from"].get("site"),
              s["from"].get("org_id") == me),
        Party("Consignee (to)", s["to"].get("name") or ANOTHER_MEMBER, s["to"].get("site"),
              s["to"].get("org_id") == me),
    ]  # fmt: skip
    if s.get("carrier"):
        carrier = s["carrier"]
        out.append(Party("Carrier", carrier.get("name") or ANOTHER_MEMBER, None, carrier.get("org_id") == me))
    return out


def weighings(s: Mapping[str, Any]) -> list[Weighing]:
    rec = s.get("reconciliation") or {}
    out = []
    if s.get("dispatched_kg") is not None:
        leaf = rec.get("dispatch_weighing_leaf_index")
        out.append(Weighing("At dispatch", kg(s["dispatched_kg"]), moment_text(s.get("dispatched_at")),
                            str(s.get("dispatched_at") or ""), s["from"]["site"],
                            proof_path(leaf) if leaf is not None else None, leaf))  # fmt: skip
    if s.get("received_kg") is not None:
        leaf = rec.get("receipt_weighing_leaf_index")
        out.append(Weighing("At receipt", kg(s["received_kg"]), moment_text(s.get("received_at")),
                            str(s.get("received_at") or ""), s["to"]["site"],
                            proof_path(leaf) if leaf is not None else None, leaf))  # fmt: skip
    return out


def _capitalised(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else text


@pages.get("/shipments/{shipment_id}", name="web.shipment")
def shipment_page(request: Request, viewer: CurrentViewer, uow: PageUow, shipment_id: str) -> Response:
    s = _shipment(uow, viewer, shipment_id)
    rec = s.get("reconciliation") or None
    shown = parties(viewer, s)
    return render(
        request,
        "shipment.html",
        title=f"Shipment {s['code']}",
        s=s,
        status_text=status_label(s["status"]),
        parties=shown,
        planned=day(s["planned_date"]),
        declared=kg(s["declared_gross_kg"]),
        tolerance=tolerance_text(s["tolerance"]),
        weighings=weighings(s),
        rec=rec,
        difference=signed_kg(rec["difference_kg"]) if rec else None,
        allowed=kg(rec["allowed_kg"]) if rec else None,
        reason=_capitalised(str(rec.get("reason") or "")) if rec else None,
        items=[item_view(n, i) for n, i in enumerate(s["items"], start=1)],
        document_href=shipment_path(s["id"]) + "/document",
        sender=shown[0].name,
        receiver=shown[1].name,
    )


# -- the transport document --------------------------------------------------------------------------------------


@dataclass
class DocumentEntry:
    """One entry of the transport document: the goods of one description and its notes, with their packages."""

    description: str
    notes: tuple[str, ...]
    packagings: Counter[str] = field(default_factory=Counter)
    gross_kg: float = 0.0
    passports: list[str] = field(default_factory=list)

    @property
    def packages(self) -> int:
        return sum(self.packagings.values())

    @property
    def packages_text(self) -> str:
        return ", ".join(package_words(code, n) for code, n in sorted(self.packagings.items()))

    @property
    def gross_text(self) -> str:
        return kg(round(self.gross_kg, 3))


def document_entries(items: Sequence[Item]) -> list[DocumentEntry]:
    """The dangerous goods of a shipment as ADR 5.4.1.1.1 entries, one per description and set of notes."""
    entries: dict[tuple[str, tuple[str, ...]], DocumentEntry] = {}
    for item in items:
        if not item.subject_to_adr:
            continue
        description = str(item.c.get("document_description") or f"{item.un} {item.c.get('proper_shipping_name')}")
        notes = tuple(str(n) for n in item.c.get("document_notes") or [])
        entry = entries.setdefault((description, notes), DocumentEntry(description, notes))
        entry.packagings[item.packaging] += 1
        entry.gross_kg += item.gross_kg
        entry.passports.append(item.passport_id)
    return list(entries.values())


@pages.get("/shipments/{shipment_id}/document", name="web.shipment_document")
def shipment_document_page(request: Request, viewer: CurrentViewer, uow: PageUow, shipment_id: str) -> Response:
    s = _shipment(uow, viewer, shipment_id)
    items = [item_view(n, i) for n, i in enumerate(s["items"], start=1)]
    entries = document_entries(items)
    exempt = [i for i in items if not i.subject_to_adr]
    editions = sorted({str(i.c.get("edition")) for i in items if i.c.get("edition")})
    return render(
        request,
        "shipment_document.html",
        title=f"Transport document {s['code']}",
        s=s,
        parties=parties(viewer, s),
        planned=day(s["planned_date"]),
        entries=entries,
        exempt=exempt,
        items=items,
        packages=sum(e.packages for e in entries),
        total_gross=kg(round(sum(e.gross_kg for e in entries), 3)),
        declared=kg(s["declared_gross_kg"]),
        editions=", ".join(editions) or "ADR",
        shipment_href=shipment_path(s["id"]),
    )

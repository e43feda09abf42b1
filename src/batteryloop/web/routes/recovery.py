"""Recovery dashboard: recycling efficiency and recovery per element against the dated targets, lots and mass flows.

``/recovery`` shows, for each first recycler whose lots the viewer may read (its own organisation first), the
annual report of the chosen year (``?year=``, default the newest year with a processed lot) per battery group: the
recycling efficiency and the recovery of Co, Cu, Pb, Li, Ni as bars with the 2025/2030 and 2027/2031 targets
marked; then the lots with their status and any refused outputs, and each facility's mass flows of the year as a
Sankey diagram. ``/recovery/lots/{id}`` follows one lot's chain through every facility as a Sankey diagram with the
rates. The report downloads as CSV or PDF. Everything is computed from stored data by the services.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Query
from sqlalchemy import extract, func, select
from starlette.requests import Request
from starlette.responses import Response

from batteryloop.domain.errors import DomainError, NotFoundError
from batteryloop.domain.organization import DataCategory
from batteryloop.domain.transport import ClassificationInputError
from batteryloop.services import facilities as facility_service
from batteryloop.services import lots as lot_service
from batteryloop.services import product_grades, recovery_chain, recovery_report
from batteryloop.services.facilities import derived_kg
from batteryloop.services.recovery_report_pdf import ELEMENT_NAMES, report_file
from batteryloop.storage.access import readable_owner_ids
from batteryloop.storage.tables import FacilityRow, LotRow, OrganizationRow
from batteryloop.storage.uow import UnitOfWork
from batteryloop.web.errors import PageError
from batteryloop.web.nav import NavItem, register
from batteryloop.web.pages import Pages
from batteryloop.web.sankey import Link, Node, Sankey, layout
from batteryloop.web.session import CurrentViewer, PageUow, Viewer
from batteryloop.web.templating import render

pages = Pages()

register(NavItem("Recovery", "/recovery", order=50))

FATE_LABELS = {
    "recycled": "recycled",
    "energy_recovery": "energy recovery",
    "backfilling": "backfilling",
    "disposal": "disposal",
    "loss": "loss",
    "intermediate": "to the next facility",
}


@dataclass(frozen=True, slots=True)
class Bar:
    """A rate as a bar (0-100 %) with its targets as ticks."""

    label: str
    rate: float | None
    text: str
    ticks: list[tuple[float, str, bool | None]]  # (target %, "65 % by 2025", met)
    status: str  # met | missed | due_later | na


def _bar(label: str, rate: str | None, text: str, targets: Sequence[dict[str, Any]]) -> Bar:
    value = None if rate is None else float(Decimal(rate) * 100)
    ticks = [
        (float(Decimal(t["target"]) * 100), f"{Decimal(t['target']) * 100:.0f} % by {t['deadline'][:4]}", t["met"])
        for t in targets
    ]
    due = [t for t in targets if t["applies"]]
    if value is None:
        status = "na"
    elif due and all(t["met"] for t in due):
        status = "met"
    elif due:
        status = "missed"
    else:  # nothing due yet: on track if the first target to come is already met
        upcoming = min(targets, key=lambda t: t["deadline"]) if targets else None
        status = "on_track" if upcoming is not None and upcoming["met"] else "due_later"
    return Bar(label, value, text, ticks, status)


def group_bars(group: dict[str, Any]) -> list[Bar]:
    """The efficiency and the five recoveries of a report group as bars."""
    bars = [
        _bar(
            "Recycling efficiency",
            group["recycling_efficiency"],
            group["recycling_efficiency_display"],
            [t for t in group["targets"] if t["element"] is None],
        )
    ]
    for x, name in ELEMENT_NAMES.items():
        targets = [t for t in group["targets"] if t["element"] == x]
        bars.append(
            _bar(f"Recovery of {name}", group["material_recovery"][x], group["material_recovery_display"][x], targets)
        )
    return bars


def _recyclers(uow: UnitOfWork, viewer: Viewer) -> list[tuple[uuid.UUID, str]]:
    readable = readable_owner_ids(viewer.actor, DataCategory.LOTS)
    heads = select(LotRow.first_recycler_org_id).where(LotRow.source_lot_id.is_(None)).distinct()
    rows = uow.session.execute(
        select(OrganizationRow.id, OrganizationRow.name)
        .where(
            OrganizationRow.id.in_(heads),
            (OrganizationRow.id.in_(readable)) | (OrganizationRow.id == viewer.organization.id),
        )
        .order_by(OrganizationRow.name)
    ).all()
    own = viewer.organization.id
    return sorted(((r.id, r.name) for r in rows), key=lambda r: (r[0] != own, r[1]))


def _latest_year(uow: UnitOfWork) -> int | None:
    year = uow.session.scalar(select(func.max(extract("year", LotRow.processed_on))))
    return int(year) if year is not None else None


def _output_node(key: str, output: dict[str, Any], column: int) -> Node:
    return Node(key, f"{output['name']} ({FATE_LABELS.get(output['fate'], output['fate'])})", column, output["fate"])


def facility_sankey(facility: FacilityRow, lots: Sequence[LotRow]) -> Sankey:
    """A facility's mass flows of a year: the lots' feed by chemistry or source, into the facility, out by output."""
    nodes: dict[str, Node] = {"facility": Node("facility", facility.code, 1, "facility")}
    merged: dict[tuple[str, str, str], float] = {}

    def flow(source: str, target: str, kind: str, value: Decimal) -> None:
        merged[(source, target, kind)] = merged.get((source, target, kind), 0.0) + float(value)

    for lot in lots:
        feed = f"in:{lot.chemistry or 'feed'}:{'upstream' if lot.source_lot_id else 'packs'}"
        label = f"{lot.chemistry or 'feed'} {'black mass' if lot.source_lot_id else 'packs'}"
        nodes.setdefault(feed, Node(feed, label, 0, "input"))
        mass_in = Decimal(lot.input["mass_kg"])
        flow(feed, "facility", "flow", mass_in)
        out = Decimal(0)
        for o in lot.outputs or []:
            key = f"out:{o['name']}"
            nodes.setdefault(key, _output_node(key, o, 2))
            derived = derived_kg(o)
            out += derived
            flow("facility", key, o["fate"], derived)
        if mass_in > out:
            nodes.setdefault("out:unaccounted", Node("out:unaccounted", "unaccounted (residual)", 2, "loss"))
            flow("facility", "out:unaccounted", "loss", mass_in - out)
    return layout(list(nodes.values()), [Link(s, t, v, k) for (s, t, k), v in merged.items()], height=260)


def chain_sankey(uow: UnitOfWork, chain: recovery_chain.Chain) -> Sankey:
    """One lot's chain: the lot into its first facility, each facility's outputs, intermediates into the next."""
    codes = {}
    for lot in chain.lots:
        facility = uow.session.get(FacilityRow, lot.facility_id)
        codes[lot.id] = facility.code if facility else "?"
    depth = {chain.lots[0].id: 1}
    for lot in chain.lots[1:]:  # every lot after the head is fed by a lot before it
        depth[lot.id] = depth[lot.source_lot_id] + 1  # type: ignore[index]
    fed_by = {(x.source_lot_id, x.source_output): x for x in chain.lots[1:]}
    last = max(depth.values()) + 1  # every final output in the right-hand column
    nodes = {"input": Node("input", f"lot {chain.head.code}", 0, "input")}
    links = []
    for lot in chain.lots:
        fac = f"fac:{lot.id}"
        nodes[fac] = Node(fac, codes[lot.id], depth[lot.id], "facility")
        if lot.source_lot_id is None:
            links.append(Link("input", fac, float(Decimal(lot.input["mass_kg"]))))
        for o in lot.outputs or []:
            derived = float(derived_kg(o))
            fed = fed_by.get((lot.id, o["name"]))
            if fed is not None:
                links.append(Link(fac, f"fac:{fed.id}", derived, "intermediate"))
                continue
            key = f"out:{lot.id}:{o['name']}"
            nodes[key] = _output_node(key, o, last)
            links.append(Link(fac, key, derived, o["fate"]))
    return layout(list(nodes.values()), links, height=420)


YearQuery = Annotated[int | None, Query(ge=2000, le=2100)]


@pages.get("/recovery", name="web.recovery")
def recovery_page(request: Request, viewer: CurrentViewer, uow: PageUow, year: YearQuery = None) -> Response:
    chosen = year or _latest_year(uow) or uow.now().year
    reports = []
    for org_id, _name in _recyclers(uow, viewer):
        report = recovery_report.annual_report(uow, viewer.actor, org_id, chosen)
        reports.append({"report": report, "groups": [(g, group_bars(g)) for g in report["groups"]]})
    visible = lot_service.list_lots(uow, viewer.actor)
    facility_ids = {uuid.UUID(lot["facility_id"]) for lot in visible}
    facilities = [f for f in (uow.session.get(FacilityRow, fid) for fid in facility_ids) if f is not None]
    processed = facility_service.processed_lots(uow, [f.id for f in facilities], chosen)
    flows = [(f, facility_sankey(f, processed[f.id])) for f in sorted(facilities, key=lambda f: f.code)]
    years = sorted({int(lot["processed_on"][:4]) for lot in visible if lot["processed_on"]} | {chosen})
    return render(
        request,
        "recovery.html",
        title="Recovery",
        quality=product_grades.pass_rates(visible),
        year=chosen,
        years=years,
        reports=reports,
        lots=visible,
        flows=[(f, s) for f, s in flows if s.links],
    )


@pages.get("/recovery/lots/{lot_id}", name="web.recovery_lot")
def lot_page(request: Request, lot_id: str, viewer: CurrentViewer, uow: PageUow) -> Response:
    not_found = PageError(404, "No lot with this id is yours or shared with your organisation.", title="Lot not found")
    try:
        row = lot_service.readable_lot(uow, viewer.actor, uuid.UUID(lot_id))
        head = recovery_chain.head_of(uow, viewer.actor, row)
        lot = lot_service.lot_view(uow, row)
    except (ValueError, NotFoundError):
        raise not_found from None
    chain = result = sankey = None
    error = None
    if head.status == "processed":
        try:
            chain = recovery_chain.account(uow, head)
            sankey = chain_sankey(uow, chain)
            result = recovery_chain.chain_view(uow, chain)
        except ClassificationInputError as exc:
            error = "; ".join(f"{p.field}: {p.reason}" for p in exc.problems)
        except DomainError as exc:
            error = exc.reason
    bars = []
    if result is not None:
        group = {
            "recycling_efficiency": result["exact"]["recycling_efficiency"],
            "recycling_efficiency_display": result["display"]["recycling_efficiency"],
            "material_recovery": result["exact"]["material_recovery"],
            "material_recovery_display": result["display"]["material_recovery"],
            "targets": [t | {"target": str(t["target"])} for t in result["targets"]],
        }
        bars = group_bars(group)
    return render(
        request,
        "recovery_lot.html",
        title=f"Lot {lot['code']}",
        lot=lot,
        head=head,
        chain=chain,
        sankey=sankey,
        bars=bars,
        result=result,
        error=error,
    )


@pages.get("/recovery/report/{recycler_org_id}/{year}.{fmt}", name="web.recovery_report")
def report_download(
    request: Request, recycler_org_id: str, year: int, fmt: str, viewer: CurrentViewer, uow: PageUow
) -> Response:
    if fmt not in ("csv", "pdf"):
        raise PageError(404, "Reports download as .csv or .pdf.", title="Unknown format")
    try:
        report = recovery_report.annual_report(uow, viewer.actor, uuid.UUID(recycler_org_id), year)
    except (ValueError, NotFoundError):
        raise PageError(404, "No recycler with this id whose lots you may read.", title="Report not found") from None
    content, media_type, name = report_file(report, fmt)
    return Response(content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@pages.get("/recovery/lots/{lot_id}/outputs/{index}/certificate.pdf", name="web.recovery_certificate")
def certificate_download(request: Request, lot_id: str, index: int, viewer: CurrentViewer, uow: PageUow) -> Response:
    try:
        issued = product_grades.certificate(uow, viewer.actor, uuid.UUID(lot_id), index)
    except (ValueError, NotFoundError):
        raise PageError(
            404, "No graded output with this number in a lot you may read.", title="Certificate not found"
        ) from None
    name = "certificate-" + "".join(c if c.isalnum() or c in "._-" else "-" for c in issued.lot_id) + ".pdf"
    return Response(
        issued.pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )

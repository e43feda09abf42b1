"""The triage queue of recyclers and dismantlers: the packs waiting at the viewer's sites, each with its route.

``/triage`` lists the packs whose custody state is ``at_site`` or ``packed`` and that belong to the viewer's
organisation or whose latest custody event it recorded (it collected or received them), at most
:data:`QUEUE_LIMIT`. Each pack is triaged with :func:`batteryloop.services.triage.triage_passport` under the
thresholds of the viewer's consortium (the first one its organisation belongs to, or ``?consortium_id=``); a pack
that cannot be triaged shows why in its row, and a pack whose chemistry identified on site differs from its
passport's is flagged as mislabelled. Above the list: the count per recommended route and a histogram of the
state of health of the listed packs, drawn as inline SVG on the server.

Triage reads each passport, an audited read, so the page commits its unit of work.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import Query
from sqlalchemy import exists, or_, select
from starlette.requests import Request
from starlette.responses import Response

from batteryloop.domain.custody.events import Phase
from batteryloop.domain.errors import DomainError, NotFoundError
from batteryloop.domain.health.triage import ROUTES
from batteryloop.services import consortium as consortium_service
from batteryloop.services import triage as triage_service
from batteryloop.storage.tables import CustodyEventRow, CustodyItemRow
from batteryloop.storage.uow import UnitOfWork
from batteryloop.web.errors import PageError
from batteryloop.web.nav import NavItem, register
from batteryloop.web.pages import Pages
from batteryloop.web.routes.passport import custody_path
from batteryloop.web.session import CurrentViewer, PageUow, Viewer
from batteryloop.web.templating import render

pages = Pages()

register(NavItem("Triage", "/triage", order=40))

QUEUE_LIMIT = 200
QUEUED_PHASES = (Phase.AT_SITE.value, Phase.PACKED.value)
BINS = 10


def route_label(route: str) -> str:
    return route.replace("_", " ").capitalize()


@dataclass(frozen=True, slots=True)
class QueuedPack:
    passport_id: str
    custody_href: str
    site: str
    phase: str
    soh: float | None
    soh_text: str
    route: str | None
    route_text: str | None
    rule: str | None
    next_step: str | None
    error: str | None
    #: the passport's chemistry differs from the one identified on site: "declared X, identified Y"
    mismatch: str | None = None
    #: a decision already recorded in the custody log: "recycle (entry 812)"
    decided: str | None = None


@dataclass(frozen=True, slots=True)
class RouteCount:
    route: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Bar:
    """One bin of the histogram with its geometry in the SVG's coordinates."""

    low: float
    high: float
    count: int
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True, slots=True)
class Histogram:
    bars: list[Bar]
    total: int
    width: int
    height: int
    left: int
    bottom: int
    top: int
    ticks: list[tuple[float, str]]
    description: str


def histogram(values: Sequence[float], *, bins: int = BINS, width: int = 560, height: int = 240) -> Histogram:
    """The state of health of ``values`` in ``bins`` equal bins from 0 to 1 (1 falls in the last bin)."""
    counts = [0] * bins
    for value in values:
        index = min(bins - 1, max(0, int(value * bins)))
        counts[index] += 1
    left, right, top, bottom = 48, 12, 20, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    tallest = max(counts) or 1
    step = plot_w / bins
    bars = []
    for i, count in enumerate(counts):
        h = plot_h * count / tallest
        low, high = i / bins, (i + 1) / bins
        bars.append(
            Bar(low, high, count, x=round(left + i * step + 2, 1), y=round(top + plot_h - h, 1),
                width=round(step - 4, 1), height=round(h, 1), label=f"{low:.1f}–{high:.1f}")
        )  # fmt: skip
    ticks = [(round(left + i * step, 1), f"{i / bins:.1f}") for i in range(bins + 1)]
    described = ", ".join(f"{b.label}: {b.count}" for b in bars)
    return Histogram(
        bars=bars,
        total=len(values),
        width=width,
        height=height,
        left=left,
        bottom=top + plot_h,
        top=top,
        ticks=ticks,
        description=f"State of health of {len(values)} packs in {bins} bins: {described}.",
    )


def queue_rows(uow: UnitOfWork, viewer: Viewer) -> list[tuple[str, str | None, str]]:
    """``(passport id, site, phase)`` of the packs at a site (or packed) that are the viewer organisation's or whose
    latest custody event it recorded, at most :data:`QUEUE_LIMIT`, by passport id."""
    org = viewer.organization.id
    recorded_last = exists(
        select(CustodyEventRow.leaf_index).where(
            CustodyEventRow.leaf_index == CustodyItemRow.last_leaf_index, CustodyEventRow.org_id == org
        )
    )
    stmt = (
        select(CustodyItemRow.passport_id, CustodyItemRow.site, CustodyItemRow.phase)
        .where(CustodyItemRow.phase.in_(QUEUED_PHASES), or_(CustodyItemRow.owner_org_id == org, recorded_last))
        .order_by(CustodyItemRow.passport_id)
        .limit(QUEUE_LIMIT)
    )
    return [(str(p), s, str(ph)) for p, s, ph in uow.session.execute(stmt)]


def _consortium_id(uow: UnitOfWork, viewer: Viewer, requested: str | None) -> uuid.UUID | None:
    if requested:
        not_found = PageError(
            404,
            f"{viewer.organization.name} is not a member of a consortium with this id. Leave out consortium_id to "
            "use your first consortium.",
            title="Consortium not found",
        )
        try:
            wanted = uuid.UUID(requested)
            return consortium_service.get_consortium(uow, viewer.actor, wanted).id
        except (ValueError, NotFoundError):
            raise not_found from None
    first = consortium_service.list_consortia(uow, viewer.actor, cursor=None, limit=1).items
    return first[0].id if first else None


def _soh(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _untriaged(base: dict[str, str], why: str) -> QueuedPack:
    return QueuedPack(**base, soh=None, soh_text="—", route=None, route_text=None, rule=None, next_step=None,
                      error=f"cannot triage: {why}")  # fmt: skip


def triaged(
    uow: UnitOfWork, viewer: Viewer, consortium_id: uuid.UUID | None, row: tuple[str, str | None, str]
) -> QueuedPack:
    pid, site, phase = row
    base = {"passport_id": pid, "custody_href": custody_path(pid), "site": site or "—", "phase": phase}
    if consortium_id is None:
        return _untriaged(base, "your organisation is in no consortium")
    try:
        result = triage_service.triage_passport(
            uow, viewer.actor, pid, consortium_id=consortium_id, raw={"second_life_demand": True}
        )
    except DomainError as exc:
        return _untriaged(base, exc.reason)
    soh = _soh((result.get("inputs") or {}).get("state_of_health"))
    found = result.get("chemistry_mismatch")
    mismatch = f"passport says {found['declared'] or 'nothing'}, identified {found['identified']}" if found else None
    route = str(result["route"])
    return QueuedPack(
        **base,
        soh=soh,
        soh_text=f"{soh:.2f}" if soh is not None else "unknown",
        route=route,
        route_text=route_label(route),
        rule=str(result.get("rule") or ""),
        next_step=str(result.get("next_custody_step") or ""),
        error=None,
        mismatch=mismatch,
        decided=(
            f"{route_label(recorded['route'])} (log entry {recorded['leaf_index']})"
            if (recorded := result.get("recorded_decision"))
            else None
        ),
    )


ConsortiumQuery = Annotated[str | None, Query(max_length=40)]


@pages.get("/triage", name="web.triage")
def triage_page(
    request: Request, viewer: CurrentViewer, uow: PageUow, consortium_id: ConsortiumQuery = None
) -> Response:
    chosen = _consortium_id(uow, viewer, consortium_id or None)
    packs = [triaged(uow, viewer, chosen, row) for row in queue_rows(uow, viewer)]
    uow.commit()  # the passport reads of triage are audited
    counted = Counter(p.route for p in packs if p.route)
    routes = [RouteCount(r, route_label(r), counted.get(r, 0)) for r in ROUTES]
    values = [p.soh for p in packs if p.soh is not None]
    return render(
        request,
        "triage.html",
        title="Triage",
        packs=packs,
        routes=routes,
        failed=sum(1 for p in packs if p.error),
        mislabelled=sum(1 for p in packs if p.mismatch),
        chart=histogram(values),
        limit=QUEUE_LIMIT,
        no_consortium=chosen is None,
    )

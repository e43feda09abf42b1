"""Design for recycling pages: the battery models side by side with trends per automaker, and one model's card.

``/models`` lists the battery models the viewer may read (its own and those its consortium agreements open with
the passports): the ones with design facts ranked by score with their points per criterion drawn as bars, the mean
score per automaker and model year, and the models still without design facts. ``/models/{model_id}`` is a
model's design-for-recycling card: the score, the breakdown with the reason per criterion, the advice with the
points each change would gain, and the critical raw material content. Everything is computed from stored data by
:mod:`batteryloop.services.design`; charts are inline SVG drawn on the server.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from batteryloop.domain.design import get_design_criteria
from batteryloop.domain.errors import NotFoundError
from batteryloop.services import design
from batteryloop.web.errors import PageError
from batteryloop.web.nav import NavItem, register
from batteryloop.web.pages import Pages
from batteryloop.web.session import CurrentViewer, PageUow
from batteryloop.web.templating import render

pages = Pages()

register(NavItem("Models", "/models", order=45))

LIST_LIMIT = 200


def model_path(model_id: str) -> str:
    return f"/models/{model_id}"


@dataclass(frozen=True, slots=True)
class TrendPoint:
    year: int
    mean: float
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class TrendLine:
    oem: str
    models: int
    mean_total: float
    change_per_year: float | None
    points: list[TrendPoint]
    path: str
    css: int


@dataclass(frozen=True, slots=True)
class TrendChart:
    lines: list[TrendLine]
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    description: str


def trend_chart(trends: list[dict[str, Any]], *, width: int = 560, height: int = 240) -> TrendChart:
    """Mean design score per automaker and model year as lines over the years (score axis 0-100)."""
    years = sorted({p["year"] for t in trends for p in t["by_year"]})
    left, right, top, bottom = 40, width - 16, 16, height - 36
    first, last = (years[0], years[-1]) if years else (0, 1)
    span = max(1, last - first)

    def x_of(year: int) -> float:
        return round(left + (right - left) * (year - first) / span if len(years) > 1 else (left + right) / 2, 1)

    def y_of(score: float) -> float:
        return round(bottom - (bottom - top) * score / 100, 1)

    lines = []
    for i, t in enumerate(trends):
        points = [TrendPoint(p["year"], p["mean_total"], x_of(p["year"]), y_of(p["mean_total"])) for p in t["by_year"]]
        path = " ".join(f"{'M' if j == 0 else 'L'}{p.x},{p.y}" for j, p in enumerate(points))
        lines.append(TrendLine(t["oem"], t["models"], t["mean_total"], t["change_per_year"], points, path, i % 6))
    described = "; ".join(
        f"{line.oem}: " + ", ".join(f"{p.year} {p.mean:.1f}" for p in line.points) for line in lines if line.points
    )
    return TrendChart(
        lines=lines,
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        x_ticks=[(x_of(y), str(y)) for y in years],
        y_ticks=[(y_of(s), str(s)) for s in (0, 25, 50, 75, 100)],
        description=f"Mean design-for-recycling score per automaker and model year: {described or 'no model years'}.",
    )


@pages.get("/models", name="web.models")
def models_page(request: Request, viewer: CurrentViewer, uow: PageUow) -> Response:
    compared = design.compare_design(uow, viewer.actor)
    listed, _ = design.list_models(uow, viewer.actor, cursor=None, limit=LIST_LIMIT)
    criteria = get_design_criteria().criteria
    weights = {name: float(c.weight) for name, c in criteria.items()}
    labels = {name: c.label for name, c in criteria.items()}
    rows = compared["comparison"]["rows"]
    return render(
        request,
        "models.html",
        title="Battery models",
        rows=rows,
        criteria=compared["comparison"]["criteria"],
        labels=labels,
        weights=weights,
        best=compared["comparison"]["best_per_criterion"],
        chart=trend_chart(compared["trends"]),
        trends=compared["trends"],
        notes=compared["trend_notes"],
        without=[m for m in listed if m["design_facts"] is None],
        model_path=model_path,
        limit=LIST_LIMIT,
    )


@pages.get("/models/{model_id}", name="web.model")
def model_page(request: Request, model_id: str, viewer: CurrentViewer, uow: PageUow) -> Response:
    not_found = PageError(
        404,
        "No battery model with this id is yours or shared with your organisation. Open one from the list of models.",
        title="Battery model not found",
    )
    try:
        wanted = uuid.UUID(model_id)
        model = design.get_model(uow, viewer.actor, wanted)
    except (ValueError, NotFoundError):
        raise not_found from None
    card = design.design_card(uow, viewer.actor, wanted)["score"] if model["design_facts"] is not None else None
    return render(
        request,
        "model.html",
        title=f"{model['code']} design for recycling",
        model=model,
        card=card,
        mine=model["owner_org_id"] == str(viewer.organization.id),
    )

"""The consortium overview: who is in each of the viewer's consortia, what is shared with whom, and counts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from batteryloop.domain.access import Actor, SharingRule
from batteryloop.domain.organization import Consortium, DataCategory, Organization, OrganizationKind
from batteryloop.domain.pagination import MAX_PAGE_SIZE
from batteryloop.services import consortium as consortium_service
from batteryloop.services.consortium import ConsortiumOverview
from batteryloop.storage.uow import UnitOfWork
from batteryloop.web.pages import Pages
from batteryloop.web.session import CurrentViewer, PageUow
from batteryloop.web.templating import category_label, kind_label, render

pages = Pages()

KIND_ORDER = {kind: index for index, kind in enumerate(OrganizationKind)}

#: How a category reads in a sentence ("... shares its custody records with ...").
CATEGORY_PHRASES: dict[DataCategory, str] = {
    DataCategory.PASSPORTS: "battery passports",
    DataCategory.CUSTODY: "custody records",
    DataCategory.LOTS: "lot records",
    DataCategory.ASSAYS: "assay results",
    DataCategory.ECONOMICS: "economic data",
    DataCategory.INCIDENTS: "incident reports",
}


@dataclass(frozen=True, slots=True)
class Cell:
    category: DataCategory
    readable: bool


@dataclass(frozen=True, slots=True)
class MatrixRow:
    organization: Organization
    is_self: bool
    cells: list[Cell]


@dataclass(frozen=True, slots=True)
class Clause:
    """One sharing rule in words, marked where it concerns the viewer."""

    text: str
    grants_you: bool
    your_data: bool


@dataclass(frozen=True, slots=True)
class CategoryClauses:
    category: DataCategory
    phrase: str
    clauses: list[Clause]


@dataclass(frozen=True, slots=True)
class ConsortiumView:
    consortium: Consortium
    convenor_name: str
    rows: list[MatrixRow]
    categories: list[DataCategory]
    agreement: list[CategoryClauses]
    members_by_kind: list[tuple[OrganizationKind, int]]
    rules_by_category: list[tuple[DataCategory, int]]
    rule_count: int
    readable_cells: int
    other_cells: int

    @property
    def max_rules_per_category(self) -> int:
        return max((count for _, count in self.rules_by_category), default=0)


def _grants(rule: SharingRule, actor: Actor) -> bool:
    if rule.grantee_org_id is not None:
        return rule.grantee_org_id == actor.org_id
    return rule.grantee_kind is actor.org_kind


def describe(rule: SharingRule, names: dict[uuid.UUID, str]) -> str:
    """A sharing rule as a sentence, with organisation names rather than ids."""
    provider = "Every member"
    if rule.provider_org_id is not None:
        provider = names.get(rule.provider_org_id, "A former member")
    if rule.grantee_org_id is not None:
        grantee = names.get(rule.grantee_org_id, "a former member")
    else:
        grantee = "all " + kind_label(rule.grantee_kind, plural=True)
    return f"{provider} shares its {_phrase(rule.category)} with {grantee}."


def _phrase(category: DataCategory) -> str:
    return CATEGORY_PHRASES.get(category) or category_label(category).lower()


def build_view(ov: ConsortiumOverview, actor: Actor) -> ConsortiumView:
    names = {org.id: org.name for org in ov.members}
    categories = list(DataCategory)
    members = sorted(ov.members, key=lambda o: (o.id != actor.org_id, KIND_ORDER.get(o.kind, 99), o.name.casefold()))
    rows = []
    for org in members:
        readable = set(ov.readable.get(org.id, []))
        rows.append(MatrixRow(org, org.id == actor.org_id, [Cell(c, c in readable) for c in categories]))
    agreement = []
    for category in categories:
        clauses = [
            Clause(
                describe(rule, names),
                grants_you=_grants(rule, actor),
                your_data=rule.provider_org_id == actor.org_id,
            )
            for rule in ov.rules
            if rule.category is category
        ]
        agreement.append(CategoryClauses(category, _phrase(category), clauses))
    others = [row for row in rows if not row.is_self]
    by_kind = sorted(ov.members_by_kind.items(), key=lambda item: KIND_ORDER.get(item[0], 99))
    return ConsortiumView(
        consortium=ov.consortium,
        convenor_name=names.get(ov.consortium.convenor_org_id, "a former member"),
        rows=rows,
        categories=categories,
        agreement=agreement,
        members_by_kind=by_kind,
        rules_by_category=[(c, ov.rules_by_category.get(c, 0)) for c in categories],
        rule_count=len(ov.rules),
        readable_cells=sum(cell.readable for row in others for cell in row.cells),
        other_cells=len(others) * len(categories),
    )


def consortium_views(uow: UnitOfWork, actor: Actor) -> list[ConsortiumView]:
    """Every consortium the actor's organisation belongs to, through the same services as the API."""
    consortia: list[Consortium] = []
    cursor: str | None = None
    while True:
        page = consortium_service.list_consortia(uow, actor, cursor=cursor, limit=MAX_PAGE_SIZE)
        consortia.extend(page.items)
        cursor = page.next_cursor
        if cursor is None or not page.items:
            break
    return [build_view(consortium_service.overview(uow, actor, c.id), actor) for c in consortia]


@pages.get("/", name="web.overview")
def overview(request: Request, viewer: CurrentViewer, uow: PageUow) -> Response:
    views = consortium_views(uow, viewer.actor)
    return render(request, "overview.html", title="Consortium overview", views=views)

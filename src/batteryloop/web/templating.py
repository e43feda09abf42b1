"""Jinja2 rendering with autoescape on, and the context every page gets (viewer, navigation, CSRF token)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from batteryloop import __version__
from batteryloop.domain.organization import DataCategory, MemberRole, OrganizationKind
from batteryloop.web.nav import nav_for
from batteryloop.web.security import CSRF_FIELD, csrf_token

PRODUCT_NAME = "batteryloop"
TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

KIND_LABELS: dict[OrganizationKind, tuple[str, str]] = {
    OrganizationKind.OEM: ("Automaker", "automakers"),
    OrganizationKind.RECYCLER: ("Recycler", "recyclers"),
    OrganizationKind.DISMANTLER: ("Dismantler", "dismantlers"),
    OrganizationKind.LOGISTICS: ("Logistics", "logistics partners"),
    OrganizationKind.REFINER: ("Refiner", "refiners"),
    OrganizationKind.CATHODE_MAKER: ("Cathode maker", "cathode makers"),
    OrganizationKind.AUTHORITY: ("Authority", "authorities"),
    OrganizationKind.COMMISSION: ("European Commission", "the European Commission"),
    OrganizationKind.RESEARCH: ("Research", "research institutes"),
}
CATEGORY_LABELS: dict[DataCategory, str] = {
    DataCategory.PASSPORTS: "Passports",
    DataCategory.CUSTODY: "Custody",
    DataCategory.LOTS: "Lots",
    DataCategory.ASSAYS: "Assays",
    DataCategory.ECONOMICS: "Economics",
    DataCategory.INCIDENTS: "Incidents",
}
ROLE_LABELS: dict[MemberRole, str] = {
    MemberRole.ADMIN: "Admin",
    MemberRole.OPERATOR: "Operator",
    MemberRole.VIEWER: "Viewer",
    MemberRole.AUDITOR: "Auditor",
}


def kind_label(kind: OrganizationKind | str | None, plural: bool = False) -> str:
    if kind is None:
        return ""
    try:
        singular, many = KIND_LABELS[OrganizationKind(kind)]
    except ValueError:
        return str(kind)
    return many if plural else singular


def category_label(category: DataCategory | str) -> str:
    try:
        return CATEGORY_LABELS[DataCategory(category)]
    except ValueError:
        return str(category)


def role_label(role: MemberRole | str | None) -> str:
    if role is None:
        return ""
    try:
        return ROLE_LABELS[MemberRole(role)]
    except ValueError:
        return str(role)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(product_name=PRODUCT_NAME, version=__version__, csrf_field=CSRF_FIELD)
    env.filters.update(kind=kind_label, category=category_label, role=role_label)
    return env


templates = _environment()


def static_url(request: Request, path: str) -> str:
    """Site-relative URL of a packaged asset (versioned so browsers refetch after an upgrade)."""
    return f"{request.scope.get('root_path', '')}/static/{path}?v={__version__}"


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` with the page context; the viewer (if signed in) comes from ``request.state``."""
    viewer = getattr(request.state, "viewer", None)
    page = {
        "request": request,
        "viewer": viewer,
        "nav": nav_for(viewer.actor, request.url.path) if viewer is not None else [],
        "csrf_token": csrf_token(request) if "session" in request.scope else "",
        "static": lambda path: static_url(request, path),
        "title": context.pop("title", PRODUCT_NAME),
        **context,
    }
    return HTMLResponse(templates.get_template(template).render(page), status_code=status_code)

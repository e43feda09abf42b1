from __future__ import annotations

import json

import typer
from rich.table import Table

from batteryloop.cli.common import OPERATOR, console, operator_uow
from batteryloop.cli.formats import Format, FormatOption
from batteryloop.domain.organization import MemberRole, OrganizationKind
from batteryloop.services import organization as org_service

app = typer.Typer(help="Organisations (platform operator).", no_args_is_help=True)


@app.command("create")
def create(
    name: str = typer.Argument(..., help="Organisation name, unique on the platform"),
    kind: OrganizationKind = typer.Option(..., "--kind", help="What the organisation does in the chain"),
    country: str | None = typer.Option(None, "--country", help="ISO 3166-1 alpha-2 code, e.g. DE"),
    admin: str = typer.Option("admin", "--admin", help="Name of the first admin member"),
) -> None:
    """Onboard an organisation with a first admin member (then: batteryloop key create)."""
    with operator_uow() as uow:
        org = org_service.create_organization(uow, OPERATOR, name=name, kind=kind, country=country)
        org_service.add_member(uow, OPERATOR, org.id, name=admin, role=MemberRole.ADMIN)
    console.print(f"created {org.kind} {org.name!r} id={org.id} with admin member {admin!r}")
    console.print(f"next: batteryloop key create {org.name!r} --member {admin!r}")


@app.command("list")
def list_(fmt: Format = FormatOption) -> None:
    """List every organisation."""
    with operator_uow() as uow:
        orgs, cursor = [], None
        while True:
            page = org_service.list_organizations(uow, OPERATOR, cursor=cursor, limit=500)
            orgs.extend(page.items)
            if not (cursor := page.next_cursor):
                break
    orgs.sort(key=lambda o: o.name)
    if fmt is Format.JSON:
        print(
            json.dumps(
                [{"id": str(o.id), "name": o.name, "kind": o.kind, "country": o.country} for o in orgs],
                indent=2,
            )
        )
        return
    table = Table("name", "kind", "country", "id")
    for o in orgs:
        table.add_row(o.name, o.kind, o.country or "", str(o.id))
    console.print(table)

from __future__ import annotations

import typer

from batteryloop.cli.common import OPERATOR, console, fail, operator_uow
from batteryloop.domain.access import SharingRule
from batteryloop.domain.organization import DataCategory, OrganizationKind
from batteryloop.services import consortium as consortium_service
from batteryloop.services import organization as org_service

app = typer.Typer(help="Consortia and their data-sharing agreements (platform operator).", no_args_is_help=True)


@app.command("create")
def create(
    name: str = typer.Argument(..., help="Consortium name"),
    convenor: str = typer.Option(..., "--convenor", help="Organisation (name or id) that convenes it"),
    description: str = typer.Option("", "--description"),
) -> None:
    """Found a consortium; the convenor becomes its first member."""
    with operator_uow() as uow:
        org = org_service.find_organization(uow, OPERATOR, convenor)
        c = consortium_service.create_consortium(
            uow, OPERATOR, name=name, description=description, convenor_org_id=org.id
        )
    console.print(f"created consortium {c.name!r} id={c.id}, convened by {org.name}")


@app.command("add-member")
def add_member(
    consortium: str = typer.Argument(..., help="Consortium name or id"),
    organization: str = typer.Argument(..., help="Organisation name or id"),
) -> None:
    """Admit an organisation to a consortium."""
    with operator_uow() as uow:
        c = consortium_service.find_consortium(uow, OPERATOR, consortium)
        org = org_service.find_organization(uow, OPERATOR, organization)
        consortium_service.add_member(uow, OPERATOR, c.id, org.id)
    console.print(f"{org.name} is now a member of {c.name}")


@app.command("share")
def share(
    consortium: str = typer.Argument(..., help="Consortium name or id"),
    category: DataCategory = typer.Option(..., "--category", help="Category of data opened"),
    to_kind: OrganizationKind | None = typer.Option(None, "--to-kind", help="Readers: every member of this kind"),
    to_org: str | None = typer.Option(None, "--to-org", help="Reader: one organisation (name or id)"),
    from_org: str | None = typer.Option(None, "--from-org", help="Whose data (default: every member's)"),
    revoke: bool = typer.Option(False, "--revoke", help="Remove this rule instead of adding it"),
) -> None:
    """Add (or with --revoke remove) a clause of the data-sharing agreement. Deny is the default."""
    if (to_kind is None) == (to_org is None):
        fail("grantee: give exactly one of --to-kind and --to-org", 2)
    with operator_uow() as uow:
        c = consortium_service.find_consortium(uow, OPERATOR, consortium)
        grantee = org_service.find_organization(uow, OPERATOR, to_org) if to_org else None
        provider = org_service.find_organization(uow, OPERATOR, from_org) if from_org else None
        rule = SharingRule(
            consortium_id=c.id,
            category=category,
            provider_org_id=provider.id if provider else None,
            grantee_kind=to_kind,
            grantee_org_id=grantee.id if grantee else None,
        )
        if revoke:
            consortium_service.unshare(uow, OPERATOR, rule)
        else:
            consortium_service.share(uow, OPERATOR, rule)
    who = grantee.name if grantee else f"every {to_kind}"
    whose = provider.name if provider else "every member"
    verb = "no longer shares" if revoke else "shares"
    console.print(f"in {c.name}: {whose} {verb} {category} with {who}")

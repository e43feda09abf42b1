from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import typer

from batteryloop.cli.common import OPERATOR, console, fail, operator_uow
from batteryloop.domain.organization import MemberRole
from batteryloop.services import key as key_service
from batteryloop.services import organization as org_service

app = typer.Typer(help="API keys (platform operator).", no_args_is_help=True)


@app.command("create")
def create(
    organization: str = typer.Argument(..., help="Organisation name or id"),
    member: str = typer.Option("admin", "--member", help="Member name; created if it does not exist"),
    role: MemberRole = typer.Option(MemberRole.ADMIN, "--role", help="Role of a member created here"),
    label: str = typer.Option("cli", "--label", help="What the key is for"),
    expires_in_days: int | None = typer.Option(None, "--expires-in-days", min=1, help="Expire after N days"),
) -> None:
    """Create an API key and print it. It is shown once: store it now."""
    with operator_uow() as uow:
        org = org_service.find_organization(uow, OPERATOR, organization)
        found = org_service.find_member(uow, OPERATOR, org.id, member)
        if found is None:
            found = org_service.add_member(uow, OPERATOR, org.id, name=member, role=role)
        expires = datetime.now(UTC) + timedelta(days=expires_in_days) if expires_in_days else None
        key, token = key_service.create_key(uow, OPERATOR, member_id=found.id, label=label, expires_at=expires)
    console.print(f"key {key.id} for {found.name} ({found.role}) of {org.name}; shown once:", highlight=False)
    print(token)


@app.command("revoke")
def revoke(key_id: str = typer.Argument(..., help="Id of the key (see the key's creation output)")) -> None:
    """Revoke a key at once."""
    try:
        parsed = uuid.UUID(key_id)
    except ValueError:
        fail(f"key_id: {key_id!r} is not a key id (a UUID such as 3f2c…)", 2)
    with operator_uow() as uow:
        key = key_service.revoke_key(uow, OPERATOR, parsed)
    console.print(f"revoked key {key.id} ({key.prefix}…) at {key.revoked_at}")

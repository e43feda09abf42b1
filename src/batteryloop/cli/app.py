"""The ``batteryloop`` command: one sub-command per noun."""

from __future__ import annotations

import sys
from typing import Any

import typer
from sqlalchemy.exc import OperationalError
from typer import _click as click
from typer.core import TyperGroup

from batteryloop import __version__
from batteryloop.cli.commands import calc, certificate, consortium, db, demo, key, org, passport, serve, verify
from batteryloop.domain.errors import DomainError


class _Group(TyperGroup):
    """Turns the core's errors into one line on stderr and a non-zero exit, for every sub-command."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DomainError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(1) from None
        except OperationalError as exc:
            print(f"error: the database is not reachable or not usable: {exc.orig}", file=sys.stderr)
            raise typer.Exit(2) from None


app = typer.Typer(
    name="batteryloop",
    cls=_Group,
    help="Shared platform for end-of-life EV battery recycling. Settings come from BATTERYLOOP_* variables "
    "(BATTERYLOOP_DATABASE_URL, default sqlite:///./batteryloop.db).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("serve")(serve.serve)
app.add_typer(db.app, name="db")
app.add_typer(org.app, name="org")
app.add_typer(key.app, name="key")
app.add_typer(consortium.app, name="consortium")
app.add_typer(passport.app, name="passport")
app.command("demo")(demo.demo)
app.command("calc")(calc.calc)
app.command("certificate")(certificate.certificate)
app.command("verify")(verify.verify)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True),
) -> None:
    if version:
        print(__version__)
        raise typer.Exit(0)


def main() -> None:
    app()

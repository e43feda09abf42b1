from __future__ import annotations

import typer
from alembic.util.exc import CommandError

from batteryloop.cli.common import console, fail, open_platform
from batteryloop.storage.migrate import current_revision, head_revision, upgrade

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_cmd(revision: str = typer.Argument("head", help="Target revision")) -> None:
    """Create or migrate the schema (SQLite file or PostgreSQL) to the newest revision."""
    platform = open_platform()
    try:
        assert platform.engine is not None
        before = current_revision(platform.engine)
        try:
            upgrade(platform.engine, revision)
        except CommandError as exc:
            fail(f"revision: {exc}; use 'head' or a revision id such as {head_revision()!r}", 2)
        after = current_revision(platform.engine)
    finally:
        platform.dispose()
    url = platform.engine.url.render_as_string(hide_password=True)
    console.print(f"schema of {url}: {before or 'empty'} -> {after}")


@app.command("status")
def status_cmd() -> None:
    """Show the schema revision and whether it is current."""
    platform = open_platform()
    try:
        assert platform.engine is not None
        current = current_revision(platform.engine)
    finally:
        platform.dispose()
    head = head_revision()
    state = "current" if current == head else "behind: run 'batteryloop db upgrade'"
    console.print(f"revision {current or 'none'} (newest {head}): {state}")

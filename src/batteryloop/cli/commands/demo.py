from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import Progress
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from batteryloop.cli.commands.serve import run_server
from batteryloop.cli.common import console, fail, open_platform
from batteryloop.demo.scenario import ORGANIZATIONS, build_demo
from batteryloop.settings import Settings
from batteryloop.storage.engine import create_engine_for
from batteryloop.storage.migrate import upgrade


def _foreign_organizations(settings: Settings) -> list[str]:
    """Names of organisations in the database that the demo did not create (empty when there is no file)."""
    url = make_url(settings.database_url)
    if not url.database or not Path(url.database).exists():
        return []
    engine = create_engine_for(settings.database_url)
    try:
        with engine.connect() as conn:
            names = [r[0] for r in conn.execute(text("SELECT name FROM organizations"))]
    except OperationalError:
        return []  # no schema: not a batteryloop database we would lose
    finally:
        engine.dispose()
    demo_names = {o.name for o in ORGANIZATIONS}
    return sorted(n for n in names if n not in demo_names)


def demo(
    batteries: int = typer.Option(5000, "--batteries", min=0, help="Number of battery packs to generate"),
    seed: int = typer.Option(7, "--seed", help="Random seed; the same seed gives the same scenario"),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve the API and pages afterwards"),
    reset: bool = typer.Option(False, "--reset", help="Delete the SQLite database file first"),
    keys_file: Path | None = typer.Option(None, "--keys-file", help="Also write the members' keys as JSON here"),
) -> None:
    """Build a realistic demo consortium in the database, print each member's key, and serve it."""
    settings = Settings()
    url = make_url(settings.database_url)
    if reset:
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            fail("--reset only deletes an SQLite file; point BATTERYLOOP_DATABASE_URL at one", 2)
        foreign = _foreign_organizations(settings)
        if foreign:
            fail(
                f"--reset would delete {url.database}, which holds organisations that are not the demo's "
                f"({', '.join(foreign[:3])}{', ...' if len(foreign) > 3 else ''}); point BATTERYLOOP_DATABASE_URL "
                "at a demo file such as sqlite:///./batteryloop-demo.db",
                2,
            )
        for suffix in ("", "-wal", "-shm"):
            Path(url.database + suffix).unlink(missing_ok=True)
    platform = open_platform(settings)
    try:
        assert platform.engine is not None
        upgrade(platform.engine)
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("building the demo consortium", total=len(ORGANIZATIONS) + 1 + batteries)
            try:
                result = build_demo(
                    platform.store,
                    seed=seed,
                    batteries=batteries,
                    progress=lambda _label, n: bar.advance(task, n),
                )
            except Exception as exc:
                if "already exists" in str(exc):
                    fail(f"the demo is already in {settings.database_url}; add --reset to rebuild it", 1)
                raise
    finally:
        platform.dispose()
    # Plain lines, never wrapped: a key cut by a narrow terminal is a key that does not work.
    print("\nDemo members and their API keys (sign in at /signin, or send 'Authorization: Bearer <key>'):")
    current = None
    for k in result.keys:
        if k.organization != current:
            current = k.organization
            print(f"\n  {k.organization} ({k.kind})")
        print(f"    {k.role:<9} {k.key}   {k.member}")
    print()
    for note in result.notes:
        console.print(f"note: {note}")
    if keys_file:
        rows = [
            {
                "organization": k.organization,
                "kind": str(k.kind),
                "member": k.member,
                "role": str(k.role),
                "key": k.key,
            }
            for k in result.keys
        ]
        keys_file.write_text(json.dumps(rows, indent=2))
    console.print(f"consortium id {result.consortium_id}")
    if serve:
        console.print(f"open {settings.base_url}/ and sign in with a key above; API docs at {settings.base_url}/docs")
        run_server(settings)

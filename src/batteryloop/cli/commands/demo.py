from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import Progress
from sqlalchemy.engine import make_url

from batteryloop.cli.commands.serve import run_server
from batteryloop.cli.common import console, fail, open_platform
from batteryloop.demo.scenario import ORGANIZATIONS, build_demo
from batteryloop.settings import Settings
from batteryloop.storage.migrate import upgrade


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
        for suffix in ("", "-wal", "-shm"):
            Path(url.database + suffix).unlink(missing_ok=True)
    platform = open_platform(settings)
    try:
        assert platform.engine is not None
        upgrade(platform.engine)
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("building the demo consortium", total=len(ORGANIZATIONS) + 1)
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

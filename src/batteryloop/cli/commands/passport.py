from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from batteryloop.cli.common import OPERATOR, console, fail, open_platform, operator_uow
from batteryloop.domain.access import Actor
from batteryloop.domain.organization import MemberRole
from batteryloop.services import organization as org_service
from batteryloop.services import passport as passport_service
from batteryloop.services import passport_export, passport_import
from batteryloop.services.passport_import import ImportFormat, ImportRejected

app = typer.Typer(help="Battery passports: import, export, show.", no_args_is_help=True)

SUFFIX_FORMATS = {
    ".csv": ImportFormat.CSV,
    ".jsonl": ImportFormat.JSONL,
    ".ndjson": ImportFormat.JSONL,
    ".json": ImportFormat.JSON,
}


def _format_for(path: Path, given: ImportFormat | None) -> ImportFormat:
    if given is not None:
        return given
    if path.suffix.lower() in SUFFIX_FORMATS:
        return SUFFIX_FORMATS[path.suffix.lower()]
    fail(f"--format: cannot tell the format of {path.name}; give --format csv|jsonl|json|batterypass|catenax", 2)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="File to import", exists=True, dir_okay=False, readable=True),
    organization: str = typer.Option(..., "--org", help="Organisation responsible for the passports (name or id)"),
    fmt: ImportFormat | None = typer.Option(
        None, "--format", help="csv, jsonl, json (canonical records), batterypass, catenax; default from the suffix"
    ),
    resume: bool = typer.Option(False, "--resume", help="Skip passports already registered (idempotent re-run)"),
    report: Path | None = typer.Option(None, "--report", help="Write the full report (every bad record) as JSON"),
    on_invalid: str = typer.Option(
        "refuse",
        "--on-invalid",
        help="Battery Pass / Catena-X: refuse a document with an unusable value, or "
        "'omit' such values (each listed in the report)",
    ),
) -> None:
    """Import passports from a file: every record is validated; the file applies whole or not at all."""
    chosen = _format_for(file, fmt)
    platform = open_platform()
    size = file.stat().st_size
    try:
        with operator_uow(platform) as uow, file.open("rb") as stream:
            org = org_service.find_organization(uow, OPERATOR, organization)
            actor = Actor(org_id=org.id, org_kind=org.kind, role=MemberRole.ADMIN)
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.fields[records]} records"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as bar:
                task = bar.add_task(f"importing {file.name}", total=size, records=0)
                counted = 0

                def tick(_n: int) -> None:
                    nonlocal counted
                    counted += 1
                    if counted % 500 == 0:
                        bar.update(task, completed=stream.tell(), records=counted)

                notes: list[dict[str, str]] = []
                records = passport_import.iter_records(
                    chosen, stream, received_at=uow.now().isoformat(), on_invalid=on_invalid, notes=notes
                )
                result = passport_import.import_passports(
                    uow, actor, records, fmt=chosen, resume=resume, progress=tick, notes=notes
                )
    except ImportRejected as exc:
        rejected = exc.report
        if report:
            report.write_text(json.dumps(rejected.as_dict(), indent=2))
        for error in rejected.errors[:20]:
            for problem in error.problems[:5]:
                print(f"{file.name}: {error.position}: {problem['field']}: {problem['reason']}", file=sys.stderr)
        more = rejected.error_count - min(20, len(rejected.errors))
        tail = f" ({more} more records not shown; see --report)" if more > 0 else ""
        print(
            f"error: {rejected.error_count} of {rejected.records} records are invalid; nothing was imported{tail}",
            file=sys.stderr,
        )
        raise typer.Exit(1) from None
    if report:
        report.write_text(json.dumps(result.as_dict(), indent=2))
    console.print(
        f"imported {result.imported} passports from {file.name} for {org.name}"
        + (f"; skipped {result.skipped_existing} already registered" if result.skipped_existing else "")
    )


@app.command("export")
def export(
    organization: str = typer.Option(..., "--org", help="Organisation whose passports to export (name or id)"),
    fmt: passport_export.ExportFormat = typer.Option(passport_export.ExportFormat.JSONL, "--format"),
    output: Path | None = typer.Option(None, "--output", "-o", help="File to write; default stdout"),
) -> None:
    """Export an organisation's passports (streamed; import(export(x)) gives x back)."""
    with operator_uow() as uow:
        org = org_service.find_organization(uow, OPERATOR, organization)
        lines = passport_export.export_lines(uow, org.id, fmt)
        if output is None:
            for line in lines:
                sys.stdout.write(line)
        else:
            with output.open("w", encoding="utf-8", newline="") as handle:
                for line in lines:
                    handle.write(line)
            console.print(f"wrote {output} ({fmt})")


@app.command("show")
def show(passport_id: str = typer.Argument(..., help="Passport identifier (urn:...)")) -> None:
    """Print a passport with every attribute (platform operator view) as JSON."""
    with operator_uow() as uow:
        view = passport_service.read_passport(uow, OPERATOR, passport_id, completeness=True)
    out = {
        k: getattr(view, k)
        for k in (
            "passport_id",
            "battery_id",
            "status",
            "category",
            "chemistry",
            "ceased",
            "predecessor_passport_id",
            "successor_passport_id",
            "attributes",
        )
    }
    if view.completeness is not None:
        out["completeness"] = passport_service.completeness_dict(view.completeness)
    print(json.dumps(out, indent=2, default=str, ensure_ascii=False))

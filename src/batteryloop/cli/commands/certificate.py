"""``batteryloop certificate``: grade a product lot offline and write its certificate of analysis (PDF)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import typer

from batteryloop.cli.common import fail, read_json
from batteryloop.services.calc import CalcItemError
from batteryloop.services.certificate import certificate_for_document

HELP = """Grade a product lot offline and write its certificate of analysis as a PDF.

FILE is the same JSON object as for 'batteryloop calc grade', with the lot: {"product": "Li2CO3", "assay": {"main_content_pct": 99.62, "impurities_ppm": {"Na": 180, "Ca": 35}}, "lot": {"id": "LC-2026-0042", "producer": "...", "date": "2026-11-20", "mass_kg": 1000}}. Add "specification" to certify against one specification; without it the certificate reports the best grade the lot meets (or, if it meets none, the most demanding one, with every failing parameter).

Example: batteryloop certificate lot.json --output LC-2026-0042.pdf

Writes the PDF and prints a one-line summary on stderr (with --json, the grading result on stdout); exit 0 when written (whatever the verdict), 1 when the input is refused (the reasons are printed), 2 when it cannot be read or the PDF cannot be written.
"""  # noqa: E501


def certificate(
    file: str = typer.Argument("-", help="JSON file with one graded lot (see above); '-' reads stdin"),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the PDF, e.g. LC-2026-0042.pdf"),
    issued: str | None = typer.Option(None, "--issued", help="Date of issue printed, YYYY-MM-DD; default today"),
    print_json: bool = typer.Option(False, "--json", help="Also print the grading result as JSON"),
) -> None:
    document = read_json(file)
    if not isinstance(document, dict):
        fail("input: give one JSON object (one lot)", 2)
    try:
        day = dt.date.today() if issued is None else dt.date.fromisoformat(issued)
    except ValueError:
        fail(f"--issued: {issued!r} is not a date YYYY-MM-DD", 2)
    try:
        issued_certificate = certificate_for_document(document, issued=day)
    except CalcItemError as exc:
        fail(exc.detail, 1)
    try:
        output.write_bytes(issued_certificate.pdf)
    except OSError as exc:
        fail(f"--output: cannot write {output}: {exc.strerror or exc}", 2)
    if print_json:
        print(json.dumps(issued_certificate.result, indent=2, ensure_ascii=False))
    c = issued_certificate
    print(f"wrote {output}: lot {c.lot_id} against {c.specification}: {c.verdict}", file=sys.stderr)


certificate.__doc__ = HELP

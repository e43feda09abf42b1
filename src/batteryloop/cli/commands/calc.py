from __future__ import annotations

import json
import sys

import typer

from batteryloop.cli.common import console, fail, read_text
from batteryloop.services.calc import CALCULATORS, CalcItemError, get_calculator, run_document


def calc(
    topic: str | None = typer.Argument(None, help="Calculation topic; omit to list the topics"),
    file: str = typer.Argument("-", help="JSON file with an object or a list of objects; '-' reads stdin"),
    compact: bool = typer.Option(False, "--compact", help="One-line JSON output"),
) -> None:
    """Run a domain calculation offline on a JSON document and print JSON.

    An object in gives an object out; a list in gives a list out, with {"error": {...}} in place of each item
    that failed. Exit 0 when all succeeded, 1 when some failed, 2 when the input cannot be read.
    """
    if topic is None:
        for c in CALCULATORS.values():
            console.print(f"[bold]{c.topic}[/bold]  {c.summary}")
            for example in c.examples[:1]:
                console.print(f"    echo '{json.dumps(example)}' | batteryloop calc {c.topic}", highlight=False)
        return
    try:
        get_calculator(topic)
    except CalcItemError as exc:
        fail(exc.detail, 2)
    text = read_text(file, "input")
    if not text.strip():
        fail(f"input: {'stdin' if file == '-' else file} is empty; give a JSON object or list", 2)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"input: not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", 2)
    if not isinstance(document, dict | list):
        fail("input: give a JSON object, or a list of objects", 2)
    indent = None if compact else 2
    try:
        result, failed = run_document(topic, document)
    except CalcItemError as exc:
        print(json.dumps({"error": exc.as_dict()}, indent=indent, ensure_ascii=False))
        print(f"error: {exc.detail}", file=sys.stderr)
        raise typer.Exit(1) from None
    print(json.dumps(result, indent=indent, ensure_ascii=False))
    if failed:
        print(f"error: {failed} of {len(document)} items failed; see their 'error' entries", file=sys.stderr)
        raise typer.Exit(1)

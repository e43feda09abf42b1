"""Run the benchmarks: ``python bench/run.py [NAME ...]`` (NAME is ``api_read`` for ``bench_api_read.py``).

Each ``bench/bench_*.py`` exposes ``run() -> list[dict]``; rows are
``{name, value, unit, baseline_value, ratio, params}``. A module may also expose ``REQUIRES``
({program: install hint} for programs that must be on PATH) and ``checks(rows) -> list[tuple[str, bool]]``
(targets to report).
Prints a table and writes ``bench/results/latest.json`` (the rows of this run) and ``bench/results/NAME.json``
(each benchmark's rows, kept when another benchmark runs alone). Exits 1 when a benchmark failed or could not run;
a missed target is reported, not an error (these machines are shared and noisy).
"""

from __future__ import annotations

import importlib
import json
import shutil
import sys
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results" / "latest.json"


def available() -> dict[str, Path]:
    return {p.stem.removeprefix("bench_"): p for p in sorted(BENCH_DIR.glob("bench_*.py"))}


def missing_programs(module: object) -> list[str]:
    requires: dict[str, str] = getattr(module, "REQUIRES", {})
    return [f"'{prog}' is not installed: {hint}" for prog, hint in requires.items() if not shutil.which(prog)]


def fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def print_table(rows: list[dict]) -> None:
    header = ("name", "value", "unit", "baseline_value", "ratio")
    table = [header] + [
        (r["name"], fmt(r["value"]), r["unit"], fmt(r.get("baseline_value")), fmt(r.get("ratio"))) for r in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    table.insert(1, tuple("-" * w for w in widths))
    for line in table:
        cells = [
            cell.ljust(w) if i in (0, 2) else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        ]
        print("  ".join(cells))


def main(argv: list[str]) -> int:
    benches = available()
    unknown = [name for name in argv if name not in benches]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(benches)}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(BENCH_DIR))
    rows: list[dict] = []
    verdicts: list[tuple[str, bool]] = []
    failed: list[str] = []
    for name in argv or list(benches):
        module = importlib.import_module(f"bench_{name}")
        problems = missing_programs(module)
        if problems:
            print(f"[{name}] cannot run: " + "; ".join(problems), file=sys.stderr)
            failed.append(name)
            continue
        print(f"[{name}] running ...", flush=True)
        try:
            result = module.run()
        except Exception:
            traceback.print_exc()
            print(f"[{name}] FAILED", file=sys.stderr)
            failed.append(name)
            continue
        rows.extend(result)
        RESULTS.parent.mkdir(exist_ok=True)  # per benchmark too: a run of one benchmark keeps the others' figures
        (RESULTS.parent / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
        if hasattr(module, "checks"):
            verdicts.extend(module.checks(result))
    print()
    print_table(rows)
    for text, ok in verdicts:
        print(f"{'PASS' if ok else 'MISS'}  {text}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2) + "\n")
    print(f"\nwrote {RESULTS.relative_to(BENCH_DIR.parent)}")
    if failed:
        print(f"failed or skipped: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

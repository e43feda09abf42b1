"""Bulk passport import (CSV and JSON lines) into SQLite and PostgreSQL, against a raw insert of the same rows.

The measured path is the service's: ``iter_records(fmt, stream)`` + ``import_passports(uow, actor, records)`` in
one ``platform.store.uow()`` and ``uow.commit()``, for an OEM admin of an organisation created first, reading a
file written beforehand (CSV with ``csvformat.write_csv_rows`` -- all 93 columns, as an export writes them --
and JSON lines with ``json.dumps``). The baseline, in the same run and on the same schema, inserts the same rows
(``_passport_data.raw_rows``: checked equal to what the service stores) without parsing or validation: SQLite
``executemany`` on a plain ``sqlite3`` connection with the engine's pragmas, PostgreSQL ``COPY``; its rows are
encoded before the clock starts. ratio = service rate / raw rate.

Each import runs in its own process (``python bench/bench_passport_import.py --worker SPEC``) on a fresh
database (SQLite file; PostgreSQL schema via ``-c search_path``, dropped afterwards) and reports its peak RSS
(``VmHWM``; the worker processes that prepare batches hold a bounded number of batches and are not counted).
Memory: the CSV import into SQLite is repeated with 10x the passports; its peak is compared with that of the
smaller file.

Environment: ``BENCH_PASSPORTS`` (default 100000), ``BENCH_PASSPORTS_LARGE`` (default 10x that; 0 skips the
memory run), ``BENCH_IMPORT_ROUNDS`` (default 1; the median is reported), ``BATTERYLOOP_BENCH_POSTGRES_URL``
(default ``BATTERYLOOP_TEST_POSTGRES_URL`` or ``postgresql://postgres@127.0.0.1:5432/test``).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import _passport_data as data

N = int(os.environ.get("BENCH_PASSPORTS", "100000"))
N_LARGE = int(os.environ.get("BENCH_PASSPORTS_LARGE", str(10 * N)))
ROUNDS = int(os.environ.get("BENCH_IMPORT_ROUNDS", "1"))
PG_URL = os.environ.get(
    "BATTERYLOOP_BENCH_POSTGRES_URL",
    os.environ.get("BATTERYLOOP_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
)
TARGET_RATE = 10_000.0
TARGET_RATIO = 0.4
TARGET_MEMORY_GROWTH = 1.5
FORMATS = ("csv", "jsonl")
RAW_BATCH = 2000
BENCH_DIR = Path(__file__).resolve().parent


# -- input files -------------------------------------------------------------------------------------------------


def write_file(path: Path, fmt: str, count: int) -> None:
    """Stream ``count`` records to ``path`` (never all in memory)."""
    records = (data.record(n) for n in range(count))
    with path.open("w", encoding="utf-8", newline="") as out:
        if fmt == "csv":
            from batteryloop.domain.passport.exchange.csvformat import write_csv_rows

            out.writelines(write_csv_rows(records))
        else:
            out.writelines(json.dumps(r) + "\n" for r in records)


# -- databases ---------------------------------------------------------------------------------------------------


def postgres_problem() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_URL, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return None
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"


def make_engine(target: dict[str, Any]) -> Any:
    from sqlalchemy import create_engine

    from batteryloop.storage.engine import create_engine_for, normalize_url

    if target["backend"] == "sqlite":
        return create_engine_for(target["url"])
    return create_engine(normalize_url(target["url"]), connect_args={"options": f"-c search_path={target['schema']}"})


def prepare(backend: str, tmp: Path, label: str) -> dict[str, Any]:
    """A fresh, migrated database holding one OEM organisation; returned as a spec for the worker."""
    from sqlalchemy import create_engine, text

    from batteryloop.domain.access import Actor
    from batteryloop.domain.organization import OrganizationKind
    from batteryloop.services.organization import create_organization
    from batteryloop.storage.engine import normalize_url
    from batteryloop.storage.migrate import upgrade
    from batteryloop.storage.uow import Store

    if backend == "sqlite":
        target: dict[str, Any] = {"backend": backend, "url": f"sqlite:///{tmp / f'{label}.db'}"}
    else:
        schema = f"bench_import_{label.lower()}_{uuid.uuid4().hex[:8]}"
        admin = create_engine(normalize_url(PG_URL))
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        target = {"backend": backend, "url": PG_URL, "schema": schema}
    engine = make_engine(target)
    try:
        upgrade(engine)
        with Store(engine).uow() as uow:
            org = create_organization(uow, Actor.platform_operator(), name="Bench Motors", kind=OrganizationKind.OEM)
            uow.commit()
    finally:
        engine.dispose()
    target["org_id"] = str(org.id)
    return target


def drop(target: dict[str, Any]) -> None:
    if target["backend"] == "sqlite":
        path = Path(target["url"].removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    from sqlalchemy import create_engine, text

    from batteryloop.storage.engine import normalize_url

    admin = create_engine(normalize_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{target["schema"]}" CASCADE'))
    admin.dispose()


def contents(target: dict[str, Any], sample_every: int) -> dict[str, Any]:
    """Row counts and a sample of passports and readings, for comparing the service's rows with the raw ones."""
    from sqlalchemy import text

    engine = make_engine(target)
    try:
        with engine.connect() as conn:
            counts = conn.execute(
                text("SELECT (SELECT count(*) FROM passports), (SELECT count(*) FROM passport_readings)")
            ).one()
            passports = [
                (r[0], r[1], r[2], r[3], r[4], r[5] if isinstance(r[5], dict) else json.loads(r[5]))
                for r in conn.execute(
                    text(
                        "SELECT passport_id, battery_id, category, chemistry, status, attributes FROM passports "
                        "WHERE id % :every = 1 ORDER BY passport_id"
                    ),
                    {"every": sample_every},
                )
            ]
            readings = [
                (r[0], r[1], str(r[2])[:19], r[3] if not isinstance(r[3], str) else json.loads(r[3]))
                for r in conn.execute(
                    text(
                        "SELECT p.passport_id, r.attribute, r.recorded_at, r.value FROM passport_readings r "
                        "JOIN passports p ON p.id = r.passport_pk WHERE p.id % :every = 1 "
                        "AND r.attribute <> 'battery_status' ORDER BY p.passport_id, r.attribute, r.recorded_at"
                    ),
                    {"every": sample_every},
                )
            ]
    finally:
        engine.dispose()
    return {"passports": counts[0], "readings": counts[1], "sample": passports, "sample_readings": readings}


# -- the worker (one import in a process of its own) -------------------------------------------------------------


def peak_rss_mib() -> float:
    """This process's peak resident set (VmHWM). Not ``ru_maxrss``: after fork and exec it keeps the parent's peak
    (a benchmark run after another big one would report the other's memory)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def service_import(spec: dict[str, Any]) -> dict[str, Any]:
    from batteryloop.bootstrap import build_platform
    from batteryloop.domain.access import Actor
    from batteryloop.domain.organization import MemberRole, OrganizationKind
    from batteryloop.services.passport_import import ImportFormat, import_passports, iter_records
    from batteryloop.settings import Settings

    target = spec["target"]
    engine = make_engine(target)
    settings = Settings(database_url="sqlite:///unused.db", signing_key_file=Path(spec["tmp"]) / "signing-key.pem")
    platform = build_platform(settings, bind=engine)
    actor = Actor(org_id=uuid.UUID(target["org_id"]), org_kind=OrganizationKind.OEM, role=MemberRole.ADMIN)
    fmt = ImportFormat(spec["format"])
    with platform.store.uow() as uow:  # connect once before the clock starts, like a warm server
        uow.connection.exec_driver_sql("SELECT 1")
    before = peak_rss_mib()
    start = time.perf_counter()
    with open(spec["file"], "rb") as stream, platform.store.uow() as uow:
        report = import_passports(uow, actor, iter_records(fmt, stream), fmt=fmt)
        uow.commit()
    seconds = time.perf_counter() - start
    engine.dispose()
    return {"seconds": seconds, "imported": report.imported, "rss_before_mib": before, "peak_rss_mib": peak_rss_mib()}


def raw_insert(spec: dict[str, Any]) -> dict[str, Any]:
    target, count = spec["target"], spec["count"]
    owner, now = uuid.UUID(target["org_id"]), datetime.now(UTC)
    passports: list[tuple[Any, ...]] = []
    readings: list[tuple[Any, ...]] = []
    encode_row, encode_reading = (
        (data.sqlite_row, data.sqlite_reading)
        if target["backend"] == "sqlite"
        else (data.postgres_row, data.postgres_reading)
    )
    encode_start = time.perf_counter()
    for n in range(count):  # encoded before the clock starts: the baseline is the insert alone
        row, rs = data.raw_rows(n, n + 1, owner, now)
        passports.append(encode_row(row))
        readings.extend(encode_reading(r) for r in rs)
    encode_seconds = time.perf_counter() - encode_start
    before = peak_rss_mib()
    if target["backend"] == "sqlite":
        import sqlite3

        conn = sqlite3.connect(target["url"].removeprefix("sqlite:///"), isolation_level=None)
        for pragma in ("foreign_keys=ON", "busy_timeout=10000", "synchronous=NORMAL", "journal_mode=WAL"):
            conn.execute(f"PRAGMA {pragma}")
        insert_p = data.insert_sql("passports", data.PASSPORT_COLUMNS)
        insert_r = data.insert_sql("passport_readings", data.READING_COLUMNS)
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        per = len(readings) // max(count, 1)
        for i in range(0, count, RAW_BATCH):
            conn.executemany(insert_p, passports[i : i + RAW_BATCH])
            conn.executemany(insert_r, readings[i * per : (i + RAW_BATCH) * per])
        conn.execute("COMMIT")
        seconds = time.perf_counter() - start
        conn.close()
    else:
        import psycopg

        with psycopg.connect(PG_URL, options=f"-c search_path={target['schema']}") as conn:
            start = time.perf_counter()
            with conn.cursor() as cur:
                with cur.copy(f"COPY passports ({', '.join(data.PASSPORT_COLUMNS)}) FROM STDIN") as copy:
                    for prow in passports:
                        copy.write_row(prow)
                with cur.copy(f"COPY passport_readings ({', '.join(data.READING_COLUMNS)}) FROM STDIN") as copy:
                    for rrow in readings:
                        copy.write_row(rrow)
            conn.commit()
            seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "encode_seconds": encode_seconds,
        "imported": count,
        "rss_before_mib": before,
        "peak_rss_mib": peak_rss_mib(),
    }


def worker(spec_json: str) -> None:
    spec = json.loads(spec_json)
    result = service_import(spec) if spec["kind"] == "service" else raw_insert(spec)
    print(json.dumps(result))


# -- the parent --------------------------------------------------------------------------------------------------


def run_worker(spec: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)],
        capture_output=True,
        text=True,
        cwd=BENCH_DIR,
    )
    if done.returncode != 0:
        raise RuntimeError(f"import worker failed ({spec['kind']} {spec.get('format', '')}):\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if result["imported"] != spec["count"]:
        raise RuntimeError(f"worker imported {result['imported']} of {spec['count']} passports")
    result["rate"] = spec["count"] / result["seconds"]
    return result


def one_run(
    backend: str, kind: str, fmt: str | None, count: int, tmp: Path, files: dict[tuple[str, int], Path]
) -> dict:
    label = f"{backend}_{kind}_{fmt or 'raw'}_{count}"
    target = prepare(backend, tmp, label)
    spec: dict[str, Any] = {"kind": kind, "target": target, "count": count, "tmp": str(tmp)}
    if fmt is not None:
        spec.update(format=fmt, file=str(files[(fmt, count)]))
    try:
        result = run_worker(spec)
        result["contents"] = contents(target, max(count // 200, 1))
    finally:
        drop(target)
    expected_readings = 4 * count  # three SOCE readings and the implicit battery_status one
    if (result["contents"]["passports"], result["contents"]["readings"]) != (count, expected_readings):
        raise RuntimeError(f"{label}: stored {result['contents']}, expected {count} passports")
    print(
        f"  {backend:10s} {kind:7s} {fmt or '-':5s} {count:>9,d}  {result['rate']:9,.0f} passports/s  "
        f"{result['seconds']:7.1f} s  peak RSS {result['peak_rss_mib']:6.0f} MiB "
        f"(before import {result['rss_before_mib']:.0f})"
        + (f"; rows encoded beforehand in {result['encode_seconds']:.1f} s" if "encode_seconds" in result else ""),
        flush=True,
    )
    return result


def row(name: str, value: float | None, unit: str, baseline: float | None, params: dict) -> dict:
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "baseline_value": baseline,
        "ratio": value / baseline if value is not None and baseline else None,
        "params": params,
    }


def run() -> list[dict]:
    rows: list[dict] = []
    pg_problem = postgres_problem()
    backends = ["sqlite"] if pg_problem else ["sqlite", "postgresql"]
    if pg_problem:
        print(f"  PostgreSQL at {PG_URL} is not reachable ({pg_problem}): its rows are skipped", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-passport-import-") as tmpdir:
        tmp = Path(tmpdir)
        files: dict[tuple[str, int], Path] = {}
        started = time.perf_counter()
        for fmt in FORMATS:
            files[(fmt, N)] = tmp / f"passports-{N}.{fmt}"
            write_file(files[(fmt, N)], fmt, N)
        if N_LARGE:
            files[("csv", N_LARGE)] = tmp / f"passports-{N_LARGE}.csv"
            write_file(files[("csv", N_LARGE)], "csv", N_LARGE)
        sizes = {f"{fmt}_{count}": path.stat().st_size for (fmt, count), path in files.items()}
        print(f"  wrote input files in {time.perf_counter() - started:.0f} s: {sizes}", flush=True)

        results: dict[tuple[str, str], list[dict]] = {}
        for _round in range(ROUNDS):
            for backend in backends:
                raw = one_run(backend, "raw", None, N, tmp, files)
                results.setdefault((backend, "raw"), []).append(raw)
                for fmt in FORMATS:
                    svc = one_run(backend, "service", fmt, N, tmp, files)
                    if (svc["contents"]["sample"], svc["contents"]["sample_readings"]) != (
                        raw["contents"]["sample"],
                        raw["contents"]["sample_readings"],
                    ):
                        raise RuntimeError(f"{backend} {fmt}: the service stored other rows than the raw baseline")
                    results.setdefault((backend, fmt), []).append(svc)
        large = one_run("sqlite", "service", "csv", N_LARGE, tmp, files) if N_LARGE else None

    def med(runs: list[dict], field: str) -> float:
        return statistics.median(r[field] for r in runs)

    base_params = {"passports": N, "rounds": ROUNDS, "statistic": "median over rounds", "file_bytes": sizes}
    for backend in ("sqlite", "postgresql"):
        raw_name = "executemany (sqlite3)" if backend == "sqlite" else "COPY (psycopg)"
        for fmt in FORMATS:
            name = f"passport_import_{backend}_{fmt}_rate"
            if backend not in backends:
                rows.append(row(name, None, "passports/s", None, {"note": f"skipped: PostgreSQL {pg_problem}"}))
                continue
            svc, raw = results[(backend, fmt)], results[(backend, "raw")]
            params = {
                **base_params,
                "baseline": f"raw {raw_name} of the same rows, encoded beforehand",
                "service_seconds": med(svc, "seconds"),
                "raw_seconds": med(raw, "seconds"),
                "raw_encode_seconds": med(raw, "encode_seconds"),
                "raw_rate_with_encoding": N / (med(raw, "seconds") + med(raw, "encode_seconds")),
                "peak_rss_mib": med(svc, "peak_rss_mib"),
                "rss_before_import_mib": med(svc, "rss_before_mib"),
            }
            rows.append(row(name, med(svc, "rate"), "passports/s", med(raw, "rate"), params))
    for backend in backends:
        for fmt in FORMATS:
            svc = results[(backend, fmt)]
            rows.append(
                row(
                    f"passport_import_{backend}_{fmt}_peak_rss",
                    med(svc, "peak_rss_mib"),
                    "MiB",
                    med(svc, "rss_before_mib"),
                    {**base_params, "baseline": "the worker's peak RSS before the import started"},
                )
            )
    if large is not None:
        small = results[("sqlite", "csv")]
        params = {
            "passports": N_LARGE,
            "compared_with": N,
            "baseline": f"peak RSS of the {N:,}-passport CSV import into SQLite",
            "rate_passports_per_s": large["rate"],
            "seconds": large["seconds"],
            "rss_before_import_mib": large["rss_before_mib"],
        }
        rows.append(
            row(
                "passport_import_sqlite_csv_large_peak_rss",
                large["peak_rss_mib"],
                "MiB",
                med(small, "peak_rss_mib"),
                params,
            )
        )
    return rows


def checks(rows: list[dict]) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for r in rows:
        if r["value"] is None:
            continue
        name = r["name"]
        if name.endswith("_rate"):
            label = name.removeprefix("passport_import_").removesuffix("_rate")
            if name.startswith("passport_import_sqlite"):
                text = f"passport_import {label}: {r['value']:,.0f} passports/s (target >= {TARGET_RATE:,.0f})"
                out.append((text, r["value"] >= TARGET_RATE))
            text = f"passport_import {label}: {r['ratio']:.2f} of the raw baseline (target >= {TARGET_RATIO})"
            out.append((text, r["ratio"] >= TARGET_RATIO))
        elif name == "passport_import_sqlite_csv_large_peak_rss":
            out.append(
                (
                    f"passport_import memory: peak RSS {r['value']:.0f} MiB for {r['params']['passports']:,} vs "
                    f"{r['baseline_value']:.0f} MiB for {r['params']['compared_with']:,} = {r['ratio']:.2f}x "
                    f"(target <= {TARGET_MEMORY_GROWTH}x)",
                    r["ratio"] <= TARGET_MEMORY_GROWTH,
                )
            )
    return out


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        worker(sys.argv[2])
    else:
        print(json.dumps(run(), indent=2, default=str))

"""The custody log: appends, proofs and root recomputation at 1,000,000 entries, against pymerkle 7 and raw SHA-256.

Measured in one process, each against its baseline in the same run:

- ``log_append_<db>``: the log's own append path, ``services.custody_log.append`` (leaf hashes, hash tiles, entry
  rows, the size row) in batches of ``BENCH_LOG_BATCH`` on a fresh database; SQLite against pymerkle 7's
  ``SqliteTree.append_entries`` (its bulk mode) on the same entries; pymerkle's ``InmemoryTree`` for information.
- ``event_append_<db>``: whole events appended: checked (``domain.custody.events.check_events``), written as RFC
  8785 canonical JSON, hashed and stored in the log (``custody_log.append``), in batches; 100,000 packs, ten events
  each. ``event_record_<db>``: the same events through the full service, ``services.custody.record_events``,
  which also applies each pack's lifecycle and writes the event index and the packs' states.
- ``proof_inclusion_<db>`` / ``proof_consistency_<db>``: proofs from storage at n = 1,000,000 for random indexes
  and sizes (median and p99), against pymerkle's proofs from its SQLite file (median).
- ``root_recompute``: ``merkle.calculate_root`` of the 1,000,000 leaf hashes against raw ``hashlib.sha256`` over
  exactly the same inputs (each node's ``0x01 || left || right``, prepared before the clock starts).

Needs pymerkle (``pip install 'pymerkle>=7,<8'``, GPLv3+, a benchmark-only dependency). Environment:
``BENCH_LOG_ENTRIES`` (default 1000000), ``BENCH_LOG_BATCH`` (10000), ``BENCH_LOG_PROOFS`` (1000),
``BATTERYLOOP_BENCH_POSTGRES_URL``.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

N = int(os.environ.get("BENCH_LOG_ENTRIES", "1000000"))
BATCH = int(os.environ.get("BENCH_LOG_BATCH", "10000"))
PROOFS = int(os.environ.get("BENCH_LOG_PROOFS", "1000"))
PG_URL = os.environ.get(
    "BATTERYLOOP_BENCH_POSTGRES_URL",
    os.environ.get("BATTERYLOOP_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
)
TARGET_APPEND_RATIO = 1.0
TARGET_EVENTS = 50_000.0
TARGET_ROOT_RATIO = 0.5
ORG = "0b2c7f9e-5d3a-4e0f-9c1b-2a3d4e5f6a7b"


def entries(count: int) -> list[bytes]:
    """Log entries as the platform writes them: canonical JSON of a weighing event, ~250 bytes each."""
    from batteryloop.domain.custody.events import check_event

    template = {"kind": "weighed", "occurred_at": "2026-11-02T09:30:00Z", "site": "DE-BRE-RECYCLER-1"}
    out = []
    for n in range(count):
        raw = template | {"items": [f"urn:bench:{n // 10}"], "details": {"mass_kg": 380 + n % 97, "scale_id": "S-3"}}
        out.append(check_event(raw, org_id=ORG).entry())
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# -- databases ---------------------------------------------------------------------------------------------------


def sqlite_store(tmp: Path, name: str) -> Any:
    from batteryloop.storage.engine import create_engine_for
    from batteryloop.storage.migrate import upgrade
    from batteryloop.storage.uow import Store

    engine = create_engine_for(f"sqlite:///{tmp / name}")
    upgrade(engine)
    return Store(engine)


def postgres_store() -> tuple[Any, Callable[[], None]] | None:
    from sqlalchemy import create_engine, text

    from batteryloop.storage.engine import normalize_url
    from batteryloop.storage.migrate import upgrade
    from batteryloop.storage.uow import Store

    schema = f"bench_log_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(normalize_url(PG_URL))
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # no PostgreSQL here: report SQLite only
        print(f"  PostgreSQL not reachable ({type(exc).__name__}); SQLite only")
        return None
    engine = create_engine(normalize_url(PG_URL), connect_args={"options": f"-c search_path={schema}"})
    upgrade(engine)

    def drop() -> None:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return Store(engine), drop


# -- measurements ------------------------------------------------------------------------------------------------


def append_log(store: Any, data: list[bytes]) -> float:
    from batteryloop.services import custody_log

    start = time.perf_counter()
    for i in range(0, len(data), BATCH):
        chunk = data[i : i + BATCH]
        with store.uow() as uow:
            custody_log.append(uow, chunk)
            uow.commit()
    return time.perf_counter() - start


def event_batches(count: int) -> list[list[dict[str, Any]]]:
    site = "DE-BRE-RECYCLER-1"

    def event(n: int) -> dict[str, Any]:
        pack, step = divmod(n, 10)
        at = f"2026-11-{1 + step:02d}T{pack % 24:02d}:{pack % 60:02d}:00Z"
        base = {"items": [f"urn:bench:{pack}"], "occurred_at": at, "site": site}
        if step == 0:
            return base | {"kind": "collected"}
        return base | {"kind": "weighed", "details": {"mass_kg": 380 + pack % 97 + step / 10, "scale_id": "S-3"}}

    return [[event(n) for n in range(i, min(i + BATCH, count))] for i in range(0, count, BATCH)]


def append_event_entries(store: Any, count: int) -> float:
    from batteryloop.domain.custody.events import check_events
    from batteryloop.services import custody_log

    batches = event_batches(count)
    start = time.perf_counter()
    for batch in batches:
        with store.uow() as uow:
            events = check_events(batch, org_id=ORG)
            custody_log.append(uow, [e.entry() for e in events])
            uow.commit()
    return time.perf_counter() - start


def append_events(store: Any, count: int) -> float:
    from batteryloop.domain.access import Actor
    from batteryloop.domain.organization import MemberRole, OrganizationKind
    from batteryloop.services import custody
    from batteryloop.services import organization as org_service

    with store.uow() as uow:
        org = org_service.create_organization(
            uow, Actor.platform_operator(), name="Bench Recycler", kind=OrganizationKind.RECYCLER
        )
        uow.commit()
    actor = Actor(org_id=org.id, org_kind=OrganizationKind.RECYCLER, role=MemberRole.OPERATOR)
    batches = event_batches(count)
    start = time.perf_counter()
    for batch in batches:
        with store.uow() as uow:
            custody.record_events(uow, actor, batch)
            uow.commit()
    return time.perf_counter() - start


def proofs(store: Any, n: int, rng: random.Random) -> dict[str, list[float]]:
    from batteryloop.services import custody_log

    times: dict[str, list[float]] = {"inclusion": [], "consistency": []}
    with store.uow(read_only=True) as uow:
        for _ in range(PROOFS):
            index = rng.randrange(n)
            start = time.perf_counter()
            custody_log.inclusion_proof(uow, index, n)
            times["inclusion"].append(time.perf_counter() - start)
            size1 = rng.randrange(1, n)
            start = time.perf_counter()
            custody_log.consistency_proof(uow, size1, n)
            times["consistency"].append(time.perf_counter() - start)
    return times


def pymerkle_runs(tmp: Path, data: list[bytes], rng: random.Random) -> dict[str, Any]:
    from pymerkle import InmemoryTree, SqliteTree

    out: dict[str, Any] = {}
    tree = SqliteTree(str(tmp / "pymerkle.db"))
    start = time.perf_counter()
    for i in range(0, len(data), BATCH):
        tree.append_entries(data[i : i + BATCH])
    out["append_sqlite_s"] = time.perf_counter() - start
    n = len(data)
    inclusion, consistency = [], []
    for _ in range(PROOFS):
        index = rng.randrange(n)
        start = time.perf_counter()
        tree.prove_inclusion(index + 1, n)  # pymerkle counts leaves from 1
        inclusion.append(time.perf_counter() - start)
        size1 = rng.randrange(1, n)
        start = time.perf_counter()
        tree.prove_consistency(size1, n)
        consistency.append(time.perf_counter() - start)
    out["inclusion_sqlite"], out["consistency_sqlite"] = inclusion, consistency
    tree.close()
    memory = InmemoryTree()
    start = time.perf_counter()
    for entry in data:
        memory.append_entry(entry)
    out["append_memory_s"] = time.perf_counter() - start
    inclusion = []
    for _ in range(PROOFS):
        index = rng.randrange(n)
        start = time.perf_counter()
        memory.prove_inclusion(index + 1, n)
        inclusion.append(time.perf_counter() - start)
    out["inclusion_memory"] = inclusion
    return out


def root_recompute(data: list[bytes]) -> tuple[float, float, bool]:
    from batteryloop.domain.custody import merkle

    leaves = [merkle.hash_leaf(e) for e in data]
    inputs = []  # exactly what calculate_root hashes, level by level (and the fold of a ragged right edge)
    row = leaves
    while len(row) > 1:
        pairs = [b"\x01" + row[i] + row[i + 1] for i in range(0, len(row) - 1, 2)]
        inputs.extend(pairs)
        row = [hashlib.sha256(p).digest() for p in pairs] + ([row[-1]] if len(row) % 2 else [])
    start = time.perf_counter()
    for item in inputs:
        hashlib.sha256(item).digest()
    raw = time.perf_counter() - start
    start = time.perf_counter()
    root = merkle.calculate_root(leaves)
    ours = time.perf_counter() - start
    return ours, raw, root == merkle.calculate_root(iter(leaves))


# -- the run -----------------------------------------------------------------------------------------------------


def row(
    name: str, value: float, unit: str, baseline: float | None, params: dict[str, Any], *, higher_is_better: bool = True
) -> dict[str, Any]:
    ratio = None
    if baseline:
        ratio = value / baseline if higher_is_better else baseline / value
    return {"name": name, "value": value, "unit": unit, "baseline_value": baseline, "ratio": ratio, "params": params}


def run() -> list[dict]:
    rng = random.Random(7)
    print(f"  writing {N:,} entries ...", flush=True)
    data = entries(N)
    params = {"entries": N, "batch": BATCH, "proofs": PROOFS, "entry_bytes": sum(map(len, data)) // len(data)}
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench-log-") as tmpdir:
        tmp = Path(tmpdir)
        print("  pymerkle 7 (SQLite bulk and in memory) ...", flush=True)
        py = pymerkle_runs(tmp, data, rng)
        py_rate, py_mem_rate = N / py["append_sqlite_s"], N / py["append_memory_s"]
        backends: list[tuple[str, Any, Callable[[], None] | None]] = [("sqlite", sqlite_store(tmp, "log.db"), None)]
        pg = postgres_store()
        if pg is not None:
            backends.append(("postgresql", pg[0], pg[1]))
        for name, store, drop in backends:
            print(f"  log appends on {name} ...", flush=True)
            seconds = append_log(store, data)
            rate = N / seconds
            rows.append(
                row(
                    f"log_append_{name}",
                    rate,
                    "entries/s",
                    py_rate if name == "sqlite" else None,
                    params
                    | {
                        "baseline": "pymerkle 7 SqliteTree.append_entries, same entries and batches",
                        "pymerkle_memory_entries_per_s": py_mem_rate,
                    },
                )
            )
            print(f"  proofs on {name} ...", flush=True)
            times = proofs(store, N, rng)
            for kind in ("inclusion", "consistency"):
                median = statistics.median(times[kind]) * 1000
                base = statistics.median(py[f"{kind}_sqlite"]) * 1000
                extra = {"p99_ms": percentile(times[kind], 0.99) * 1000, "baseline": f"pymerkle 7 {kind} from SQLite"}
                if kind == "inclusion":
                    extra["pymerkle_memory_median_ms"] = statistics.median(py["inclusion_memory"]) * 1000
                rows.append(
                    row(f"proof_{kind}_{name}_median", median, "ms", base, params | extra, higher_is_better=False)
                )
                rows.append(row(f"proof_{kind}_{name}_p99", extra["p99_ms"], "ms", None, params))
            print(f"  custody events on {name} ...", flush=True)
            fresh = sqlite_store(tmp, "events.db") if name == "sqlite" else None
            seconds = append_event_entries(fresh or store, N)
            rows.append(
                row(
                    f"event_append_{name}",
                    N / seconds,
                    "events/s",
                    rate,
                    params | {"baseline": "the log's own append path on the same database", "packs": N // 10},
                )
            )
            seconds = append_events(sqlite_store(tmp, "record.db") if name == "sqlite" else store, N)
            rows.append(
                row(
                    f"event_record_{name}",
                    N / seconds,
                    "events/s",
                    rate,
                    params | {"baseline": "the log's own append path", "includes": "lifecycle, event index, states"},
                )
            )
            store.bind.dispose() if hasattr(store.bind, "dispose") else None
            if drop is not None:
                drop()
    print("  root recomputation ...", flush=True)
    ours, raw, same = root_recompute(data)
    if not same:
        raise AssertionError("calculate_root gave different roots for a list and a stream")
    rows.append(
        row(
            "root_recompute",
            N / ours,
            "leaves/s",
            N / raw,
            params | {"baseline": "hashlib.sha256 over exactly the node inputs hashed"},
        )
    )
    return rows


def checks(rows: list[dict]) -> list[tuple[str, bool]]:
    by = {r["name"]: r for r in rows}
    out = []
    a = by["log_append_sqlite"]
    out.append(
        (
            f"log append (SQLite) {a['value']:,.0f}/s vs pymerkle SQLite bulk {a['baseline_value']:,.0f}/s: "
            f"ratio {a['ratio']:.2f} (target >= {TARGET_APPEND_RATIO})",
            a["ratio"] >= TARGET_APPEND_RATIO,
        )
    )
    e = by["event_append_sqlite"]
    out.append(
        (f"event appends (SQLite) {e['value']:,.0f}/s (target >= {TARGET_EVENTS:,.0f})", e["value"] >= TARGET_EVENTS)
    )
    for kind in ("inclusion", "consistency"):
        p = by[f"proof_{kind}_sqlite_median"]
        out.append(
            (
                f"{kind} proof (SQLite) median {p['value']:.3f} ms vs pymerkle {p['baseline_value']:.3f} ms "
                "(target: no slower)",
                p["value"] <= p["baseline_value"],
            )
        )
    r = by["root_recompute"]
    out.append(
        (
            f"root recomputation {r['ratio']:.2f} of raw SHA-256 (target >= {TARGET_ROOT_RATIO})",
            r["ratio"] >= TARGET_ROOT_RATIO,
        )
    )
    return out


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    result = run()
    print(json.dumps(result, indent=2))
    for text, ok in checks(result):
        print(f"{'PASS' if ok else 'MISS'}  {text}")

"""``GET /v1/passports/{id}`` with 1,000,000 passports stored, against a bare endpoint on the same server.

One uvicorn worker on a temporary SQLite database: the demo consortium (organisations, keys, the sharing
agreement), then 1,000,000 passports of its first automaker seeded with a raw ``executemany`` of the rows the
service stores (``_passport_data.raw_rows``, checked equal to ``prepare_passport``'s on a sample; every passport
has its ``battery_status`` reading, every fourth also a three-reading SOCE series). A sample of seeded passports
is read back through the API first (200, the right level, the seeded values). ``wrk`` drives 32 connections; a
Lua script asks for a random passport of the million on every request. Variants, interleaved per round:
``bare`` (``GET /bench/bare``, the baseline), ``public`` (anonymous read: the public view) and ``recycler`` (a
recycler's API key from the demo: the legitimate-interest view, shared by the agreement, audited).
Environment: ``BENCH_READ_PASSPORTS`` (default 1000000), ``BENCH_DURATION`` (s, default 10), ``BENCH_ROUNDS``
(default 3).
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import _passport_data as data
from _server import CLIENTS, THREADS, median, row, serve, server_options, status_of, wrk

REQUIRES = {"wrk": "install it with `apt-get install -y wrk` (Debian package)"}

PASSPORTS = int(os.environ.get("BENCH_READ_PASSPORTS", "1000000"))
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WARMUP = 2
SERIES_EVERY = 4
OWNER = "Voltavia Motors"
RECYCLER = "CircuMet Recycling"
TARGET_RPS = 1000.0
TARGET_P99_MS = 50.0
SAMPLE = 60

LUA = """-- GET /v1/passports/urn:bench:<n> for a random n in [0, {count})
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("id", counter)
end
init = function(args)
  math.randomseed(os.time() * 1000 + id)
end
request = function()
  return wrk.format("GET", "/v1/passports/urn:bench:" .. math.random(0, {last}))
end
"""


def prepare_database(tmp: Path) -> tuple[dict[str, str], dict[str, str], uuid.UUID]:
    """The demo plus PASSPORTS seeded passports; returns the server environment, keys by role name, the owner."""
    from batteryloop.bootstrap import build_platform
    from batteryloop.demo.scenario import build_demo
    from batteryloop.domain.organization import MemberRole
    from batteryloop.settings import Settings
    from batteryloop.storage.migrate import upgrade

    db = tmp / "bench.db"
    env = {
        "BATTERYLOOP_DATABASE_URL": f"sqlite:///{db}",
        "BATTERYLOOP_SIGNING_KEY_FILE": str(tmp / "signing-key.pem"),
    }
    settings = Settings(
        database_url=env["BATTERYLOOP_DATABASE_URL"], signing_key_file=Path(env["BATTERYLOOP_SIGNING_KEY_FILE"])
    )
    platform = build_platform(settings)
    try:
        assert platform.engine is not None
        upgrade(platform.engine)
        demo = build_demo(platform.store, seed=7, batteries=0)
    finally:
        platform.dispose()
    owner = demo.organization_ids[OWNER]
    keys = {
        "recycler": next(k.key for k in demo.keys if k.organization == RECYCLER and k.role is MemberRole.ADMIN),
        "owner": next(k.key for k in demo.keys if k.organization == OWNER and k.role is MemberRole.ADMIN),
    }
    now = datetime.now(UTC)
    data.check_raw_rows(range(0, PASSPORTS, max(PASSPORTS // 200, 1)), owner, now)
    started = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    for pragma in ("foreign_keys=ON", "synchronous=NORMAL", "journal_mode=WAL"):
        conn.execute(f"PRAGMA {pragma}")
    if conn.execute("SELECT count(*) FROM passports").fetchone()[0]:
        raise RuntimeError("the demo already holds passports: seeded ids would clash")
    insert_p = data.insert_sql("passports", data.PASSPORT_COLUMNS)
    insert_r = data.insert_sql("passport_readings", data.READING_COLUMNS)
    conn.execute("BEGIN IMMEDIATE")
    for passports, readings in data.sqlite_batches(PASSPORTS, owner, now, batch=5000, series_every=SERIES_EVERY):
        conn.executemany(insert_p, passports)
        conn.executemany(insert_r, readings)
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    size = db.stat().st_size / 2**20
    print(f"  seeded {PASSPORTS:,} passports in {time.perf_counter() - started:.0f} s ({size:,.0f} MiB)", flush=True)
    return env, keys, owner


def get_json(url: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


def verify(base: str, keys: dict[str, str]) -> None:
    """Seeded passports read back through the API at the right level with the seeded values."""
    from batteryloop.domain.passport.attributes import get_attributes

    registry = get_attributes()
    rng = random.Random(42)
    numbers = [0, PASSPORTS - 1, *rng.sample(range(PASSPORTS), min(SAMPLE, PASSPORTS))]
    for n in numbers:
        attributes = data.record(n)["attributes"]
        if n % SERIES_EVERY:
            del attributes[data.DYNAMIC_KEY]
        url = f"{base}/v1/passports/{data.passport_id(n)}"
        status, public = get_json(url)
        expected = {k: v for k, v in attributes.items() if str(registry[k].access) == "public"}
        if status != 200 or public["served_level"] != "public" or public["attributes"] != expected:
            raise RuntimeError(f"public read of passport {n}: {status} {public}\nexpected attributes {expected}")
        status, restricted = get_json(url, {"Authorization": f"Bearer {keys['recycler']}"})
        got = restricted["attributes"]
        if (
            status != 200
            or restricted["served_level"] != "legitimate_interest"
            or not set(expected) < set(got)
            or got.get("putting_into_service_date") != attributes["putting_into_service_date"]
            or (n % SERIES_EVERY == 0 and got.get(data.DYNAMIC_KEY) != attributes[data.DYNAMIC_KEY])
        ):
            raise RuntimeError(f"recycler read of passport {n}: {status} {restricted}")
    missing = status_of(f"{base}/v1/passports/urn:bench:{PASSPORTS}")
    if missing != 404:
        raise RuntimeError(f"an unknown passport answered {missing}, expected 404")
    print(f"  verified {len(numbers)} seeded passports through the API (public and recycler views)", flush=True)


def measure(base: str, keys: dict[str, str], script: Path) -> dict[str, list[dict[str, float]]]:
    variants: dict[str, tuple[str, dict[str, str], Path | None]] = {
        "bare": (f"{base}/bench/bare", {}, None),
        "public": (base, {}, script),
        "recycler": (base, {"Authorization": f"Bearer {keys['recycler']}"}, script),
    }
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in variants}
    for round_no in range(1, ROUNDS + 1):
        for name, (url, headers, lua) in variants.items():
            wrk(url, WARMUP, headers, script=lua)
            runs[name].append(wrk(url, DURATION, headers, script=lua))
            r = runs[name][-1]
            print(
                f"  round {round_no} {name:9s} {r['rps']:8.0f} req/s  p50 {r['p50_ms']:6.2f} ms  "
                f"p99 {r['p99_ms']:6.2f} ms",
                flush=True,
            )
    return runs


def run() -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-passport-read-") as tmpdir:
        tmp = Path(tmpdir)
        env, keys, _owner = prepare_database(tmp)
        script = tmp / "random-passport.lua"
        script.write_text(LUA.replace("{count}", str(PASSPORTS)).replace("{last}", str(PASSPORTS - 1)))
        with serve(env, tmp / "server.log") as base:
            verify(base, keys)
            runs = measure(base, keys, script)
    params = {
        "passports": PASSPORTS,
        "clients": CLIENTS,
        "wrk_threads": THREADS,
        "duration_s": DURATION,
        "warmup_s": WARMUP,
        "rounds": ROUNDS,
        "statistic": "median over rounds",
        "workers": 1,
        "database": "sqlite (WAL)",
        "loop_http": " ".join(server_options()) or "uvicorn defaults",
        "endpoint": "GET /v1/passports/{id}, a random one of the stored passports per request",
        "baseline": "GET /bench/bare (sync, no auth, no database)",
        "timeouts": {name: sum(int(r["timeouts"]) for r in rs) for name, rs in runs.items()},
    }
    bare = runs["bare"]
    rows = []
    for variant, note in (
        ("public", "anonymous: public view"),
        ("recycler", f"{RECYCLER} admin key: legitimate-interest view (audited)"),
    ):
        p = {**params, "caller": note}
        rows += [
            row(f"passport_read_{variant}_rps", median(runs[variant], "rps"), "req/s", median(bare, "rps"), p),
            row(f"passport_read_{variant}_p50_ms", median(runs[variant], "p50_ms"), "ms", median(bare, "p50_ms"), p),
            row(f"passport_read_{variant}_p99_ms", median(runs[variant], "p99_ms"), "ms", median(bare, "p99_ms"), p),
        ]
    return rows


def checks(rows: list[dict]) -> list[tuple[str, bool]]:
    by_name = {r["name"]: r for r in rows}
    out = []
    for variant in ("public", "recycler"):
        rps, p99 = by_name[f"passport_read_{variant}_rps"]["value"], by_name[f"passport_read_{variant}_p99_ms"]["value"]
        out += [
            (f"passport_read {variant}: {rps:,.0f} req/s (target >= {TARGET_RPS:,.0f})", rps >= TARGET_RPS),
            (f"passport_read {variant}: p99 {p99:.1f} ms (target < {TARGET_P99_MS:.0f} ms)", p99 < TARGET_P99_MS),
        ]
    return out

"""Authenticated read (``GET /v1/organizations/{id}`` with an API key) against a bare endpoint, same server.

One uvicorn worker on a temporary SQLite database with the demo consortium; ``wrk`` drives 32 loopback
connections. Rounds run interleaved (bare, auth, bare-async, ...) and each figure is the median over rounds.
Environment: ``BENCH_DURATION`` (s, default 10), ``BENCH_ROUNDS`` (default 3) for quicker runs.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from _server import CLIENTS, THREADS, median, row, serve, server_options, status_of, wrk

REQUIRES = {"wrk": "install it with `apt-get install -y wrk` (Debian package)"}

DURATION = int(os.environ.get("BENCH_DURATION", "10"))
WARMUP = 2
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
TARGET_RATIO = 0.60
TARGET_P99_MS = 50.0


def prepare_database(tmp: Path) -> tuple[dict[str, str], str, str]:
    """Create the demo in a fresh SQLite database; return the server environment, a key and its org id."""
    from batteryloop.bootstrap import build_platform
    from batteryloop.demo.scenario import build_demo
    from batteryloop.settings import Settings
    from batteryloop.storage.migrate import upgrade

    env = {
        "BATTERYLOOP_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "BATTERYLOOP_SIGNING_KEY_FILE": str(tmp / "signing-key.pem"),
    }
    settings = Settings(
        database_url=env["BATTERYLOOP_DATABASE_URL"],
        signing_key_file=Path(env["BATTERYLOOP_SIGNING_KEY_FILE"]),
    )
    platform = build_platform(settings)
    try:
        assert platform.engine is not None
        upgrade(platform.engine)
        demo = build_demo(platform.store, seed=7, batteries=0)
    finally:
        platform.dispose()
    key = demo.keys[0]
    return env, key.key, str(demo.organization_ids[key.organization])


def measure(base: str, key: str, org_id: str) -> dict[str, list[dict[str, float]]]:
    auth = {"Authorization": f"Bearer {key}"}
    variants = {
        "bare": (f"{base}/bench/bare", {}),
        "auth": (f"{base}/v1/organizations/{org_id}", auth),
        "bare_async": (f"{base}/bench/bare-async", {}),
    }
    if status_of(variants["auth"][0], auth) != 200 or status_of(variants["auth"][0]) != 401:
        raise RuntimeError("the authenticated endpoint must answer 200 with the key and 401 without it")
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in variants}
    for round_no in range(1, ROUNDS + 1):
        for name, (url, headers) in variants.items():
            wrk(url, WARMUP, headers)
            runs[name].append(wrk(url, DURATION, headers))
            r = runs[name][-1]
            print(
                f"  round {round_no} {name:10s} {r['rps']:8.0f} req/s  p50 {r['p50_ms']:6.2f} ms  "
                f"p99 {r['p99_ms']:6.2f} ms",
                flush=True,
            )
    return runs


def run() -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-api-read-") as tmpdir:
        tmp = Path(tmpdir)
        env, key, org_id = prepare_database(tmp)
        options = server_options()
        with serve(env, tmp / "server.log") as base:
            runs = measure(base, key, org_id)
    params = {
        "clients": CLIENTS,
        "wrk_threads": THREADS,
        "duration_s": DURATION,
        "warmup_s": WARMUP,
        "rounds": ROUNDS,
        "statistic": "median over rounds",
        "workers": 1,
        "database": "sqlite (WAL)",
        "loop_http": " ".join(options) or "uvicorn defaults",
        "endpoint": "GET /v1/organizations/{id}",
        "baseline": "GET /bench/bare (sync, no auth, no database)",
        "timeouts": {name: sum(int(r["timeouts"]) for r in rs) for name, rs in runs.items()},
    }
    auth, bare = runs["auth"], runs["bare"]
    return [
        row("api_read_auth_rps", median(auth, "rps"), "req/s", median(bare, "rps"), params),
        row("api_read_auth_p50_ms", median(auth, "p50_ms"), "ms", median(bare, "p50_ms"), params),
        row("api_read_auth_p99_ms", median(auth, "p99_ms"), "ms", median(bare, "p99_ms"), params),
        row(
            "api_read_bare_async_rps",
            median(runs["bare_async"], "rps"),
            "req/s",
            median(bare, "rps"),
            {**params, "note": "informational: async bare route vs the sync bare baseline"},
        ),
    ]


def checks(rows: list[dict]) -> list[tuple[str, bool]]:
    by_name = {r["name"]: r for r in rows}
    ratio, p99 = by_name["api_read_auth_rps"]["ratio"], by_name["api_read_auth_p99_ms"]["value"]
    return [
        (
            f"api_read: auth keeps {ratio:.0%} of bare throughput (target >= {TARGET_RATIO:.0%})",
            ratio >= TARGET_RATIO,
        ),
        (f"api_read: auth p99 {p99:.1f} ms (target < {TARGET_P99_MS:.0f} ms)", p99 < TARGET_P99_MS),
    ]

"""Authenticated read (``GET /v1/organizations/{id}`` with an API key) against a bare endpoint, same server.

One uvicorn worker on a temporary SQLite database with the demo consortium; ``wrk`` drives 32 loopback
connections. Rounds run interleaved (bare, auth, bare-async, ...) and each figure is the median over rounds.
Environment: ``BENCH_DURATION`` (s, default 10), ``BENCH_ROUNDS`` (default 3) for quicker runs.
"""

from __future__ import annotations

import importlib.util
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REQUIRES = {"wrk": "install it with `apt-get install -y wrk` (Debian package)"}

CLIENTS = 32
THREADS = 2
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
WARMUP = 2
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
TARGET_RATIO = 0.60
TARGET_P99_MS = 50.0
BENCH_DIR = Path(__file__).resolve().parent
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_options() -> list[str]:
    """Use uvloop and httptools when installed (uvicorn[standard] brings them)."""
    options = []
    if importlib.util.find_spec("uvloop"):
        options += ["--loop", "uvloop"]
    if importlib.util.find_spec("httptools"):
        options += ["--http", "httptools"]
    return options


def status_of(url: str, headers: dict[str, str] | None = None) -> int:
    try:
        request = urllib.request.Request(url, headers=headers or {})
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited with {server.returncode}:\n{log.read_text()}")
        try:
            if status_of(url) == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server did not come up within 60 s:\n{log.read_text()}")


def parse_wrk(output: str) -> dict[str, float]:
    def find(pattern: str) -> tuple[str, ...]:
        match = re.search(pattern, output, re.M)
        if match is None:
            raise RuntimeError(f"cannot find {pattern!r} in the output of wrk:\n{output}")
        return match.groups()

    def latency(pct: str) -> float:
        value, unit = find(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s|m)\s*$")
        return float(value) * UNITS_MS[unit]

    non_2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", output)
    timeouts = re.search(r"Socket errors: connect \d+, read \d+, write \d+, timeout (\d+)", output)
    return {
        "rps": float(find(r"Requests/sec:\s*([\d.]+)")[0]),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
    }


def wrk(url: str, seconds: int, headers: dict[str, str]) -> dict[str, float]:
    cmd = ["wrk", f"-t{THREADS}", f"-c{CLIENTS}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    done = subprocess.run([*cmd, url], capture_output=True, text=True, check=True)
    result = parse_wrk(done.stdout)
    if result["non_2xx"]:
        raise RuntimeError(f"wrk got {result['non_2xx']} non-2xx answers from {url}:\n{done.stdout}")
    return result


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


def median(runs: list[dict[str, float]], field: str) -> float:
    return statistics.median(r[field] for r in runs)


def row(name: str, value: float, unit: str, baseline: float, params: dict) -> dict:
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "baseline_value": baseline,
        "ratio": value / baseline if baseline else None,
        "params": params,
    }


def run() -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-api-read-") as tmpdir:
        tmp = Path(tmpdir)
        env, key, org_id = prepare_database(tmp)
        port, log = free_port(), tmp / "server.log"
        options = server_options()
        cmd = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "asgi_app:create_bench_app",
            "--app-dir",
            str(BENCH_DIR),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--log-level",
            "warning",
            "--no-access-log",
            *options,
        ]
        with log.open("wb") as out:
            server = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(f"{base}/bench/bare", server, log)
            runs = measure(base, key, org_id)
        finally:
            server.terminate()
            server.wait(timeout=30)
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

"""Shared helpers of the HTTP benchmarks: start the bench app on one uvicorn worker, drive it with ``wrk``.

The app is ``asgi_app:create_bench_app`` (the real app plus the bare baseline routes); settings come from the
environment given to :func:`serve`. Parsing and readiness helpers are those of ``bench_api_read``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["CLIENTS", "THREADS", "serve", "server_options", "status_of", "wrk"]

BENCH_DIR = Path(__file__).resolve().parent
CLIENTS = 32
THREADS = 2
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


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


@contextmanager
def serve(env: dict[str, str], log: Path) -> Iterator[str]:
    """Run the bench app on one uvicorn worker (uvloop/httptools when installed); yield its base URL."""
    port = free_port()
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
        *server_options(),
    ]
    with log.open("wb") as out:
        server = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/bench/bare", server, log)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def wrk(
    url: str, seconds: int, headers: dict[str, str], *, script: Path | None = None, allow_non_2xx: bool = False
) -> dict[str, float]:
    """One ``wrk`` run (32 connections, 2 threads, latency percentiles); a non-2xx answer is an error."""
    cmd = ["wrk", f"-t{THREADS}", f"-c{CLIENTS}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    if script is not None:
        cmd += ["-s", str(script)]
    done = subprocess.run([*cmd, url], capture_output=True, text=True, check=True)
    result = parse_wrk(done.stdout)
    if result["non_2xx"] and not allow_non_2xx:
        raise RuntimeError(f"wrk got {result['non_2xx']} non-2xx answers from {url}:\n{done.stdout}")
    return result

"""Shared helpers of the HTTP benchmarks: start the bench app on one uvicorn worker, drive it with ``wrk``.

The app is ``asgi_app:create_bench_app`` (the real app plus the bare baseline routes); settings come from the
environment given to :func:`serve`. Parsing and readiness helpers are those of ``bench_api_read``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench_api_read import CLIENTS, THREADS, free_port, parse_wrk, server_options, status_of, wait_until_up

__all__ = ["CLIENTS", "THREADS", "serve", "server_options", "status_of", "wrk"]

BENCH_DIR = Path(__file__).resolve().parent


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

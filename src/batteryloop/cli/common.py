"""What every command shares: the platform from the environment, the operator's unit of work, errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import typer
from cryptography.exceptions import UnsupportedAlgorithm
from rich.console import Console
from sqlalchemy.exc import ArgumentError

from batteryloop.bootstrap import Platform, build_platform
from batteryloop.domain.access import Actor
from batteryloop.settings import Settings
from batteryloop.storage.migrate import current_revision, head_revision
from batteryloop.storage.uow import UnitOfWork

# soft_wrap: never break lines (ids, keys, URLs) at the terminal width; scripts read this output
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)
OPERATOR = Actor.platform_operator()


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr and a non-zero exit."""
    print(f"error: {message}", file=sys.stderr)
    raise typer.Exit(code)


def open_platform(settings: Settings | None = None) -> Platform:
    settings = settings or Settings()
    try:
        return build_platform(settings)
    except ArgumentError as exc:
        fail(
            f"BATTERYLOOP_DATABASE_URL: {settings.database_url!r} is not a database URL ({exc}); "
            "use sqlite:///file.db or postgresql://user@host:5432/db",
            2,
        )
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        if str(settings.signing_key_file) in str(exc) or "PEM" in str(exc) or "key" in str(exc).lower():
            fail(
                f"BATTERYLOOP_SIGNING_KEY_FILE: {settings.signing_key_file} is not a usable Ed25519 private key "
                f"({exc}); point the variable at the platform's key file, or at a new path to generate one",
                2,
            )
        fail(str(exc), 2)


@contextmanager
def operator_uow(platform: Platform | None = None) -> Iterator[UnitOfWork]:
    """A unit of work for the platform operator, committed when the block ends without error."""
    platform = platform or open_platform()
    try:
        if current_revision(platform.store.bind) != head_revision():
            fail("the database schema is not current; run 'batteryloop db upgrade' first", 2)
        with platform.store.uow() as uow:
            yield uow
            uow.commit()
    finally:
        platform.dispose()


def read_text(path: str, what: str) -> str:
    """The UTF-8 text of a file, or of stdin for ``-``; exits 2 with one line naming ``what`` when it cannot."""
    try:
        return sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        fail(f"{what}: cannot read {path}: {exc.strerror or exc}", 2)
    except UnicodeDecodeError:
        fail(f"{what}: {path} is not UTF-8 text", 2)


def read_json(path: str, what: str = "input") -> object:
    """The JSON document of a file or stdin; exits 2 with one line when it cannot be read or parsed."""
    text = read_text(path, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"{what}: not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", 2)

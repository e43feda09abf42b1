"""What every command shares: the platform from the environment, the operator's unit of work, errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console

from batteryloop.bootstrap import Platform, build_platform
from batteryloop.domain.access import Actor
from batteryloop.settings import Settings
from batteryloop.storage.migrate import current_revision, head_revision
from batteryloop.storage.uow import UnitOfWork

console = Console()
err_console = Console(stderr=True)
OPERATOR = Actor.platform_operator()


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr and a non-zero exit."""
    print(f"error: {message}", file=sys.stderr)
    raise typer.Exit(code)


def open_platform(settings: Settings | None = None) -> Platform:
    try:
        return build_platform(settings or Settings())
    except ValueError as exc:
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

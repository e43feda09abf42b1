"""Preparing imported passports a batch at a time, in this process or in worker processes.

A :class:`Job` is one batch of a file's records in the least-processed form that can be split off the file: JSON
lines as text, CSV rows as their text (grouped by quote parity, since a quoted cell may span lines), other formats
as mapped records. :func:`prepare_job` parses, validates and encodes them for the database (``storage.bulk``) and
returns a :class:`Prepared` batch: the good passports ready for the driver and every bad record with its problems.
It needs no connection, so :func:`prepared_batches` can run it in worker processes while the importing process
writes the batches before.

The workers are forked from a forkserver that has this module loaded (no fork of a process holding threads or
connections); the pool starts only when a file has more than one batch, so small imports never pay for it.
"""

from __future__ import annotations

import gc
import itertools
import json
import multiprocessing
import os
import threading
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from batteryloop.domain.errors import DomainError, InvalidInputError
from batteryloop.domain.passport.exchange.csvformat import cells_reader, read_csv_row
from batteryloop.domain.passport.problems import PassportValidationError
from batteryloop.services.passport import prepare_passport
from batteryloop.storage.bulk import EncodedPassports, encode_passports

JobKind = Literal["jsonl", "csv", "parsed"]


@dataclass
class RecordError:
    """A record that cannot be imported: where it is, its problems and (when readable) its passport id."""

    position: str
    problems: list[dict[str, str]]
    passport_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"position": self.position, "problems": self.problems}
        if self.passport_id:
            out["passport_id"] = self.passport_id
        return out


@dataclass(slots=True)
class Job:
    """One batch of records: ``items`` are ``(line number, JSON text)`` (jsonl), ``(line number, row text)`` (csv,
    with the header's ``columns``) or ``(position, record or DomainError)`` (parsed)."""

    kind: JobKind
    items: list[tuple[Any, Any]]
    owner: uuid.UUID
    now: datetime
    dialect: str
    columns: tuple[str, ...] = ()


@dataclass(slots=True)
class Prepared:
    """A prepared batch: ``passports`` ready for the driver (``positions[i]`` is where passport ``i`` stands in the
    file) and the bad records."""

    records: int
    passports: EncodedPassports
    positions: list[str]
    errors: list[RecordError] = field(default_factory=list)


def problems_of(exc: DomainError) -> list[dict[str, str]]:
    """Every problem of an error as ``{"field", "reason"}``."""
    listed = getattr(exc, "problems", None)
    if listed:
        return [p.to_dict() if hasattr(p, "to_dict") else {"field": str(p[0]), "reason": str(p[1])} for p in listed]
    return [{"field": exc.field or "record", "reason": exc.reason}]


def canonical(document: Any) -> Any:
    """Check the envelope of a canonical record, ``{"attributes": {...}}`` (and an optional ``model_code``)."""
    if not isinstance(document, dict) or "attributes" not in document:
        raise InvalidInputError('each record must be an object {"attributes": {...}}', field="record")
    extra = set(document) - {"attributes", "model_code"}
    if extra:
        raise InvalidInputError(f"unknown field(s) {sorted(extra)}; a record holds 'attributes'", field="record")
    return document


def read_items(job: Job) -> Iterator[tuple[str, Any]]:
    """``(position, record or DomainError)`` of each item of a job, in order; blank CSV rows are left out."""
    if job.kind == "parsed":
        yield from job.items
        return
    if job.kind == "csv":
        read = cells_reader(job.columns)
        for where, text in job.items:
            cells = read_csv_row(text, where)
            if isinstance(cells, DomainError):
                yield f"line {where}", cells
            elif cells:
                yield f"line {where}", read(cells)
        return
    for where, text in job.items:
        position = f"line {where}"
        record: Any
        try:
            record = canonical(json.loads(text))
        except json.JSONDecodeError as exc:
            record = InvalidInputError(f"not valid JSON: {exc.msg}", field=position)
        except DomainError as exc:
            record = exc
        yield position, record


def prepare_job(job: Job) -> Prepared:
    """Parse, validate and encode one batch (runs in a worker process or inline)."""
    errors: list[RecordError] = []
    positions: list[str] = []
    good: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    records = 0
    for position, parsed in read_items(job):
        records += 1
        if isinstance(parsed, DomainError):
            errors.append(RecordError(position, problems_of(parsed)))
            continue
        attributes = parsed.get("attributes")
        try:
            prepared = prepare_passport(attributes, owner_org_id=job.owner, now=job.now)
        except PassportValidationError as exc:
            pid = attributes.get("passport_id") if isinstance(attributes, dict) else None
            errors.append(RecordError(position, problems_of(exc), pid if isinstance(pid, str) else None))
            continue
        positions.append(position)
        good.append((prepared.row, prepared.readings))
    return Prepared(records, encode_passports(job.dialect, good), positions, errors)


def default_workers() -> int:
    """Worker processes for a large import: one per core beyond the importing process's own, at least one, at
    most four (``BATTERYLOOP_IMPORT_WORKERS`` overrides; 0 prepares everything in the importing process)."""
    configured = os.environ.get("BATTERYLOOP_IMPORT_WORKERS")
    if configured is not None and configured.strip().isdigit():
        return int(configured)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(4, cores)) if cores > 1 else 0


def _worker_start() -> None:
    # A batch allocates hundreds of thousands of short-lived, acyclic objects; the default thresholds make the
    # cyclic collector scan them again and again (measured: 10 % of a worker's time). Collect rarely instead.
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


def _pool(workers: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_start)


def _start_workers(pool: ProcessPoolExecutor, ready: Future[None]) -> None:
    try:
        pool.submit(os.getpid).result()
    except BaseException as exc:  # handed to the importing thread, which raises it
        ready.set_exception(exc)
    else:
        ready.set_result(None)


def prepared_batches(jobs: Iterable[Job], *, workers: int) -> Iterator[Prepared]:
    """Run :func:`prepare_job` over ``jobs``, yielding the results in order.

    With ``workers`` > 0 and more than one job, a pool of worker processes takes over once it has started; until
    then (process start-up takes most of a second) the jobs are prepared here, so nothing waits for it. At most
    two batches per worker are in flight, so memory stays flat.
    """
    iterator = iter(jobs)
    first = next(iterator, None)
    if first is None:
        return
    second = next(iterator, None)
    if second is None or workers <= 0:
        yield prepare_job(first)
        if second is not None:
            yield prepare_job(second)
            yield from map(prepare_job, iterator)
        return
    pool = _pool(workers)
    # The first submit starts the forkserver and waits for it to load this module (most of a second): done in a
    # thread, so this process prepares and writes the first batches meanwhile.
    ready: Future[None] = Future()
    starter = threading.Thread(target=_start_workers, args=(pool, ready), name="import-workers-start", daemon=True)
    starter.start()
    try:
        inline: Iterator[Job] = itertools.chain((first, second), iterator)
        for job in inline:
            yield prepare_job(job)
            if ready.done():
                break
        ready.result()  # a pool that could not start fails here, as a submit would
        pending: deque[Future[Prepared]] = deque()
        for job in inline:
            pending.append(pool.submit(prepare_job, job))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        starter.join()

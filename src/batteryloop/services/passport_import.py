"""Bulk passport import: stream records, validate every one, apply the whole file or nothing.

Formats: ``csv`` (docs/passport-format.md), ``jsonl`` (one canonical record per line), ``json`` (a canonical record
or a list of them, streamed with ijson), ``batterypass`` (Battery Pass v1.2 JSON: one document or a list),
``catenax`` (Catena-X battery pass 6.1.0: one document or a list). Memory stays flat in file size: records are
validated and inserted a batch at a time inside one transaction, which is rolled back when any record is bad;
only the list of problems grows.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import itertools
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import IO, Any

import ijson

from batteryloop.domain.access import Actor
from batteryloop.domain.errors import ConflictError, DomainError, InvalidInputError, PermissionDeniedError
from batteryloop.domain.passport.exchange import batterypass, catenax, csvformat
from batteryloop.domain.passport.exchange._common import check_on_invalid
from batteryloop.domain.passport.exchange.textio import decode_document
from batteryloop.services import audit
from batteryloop.services.passport_prepare import (
    Job,
    JobKind,
    Prepared,
    RecordError,
    canonical,
    default_workers,
    prepared_batches,
    read_items,
)
from batteryloop.storage.tables import ImportRow
from batteryloop.storage.uow import UnitOfWork

BATCH = 2000
MAX_LISTED_ERRORS = 1000


class ImportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"
    JSON = "json"
    BATTERYPASS = "batterypass"
    CATENAX = "catenax"


@dataclass
class ImportReport:
    format: str
    records: int = 0
    imported: int = 0
    skipped_existing: int = 0
    applied: bool = False
    errors: list[RecordError] = field(default_factory=list)
    error_count: int = 0
    #: values left out on import (on_invalid="omit") or adjusted, by position
    notes: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "records": self.records,
            "imported": self.imported,
            "skipped_existing": self.skipped_existing,
            "applied": self.applied,
            "error_count": self.error_count,
            "errors": [e.as_dict() for e in self.errors],
            "notes": self.notes,
        }


@dataclass(frozen=True, slots=True)
class _PositionedProblem:
    field: str
    reason: str


class ImportRejected(InvalidInputError):
    """The file has bad records: nothing was applied; ``report`` lists every one."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.problems = [
            _PositionedProblem(field=f"{e.position}: {p['field']}", reason=p["reason"])
            for e in report.errors
            for p in e.problems
        ]
        first = report.errors[0]
        super().__init__(
            f"{report.error_count} of {report.records} records are invalid; nothing was imported "
            f"(first: {first.position}: {first.problems[0]['field']}: {first.problems[0]['reason']})",
            field="file",
        )


# -- reading -----------------------------------------------------------------------------------------------------

Parsed = tuple[str, Any]  # (position, canonical record or DomainError)


def _text_lines(stream: IO[bytes]) -> Iterator[str]:
    head = stream.read(4)
    encoding = "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    return io.TextIOWrapper(io.BufferedReader(_Prefixed(head, stream)), encoding=encoding, newline=None)


class _Prefixed(io.RawIOBase):
    """A raw stream that first replays bytes already read (the BOM sniff), then the rest."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head = head
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _documents(stream: IO[bytes]) -> Iterator[tuple[str, Any]]:
    """JSON documents of a file that holds one object or a list of objects (streamed for lists)."""
    raw = stream.read()
    text = decode_document(raw)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", field="file"
        ) from None
    if isinstance(document, list):
        for i, item in enumerate(document):
            yield f"item {i + 1}", item
    else:
        yield "document", document


def _json_items(stream: IO[bytes]) -> Iterator[tuple[str, Any]]:
    head = stream.read(1)
    while head and head.isspace():
        head = stream.read(1)
    rest = _Prefixed(head, stream)
    if head == b"[":
        try:
            for i, item in enumerate(ijson.items(io.BufferedReader(rest), "item", use_float=True)):
                yield f"item {i + 1}", item
        except ijson.JSONError as exc:
            raise InvalidInputError(f"not valid JSON: {exc}", field="file") from None
    else:
        yield from _documents(io.BufferedReader(rest))


def _map(position: str, mapper: Callable[[Any], Any], document: Any) -> Parsed:
    try:
        return position, mapper(document)
    except DomainError as exc:
        return position, exc


class RecordSource:
    """The records of one file, read once: iterate for ``(position, record or error)``, or take :meth:`jobs`.

    :meth:`jobs` splits the file into batches in the least-processed form a worker process can take (JSON lines as
    text, CSV rows as cells; other formats mapped here), so parsing and validation can run off the importing
    process (:mod:`.passport_prepare`).
    """

    def __init__(
        self,
        fmt: ImportFormat,
        stream: IO[bytes],
        *,
        received_at: str | None = None,
        on_invalid: str = "refuse",
        notes: list[dict[str, str]] | None = None,
    ) -> None:
        self.fmt = fmt
        self._stream = stream
        self._received_at = received_at
        self._mode = check_on_invalid(on_invalid)
        self._notes = notes

    def __iter__(self) -> Iterator[Parsed]:
        if self.fmt in (ImportFormat.CSV, ImportFormat.JSONL):
            for job in self._raw_jobs(BATCH, owner=uuid.UUID(int=0), now=datetime.min, dialect=""):
                yield from read_items(job)
            return
        yield from self._mapped()

    def jobs(self, *, owner: uuid.UUID, now: datetime, dialect: str, size: int = BATCH) -> Iterator[Job]:
        """The file in batches of ``size`` records for :func:`~.passport_prepare.prepare_job`."""
        if self.fmt in (ImportFormat.CSV, ImportFormat.JSONL):
            yield from self._raw_jobs(size, owner=owner, now=now, dialect=dialect)
            return
        yield from _parsed_jobs(self._mapped(), size, owner=owner, now=now, dialect=dialect)

    def _raw_jobs(self, size: int, *, owner: uuid.UUID, now: datetime, dialect: str) -> Iterator[Job]:
        lines = _text_lines(self._stream)
        columns: tuple[str, ...] = ()
        if self.fmt is ImportFormat.JSONL:
            kind: JobKind = "jsonl"
            rows: Iterator[tuple[int, str]] = ((n, line) for n, line in enumerate(lines, start=1) if line.strip())
        else:
            kind, rows = "csv", csvformat.iter_csv_records(lines)
            columns = csvformat.read_csv_header(rows)
        while batch := list(itertools.islice(rows, size)):
            yield Job(kind, batch, owner, now, dialect, columns)

    def _mapped(self) -> Iterator[Parsed]:
        if self.fmt is ImportFormat.JSON:
            for position, document in _json_items(self._stream):
                yield _map(position, canonical, document)
            return
        mapper = (
            batterypass.from_batterypass_with_notes
            if self.fmt is ImportFormat.BATTERYPASS
            else catenax.from_catenax_with_notes
        )
        notes = self._notes
        for position, document in _documents(self._stream):

            def convert(document: Any, position: str = position) -> Any:
                mapped = mapper(document, received_at=self._received_at, on_invalid=self._mode)
                if notes is not None and len(notes) < MAX_LISTED_ERRORS:
                    notes.extend({"position": position, "field": path, "note": text} for path, text in mapped.notes)
                return mapped.record

            yield _map(position, convert, document)


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"not valid JSON: {exc.msg}", field="record") from None


def _parsed_jobs(
    parsed: Iterable[Parsed], size: int, *, owner: uuid.UUID, now: datetime, dialect: str
) -> Iterator[Job]:
    batch: list[tuple[Any, Any]] = []
    for item in parsed:
        batch.append(item)
        if len(batch) >= size:
            yield Job("parsed", batch, owner, now, dialect)
            batch = []
    if batch:
        yield Job("parsed", batch, owner, now, dialect)


def iter_records(
    fmt: ImportFormat,
    stream: IO[bytes],
    *,
    received_at: str | None = None,
    on_invalid: str = "refuse",
    notes: list[dict[str, str]] | None = None,
) -> RecordSource:
    """Records of a file with their positions ("line 7", "item 3"); bad ones come as errors in place.

    For Battery Pass and Catena-X documents, ``received_at`` stamps dynamic values that carry no time of their
    own, and ``on_invalid="omit"`` leaves out values that cannot be used (instead of refusing the document),
    each named in ``notes``.
    """
    return RecordSource(fmt, stream, received_at=received_at, on_invalid=on_invalid, notes=notes)


# -- applying ----------------------------------------------------------------------------------------------------


def import_passports(
    uow: UnitOfWork,
    actor: Actor,
    records: RecordSource | Iterable[Parsed],
    *,
    fmt: ImportFormat,
    resume: bool = False,
    progress: Callable[[int], None] | None = None,
    notes: list[dict[str, str]] | None = None,
    workers: int | None = None,
    batch: int = BATCH,
) -> ImportReport:
    """Validate every record and insert them all in the caller's transaction, or raise ImportRejected (the
    caller rolls back). With ``resume``, passports already registered are skipped (idempotent by passport id).

    Records are parsed and validated a batch at a time, in ``workers`` processes for a file of more than one
    batch (default :func:`~.passport_prepare.default_workers`; 0 keeps everything in this process), while this
    process writes the batches before.
    """
    if actor.org_id is None or not actor.may_write:
        raise PermissionDeniedError("only admins and operators of an organisation import passports", field="role")
    owner = actor.org_id
    now = uow.now()
    report = ImportReport(format=fmt.value, notes=notes if notes is not None else [])
    # Memory stays flat: the transaction itself remembers the passports of this file. Batches keep going in
    # after a bad record (the whole transaction is rolled back then), so a duplicate is found by the database
    # wherever it is in the file; passports with a key above ``before`` were added by this import.
    before = uow.passports.max_pk()
    if isinstance(records, RecordSource):
        jobs = records.jobs(owner=owner, now=now, dialect=uow.dialect, size=batch)
    else:
        jobs = _parsed_jobs(records, batch, owner=owner, now=now, dialect=uow.dialect)

    def fail(error: RecordError) -> None:
        report.error_count += 1
        if len(report.errors) < MAX_LISTED_ERRORS:
            report.errors.append(error)

    def write(prepared: Prepared) -> None:
        if not prepared.passports:
            return
        # optimistic: a file of new passports goes in without looking each one up first; when an id is taken
        # (or repeated in this batch), nothing of the batch is written and the lookup below finds which
        if uow.passports.try_add_encoded(prepared.passports):
            report.imported += len(prepared.passports)
            return
        ids = prepared.passports.passport_ids
        existing = uow.passports.existing_pks(ids)
        seen: set[str] = set()
        keep: list[int] = []
        for i, pid in enumerate(ids):
            reason = None
            if pid in seen or (pid in existing and existing[pid] > before):
                reason = f"passport {pid!r} appears earlier in this file"
            elif pid in existing:
                if resume:
                    report.skipped_existing += 1
                    continue
                reason = f"passport {pid!r} is already registered; use --resume to skip registered passports"
            if reason is not None:
                fail(RecordError(prepared.positions[i], [{"field": "attributes.passport_id", "reason": reason}], pid))
                continue
            seen.add(pid)
            keep.append(i)
        if keep:
            uow.passports.add_encoded(prepared.passports.only(keep))
            report.imported += len(keep)

    chosen = default_workers() if workers is None else workers
    for prepared in prepared_batches(jobs, workers=chosen):
        report.records += prepared.records
        for error in prepared.errors:
            fail(error)
        write(prepared)
        if progress is not None:
            progress(prepared.records)
    if report.records == 0:
        raise InvalidInputError("the file holds no passport records", field="file")
    if report.error_count:
        report.imported = 0
        raise ImportRejected(report)
    report.applied = True
    audit.record(
        uow,
        actor,
        action="passport.import",
        resource_type="passport",
        owner_org_id=owner,
        detail=f"{fmt}: {report.imported} imported, {report.skipped_existing} skipped",
    )
    return report


def remember_import(
    uow: UnitOfWork, actor: Actor, *, idempotency_key: str, content_sha256: str, fmt: ImportFormat, report: ImportReport
) -> None:
    assert actor.org_id is not None
    uow.passports.add_import(
        ImportRow(
            owner_org_id=actor.org_id,
            idempotency_key=idempotency_key,
            content_sha256=content_sha256,
            format=fmt.value,
            created_at=uow.now(),
            passports=report.imported,
            result=json.dumps(report.as_dict()),
        )
    )


def previous_import(
    uow: UnitOfWork, actor: Actor, *, idempotency_key: str, content_sha256: str
) -> dict[str, Any] | None:
    """The stored result of an import with this key; a different file under the same key is a conflict."""
    if actor.org_id is None:
        return None
    row = uow.passports.find_import(actor.org_id, idempotency_key)
    if row is None:
        return None
    if row.content_sha256 != content_sha256:
        raise ConflictError(
            "this Idempotency-Key was used for a different file; use a new key for a new file", field="idempotency_key"
        )
    result: dict[str, Any] = json.loads(row.result)
    return result


def sha256_of(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()

from __future__ import annotations

import tempfile
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse

from batteryloop.api.deps import CallerDep
from batteryloop.api.schemas.common import PROBLEM_RESPONSES
from batteryloop.domain.access import Actor
from batteryloop.services import passport_import
from batteryloop.services.passport_import import ImportFormat
from batteryloop.storage.uow import UnitOfWork

router = APIRouter(tags=["passports"], responses=PROBLEM_RESPONSES)

SPOOL_IN_MEMORY_BYTES = 8 * 1024 * 1024


@router.post(
    "/v1/passports:import",
    responses={200: {"description": "The import report (imported, skipped, records)"}},
    openapi_extra={
        "requestBody": {
            "content": {"text/csv": {}, "application/json": {}, "application/x-ndjson": {}},
            "required": True,
        }
    },
)
async def import_passports(
    request: Request,
    call: CallerDep,
    format: Annotated[ImportFormat, Query(description="csv, jsonl, json, batterypass or catenax")],
    resume: Annotated[bool, Query(description="Skip passports already registered")] = False,
    on_invalid: Annotated[
        str,
        Query(
            description="Battery Pass / Catena-X: 'refuse' a document with an unusable value (default) or "
            "'omit' such values, each listed in the report's notes"
        ),
    ] = "refuse",
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            max_length=200,
            description="Repeat a request with the same key and file: it applies once and answers the same",
        ),
    ] = None,
) -> JSONResponse:
    """Bulk import: the body is the file. Every record is validated; the file applies whole or not at all, and a
    refusal lists every bad record with its position. Streams to a temporary file (memory stays flat)."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES)  # noqa: SIM115 (closed below)
    try:
        async for chunk in request.stream():
            spool.write(chunk)
        spool.seek(0)
        digest = passport_import.sha256_of(spool)

        def use_case(uow: UnitOfWork, actor: Actor) -> tuple[dict[str, Any], bool]:
            if idempotency_key:
                previous = passport_import.previous_import(
                    uow, actor, idempotency_key=idempotency_key, content_sha256=digest
                )
                if previous is not None:
                    return previous, True
            notes: list[dict[str, str]] = []
            records = passport_import.iter_records(
                format,
                spool,
                received_at=uow.now().isoformat(),
                on_invalid=on_invalid,
                notes=notes,
            )
            report = passport_import.import_passports(uow, actor, records, fmt=format, resume=resume, notes=notes)
            if idempotency_key:
                passport_import.remember_import(
                    uow, actor, idempotency_key=idempotency_key, content_sha256=digest, fmt=format, report=report
                )
            return report.as_dict(), False

        result, replayed = await call(use_case)
    finally:
        spool.close()
    return JSONResponse(
        result, status_code=200 if replayed else 201, headers={"Idempotent-Replayed": "true"} if replayed else None
    )

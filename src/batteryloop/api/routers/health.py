from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from batteryloop import __version__
from batteryloop.api.deps import PlatformDep
from batteryloop.storage.migrate import current_revision, head_revision

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(platform: PlatformDep) -> JSONResponse:
    """Liveness and readiness: the database answers and its schema is current."""
    body: dict[str, Any] = {"status": "ok", "version": __version__}
    try:
        platform.store.ping()
        revision = current_revision(platform.store.bind)
    except Exception as exc:
        body.update(status="unavailable", database="unreachable", detail=type(exc).__name__)
        return JSONResponse(body, status_code=503)
    body["database"] = platform.store.bind.dialect.name
    body["schema_revision"] = revision
    if revision != head_revision():
        body.update(status="unavailable", detail="schema is not current: run 'batteryloop db upgrade'")
        return JSONResponse(body, status_code=503)
    return JSONResponse(body)

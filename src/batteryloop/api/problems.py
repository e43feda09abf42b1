"""RFC 9457 problem details for every error the API returns, naming the field and the reason."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from batteryloop.domain.access import Actor
from batteryloop.domain.apikey import hash_api_key
from batteryloop.domain.audit import AuditOutcome
from batteryloop.domain.errors import (
    AuthenticationError,
    ConflictError,
    DomainError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from batteryloop.services import audit
from batteryloop.services.calc import CalcItemError

log = logging.getLogger("batteryloop.api")

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://batteryloop.github.io/problems/"

#: Domain error → (HTTP status, problem type slug). The one table mapping the core's errors to HTTP.
STATUS_OF: list[tuple[type[DomainError], int, str]] = [
    (InvalidInputError, 422, "invalid-input"),
    (NotFoundError, 404, "not-found"),
    (ConflictError, 409, "conflict"),
    (PermissionDeniedError, 403, "forbidden"),
    (AuthenticationError, 401, "unauthenticated"),
    (DomainError, 500, "internal"),
]


def problem(
    status: int,
    *,
    title: str | None = None,
    detail: str = "",
    slug: str | None = None,
    instance: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug if slug else "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or title or HTTPStatus(status).phrase,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    if extra:
        body.update(extra)
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": 'Bearer realm="batteryloop"'}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _record_failure(request: Request, exc: DomainError, outcome: AuditOutcome) -> None:
    """Failed writes, and refused reads, of an identified actor go to the audit log in their own transaction."""
    actor = getattr(request.state, "actor", None)
    platform = getattr(request.app.state, "platform", None)
    if platform is None:
        return
    if actor is None:
        if isinstance(exc, AuthenticationError):
            _record_refused_key(request, platform, exc)
        return
    if request.method in ("GET", "HEAD") and not isinstance(exc, PermissionDeniedError):
        return
    route = request.scope.get("route")
    action = getattr(route, "name", None) or request.url.path
    try:
        with platform.store.uow() as uow:
            audit.record(
                uow,
                actor,
                action=f"api.{action}",
                resource_type="request",
                resource_id=request.url.path,
                owner_org_id=getattr(exc, "owner_org_id", None),
                outcome=outcome,
                detail=str(exc),
            )
            uow.commit()
    except Exception:  # the audit must not turn a clean 4xx into a 500
        log.exception("could not record a failed request in the audit log")


def _record_refused_key(request: Request, platform: Any, exc: AuthenticationError) -> None:
    """A revoked or expired key that is still used goes to its organisation's audit trail (unknown keys do not:
    anyone can send random strings, and they identify nobody)."""
    header = request.headers.get("authorization", "")
    token = (
        header.partition(" ")[2].strip() if header.lower().startswith("bearer ") else request.headers.get("x-api-key")
    )
    if not token:
        return
    try:
        with platform.store.uow() as uow:
            owner = uow.keys.find_owner_by_hash(hash_api_key(token))
            if owner is None:
                return
            claimed = Actor(
                org_id=owner.organization.id,
                org_kind=owner.organization.kind,
                role=owner.member.role,
                member_id=owner.member.id,
                key_id=owner.key.id,
            )
            audit.record(
                uow,
                claimed,
                action="auth.refused",
                resource_type="api_key",
                resource_id=owner.key.id,
                owner_org_id=owner.organization.id,
                outcome=AuditOutcome.DENIED,
                detail=f"{request.method} {request.url.path}: {exc.reason}",
            )
            uow.commit()
    except Exception:
        log.exception("could not record a refused key in the audit log")


def _field_reason(item: Any) -> dict[str, str]:
    """A listed problem: an object with ``field`` and ``reason``, or a ``(path, reason)`` pair."""
    if hasattr(item, "field"):
        return {"field": str(item.field), "reason": str(item.reason)}
    path, reason = item
    return {"field": str(path), "reason": str(reason)}


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        status, slug = next((st, sl) for cls, st, sl in STATUS_OF if isinstance(exc, cls))
        outcome = {403: AuditOutcome.DENIED, 404: AuditOutcome.NOT_FOUND}.get(status, AuditOutcome.REJECTED)
        if status < 500:
            await _run_sync(_record_failure, request, exc, outcome)
        listed = getattr(exc, "problems", None)  # validation that collects every problem names them all
        if listed:
            errors: list[dict[str, str]] | None = [_field_reason(p) for p in listed]
        else:
            errors = [{"field": exc.field, "reason": exc.reason}] if exc.field else None
        report = getattr(exc, "report", None)  # a rejected bulk import: every bad record with its position
        return problem(
            status,
            slug=slug,
            title="Invalid input" if status == 422 else HTTPStatus(status).phrase,
            detail=str(exc),
            instance=request.url.path,
            errors=errors,
            extra={"report": report.as_dict()} if report is not None else None,
        )

    @app.exception_handler(CalcItemError)
    async def calc_error(request: Request, exc: CalcItemError) -> JSONResponse:
        status = 404 if exc.title == "Unknown calculation topic" else 422
        return problem(
            status,
            slug="invalid-input",
            title=exc.title,
            detail=exc.detail,
            instance=request.url.path,
            errors=[p.as_dict() for p in exc.problems],
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errs = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in errs):
            e = next(e for e in errs if e.get("type") == "json_invalid")
            where = e.get("ctx", {}).get("error", "")
            return problem(
                400,
                slug="malformed-json",
                title="Malformed JSON",
                detail=f"the request body is not valid JSON ({where}); check quotes, commas and braces",
                instance=request.url.path,
                errors=[{"field": "body", "reason": "not valid JSON"}],
            )
        fields = []
        for e in errs:
            reason = e["msg"]
            if e["type"] == "extra_forbidden":
                reason = "unknown field; remove it or check its spelling"
            elif e["type"] == "missing":
                reason = "is required"
            fields.append({"field": _field_name(tuple(e["loc"])), "reason": reason})
        detail = "; ".join(f"{f['field']}: {f['reason']}" for f in fields)
        return problem(
            422,
            slug="invalid-input",
            title="Invalid input",
            detail=detail,
            instance=request.url.path,
            errors=fields,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"there is no resource at {request.url.path}; see /docs for the API"
        if exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}; see /docs for the API"
        if exc.status_code == 413:  # a streamed body passed the limit (the middleware answers declared sizes)
            return problem(
                413,
                slug="too-large",
                title="Content Too Large",
                detail=detail,
                instance=request.url.path,
                errors=[{"field": "body", "reason": detail}],
            )
        return problem(exc.status_code, detail=detail, instance=request.url.path, headers=getattr(exc, "headers", None))

    @app.exception_handler(IntegrityError)
    async def integrity_error(request: Request, exc: IntegrityError) -> JSONResponse:
        log.info("integrity error on %s %s: %s", request.method, request.url.path, exc.orig)
        return problem(
            409,
            slug="conflict",
            detail="the request conflicts with stored data (a duplicate name or id, "
            "or a reference to something that no longer exists); nothing was written",
            instance=request.url.path,
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(
            500,
            slug="internal",
            detail="an unexpected error occurred; it has been logged",
            instance=request.url.path,
        )


async def _run_sync(fn: Any, *args: Any) -> None:
    await run_in_threadpool(fn, *args)

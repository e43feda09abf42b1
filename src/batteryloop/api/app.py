"""The REST API: ``create_api(platform)`` builds the FastAPI application (routers under /v1, docs at /docs)."""

from __future__ import annotations

from fastapi import FastAPI

from batteryloop import __version__
from batteryloop.api import problems
from batteryloop.api.routers import calc, consortium, health, organization
from batteryloop.bootstrap import Platform

DESCRIPTION = """
The shared platform for end-of-life EV battery recycling.

Authenticate with an API key: `Authorization: Bearer bl_…`. Every error is an RFC 9457 problem detail
(`application/problem+json`) naming the field and the reason. Lists are paged with `limit` and the opaque
`next_cursor` of the previous page.
"""


def create_api(platform: Platform) -> FastAPI:
    app = FastAPI(
        title="batteryloop",
        version=__version__,
        description=DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.platform = platform
    problems.install(app)
    for module in (health, organization, consortium, calc):
        app.include_router(module.router)
    return app

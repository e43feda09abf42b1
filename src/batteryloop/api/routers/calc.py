from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse

from batteryloop.api.schemas.common import PROBLEM_RESPONSES
from batteryloop.services.calc import CALCULATORS, run_document

router = APIRouter(prefix="/v1/calc", tags=["calc"], responses=PROBLEM_RESPONSES)


@router.get("")
def list_topics() -> dict[str, Any]:
    """The offline calculators, by topic, with an example input each (stateless; no key needed)."""
    return {
        "topics": [
            {
                "topic": c.topic,
                "summary": c.summary,
                "examples": list(c.examples),
                "input_schema": c.input_model.model_json_schema(),
            }
            for c in CALCULATORS.values()
        ]
    }


@router.post("/{topic}")
def calculate(topic: str, document: Any = Body(...)) -> JSONResponse:
    """Run a calculator: an object in gives an object out; a list in gives a list out, with
    ``{"error": {...}}`` in place of each item that failed (status 200 with header ``X-Failed-Items``)."""
    result, failed = run_document(topic, document)
    return JSONResponse(result, headers={"X-Failed-Items": str(failed)})

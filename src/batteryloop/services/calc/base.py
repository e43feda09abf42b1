"""The offline calculator contract shared by ``batteryloop calc <topic>`` and ``POST /v1/calc/<topic>``.

A calculator validates one JSON object into its input model (unknown fields refused), runs a domain function and
returns a JSON-ready dictionary. Failures become :class:`CalcItemError` with the field at fault and the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from batteryloop.domain.errors import DomainError


class CalcInput(BaseModel):
    """Base of calculator input models: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "reason": self.reason}


class CalcItemError(Exception):
    """One input item could not be calculated; carries every field problem found."""

    def __init__(self, title: str, problems: list[FieldProblem]) -> None:
        super().__init__(title)
        self.title = title
        self.problems = problems

    @property
    def detail(self) -> str:
        return "; ".join(f"{p.field}: {p.reason}" if p.field else p.reason for p in self.problems)

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "detail": self.detail,
            "errors": [p.as_dict() for p in self.problems],
        }


def field_problems_from_validation(exc: ValidationError, *, prefix: str = "") -> list[FieldProblem]:
    """Turn pydantic's errors into ``field`` / ``reason`` pairs with dotted field names."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(part) for part in err["loc"])
        name = f"{prefix}.{loc}" if prefix and loc else (prefix or loc)
        reason = err["msg"]
        if err["type"] == "extra_forbidden":
            reason = "unknown field; remove it or check its spelling"
        problems.append(FieldProblem(field=name, reason=reason))
    return problems


@dataclass(frozen=True, slots=True)
class Calculator:
    """One offline calculation: a topic name, its input model and the function that runs it."""

    topic: str
    summary: str
    input_model: type[CalcInput]
    compute: Callable[[Any], dict[str, Any]]
    examples: tuple[dict[str, Any], ...] = field(default=())

    def run(self, document: Any) -> dict[str, Any]:
        """Validate one JSON object and compute; raises :class:`CalcItemError` on any failure."""
        if not isinstance(document, dict):
            raise CalcItemError("Invalid input", [FieldProblem(field="", reason="each item must be a JSON object")])
        try:
            parsed = self.input_model.model_validate(document)
        except ValidationError as exc:
            raise CalcItemError("Invalid input", field_problems_from_validation(exc)) from exc
        try:
            return self.compute(parsed)
        except DomainError as exc:
            raise CalcItemError(
                "Calculation refused", [FieldProblem(field=exc.field or "", reason=exc.reason)]
            ) from exc

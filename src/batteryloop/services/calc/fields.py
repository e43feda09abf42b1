"""Input field helpers shared by the offline calculators: ISO dates, choices, quantities, JSON numbers."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from batteryloop.domain.transport import ClassificationInputError
from batteryloop.services.calc.base import CalcItemError, FieldProblem

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_iso_date(value: object) -> object:
    if value is None or isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("date_type", "must be an ISO 8601 date string such as 2026-03-15")
    if not _ISO_DATE.match(value.strip()):
        raise PydanticCustomError(
            "date_format", "must be an ISO 8601 date YYYY-MM-DD, e.g. 2026-03-15; got '{value}'", {"value": value}
        )
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise PydanticCustomError("date_value", "not a calendar date: {error}", {"error": str(exc)}) from None


IsoDate = Annotated[dt.date | None, BeforeValidator(parse_iso_date)]


def choice_field(description: str, choices: tuple[str, ...]) -> Any:
    return Field(default=None, strict=True, description=description, json_schema_extra={"examples": list(choices)})


def quantity_field(description: str) -> Any:
    return Field(default=None, strict=True, allow_inf_nan=False, description=description)


def json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def refused(exc: ClassificationInputError) -> CalcItemError:
    return CalcItemError("Invalid input", [FieldProblem(field=p.field, reason=p.reason) for p in exc.problems])

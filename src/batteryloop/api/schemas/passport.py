from __future__ import annotations

import uuid
from typing import Any

from pydantic import Field

from batteryloop.api.schemas.common import Schema


class PassportCreate(Schema):
    attributes: dict[str, Any] = Field(
        description="Attribute key → value, as in docs/passport-format.md (the 93 keys of the Battery Pass longlist)"
    )
    model_id: uuid.UUID | None = Field(default=None, description="Battery model whose model-level values apply")


class ReadingsCreate(Schema):
    attributes: dict[str, Any] = Field(
        description="Dynamic attributes only, each a list of {value, recorded_at} readings"
    )


class MissingAttribute(Schema):
    key: str
    name: str
    number: int


class CompletenessRead(Schema):
    category: str
    mandatory: int
    present: int
    complete_share: float = Field(description="Fraction in [0, 1] of the mandatory attributes present")
    missing: list[MissingAttribute]


class PassportRead(Schema):
    passport_id: str
    battery_id: str
    served_level: str = Field(description="public | legitimate_interest | authority | owner")
    roles: list[str] = Field(description="Legitimate-interest roles the view was served for")
    reasons: list[str]
    status: str
    category: str | None
    chemistry: str | None
    ceased: bool = Field(description="True once the battery is recycled: the passport is a read-only archive")
    predecessor_passport_id: str | None
    successor_passport_id: str | None
    owner_org_id: uuid.UUID | None
    attributes: dict[str, Any]
    withheld: int = Field(description="How many stored attributes this level does not show")
    completeness: CompletenessRead | None = None


class PassportSummary(Schema):
    passport_id: str
    battery_id: str
    status: str
    category: str | None
    chemistry: str | None
    owner_org_id: uuid.UUID


class PassportPage(Schema):
    items: list[PassportSummary]
    next_cursor: str | None = None


class StatusChangeCreate(Schema):
    status: str = Field(description="re-used | repurposed | remanufactured | waste | recycled")
    operator_org_id: uuid.UUID | None = Field(
        default=None,
        description="The operator carrying out the change: the waste operator taking a waste battery, or the "
        "operator that repurposes or remanufactures it (required for those)",
    )
    new_passport_id: str | None = Field(
        default=None, max_length=200, description="Identifier of the new passport (repurposing, remanufacturing)"
    )


class StatusChangeRead(Schema):
    passport_id: str
    from_status: str
    status: str = Field(description="This passport's status afterwards")
    ceased: bool
    superseded: bool
    new_passport_id: str | None
    responsible_org_id: uuid.UUID
    responsibility_transferred: bool
    rule: str
    reasons: list[str]

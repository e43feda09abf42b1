"""Passport export, streamed a batch at a time: canonical JSON lines, CSV, Battery Pass and Catena-X JSON."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from batteryloop.domain.passport.exchange import batterypass, catenax, csvformat
from batteryloop.services.passport import full_attributes
from batteryloop.storage.uow import UnitOfWork


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"
    BATTERYPASS = "batterypass"
    CATENAX = "catenax"


def _records(uow: UnitOfWork, owner_org_id: uuid.UUID) -> Iterator[dict[str, Any]]:
    models: dict[uuid.UUID, Any] = {}
    for stored in uow.passports.iter_owned(owner_org_id):
        model = None
        if stored.model_id is not None:
            if stored.model_id not in models:
                models[stored.model_id] = uow.passports.get_model(stored.model_id)
            model = models[stored.model_id]
        yield {"attributes": full_attributes(stored, model)}


def export_lines(uow: UnitOfWork, owner_org_id: uuid.UUID, fmt: ExportFormat) -> Iterator[str]:
    """Text of the export, a line (or a document per line) at a time; memory stays flat."""
    records = _records(uow, owner_org_id)
    if fmt is ExportFormat.JSONL:
        for record in records:
            yield json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
    elif fmt is ExportFormat.CSV:
        yield from csvformat.write_csv_rows(records)
    else:
        convert = batterypass.to_batterypass if fmt is ExportFormat.BATTERYPASS else catenax.to_catenax
        yield "[\n"
        first = True
        for record in records:
            yield ("" if first else ",\n") + json.dumps(convert(record), ensure_ascii=False)
            first = False
        yield "\n]\n"

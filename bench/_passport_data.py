"""Synthetic item-level passports for the passport benchmarks, and the raw rows the service stores for them.

:func:`record` gives passport ``n`` as a canonical record (docs/passport-format.md): identifiers, category, dates,
mass, chemistry and one dynamic attribute with three readings. :func:`raw_rows` turns the same record into the
rows of the ``passports`` and ``passport_readings`` tables exactly as ``services.passport.prepare_passport`` and
the storage layer would write them (attributes in longlist order, the implicit ``battery_status`` reading), so a
raw ``executemany`` / ``COPY`` baseline inserts the same rows without the service's parsing and validation.
:func:`check_raw_rows` proves that on a sample.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

# the columns the service's bulk writer fills (``id`` given explicitly: ids 1..N in a fresh table)
from batteryloop.storage.bulk import PASSPORT_COLUMNS
from batteryloop.storage.bulk import READING_COLUMNS as READING_COLUMNS  # re-exported: bench_passport_import uses it

DYNAMIC_KEY = "state_of_certified_energy_share"


def passport_id(n: int) -> str:
    return f"urn:bench:{n}"


def _months(year: int, month: int, add: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + add
    return total // 12, total % 12 + 1


def record(n: int) -> dict[str, Any]:
    """Passport ``n``: an EV pack built 2019-2024, in service 1-6 months later, with three SOCE readings."""
    year, month = 2019 + n % 6, 1 + (n // 6) % 12
    s_year, s_month = _months(year, month, 1 + n % 6)
    soce = 1.0 - (n % 7) / 200
    series = [
        {
            "value": round(soce - 0.02 * i - (n % 13) / 1000, 4),
            "recorded_at": f"{s_year + i:04d}-{s_month:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00Z",
        }
        for i in range(3)
    ]
    return {
        "attributes": {
            "passport_id": passport_id(n),
            "battery_id": f"VV-NMC811-{year}-{n:08d}",
            "battery_category": "ev",
            "manufacturing_date": f"{year:04d}-{month:02d}",
            "putting_into_service_date": f"{s_year:04d}-{s_month:02d}",
            "battery_mass_kg": round(380 + (n % 2400) / 10, 1),
            "battery_chemistry": {"code": "NMC811"},
            DYNAMIC_KEY: series,
        }
    }


# Longlist order of the static attributes above (what check_attributes returns and the service stores).
_STATIC_ORDER = (
    "passport_id",
    "battery_id",
    "manufacturing_date",
    "putting_into_service_date",
    "battery_category",
    "battery_mass_kg",
    "battery_chemistry",
)


def _stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def raw_rows(
    n: int, pk: int, owner: uuid.UUID, now: datetime, *, with_series: bool = True
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The ``passports`` row (with ``id`` = ``pk``) and the readings rows the service stores for record ``n``.

    Values are Python objects (UUID, aware datetimes, the attributes dict); :func:`sqlite_row` and friends
    encode them per database. ``with_series=False`` leaves out the dynamic attribute (only the implicit
    ``battery_status`` reading stays), as for a passport registered without condition data.
    """
    attrs = record(n)["attributes"]
    row = {
        "id": pk,
        "passport_id": attrs["passport_id"],
        "battery_id": attrs["battery_id"],
        "owner_org_id": owner,
        "model_id": None,
        "category": "ev",
        "chemistry": "NMC811",
        "status": "original",
        "predecessor_passport_id": None,
        "successor_passport_id": None,
        "ceased_at": None,
        "created_at": now,
        "updated_at": now,
        "attributes": {key: attrs[key] for key in _STATIC_ORDER},
    }
    readings = []
    if with_series:
        readings = [
            {"passport_pk": pk, "attribute": DYNAMIC_KEY, "recorded_at": r["recorded_at"], "value": r["value"]}
            for r in attrs[DYNAMIC_KEY]
        ]
    readings.append({"passport_pk": pk, "attribute": "battery_status", "recorded_at": now, "value": "original"})
    return row, readings


def check_raw_rows(sample: range, owner: uuid.UUID, now: datetime) -> None:
    """Assert that :func:`raw_rows` equals what ``prepare_passport`` makes of :func:`record` (a sample)."""
    from batteryloop.services.passport import prepare_passport

    for n in sample:
        prepared = prepare_passport(record(n)["attributes"], owner_org_id=owner, now=now)
        row, readings = raw_rows(n, 0, owner, now)
        expected_row = {"id": 0, **prepared.row}
        if row != expected_row or list(row["attributes"]) != list(expected_row["attributes"]):
            raise AssertionError(f"raw row of passport {n} differs from the service's:\n{row}\n{expected_row}")
        expected_readings = [{"passport_pk": 0, **r} for r in prepared.readings]
        if readings != expected_readings:
            raise AssertionError(f"raw readings of passport {n} differ:\n{readings}\n{expected_readings}")


# -- per-database encodings (what SQLAlchemy's column types send) ------------------------------------------------


def sqlite_time(moment: datetime | str | None) -> str | None:
    """SQLAlchemy's SQLite DateTime storage: naive UTC, ``YYYY-MM-DD HH:MM:SS.ffffff``."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = _stamp(moment)
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def sqlite_row(row: dict[str, Any]) -> tuple[Any, ...]:
    values = dict(row)
    values["owner_org_id"] = row["owner_org_id"].hex  # Uuid() on SQLite: CHAR(32) hex
    for key in ("ceased_at", "created_at", "updated_at"):
        values[key] = sqlite_time(row[key])
    values["attributes"] = json.dumps(row["attributes"])
    return tuple(values[c] for c in PASSPORT_COLUMNS)


def sqlite_reading(reading: dict[str, Any]) -> tuple[Any, ...]:
    return (
        reading["passport_pk"],
        reading["attribute"],
        sqlite_time(reading["recorded_at"]),
        json.dumps(reading["value"]),
    )


def postgres_row(row: dict[str, Any]) -> tuple[Any, ...]:
    values = dict(row)
    values["attributes"] = json.dumps(row["attributes"])  # jsonb from its text form (COPY text format)
    return tuple(values[c] for c in PASSPORT_COLUMNS)


def postgres_reading(reading: dict[str, Any]) -> tuple[Any, ...]:
    return (reading["passport_pk"], reading["attribute"], reading["recorded_at"], json.dumps(reading["value"]))


def sqlite_batches(
    count: int, owner: uuid.UUID, now: datetime, *, batch: int = 2000, series_every: int = 1
) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """Encoded SQLite rows of passports 0..count-1 (pks 1..count), ``batch`` passports at a time."""
    for start in range(0, count, batch):
        passports, readings = [], []
        for n in range(start, min(start + batch, count)):
            row, rs = raw_rows(n, n + 1, owner, now, with_series=n % series_every == 0)
            passports.append(sqlite_row(row))
            readings.extend(sqlite_reading(r) for r in rs)
        yield passports, readings


def insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"

"""Bulk writes straight to the driver: SQLite ``executemany`` and PostgreSQL ``COPY`` (design §3).

Values are converted here to what the dialect stores (UUIDs as 32-character hex and timestamps as naive UTC text on
SQLite, JSON as text), so the rows are byte for byte what the ORM would write, without its per-value overhead.
Passport keys are assigned before the write (SQLite: after the highest key, under the write lock the unit of work
holds; PostgreSQL: from the table's sequence), so readings can refer to their passport in the same batch.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

PASSPORT_COLUMNS = (
    "id",
    "passport_id",
    "battery_id",
    "owner_org_id",
    "model_id",
    "category",
    "chemistry",
    "status",
    "predecessor_passport_id",
    "successor_passport_id",
    "ceased_at",
    "created_at",
    "updated_at",
    "attributes",
)
READING_COLUMNS = ("passport_pk", "attribute", "recorded_at", "value")


def _sqlite_time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    # what SQLAlchemy's SQLite DateTime stores: "YYYY-MM-DD HH:MM:SS.ffffff" (isoformat is the fast path)
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _sqlite_uuid(value: uuid.UUID | None) -> str | None:
    return None if value is None else value.hex


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _next_keys(connection: Connection, count: int) -> list[int]:
    if connection.dialect.name == "sqlite":
        top = connection.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM passports").scalar_one()
        return list(range(int(top) + 1, int(top) + 1 + count))
    rows = connection.exec_driver_sql(
        "SELECT nextval(pg_get_serial_sequence('passports', 'id')) FROM generate_series(1, %(n)s)", {"n": count}
    )
    return [int(r[0]) for r in rows]


def insert_passports(
    connection: Connection,
    rows: Sequence[Mapping[str, Any]],
    readings: Mapping[str, Sequence[Mapping[str, Any]]],
) -> None:
    """Insert passports (PassportRow columns without ``id``) and their readings in one driver call each."""
    if not rows:
        return
    keys = _next_keys(connection, len(rows))
    pk_of = {row["passport_id"]: key for row, key in zip(rows, keys, strict=True)}
    driver = connection.connection.driver_connection
    if connection.dialect.name == "sqlite":
        passport_values = [
            (
                key,
                r["passport_id"],
                r["battery_id"],
                _sqlite_uuid(r["owner_org_id"]),
                _sqlite_uuid(r["model_id"]),
                r["category"],
                r["chemistry"],
                r["status"],
                r["predecessor_passport_id"],
                r["successor_passport_id"],
                _sqlite_time(r["ceased_at"]),
                _sqlite_time(r["created_at"]),
                _sqlite_time(r["updated_at"]),
                _dumps(r["attributes"]),
            )
            for r, key in zip(rows, keys, strict=True)
        ]
        reading_values = [
            (pk_of[pid], x["attribute"], _sqlite_time(x["recorded_at"]), _dumps(x["value"]))
            for pid, series in readings.items()
            for x in series
        ]
        cursor = driver.cursor()  # type: ignore[union-attr]
        cursor.executemany(
            f"INSERT INTO passports ({', '.join(PASSPORT_COLUMNS)}) VALUES ({', '.join('?' * len(PASSPORT_COLUMNS))})",
            passport_values,
        )
        if reading_values:
            cursor.executemany(
                f"INSERT INTO passport_readings ({', '.join(READING_COLUMNS)}) VALUES (?, ?, ?, ?)", reading_values
            )
        cursor.close()
        return
    from psycopg.types.json import Jsonb

    cursor = driver.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY passports ({', '.join(PASSPORT_COLUMNS)}) FROM STDIN") as copy:
        for r, key in zip(rows, keys, strict=True):
            copy.write_row(
                (
                    key,
                    r["passport_id"],
                    r["battery_id"],
                    r["owner_org_id"],
                    r["model_id"],
                    r["category"],
                    r["chemistry"],
                    r["status"],
                    r["predecessor_passport_id"],
                    r["successor_passport_id"],
                    r["ceased_at"],
                    r["created_at"],
                    r["updated_at"],
                    Jsonb(r["attributes"]),
                )
            )
    if any(readings.values()):
        with cursor.copy(f"COPY passport_readings ({', '.join(READING_COLUMNS)}) FROM STDIN") as copy:
            for pid, series in readings.items():
                for x in series:
                    copy.write_row((pk_of[pid], x["attribute"], x["recorded_at"], Jsonb(x["value"])))
    cursor.close()

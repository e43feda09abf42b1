"""Bulk writes straight to the driver: SQLite ``executemany`` and PostgreSQL ``COPY`` (design §3).

Writing happens in two steps, so the first can run in another process (the bulk import's workers):

1. :func:`encode_passports` (pure, no connection) turns passport rows and their readings into what the dialect
   stores -- on SQLite UUIDs as 32-character hex, timestamps as naive UTC text and JSON as text, byte for byte
   what the ORM would write; on PostgreSQL lines of ``COPY`` text format -- without storage keys.
2. :func:`insert_encoded` assigns the keys (SQLite: after the highest key, under the write lock the unit of work
   holds; PostgreSQL: from the table's sequence), so readings refer to their passport in the same batch, and
   writes everything in one driver call per table.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
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
_NULL = "\\N"  # COPY text format


@dataclass(slots=True)
class EncodedPassports:
    """Passports encoded for one dialect, without storage keys; picklable (made in worker processes).

    ``rows[i]`` is passport ``passport_ids[i]``: a tuple of the columns after ``id`` (SQLite) or a ``COPY`` text
    line without the ``id`` field (PostgreSQL). ``readings`` hold ``(i, attribute, recorded_at, value)`` (SQLite)
    or ``(i, line)`` with the ``COPY`` text line of the columns after ``passport_pk`` (PostgreSQL).
    """

    dialect: str
    passport_ids: list[str]
    rows: list[Any]
    readings: list[tuple[Any, ...]]

    def __len__(self) -> int:
        return len(self.rows)

    def extend(self, other: EncodedPassports) -> None:
        offset = len(self.rows)
        self.passport_ids.extend(other.passport_ids)
        self.rows.extend(other.rows)
        self.readings.extend((r[0] + offset, *r[1:]) for r in other.readings)

    def only(self, keep: Sequence[int]) -> EncodedPassports:
        """The passports at the positions ``keep`` (ascending), with their readings."""
        if len(keep) == len(self.rows):
            return self
        new_index = {old: new for new, old in enumerate(keep)}
        return EncodedPassports(
            self.dialect,
            [self.passport_ids[i] for i in keep],
            [self.rows[i] for i in keep],
            [(new_index[r[0]], *r[1:]) for r in self.readings if r[0] in new_index],
        )


_ENCODER = json.JSONEncoder(ensure_ascii=False)  # one encoder: json.dumps with options builds one per call


def _dumps(value: Any) -> str:
    return _ENCODER.encode(value)


def _value_text(value: Any) -> str:
    # JSON text of a reading value; floats, ints and plain strings take the short path (same text as json.dumps)
    kind = type(value)
    if kind is float and value - value == 0:  # finite
        return repr(value)
    if kind is int:
        return str(value)
    return _dumps(value)


class _Times:
    """Encodes timestamps, remembering the last (``now`` repeats on every row of an import)."""

    __slots__ = ("_last", "_postgres", "_text")

    def __init__(self, postgres: bool) -> None:
        self._postgres = postgres
        self._last: datetime | None = None
        self._text = ""

    def __call__(self, moment: datetime | str | None) -> str | None:
        if moment is None:
            return None
        if isinstance(moment, str):  # canonical text "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" (domain.passport.values)
            return _canonical_time(moment, self._postgres)
        if moment is self._last:
            return self._text
        utc = moment if moment.tzinfo is UTC else moment.astimezone(UTC)
        # SQLite: what SQLAlchemy's DateTime stores ("YYYY-MM-DD HH:MM:SS.ffffff", naive UTC: the text before the
        # "+00:00"); PostgreSQL: ISO 8601 with the offset
        text = utc.isoformat(" ", "microseconds")
        if not self._postgres:
            text = text[:26]
        self._last, self._text = moment, text
        return text


def driver_params(
    dialect: str,
    rows: Iterable[Sequence[Any]],
    *,
    times: Sequence[int] = (),
    uuids: Sequence[int] = (),
    json_columns: Sequence[int] = (),
) -> list[tuple[Any, ...]]:
    """Rows for a driver ``executemany``: the columns at ``times`` (aware datetimes), ``uuids`` and ``json_columns``
    encoded as the dialect stores them (see the module docstring); None stays NULL."""
    postgres = dialect == "postgresql"
    encode_time = _Times(postgres)
    out = []
    for row in rows:
        values = list(row)
        for i in times:
            values[i] = encode_time(values[i]) if not postgres else values[i]
        for i in uuids:
            values[i] = _uuid_text(values[i], postgres) if not postgres else values[i]
        for i in json_columns:
            values[i] = None if values[i] is None else _dumps(values[i])
        out.append(tuple(values))
    return out


def param_marks(dialect: str, count: int) -> str:
    """``?, ?, ...`` (SQLite) or ``%s, %s, ...`` (PostgreSQL) for ``count`` values."""
    return ", ".join(["?" if dialect == "sqlite" else "%s"] * count)


def _canonical_time(text: str, postgres: bool) -> str:
    if postgres:
        return text
    if len(text) == 20 and text[19] == "Z":
        return f"{text[:10]} {text[11:19]}.000000"
    if len(text) == 27 and text[26] == "Z":
        return f"{text[:10]} {text[11:26]}"
    moment = datetime.fromisoformat(text)  # not canonical after all: the general path
    return moment.astimezone(UTC).isoformat(" ", "microseconds")[:26]


def _copy_text(value: str | None) -> str:
    if value is None:
        return _NULL
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _uuid_text(value: uuid.UUID | None, postgres: bool) -> str | None:
    if value is None:
        return None
    return str(value) if postgres else value.hex


def encode_passports(
    dialect: str, passports: Iterable[tuple[Mapping[str, Any], Iterable[Mapping[str, Any]]]]
) -> EncodedPassports:
    """Encode ``(row, readings)`` pairs -- PassportRow columns without ``id``, readings as ``{attribute,
    recorded_at, value}`` -- for ``dialect``."""
    postgres = dialect == "postgresql"
    times = _Times(postgres)
    ids: list[str] = []
    encoded_rows: list[Any] = []
    encoded_readings: list[tuple[Any, ...]] = []
    for i, (r, series) in enumerate(passports):
        ids.append(r["passport_id"])
        values = (
            r["passport_id"],
            r["battery_id"],
            _uuid_text(r["owner_org_id"], postgres),
            _uuid_text(r["model_id"], postgres),
            r["category"],
            r["chemistry"],
            r["status"],
            r["predecessor_passport_id"],
            r["successor_passport_id"],
            times(r["ceased_at"]),
            times(r["created_at"]),
            times(r["updated_at"]),
            _dumps(r["attributes"]),
        )
        encoded_rows.append("\t".join(map(_copy_text, values)) if postgres else values)
        for x in series:
            reading = (i, x["attribute"], times(x["recorded_at"]), _value_text(x["value"]))
            encoded_readings.append((i, "\t".join(map(_copy_text, reading[1:]))) if postgres else reading)
    return EncodedPassports(dialect, ids, encoded_rows, encoded_readings)


def _next_keys(connection: Connection, count: int) -> list[int]:
    if connection.dialect.name == "sqlite":
        top = connection.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM passports").scalar_one()
        return list(range(int(top) + 1, int(top) + 1 + count))
    rows = connection.exec_driver_sql(
        "SELECT nextval(pg_get_serial_sequence('passports', 'id')) FROM generate_series(1, %(n)s)", {"n": count}
    )
    return [int(r[0]) for r in rows]


def _insert_sql(table: str, columns: Iterable[str]) -> str:
    names = list(columns)
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


_INSERT_PASSPORTS = _insert_sql("passports", PASSPORT_COLUMNS)
_INSERT_READINGS = _insert_sql("passport_readings", READING_COLUMNS)


def insert_encoded(connection: Connection, encoded: EncodedPassports) -> None:
    """Insert encoded passports and readings (made for this connection's dialect) in one driver call each."""
    if not encoded.rows:
        return
    if encoded.dialect != connection.dialect.name:
        raise ValueError(f"passports encoded for {encoded.dialect} cannot be written to {connection.dialect.name}")
    keys = _next_keys(connection, len(encoded.rows))
    driver = connection.connection.driver_connection
    cursor = driver.cursor()  # type: ignore[union-attr]
    try:
        if encoded.dialect == "sqlite":
            cursor.executemany(_INSERT_PASSPORTS, [(k, *r) for k, r in zip(keys, encoded.rows, strict=True)])
            if encoded.readings:
                cursor.executemany(_INSERT_READINGS, [(keys[i], a, t, v) for i, a, t, v in encoded.readings])
            return
        with cursor.copy(f"COPY passports ({', '.join(PASSPORT_COLUMNS)}) FROM STDIN") as copy:
            copy.write("".join(f"{k}\t{line}\n" for k, line in zip(keys, encoded.rows, strict=True)))
        if encoded.readings:
            with cursor.copy(f"COPY passport_readings ({', '.join(READING_COLUMNS)}) FROM STDIN") as copy:
                copy.write("".join(f"{keys[i]}\t{line}\n" for i, line in encoded.readings))
    finally:
        cursor.close()


def insert_passports(
    connection: Connection,
    rows: Sequence[Mapping[str, Any]],
    readings: Mapping[str, Sequence[Mapping[str, Any]]],
) -> None:
    """Insert passports (PassportRow columns without ``id``) and their readings in one driver call each."""
    pairs = [(r, readings.get(r["passport_id"], ())) for r in rows]
    insert_encoded(connection, encode_passports(connection.dialect.name, pairs))

"""Bulk writes straight to the driver: SQLite ``executemany`` and PostgreSQL ``COPY`` (design §3).

Writing happens in two steps, so the first can run in another process (the bulk import's workers):

1. :func:`encode_passports` (pure, no connection) turns passport rows and their readings into what the dialect
   stores -- on SQLite UUIDs as 32-character hex, timestamps as naive UTC text and JSON as text, byte for byte
   what the ORM would write; on PostgreSQL lines of ``COPY`` text format -- without storage keys.
2. :func:`insert_encoded` assigns the keys (SQLite: after the highest key, under the write lock the unit of work
   holds, added to each row's index in its batch by the statement itself; PostgreSQL: from the table's sequence),
   so readings refer to their passport in the same batch, and writes everything in one driver call per table.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
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


def _grouped(flat: Sequence[Any], width: int) -> Iterator[tuple[Any, ...]]:
    """The consecutive ``width``-tuples of ``flat`` (``[a, b, c, d]``, 2 -> ``(a, b), (c, d)``)."""
    return zip(*[iter(flat)] * width, strict=True)


@dataclass(slots=True)
class EncodedPassports:
    """Passports encoded for one dialect, without storage keys; picklable (made in worker processes).

    Passport ``i`` (``passport_ids[i]``) is, on SQLite, the ``i``-th group of :attr:`row_width` values in ``rows``:
    ``i`` and the columns after ``id``, the driver's parameters as they are (the statement adds the batch's first
    key to ``i``); on PostgreSQL ``rows[i]``, a ``COPY`` text line without the ``id`` field. ``readings`` are
    groups of :attr:`reading_width` values: ``i, attribute, recorded_at, value`` (SQLite) or ``i, line`` with the
    ``COPY`` text line of the columns after ``passport_pk`` (PostgreSQL). The lists are flat, with no tuple per
    row: the importing process unpickles them, and a tuple a row would cost it an allocation each and make the
    cyclic garbage collector run over them again and again.
    """

    dialect: str
    passport_ids: list[str]
    rows: list[Any]
    readings: list[Any]

    @property
    def row_width(self) -> int:
        return len(PASSPORT_COLUMNS) if self.dialect == "sqlite" else 1

    @property
    def reading_width(self) -> int:
        return len(READING_COLUMNS) if self.dialect == "sqlite" else 2

    def __len__(self) -> int:
        return len(self.passport_ids)

    def row_groups(self) -> Iterator[tuple[Any, ...]]:
        """Each passport's values (its ``COPY`` line alone on PostgreSQL)."""
        return _grouped(self.rows, self.row_width)

    def reading_groups(self) -> Iterator[tuple[Any, ...]]:
        """Each reading's values, its passport's index first."""
        return _grouped(self.readings, self.reading_width)

    def extend(self, other: EncodedPassports) -> None:
        offset = len(self)
        self.passport_ids.extend(other.passport_ids)
        if self.dialect == "sqlite":
            self.rows.extend(v for r in other.row_groups() for v in (r[0] + offset, *r[1:]))
        else:
            self.rows.extend(other.rows)
        self.readings.extend(v for r in other.reading_groups() for v in (r[0] + offset, *r[1:]))

    def only(self, keep: Sequence[int]) -> EncodedPassports:
        """The passports at the positions ``keep`` (ascending), with their readings."""
        if len(keep) == len(self):
            return self
        new_index = {old: new for new, old in enumerate(keep)}
        rows = list(self.row_groups())
        kept = [rows[i] for i in keep]
        return EncodedPassports(
            self.dialect,
            [self.passport_ids[i] for i in keep],
            [v for new, r in enumerate(kept) for v in (new, *r[1:])] if self.dialect == "sqlite" else
            [r[0] for r in kept],
            [v for r in self.reading_groups() if r[0] in new_index for v in (new_index[r[0]], *r[1:])],
        )  # fmt: skip


# one encoder: json.dumps with options builds one per call; stored values come from JSON, so never circular
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


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


def _copy_line(values: Sequence[str | None]) -> str:
    """The ``COPY`` text line of ``values`` (None is NULL): joined as they are unless one holds a character to
    escape, which the joined line shows (more backslashes than NULLs, more tabs than separators, a line end)."""
    line = "\t".join([_NULL if v is None else v for v in values])
    if (
        line.count("\\") == values.count(None)
        and line.count("\t") == len(values) - 1
        and "\n" not in line
        and "\r" not in line
    ):
        return line
    return "\t".join(map(_copy_text, values))


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
    uuid_texts: dict[uuid.UUID | None, str | None] = {None: None}  # the owner repeats on every row
    ids: list[str] = []
    encoded_rows: list[Any] = []
    encoded_readings: list[Any] = []
    for i, (r, series) in enumerate(passports):
        ids.append(r["passport_id"])
        owner, model = r["owner_org_id"], r["model_id"]
        if owner not in uuid_texts:
            uuid_texts[owner] = _uuid_text(owner, postgres)
        if model not in uuid_texts:
            uuid_texts[model] = _uuid_text(model, postgres)
        values = (
            r["passport_id"],
            r["battery_id"],
            uuid_texts[owner],
            uuid_texts[model],
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
        if postgres:
            encoded_rows.append(_copy_line(values))
            for x in series:
                encoded_readings += (i, _copy_line((x["attribute"], times(x["recorded_at"]), _value_text(x["value"]))))
        else:
            encoded_rows += (i, *values)
            for x in series:
                encoded_readings += (i, x["attribute"], times(x["recorded_at"]), _value_text(x["value"]))
    return EncodedPassports(dialect, ids, encoded_rows, encoded_readings)


def _first_key(connection: Connection) -> int:
    # SQLite: after the highest key, under the write lock the unit of work holds
    return int(connection.exec_driver_sql("SELECT COALESCE(MAX(id), 0) + 1 FROM passports").scalar_one())


def _next_keys(connection: Connection, count: int) -> list[int]:
    # PostgreSQL: from the sequence, in ascending order (the passports' order in the file)
    keys = connection.exec_driver_sql(
        "SELECT array_agg(k ORDER BY k) FROM "
        "(SELECT nextval(pg_get_serial_sequence('passports', 'id')) AS k FROM generate_series(1, %(n)s)) AS s",
        {"n": count},
    ).scalar_one()
    return [int(k) for k in keys]


def _insert_sql(table: str, columns: Iterable[str], first_key: int) -> str:
    # the parameters start with the row's index in its batch: the key is that plus the batch's first key
    names = list(columns)
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES (? + {int(first_key)}{', ?' * (len(names) - 1)})"


def insert_encoded(connection: Connection, encoded: EncodedPassports) -> None:
    """Insert encoded passports and readings (made for this connection's dialect) in one driver call each."""
    if not encoded.rows:
        return
    if encoded.dialect != connection.dialect.name:
        raise ValueError(f"passports encoded for {encoded.dialect} cannot be written to {connection.dialect.name}")
    driver = connection.connection.driver_connection
    if encoded.dialect == "sqlite":
        first = _first_key(connection)
        cursor = driver.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(_insert_sql("passports", PASSPORT_COLUMNS, first), encoded.row_groups())
            if encoded.readings:
                cursor.executemany(_insert_sql("passport_readings", READING_COLUMNS, first), encoded.reading_groups())
        finally:
            cursor.close()
        return
    keys = _next_keys(connection, len(encoded))
    cursor = driver.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(f"COPY passports ({', '.join(PASSPORT_COLUMNS)}) FROM STDIN") as copy:
            copy.write("".join(f"{k}\t{line}\n" for k, line in zip(keys, encoded.rows, strict=True)))
        if encoded.readings:
            with cursor.copy(f"COPY passport_readings ({', '.join(READING_COLUMNS)}) FROM STDIN") as copy:
                copy.write("".join(f"{keys[i]}\t{line}\n" for i, line in encoded.reading_groups()))
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

"""The CSV bulk format: one passport per row, streamed row by row (docs/passport-format.md, "CSV bulk format").

- The header names the columns: attribute keys of ``data/passport/attributes.csv``, any subset in any order,
  ``passport_id`` required. An unknown, empty or repeated column refuses the whole file, naming the column.
- A cell holds one attribute in the record's own units: scalars as plain text (numbers in JSON number syntax:
  ``452``, ``0.815``, ``1e-05``; fractions as decimals in [0, 1]; masses in kg; ``YYYY-MM`` dates), composite
  values (contacts, lists, materials, ...) and every dynamic attribute (a time series ``[{"value",
  "recorded_at"}]``) as JSON. An empty cell means the attribute is absent.
- Rows are RFC 4180 records (comma, double quotes, a quoted cell may span lines); blank rows are skipped. Line
  numbers are those of the first line of the row, counting the header as line 1.

:func:`parse_csv_rows` takes text lines (e.g. from :func:`~.textio.iter_document_lines`) and yields each row's
line number with its record or a :class:`~._common.MappingError` listing every bad cell, so memory stays flat in
the file size. It checks the cells' syntax (numbers, JSON); the values themselves are checked by
:func:`batteryloop.domain.passport.values.check_attributes`. :func:`write_csv_rows` is its inverse:
``parse(write(records)) == records`` for canonical records. The format carries every attribute; a carriage return
inside a value is the one thing a decoded file does not keep (:mod:`.textio` normalises line ends).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import compress
from typing import Any, Final

from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.passport.attributes import Attribute, get_attributes, unknown_key_reason
from batteryloop.domain.passport.exchange._common import MappingError, Problem, Record, record_attributes

ID_COLUMN: Final = "passport_id"
TEXT_TYPES: Final = frozenset({"passport_id", "string", "text", "url", "year_month"})
WHOLE_TYPES: Final = frozenset({"integer", "integer_months"})
NUMBER_TYPES: Final = frozenset({"decimal", "fraction"})
_WHOLE = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


def csv_columns() -> tuple[str, ...]:
    """All columns of the format, in longlist order (what :func:`write_csv_rows` writes by default)."""
    return tuple(get_attributes())


def _cell_kind(attribute: Attribute) -> str:
    """``"text"``, ``"whole"``, ``"number"`` or ``"json"``: how a cell of this attribute is read and written."""
    if attribute.is_dynamic:
        return "json"
    base = attribute.base_type
    if base in TEXT_TYPES or base == "enum":
        return "text"
    if base in WHOLE_TYPES:
        return "whole"
    return "number" if base in NUMBER_TYPES else "json"


def _header(row: Sequence[str], line: int) -> list[Attribute]:
    registry = get_attributes()
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, name in enumerate(row, start=1):
        where = f"header.column {i}"
        if not name.strip():
            problems.append((where, "an empty column name; every column names an attribute key"))
        elif name not in registry:
            problems.append((where, unknown_key_reason(name)))
        elif name in seen:
            problems.append((where, f"column {name!r} is given twice"))
        seen.add(name)
    if ID_COLUMN not in seen:
        problems.append(("header", f"the {ID_COLUMN} column is required"))
    if problems:
        raise MappingError(problems, field=f"line {line}")
    return [registry[name] for name in row]


def _read_cell(attribute: Attribute, kind: str, cell: str, problems: list[Problem]) -> Any:
    """The value of a filled cell of ``attribute``, whose :func:`_cell_kind` is ``kind``."""
    if kind == "text":
        return cell
    if kind == "whole":
        if _WHOLE.match(cell.strip()):
            return int(cell)
        problems.append((attribute.key, f"{cell!r} is not a whole number"))
        return None
    if kind == "number":
        text = cell.strip()
        if _NUMBER.match(text):
            return int(text) if _WHOLE.match(text) else float(text)
        problems.append((attribute.key, f"{cell!r} is not a number (write e.g. 452, 0.815 or 1e-05)"))
        return None
    try:
        return json.loads(cell)
    except ValueError as exc:
        problems.append((attribute.key, f"the cell is not valid JSON ({exc}); {attribute.value_type} values and "
                         "time series are written as JSON"))  # fmt: skip
        return None


MAX_RECORD_CHARS: Final = 1 << 20
"""A row longer than this (1 Mi characters) is refused: it is an unclosed quote swallowing the rest of the file."""


def iter_csv_records(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """Group CSV text lines into the rows' raw text, without reading the cells.

    A row ends at the first line end outside quotes: in RFC 4180 quoting every quote is part of a pair (a quoted
    cell's two, a doubled quote's two), so a row is complete when it holds an even number of quote characters.
    Grouping needs no cell parsing, so the rows can be read elsewhere (in worker processes).

    Yields:
        ``(line number of the row's first line, the row's text)``; an unclosed quote yields the rest of the file as
        one row (at most :data:`MAX_RECORD_CHARS`), which :func:`read_csv_row` then refuses.
    """
    pending: list[str] = []
    start, quotes, size = 0, 0, 0
    for number, line in enumerate(lines, start=1):
        count = line.count('"')
        if not pending:
            if count % 2 == 0:  # the usual row: one line
                yield number, line
                continue
            start = number
        pending.append(line)
        quotes += count
        size += len(line)
        if quotes % 2 == 0 or size > MAX_RECORD_CHARS:
            yield start, "".join(pending)
            pending, quotes, size = [], 0, 0
    if pending:
        yield start, "".join(pending)


def read_csv_row(text: str, line: int) -> list[str] | MappingError:
    """The cells of one row's text from :func:`iter_csv_records` (empty for a blank row), or the error."""
    if len(text) > MAX_RECORD_CHARS:
        return MappingError([("row", f"longer than {MAX_RECORD_CHARS:,} characters: is a quote not closed?")],
                            field=f"line {line}")  # fmt: skip
    try:
        rows = list(csv.reader(text.splitlines(keepends=True), strict=True))
    except csv.Error as exc:
        return MappingError([("row", f"the CSV cannot be read from here: {exc}")], field=f"line {line}")
    if len(rows) != 1:
        if not rows:
            return []
        return MappingError([("row", "a quote is not closed before the end of the file")], field=f"line {line}")
    return rows[0] if any(cell.strip() for cell in rows[0]) else []


def read_csv_header(lines: Iterator[tuple[int, str]]) -> tuple[str, ...]:
    """Read the header from :func:`iter_csv_records` rows (skipping blank ones): the columns' attribute keys."""
    for line, text in lines:
        cells = read_csv_row(text, line)
        if isinstance(cells, MappingError):
            raise cells
        if cells:
            return tuple(a.key for a in _header(cells, line))
    raise MappingError([("header", "the CSV holds no header row")], field="line 1")


def record_from_cells(columns: Sequence[str], row: Sequence[str]) -> Record | MappingError:
    """The record of one row's cells (``columns`` from :func:`read_csv_header`), or the errors of its cells."""
    return cells_reader(columns)(row)


def cells_reader(columns: Sequence[str]) -> Callable[[Sequence[str]], Record | MappingError]:
    """:func:`record_from_cells` for rows of these ``columns``, which are looked up once (not for every row)."""
    registry = get_attributes()
    layout = tuple((key, registry[key], _cell_kind(registry[key])) for key in columns)

    def read(row: Sequence[str]) -> Record | MappingError:
        if len(row) != len(layout):
            return MappingError([("row", f"{len(row)} cells for {len(layout)} columns")])
        problems: list[Problem] = []
        attributes: dict[str, Any] = {}
        # only the filled cells (an export writes all 93 columns, most of them empty for an item-level record)
        for (key, attribute, kind), cell in zip(compress(layout, row), filter(None, row), strict=True):
            value = cell if kind == "text" else _read_cell(attribute, kind, cell, problems)
            if value is not None:
                attributes[key] = value
        if ID_COLUMN not in attributes and not any(p[0] == ID_COLUMN for p in problems):
            problems.append((ID_COLUMN, "is required: every row is one passport"))
        return MappingError(problems) if problems else {"attributes": attributes}

    return read


def parse_csv_rows(lines: Iterable[str]) -> Iterator[tuple[int, Record | MappingError]]:
    """Read passports from CSV text lines, one row at a time.

    Args:
        lines: The text's lines with their line ends (a text file object, :func:`~.textio.iter_document_lines`,
            ``io.StringIO(text)``); split on LF only.

    Yields:
        ``(line number, record)`` for a good row, ``(line number, MappingError)`` listing every bad cell of a bad
        row (problem paths are attribute keys). Blank rows are skipped. A quote that is never closed makes the
        rest of the file one bad row, reported at its first line.

    Raises:
        MappingError: If the header names an unknown, empty or repeated column or lacks ``passport_id`` (raised
            when the iteration starts), or the text holds no header.
    """
    records = iter_csv_records(lines)
    read = cells_reader(read_csv_header(records))
    for line, text in records:
        cells = read_csv_row(text, line)
        if isinstance(cells, MappingError):
            yield line, cells
        elif cells:
            yield line, read(cells)


def _write_cell(attribute: Attribute, value: Any) -> str:
    if value is None:
        return ""
    kind = _cell_kind(attribute)
    if kind == "text":
        return str(value)
    if kind == "json":
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(value)


def write_csv_rows(records: Iterable[Mapping[str, Any]], *, columns: Sequence[str] | None = None) -> Iterator[str]:
    """Write passports as CSV, one row per record, streaming.

    Args:
        records: Canonical records ``{"attributes": {...}}``.
        columns: The attribute keys to write, in order (``passport_id`` included); all 93 by default.

    Yields:
        The header row, then one row per record; each ends in LF (a cell holding a line break is quoted and
        spans lines).

    Raises:
        InvalidInputError: For an unknown or repeated column, a missing ``passport_id`` column, a record without
            ``attributes`` or with an attribute outside ``columns`` (``field="attributes.<key>"``).
    """
    registry = get_attributes()
    names = list(columns) if columns is not None else list(registry)
    for name in names:
        if name not in registry:
            raise InvalidInputError(unknown_key_reason(name), field="columns")
    if len(set(names)) != len(names) or ID_COLUMN not in names:
        raise InvalidInputError(f"give each column once, {ID_COLUMN} included", field="columns")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def emit(row: list[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        return buffer.getvalue()

    yield emit(names)
    wanted = set(names)
    for record in records:
        attributes = record_attributes(record)
        for key in attributes:
            if key not in wanted:
                raise InvalidInputError(f"{key!r} is not one of the CSV's columns", field=f"attributes.{key}")
        yield emit([_write_cell(registry[name], attributes.get(name)) for name in names])

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
from collections.abc import Iterable, Iterator, Mapping, Sequence
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


def _read_cell(attribute: Attribute, cell: str, problems: list[Problem]) -> Any:
    kind = _cell_kind(attribute)
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


def _record(columns: list[Attribute], row: list[str]) -> Record | MappingError:
    if len(row) != len(columns):
        return MappingError([("row", f"{len(row)} cells for {len(columns)} columns")])
    problems: list[Problem] = []
    attributes: dict[str, Any] = {}
    for attribute, cell in zip(columns, row, strict=True):
        if cell == "":
            continue
        value = _read_cell(attribute, cell, problems)
        if value is not None:
            attributes[attribute.key] = value
    if ID_COLUMN not in attributes and not any(p[0] == ID_COLUMN for p in problems):
        problems.append((ID_COLUMN, "is required: every row is one passport"))
    return MappingError(problems) if problems else {"attributes": attributes}


def parse_csv_rows(lines: Iterable[str]) -> Iterator[tuple[int, Record | MappingError]]:
    """Read passports from CSV text lines, one row at a time.

    Args:
        lines: The text's lines with their line ends (a text file object, :func:`~.textio.iter_document_lines`,
            ``io.StringIO(text)``); split on LF only.

    Yields:
        ``(line number, record)`` for a good row, ``(line number, MappingError)`` listing every bad cell of a bad
        row (problem paths are attribute keys). A row whose quoting cannot be read ends the iteration with an
        error at its line.

    Raises:
        MappingError: If the header names an unknown, empty or repeated column or lacks ``passport_id`` (raised
            when the iteration starts), or the text holds no header.
    """
    reader = csv.reader(lines, strict=True)
    columns: list[Attribute] | None = None
    previous = 0
    while True:
        start = previous + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            error = MappingError([("row", f"the CSV cannot be read from here: {exc}")], field=f"line {start}")
            if columns is None:
                raise error from None
            yield start, error
            return
        previous = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if columns is None:
            columns = _header(row, start)
            continue
        yield start, _record(columns, row)
    if columns is None:
        raise MappingError([("header", "the CSV holds no header row")], field="line 1")


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

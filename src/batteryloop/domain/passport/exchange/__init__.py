"""Passport exchange: pure mappers between foreign passport formats and the canonical record.

The canonical record is ``{"attributes": {<key>: <value>, ...}}`` (docs/passport-format.md). The mappers take
decoded Python objects or text lines and return records or documents; they never open files.

- :mod:`.textio`: bytes to text (byte-order marks, UTF-16, CRLF).
- :mod:`.batterypass`: Battery Pass data model v1.2 JSON (seven aspects) <-> record.
- :mod:`.catenax`: Catena-X battery pass 6.1.0 JSON <-> record.
- :mod:`.csvformat`: the CSV bulk format, one passport per row, streamed.

Every importer collects all problems of a document and raises one :class:`MappingError` listing them as
``(path, reason)``; unit sanity (grams, percentages, implausible magnitudes) is checked at mapping time, the
value rules of the record (CAS check digits, mass ranges, voltage order) by
:func:`batteryloop.domain.passport.values.check_attributes`.
"""

from batteryloop.domain.passport.exchange._common import Exported, Mapped, MappingError, OnInvalid, Record
from batteryloop.domain.passport.exchange.batterypass import (
    from_batterypass,
    from_batterypass_with_notes,
    to_batterypass,
    to_batterypass_with_notes,
)
from batteryloop.domain.passport.exchange.catenax import (
    from_catenax,
    from_catenax_with_notes,
    to_catenax,
    to_catenax_with_notes,
)
from batteryloop.domain.passport.exchange.csvformat import csv_columns, parse_csv_rows, write_csv_rows
from batteryloop.domain.passport.exchange.textio import decode_document, iter_document_lines

__all__ = [
    "Exported",
    "Mapped",
    "MappingError",
    "OnInvalid",
    "Record",
    "csv_columns",
    "decode_document",
    "from_batterypass",
    "from_batterypass_with_notes",
    "from_catenax",
    "from_catenax_with_notes",
    "iter_document_lines",
    "parse_csv_rows",
    "to_batterypass",
    "to_batterypass_with_notes",
    "to_catenax",
    "to_catenax_with_notes",
    "write_csv_rows",
]

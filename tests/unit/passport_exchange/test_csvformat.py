"""The CSV bulk format (docs/passport-format.md, "CSV bulk format"): header rules, row errors with line numbers,
streaming row by row, and parse(write(x)) == x on generated canonical records over all 93 attributes.
"""

from __future__ import annotations

import codecs
import io
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.passport.exchange import (
    MappingError,
    csv_columns,
    iter_document_lines,
    parse_csv_rows,
    write_csv_rows,
)

from .strategies import csv_records


def rows(text: str) -> list[tuple[int, Any]]:
    return list(parse_csv_rows(io.StringIO(text)))


def test_the_columns_are_the_93_attribute_keys_in_longlist_order() -> None:
    columns = csv_columns()
    assert len(columns) == 93
    assert columns[:3] == ("passport_id", "battery_id", "operator_information")
    assert columns[-1] == "accident_information"


def test_cells_are_read_by_the_attribute_value_type() -> None:
    text = (
        "passport_id,battery_mass_kg,warranty_period,renewable_content_share,battery_id,manufacturing_date,"
        "battery_chemistry,battery_status\n"
        'urn:acme:1,452,96,0.125,000123,2025-03,"{""code"": ""NMC811""}",'
        '"[{""value"":""waste"",""recorded_at"":""2026-01-02T10:00:00Z""}]"\n'
    )
    [(line, record)] = rows(text)
    assert line == 2
    assert record == {"attributes": {
        "passport_id": "urn:acme:1", "battery_mass_kg": 452, "warranty_period": 96, "renewable_content_share": 0.125,
        "battery_id": "000123", "manufacturing_date": "2025-03", "battery_chemistry": {"code": "NMC811"},
        "battery_status": [{"value": "waste", "recorded_at": "2026-01-02T10:00:00Z"}],
    }}  # fmt: skip


@pytest.mark.parametrize(
    ("header", "paths", "words"),
    [
        ("passport_id,battery_mas_kg", ["header.column 2"], "did you mean 'battery_mass_kg'"),
        ("passport_id,,battery_id", ["header.column 2"], "empty column name"),
        ("passport_id,battery_id,battery_id", ["header.column 3"], "given twice"),
        ("battery_id", ["header"], "passport_id column is required"),
        ("passport_id,colour,flavour", ["header.column 2", "header.column 3"], "unknown attribute 'colour'"),
    ],
)
def test_a_bad_header_refuses_the_file_naming_the_column(header: str, paths: list[str], words: str) -> None:
    with pytest.raises(MappingError) as caught:
        rows(header + "\nurn:acme:1,x\n")
    assert [p for p, _ in caught.value.problems] == paths
    assert words in str(caught.value)
    assert caught.value.field == "line 1"


def test_bad_rows_are_reported_with_their_line_and_every_bad_cell() -> None:
    text = (
        "passport_id,battery_mass_kg,warranty_period,meaning_of_labels\n"
        + "urn:acme:1,12kg,1.5,{oops\n"  # line 2: three bad cells
        + "\n"  # line 3: blank, skipped
        + 'urn:acme:2,40,12,"[{""subject"": ""other"",\n""meaning"": ""two lines""}]"\n'  # lines 4-5: one row
        + ",40,,\n"  # line 6: no passport id
        + "urn:acme:3,40\n"  # line 7: too few cells
        + "urn:acme:4,1e-05,0,\n"  # line 8: good
    )
    result = rows(text)
    assert [line for line, _ in result] == [2, 4, 6, 7, 8]
    assert [p for p, _ in result[0][1].problems] == ["battery_mass_kg", "warranty_period", "meaning_of_labels"]
    assert result[1][1] == {"attributes": {"passport_id": "urn:acme:2", "battery_mass_kg": 40, "warranty_period": 12,
                                           "meaning_of_labels": [{"subject": "other", "meaning": "two lines"}]}}  # fmt: skip
    assert result[2][1].problems == [("passport_id", "is required: every row is one passport")]
    assert result[3][1].problems == [("row", "2 cells for 4 columns")]
    assert result[4][1] == {"attributes": {"passport_id": "urn:acme:4", "battery_mass_kg": 1e-05, "warranty_period": 0}}


def test_an_unterminated_quote_ends_the_file_with_an_error_at_its_line() -> None:
    result = rows('passport_id,battery_id\nurn:acme:1,a\nurn:acme:2,"never closed\n')
    assert [line for line, _ in result] == [2, 3]
    assert isinstance(result[1][1], MappingError)
    assert "cannot be read" in str(result[1][1])


def test_no_header_is_an_error() -> None:
    with pytest.raises(MappingError, match="no header"):
        rows("\n\n")


def test_parsing_streams_row_by_row() -> None:
    def lines() -> Iterator[str]:
        yield "passport_id,battery_mass_kg\n"
        for n in itertools.count():
            yield f"urn:acme:{n},{n + 1}\n"

    first = list(itertools.islice(parse_csv_rows(lines()), 3))  # an endless file: only what is asked is read
    assert first == [
        (2 + n, {"attributes": {"passport_id": f"urn:acme:{n}", "battery_mass_kg": n + 1}}) for n in range(3)
    ]


def test_writing_streams_row_by_row() -> None:
    records = ({"attributes": {"passport_id": f"urn:acme:{n}"}} for n in itertools.count())
    out = list(itertools.islice(write_csv_rows(records, columns=["passport_id", "battery_id"]), 3))
    assert out == ["passport_id,battery_id\n", "urn:acme:0,\n", "urn:acme:1,\n"]


def test_writing_refuses_unknown_columns_and_attributes_outside_the_columns() -> None:
    with pytest.raises(InvalidInputError, match="unknown attribute 'colour'"):
        list(write_csv_rows([], columns=["passport_id", "colour"]))
    with pytest.raises(InvalidInputError, match="passport_id included"):
        list(write_csv_rows([], columns=["battery_id"]))
    with pytest.raises(InvalidInputError) as caught:
        list(write_csv_rows([{"attributes": {"passport_id": "urn:a:1", "battery_id": "x"}}], columns=["passport_id"]))
    assert caught.value.field == "attributes.battery_id"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(csv_records(), max_size=3))
def test_parse_of_write_is_identity(records: list[dict[str, Any]]) -> None:
    text = "".join(write_csv_rows(records))
    assert [record for _, record in parse_csv_rows(io.StringIO(text))] == records


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(csv_records(), min_size=1, max_size=2), st.integers(1, 64))
def test_round_trip_through_a_utf16_crlf_file_read_in_chunks(records: list[dict[str, Any]], size: int) -> None:
    raw = codecs.BOM_UTF16_LE + "".join(write_csv_rows(records)).replace("\n", "\r\n").encode("utf-16-le")
    chunks = (raw[i : i + size] for i in range(0, len(raw), size))
    assert [record for _, record in parse_csv_rows(iter_document_lines(chunks))] == records


def test_the_documented_example_parses() -> None:
    docs = (Path(__file__).resolve().parents[3] / "docs" / "passport-format.md").read_text(encoding="utf-8")
    example = docs.split("## CSV bulk format", 1)[1].split("```csv\n", 1)[1].split("```", 1)[0]
    [(line, record)] = rows(example)
    assert line == 2
    assert record["attributes"]["battery_chemistry"] == {"code": "NMC811"}
    assert record["attributes"]["state_of_certified_energy_share"] == [
        {"value": 0.815, "recorded_at": "2026-01-02T10:00:00Z"}
    ]

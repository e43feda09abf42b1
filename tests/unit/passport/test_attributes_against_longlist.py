"""attributes.csv against the published longlist it was derived from (Battery Pass data attribute longlist v1.2,
sheet 'Data attribute longlist_v1.2'): every row's name, DIN clause, access, behaviour, level and mandatory flags."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
import pytest

from batteryloop.domain.passport.attributes import get_attributes

XLSX = (
    Path(__file__).resolve().parents[2]
    / "data/external/batterypass-1.2/2025_Battery_Passport_Data_Attributes_V1.2.xlsx"
)
ACCESS = {
    "public": "public",
    "persons with a legitimate interest": "legitimate_interest",
    "persons with a legitimate interest and the commission": "legitimate_interest_and_commission",
    "notified bodies, market surveillance authorities and the commission": "authority",
}


def _sheet_rows() -> list[tuple]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about Excel extensions it does not read
        book = openpyxl.load_workbook(XLSX, read_only=True)
        rows = list(book["Data attribute longlist_v1.2"].iter_rows(values_only=True))
        book.close()
    return [r for r in rows[6:] if r[1] is not None and str(r[1]).strip().isdigit()]


def _mandatory(cell: object) -> str:
    text = str(cell or "").strip().lower()
    return text if text in ("x", "o") else "-"


def test_the_sheet_has_the_93_attributes():
    assert len(_sheet_rows()) == 93


@pytest.mark.parametrize("row", _sheet_rows(), ids=lambda r: f"#{r[1]}")
def test_row_matches(row):
    by_number = {a.number: a for a in get_attributes().values()}
    attribute = by_number[int(row[1])]
    assert attribute.din_clause == str(row[2]).strip()
    assert attribute.name == " ".join(str(row[9]).split())
    access_text = " ".join(str(row[16]).lower().split())
    assert attribute.access.value == ACCESS[access_text], access_text
    assert attribute.behaviour.value == str(row[17]).strip().lower()
    assert attribute.level.value == ("model" if "model" in str(row[19]).lower() else "item")
    flags = [str(attribute.mandatory[c]) for c in ("ev", "lmt", "industrial", "stationary")]
    assert flags == [_mandatory(c) for c in row[3:7]]

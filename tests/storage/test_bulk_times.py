"""Readings reach the bulk writer as canonical text; written to SQLite it must be exactly what the datetime path
(SQLAlchemy's DateTime storage) writes for the same instant."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from batteryloop.domain.passport.primitives import format_datetime
from batteryloop.storage.bulk import _canonical_time, _Times


@given(st.datetimes(min_value=datetime(1970, 1, 1), timezones=st.just(UTC)))
def test_canonical_text_and_datetime_write_the_same(moment: datetime) -> None:
    text = format_datetime(moment)  # "YYYY-MM-DDTHH:MM:SS[.ffffff]Z"
    assert (
        _canonical_time(text, False)
        == _Times(False)(moment)
        == moment.replace(tzinfo=None).isoformat(" ", "microseconds")
    )
    assert datetime.fromisoformat(_canonical_time(text, True)) == moment

"""The round-trip properties run on valid canonical records: every generated record passes the validator."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batteryloop.domain.passport.values import check_attributes

from .strategies import batterypass_records, catenax_records, csv_records


@pytest.mark.parametrize("records", [batterypass_records(), catenax_records(), csv_records()], ids=["bp", "cx", "csv"])
def test_generated_records_are_valid_canonical_records(records: st.SearchStrategy[dict[str, Any]]) -> None:
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(records)
    def check(record: dict[str, Any]) -> None:
        normalized, problems = check_attributes(record["attributes"])
        assert problems == []
        assert normalized == record["attributes"]  # already in the validator's normal form

    check()

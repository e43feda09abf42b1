"""What ``storage.bulk`` encodes in worker processes: COPY lines, and batches cut or joined by passport."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from batteryloop.storage.bulk import EncodedPassports, _copy_line, _copy_text, encode_passports

NOW = datetime(2026, 1, 2, 3, 4, 5, 678900, tzinfo=UTC)
OWNER = uuid.UUID("0b2c7f9e-5d3a-4e0f-9c1b-2a3d4e5f6a7b")


@given(st.lists(st.none() | st.text(alphabet=st.sampled_from("ab\\\t\n\rNé\"'"), max_size=6), min_size=1, max_size=6))
def test_copy_line_is_each_value_escaped_and_joined(values: list[str | None]) -> None:
    assert _copy_line(values) == "\t".join(map(_copy_text, values))


def passport(n: int) -> tuple[dict, list[dict]]:
    row = {
        "passport_id": f"urn:bulk:{n}",
        "battery_id": f"B-{n}\t\\",
        "owner_org_id": OWNER,
        "model_id": None,
        "category": "ev",
        "chemistry": "NMC811",
        "status": "original",
        "predecessor_passport_id": None,
        "successor_passport_id": None,
        "ceased_at": None,
        "created_at": NOW,
        "updated_at": NOW,
        "attributes": {"passport_id": f"urn:bulk:{n}", "battery_mass_kg": 400.5 + n},
    }
    readings = [
        {"attribute": "state_of_charge_share", "recorded_at": f"2026-01-0{1 + i}T00:00:00Z", "value": 0.5}
        for i in range(n % 3)
    ] + [{"attribute": "battery_status", "recorded_at": NOW, "value": "original"}]
    return row, readings


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_only_is_the_encoding_of_the_kept_passports(dialect: str) -> None:
    passports = [passport(n) for n in range(7)]
    keep = [0, 2, 3, 6]
    assert encode_passports(dialect, passports).only(keep) == encode_passports(dialect, [passports[i] for i in keep])
    everything = encode_passports(dialect, passports)
    assert everything.only(range(7)) is everything


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_extend_is_the_encoding_of_both_batches(dialect: str) -> None:
    passports = [passport(n) for n in range(7)]
    joined = encode_passports(dialect, passports[:4])
    joined.extend(encode_passports(dialect, passports[4:]))
    assert joined == encode_passports(dialect, passports)


def test_groups_are_the_drivers_rows() -> None:
    encoded = encode_passports("sqlite", [passport(n) for n in range(3)])
    rows = list(encoded.row_groups())
    assert len(encoded) == len(rows) == 3
    assert [r[0] for r in rows] == [0, 1, 2]  # the index in the batch, to which the statement adds the first key
    assert rows[1][1:4] == ("urn:bulk:1", "B-1\t\\", OWNER.hex)
    assert rows[1][-3:] == (
        "2026-01-02 03:04:05.678900",
        "2026-01-02 03:04:05.678900",
        '{"passport_id": "urn:bulk:1", "battery_mass_kg": 401.5}',
    )
    assert [r[:2] for r in encoded.reading_groups()] == [
        (0, "battery_status"), (1, "state_of_charge_share"), (1, "battery_status"),
        (2, "state_of_charge_share"), (2, "state_of_charge_share"), (2, "battery_status"),
    ]  # fmt: skip
    postgres = encode_passports("postgresql", [passport(n) for n in range(3)])
    assert list(postgres.row_groups()) == [(line,) for line in postgres.rows]
    assert postgres.rows[1].startswith("urn:bulk:1\tB-1\\t\\\\\t0b2c7f9e-5d3a-4e0f-9c1b-2a3d4e5f6a7b\t\\N\tev\t")
    assert isinstance(postgres, EncodedPassports) and len(postgres) == 3

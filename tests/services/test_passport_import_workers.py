"""Bulk import with worker processes gives exactly what the in-process import gives (SQLite and PostgreSQL).

Small batches (``batch=40``) make a few hundred records span many batches, so the pool starts, batches are
prepared both in this process (while the pool starts) and in the workers, and the results come back in order.
"""

from __future__ import annotations

import io
import json

import pytest

from batteryloop.domain.access import Actor
from batteryloop.domain.organization import MemberRole, OrganizationKind
from batteryloop.services import passport as passport_service
from batteryloop.services import passport_import
from batteryloop.services.passport_import import ImportFormat, ImportRejected
from batteryloop.services.passport_prepare import Job, default_workers, prepare_job, prepared_batches
from tests.api.test_passports import full_record

COUNT = 300
BATCH = 40


def record(n: int) -> dict:
    attributes = {
        "passport_id": f"urn:workers:{n}",
        # what COPY's text format must escape, and what JSON must keep: backslash, tab, newline, quote, non-ASCII
        "battery_id": f'W-{n} \\ tab\there "q" é',
        "battery_category": "ev",
        "battery_mass_kg": 400 + n / 10,
        "state_of_charge_share": [
            {"value": round(0.9 - n / 1000, 4), "recorded_at": f"2026-0{1 + n % 9}-01T10:00:00+01:00"},
            {"value": 0.5, "recorded_at": "2026-10-01T00:00:00Z"},
        ],
    }
    return {"attributes": attributes}


def jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def oem(world) -> Actor:
    return Actor(org_id=world.org_ids["Voltavia Motors"], org_kind=OrganizationKind.OEM, role=MemberRole.ADMIN)


def run(platform, world, payload: bytes, *, workers: int, fmt=ImportFormat.JSONL, resume=False, read=True):
    with platform.store.uow() as uow:
        source = passport_import.iter_records(fmt, io.BytesIO(payload))
        report = passport_import.import_passports(
            uow, oem(world), source, fmt=fmt, workers=workers, batch=BATCH, resume=resume
        )
        reads = {  # battery_status is stamped with the time of the import
            f"urn:workers:{n}": {
                k: v
                for k, v in passport_service.read_passport(uow, oem(world), f"urn:workers:{n}").attributes.items()
                if k != "battery_status"
            }
            for n in (range(0, COUNT, 37) if read else ())
        }
        uow.commit()
    return report, reads


def test_workers_store_exactly_what_the_inline_import_stores(platform, world):
    payload = jsonl([record(n) for n in range(COUNT)])
    report, reads = run(platform, world, payload, workers=2)
    assert (report.records, report.imported) == (COUNT, COUNT)
    with platform.store.uow() as uow:  # the same file inline, into an empty registry (rolled back)
        for pid in reads:
            assert passport_service.read_passport(uow, oem(world), pid).attributes.items() >= reads[pid].items()
        first = reads["urn:workers:0"]
        assert first["battery_id"] == 'W-0 \\ tab\there "q" é'
        assert first["state_of_charge_share"] == [
            {"value": 0.9, "recorded_at": "2026-01-01T09:00:00Z"},
            {"value": 0.5, "recorded_at": "2026-10-01T00:00:00Z"},
        ]


def test_inline_and_workers_agree_record_for_record(platform, world):
    payload = jsonl([record(n) for n in range(COUNT)])
    _, with_workers = run(platform, world, payload, workers=2)
    with platform.store.uow() as uow:
        uow.connection.exec_driver_sql("DELETE FROM passport_readings")
        uow.connection.exec_driver_sql("DELETE FROM passports")
        uow.commit()
    _, inline = run(platform, world, payload, workers=0)
    assert with_workers == inline


def test_bad_records_and_duplicates_across_batches_are_all_reported_in_order(platform, world):
    records = [record(n) for n in range(COUNT)]
    records[130]["attributes"]["battery_mass_kg"] = -5  # batch 4
    records[250] = record(17)  # a duplicate of line 18, six batches later
    lines = jsonl(records).decode().splitlines(keepends=True)
    lines[200] = "{not json\n"  # batch 6
    with pytest.raises(ImportRejected) as caught, platform.store.uow() as uow:
        passport_import.import_passports(
            uow,
            oem(world),
            passport_import.iter_records(ImportFormat.JSONL, io.BytesIO("".join(lines).encode())),
            fmt=ImportFormat.JSONL,
            workers=2,
            batch=BATCH,
        )
    report = caught.value.report
    assert [e.position for e in report.errors] == ["line 131", "line 201", "line 251"]
    assert report.errors[0].problems[0]["field"] == "attributes.battery_mass_kg"
    assert "appears earlier in this file" in report.errors[2].problems[0]["reason"]
    with platform.store.uow() as uow:
        assert uow.passports.existing_ids(["urn:workers:0", "urn:workers:299"]) == set()


def test_resume_with_workers_skips_what_is_registered(platform, world):
    payload = jsonl([record(n) for n in range(COUNT)])
    run(platform, world, jsonl([record(n) for n in range(0, COUNT, 3)]), workers=0, read=False)
    report, _ = run(platform, world, payload, workers=2, resume=True)
    assert (report.imported, report.skipped_existing) == (COUNT - 100, 100)


def test_csv_rows_spanning_lines_are_split_whole(platform, world):
    from batteryloop.domain.passport.exchange.csvformat import write_csv_rows

    records = [record(n) for n in range(COUNT)]
    records[5]["attributes"]["battery_id"] = "two\nlines"  # a quoted cell across a line end
    text = "".join(write_csv_rows(records))
    report, _ = run(platform, world, text.encode(), workers=2, fmt=ImportFormat.CSV)
    assert report.imported == COUNT
    with platform.store.uow() as uow:
        assert passport_service.read_passport(uow, oem(world), "urn:workers:5").attributes["battery_id"] == "two\nlines"


def test_a_full_record_survives_the_worker_path(platform, world):
    full = full_record()
    payload = jsonl([{"attributes": full}] + [record(n) for n in range(COUNT)])
    run(platform, world, payload, workers=2)
    with platform.store.uow() as uow:
        stored = passport_service.read_passport(uow, oem(world), full["passport_id"]).attributes
    assert len(stored) == len(full)


def test_small_files_and_zero_workers_never_start_a_pool(monkeypatch):
    import batteryloop.services.passport_prepare as prepare

    monkeypatch.setattr(prepare, "_pool", lambda workers: pytest.fail("a pool was started"))
    job = Job("parsed", [("item 1", record(1))], owner=__import__("uuid").uuid4(), now=_now(), dialect="sqlite")
    assert [p.records for p in prepared_batches([job], workers=4)] == [1]
    assert [p.records for p in prepared_batches([job, job, job], workers=0)] == [1, 1, 1]
    assert prepare_job(job).passports.passport_ids == ["urn:workers:1"]


def test_worker_count_follows_the_environment(monkeypatch):
    monkeypatch.setenv("BATTERYLOOP_IMPORT_WORKERS", "0")
    assert default_workers() == 0
    monkeypatch.setenv("BATTERYLOOP_IMPORT_WORKERS", "3")
    assert default_workers() == 3


def _now():
    from datetime import UTC, datetime

    return datetime(2026, 11, 25, tzinfo=UTC)

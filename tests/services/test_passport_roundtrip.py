"""Export then import gives the same passports back (CSV and canonical JSON lines), through the services."""

from __future__ import annotations

import io

import pytest

from batteryloop.domain.access import Actor
from batteryloop.domain.organization import MemberRole, OrganizationKind
from batteryloop.services import passport as passport_service
from batteryloop.services import passport_export, passport_import
from batteryloop.services.passport_import import ImportFormat
from tests.api.test_passports import full_record


@pytest.mark.parametrize(("export_fmt", "import_fmt"), [("csv", ImportFormat.CSV), ("jsonl", ImportFormat.JSONL)])
def test_export_import_round_trip(platform, world, export_fmt, import_fmt):
    volt = Actor(org_id=world.org_ids["Voltavia Motors"], org_kind=OrganizationKind.OEM, role=MemberRole.ADMIN)
    nordkap = Actor(org_id=world.org_ids["Nordkap Automotive"], org_kind=OrganizationKind.OEM, role=MemberRole.ADMIN)
    second = {
        "passport_id": "urn:voltavia:rt2",
        "battery_id": "RT-2",
        "battery_category": "lmt",
        "state_of_charge_share": [
            {"value": 0.5, "recorded_at": "2026-02-01T00:00:00Z"},
            {"value": 0.75, "recorded_at": "2026-03-01T12:30:00Z"},
        ],
    }
    with platform.store.uow() as uow:
        originals = {}
        for record in (full_record(), second):
            view = passport_service.register_passport(uow, volt, record)
            originals[view.passport_id] = view.attributes
        text = "".join(passport_export.export_lines(uow, volt.org_id, passport_export.ExportFormat(export_fmt)))
        # move the passports to another organisation's registry: drop them, import the export there
        uow.rollback()
    with platform.store.uow() as uow:
        stream = io.BytesIO(text.encode("utf-8"))
        report = passport_import.import_passports(
            uow, nordkap, passport_import.iter_records(import_fmt, stream), fmt=import_fmt
        )
        assert report.imported == 2
        for pid, attributes in originals.items():
            again = passport_service.read_passport(uow, nordkap, pid)
            assert again.attributes == attributes
        uow.rollback()

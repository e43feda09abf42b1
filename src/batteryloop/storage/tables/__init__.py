"""All tables; importing this module registers them on :data:`batteryloop.storage.base.Base.metadata`."""

from batteryloop.storage.tables.audit import AuditEventRow
from batteryloop.storage.tables.consortium import ConsortiumMemberRow, ConsortiumRow, SharingRuleRow
from batteryloop.storage.tables.custody import CustodyEventItemRow, CustodyEventRow, CustodyItemRow
from batteryloop.storage.tables.log import LogCheckpointRow, LogEntryTileRow, LogStateRow, LogTileRow
from batteryloop.storage.tables.operations import FacilityRow, LotItemRow, LotRow
from batteryloop.storage.tables.organization import ApiKeyRow, MemberRow, OrganizationRow
from batteryloop.storage.tables.passport import BatteryModelRow, ImportRow, PassportReadingRow, PassportRow
from batteryloop.storage.tables.shipment import ShipmentItemRow, ShipmentRow

__all__ = [
    "ApiKeyRow",
    "AuditEventRow",
    "BatteryModelRow",
    "ConsortiumMemberRow",
    "ConsortiumRow",
    "CustodyEventItemRow",
    "CustodyEventRow",
    "CustodyItemRow",
    "FacilityRow",
    "ImportRow",
    "LogCheckpointRow",
    "LogEntryTileRow",
    "LogStateRow",
    "LogTileRow",
    "LotItemRow",
    "LotRow",
    "MemberRow",
    "OrganizationRow",
    "PassportReadingRow",
    "PassportRow",
    "SharingRuleRow",
    "ShipmentItemRow",
    "ShipmentRow",
]

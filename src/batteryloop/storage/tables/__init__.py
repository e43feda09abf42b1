"""All tables; importing this module registers them on :data:`batteryloop.storage.base.Base.metadata`."""

from batteryloop.storage.tables.audit import AuditEventRow
from batteryloop.storage.tables.consortium import ConsortiumMemberRow, ConsortiumRow, SharingRuleRow
from batteryloop.storage.tables.organization import ApiKeyRow, MemberRow, OrganizationRow

__all__ = [
    "ApiKeyRow",
    "AuditEventRow",
    "ConsortiumMemberRow",
    "ConsortiumRow",
    "MemberRow",
    "OrganizationRow",
    "SharingRuleRow",
]

"""Regulatory recovery accounting (rule set RS-A): recycling efficiency, material recovery, mass balance, targets."""

from batteryloop.domain.recovery.accounting import (
    FacilityBalance,
    Lot,
    LotInput,
    MassBalanceError,
    Options,
    Output,
    Recovery,
    TargetCheck,
    check_lot,
)
from batteryloop.domain.recovery.compute import calculate_recovery, compute_recovery
from batteryloop.domain.recovery.targets import (
    BATTERY_GROUPS,
    FATES,
    RECOVERY_ELEMENTS,
    Target,
    fate_of_code,
    get_targets,
)

__all__ = [
    "BATTERY_GROUPS",
    "FATES",
    "RECOVERY_ELEMENTS",
    "FacilityBalance",
    "Lot",
    "LotInput",
    "MassBalanceError",
    "Options",
    "Output",
    "Recovery",
    "Target",
    "TargetCheck",
    "calculate_recovery",
    "check_lot",
    "compute_recovery",
    "fate_of_code",
    "get_targets",
]

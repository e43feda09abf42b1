"""Battery health: Annex VII state-of-health indicators and the end-of-life triage they feed.

- :func:`calculate_health_indicators`: state of certified energy, remaining capacity share, capacity fade, power
  fade, internal resistance increase, round-trip efficiency fade and self-discharge evolution, as fractions.
- :func:`classify_end_of_life`: reuse, remanufacture, repurpose, recycle or safety hold for one pack, with the rule,
  the reasons and the custody step to record next; :func:`triage_many` for many packs at once (NumPy).
"""

from batteryloop.domain.health.soh import HealthIndicators, Indicator, calculate_health_indicators
from batteryloop.domain.health.triage import (
    CONDITIONS,
    NEGATIVE_EVENT_KINDS,
    ROUTE_CODES,
    ROUTES,
    TriageDecision,
    TriageInputs,
    TriageThresholds,
    classify_end_of_life,
    default_thresholds,
    is_stationary_suitable,
    route_names,
    triage_many,
)

__all__ = [
    "CONDITIONS",
    "NEGATIVE_EVENT_KINDS",
    "ROUTES",
    "ROUTE_CODES",
    "HealthIndicators",
    "Indicator",
    "TriageDecision",
    "TriageInputs",
    "TriageThresholds",
    "calculate_health_indicators",
    "classify_end_of_life",
    "default_thresholds",
    "is_stationary_suitable",
    "route_names",
    "triage_many",
]

"""The composite parts of the Battery Pass ``PerformanceAndDurability`` aspect (see :mod:`.batterypass`)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from batteryloop.domain.passport.exchange._bp_parts import (
    CELSIUS,
    COND,
    KWH,
    MINUTES,
    MINUTES_Q,
    OHMS,
    PD,
    RESISTANCE_COMPONENTS,
    SOC_FOR_POWER,
    TECH,
    WATTS,
    _choice,
    _items,
    _required,
)
from batteryloop.domain.passport.exchange._common import (
    CEILINGS,
    Collector,
    Quantity,
    as_object,
    as_text,
    check_keys,
    parse_zoned,
    percent,
    read_number,
    read_zoned,
    stamp,
    to_decimal,
)

SOC = percent("state of charge")
REMAINING_WATTS = Quantity(unit="W", what="power", low=Decimal(0), high=CEILINGS["power_w"])
INCREASE = percent("resistance increase")


def _power(
    c: Collector, obj: Mapping[str, Any], key: str, path: str, *, nested: bool, q: Quantity = WATTS
) -> tuple[int | float, str | None] | None:
    """One power in W (and its time) from a list of powers at states of charge: the only one, else at 80 %."""
    candidates: list[tuple[Any, int | float, str | None]] = []
    before = len(c.problems)
    for item_path, item in _items(c, obj, key, path):
        time: str | None = None
        inner: Mapping[str, Any] | None = item
        inner_path = item_path
        if nested:
            check_keys(c, item, item_path, ("remainingPowerCapabilityValue", "lastUpdate"))
            inner_path = f"{item_path}.remainingPowerCapabilityValue"
            inner = as_object(c, _required(c, item, item_path, "remainingPowerCapabilityValue"), inner_path)
            if item.get("lastUpdate") is not None:
                time = read_zoned(c, item["lastUpdate"], f"{item_path}.lastUpdate")
        if inner is None:
            continue
        check_keys(c, inner, inner_path, ("atSoC", "powerCapabilityAt", *(("rPCLastUpdated",) if nested else ())))
        if nested and time is None and inner.get("rPCLastUpdated") is not None:
            time = read_zoned(c, inner["rPCLastUpdated"], f"{inner_path}.rPCLastUpdated")
        soc = read_number(c, inner["atSoC"], f"{inner_path}.atSoC", SOC) if inner.get("atSoC") is not None else None
        watts = read_number(
            c, _required(c, inner, inner_path, "powerCapabilityAt"), f"{inner_path}.powerCapabilityAt", q
        )
        if watts is not None:
            candidates.append((soc, watts, time))
    if len(c.problems) > before or not candidates:
        return None
    if len(candidates) == 1:
        return candidates[0][1], candidates[0][2]
    at_80 = [x for x in candidates if x[0] is not None and to_decimal(x[0]).scaleb(2) == SOC_FOR_POWER]
    if len(at_80) == 1:
        return at_80[0][1], at_80[0][2]
    c.note(f"{path}.{key}", f"{len(candidates)} power capabilities and not exactly one at 80 % SoC; not stored")
    return None


def _per_component(
    c: Collector, obj: Mapping[str, Any], key: str, path: str, value_key: str, name: str, q: Any
) -> list[dict[str, Any]] | None:
    out: list[dict[str, Any]] = []
    before = len(c.problems)
    for item_path, item in _items(c, obj, key, path):
        check_keys(c, item, item_path, (value_key, "batteryComponent", "lastUpdate"))
        raw = _required(c, item, item_path, "batteryComponent")
        component = _choice(
            c, raw, f"{item_path}.batteryComponent", {k: k for k in RESISTANCE_COMPONENTS}, "battery component"
        )
        value = read_number(c, _required(c, item, item_path, value_key), f"{item_path}.{value_key}", q)
        if item.get("lastUpdate") is not None:
            read_zoned(c, item["lastUpdate"], f"{item_path}.lastUpdate")
        if component is not None and value is not None:
            if any(x["component"] == component for x in out):
                c.problem(f"{item_path}.batteryComponent", f"component {component!r} is given twice")
            out.append({"component": component, name: value})
    return out if len(c.problems) == before else None


def _idle_temperatures(c: Collector, raw: object, path: str) -> None:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        c.note(
            path,
            f"one number ({raw}) cannot say which boundary of the idle temperature range it is; give "
            '{"minimum": ..., "maximum": ...} in °C; not stored',
        )
        return
    obj = as_object(c, raw, path)
    if obj is None:
        return
    check_keys(c, obj, path, ("minimum", "maximum"))
    for key, attribute in (("minimum", "idle_temperature_lower_c"), ("maximum", "idle_temperature_upper_c")):
        if obj.get(key) is not None:
            c.set(attribute, read_number(c, obj[key], f"{path}.{key}", CELSIUS))


def _remaining_capacity(c: Collector, raw: object, path: str, received_at: str | None) -> None:
    obj = as_object(c, raw, path)
    if obj is None:
        return
    check_keys(c, obj, path, ("remainingCapacityValue", "lastUpdate"))
    kwh = read_number(c, _required(c, obj, path, "remainingCapacityValue"), f"{path}.remainingCapacityValue", KWH)
    time = read_zoned(c, obj["lastUpdate"], f"{path}.lastUpdate") if obj.get("lastUpdate") is not None else None
    if kwh is None:
        return
    volts = c.attributes.get("nominal_voltage_v")
    if volts is None:
        c.problem(
            f"{path}.remainingCapacityValue",
            "the model gives the remaining capacity in kWh; converting it to "
            f"Ah needs {TECH}.nominalVoltage, which is missing or invalid",
        )
        return
    ah = to_decimal(kwh) * 1000 / to_decimal(volts)
    recorded_at = stamp(c, time, received_at, path)
    if recorded_at is not None:
        c.set("remaining_capacity_ah", [{"value": float(ah), "recorded_at": recorded_at}])


def _events(c: Collector, obj: Mapping[str, Any], path: str, received_at: str | None) -> None:
    events: list[dict[str, Any]] = []
    latest: str | None = None
    before = len(c.problems)
    for item_path, item in _items(c, obj, "negativeEvents", path):
        check_keys(c, item, item_path, ("negativeEvent", "lastUpdate"))
        event: dict[str, Any] = {
            "description": as_text(c, _required(c, item, item_path, "negativeEvent"), f"{item_path}.negativeEvent")
        }
        if item.get("lastUpdate") is not None:
            event["occurred_at"] = read_zoned(c, item["lastUpdate"], f"{item_path}.lastUpdate")
            moment = parse_zoned(event["occurred_at"])
            if moment is not None and (latest is None or moment > parse_zoned(latest)):  # type: ignore[operator]
                latest = event["occurred_at"]
        events.append(event)
    if not events or len(c.problems) > before:
        return
    recorded_at = stamp(c, latest, received_at, f"{path}.negativeEvents")
    if recorded_at is not None:
        c.set("accident_information", [{"value": events, "recorded_at": recorded_at}])


def _minutes(c: Collector, raw: object, path: str, received_at: str | None) -> None:
    obj = as_object(c, raw, path)
    if obj is None:
        return
    check_keys(c, obj, path, (*MINUTES, "lastUpdate"))
    time = read_zoned(c, obj["lastUpdate"], f"{path}.lastUpdate") if obj.get("lastUpdate") is not None else None
    for key, attribute in MINUTES.items():
        if obj.get(key) is None:
            continue
        minutes = read_number(c, obj[key], f"{path}.{key}", MINUTES_Q)
        recorded_at = stamp(c, time, received_at, f"{path}.{key}") if minutes is not None else None
        if recorded_at is not None:
            c.set(attribute, [{"value": minutes, "recorded_at": recorded_at}])


def read_performance(c: Collector, obj: Mapping[str, Any], received_at: str | None) -> None:
    """Power capabilities, resistances, idle temperatures, remaining capacity, events, extreme-temperature times."""
    tech, cond = obj.get(TECH), obj.get(COND)
    tech_path, cond_path = f"{PD}.{TECH}", f"{PD}.{COND}"
    if isinstance(tech, Mapping):
        if tech.get("powerCapabilityRatio") is not None:
            c.note(
                f"{tech_path}.powerCapabilityRatio",
                "the nominal charge rate has no attribute in the longlist v1.2; not stored",
            )
        found = _power(c, tech, "originalPowerCapability", tech_path, nested=False)
        if found is not None:
            c.set("original_power_capability_w", found[0])
        c.set(
            "initial_internal_resistance_ohm",
            _per_component(c, tech, "initialInternalResistance", tech_path, "ohmicResistance", "ohm", OHMS),
        )
        if tech.get("temperatureRangeIdleState") is not None:
            _idle_temperatures(c, tech["temperatureRangeIdleState"], f"{tech_path}.temperatureRangeIdleState")
    if not isinstance(cond, Mapping):
        return
    if cond.get("remainingCapacity") is not None:
        _remaining_capacity(c, cond["remainingCapacity"], f"{cond_path}.remainingCapacity", received_at)
    _events(c, cond, cond_path, received_at)
    if cond.get("temperatureInformation") is not None:
        _minutes(c, cond["temperatureInformation"], f"{cond_path}.temperatureInformation", received_at)
    found = _power(c, cond, "remainingPowerCapability", cond_path, nested=True, q=REMAINING_WATTS)
    if found is not None:
        recorded_at = stamp(c, found[1], received_at, f"{cond_path}.remainingPowerCapability")
        if recorded_at is not None:
            c.set("remaining_power_capability_w", [{"value": found[0], "recorded_at": recorded_at}])
    c.set(
        "internal_resistance_increase_rate",
        _per_component(
            c, cond, "internalResistanceIncrease", cond_path, "internalResistanceIncreaseValue", "rate", INCREASE
        ),
    )

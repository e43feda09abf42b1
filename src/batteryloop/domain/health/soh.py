"""State-of-health indicators of Annex VII Part A (Regulation (EU) 2023/1542) from measurements and rated values.

Each indicator is a fraction (1 = 100 %), computed exactly with :class:`~decimal.Decimal`, with its formula text and
the inputs it used. Only the indicators whose inputs are given are computed.

References:
    regulation-rules.md §1.7 (Annex VII Part A; formulas from the Battery Pass data model, DIN DKE SPEC 99100,
    ``PerformanceAndDurability.ttl``; SOCE as in UN GTR No 22). Round-trip efficiency fade and self-discharge
    evolution are the *relative* forms given there (``1 - RTE/RTE_BOL``, ``(SD - SD_BOL) / SD_BOL``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Final

from batteryloop.domain.transport.errors import Problems, check_decimal, format_number

MAX_REMAINING_SHARE: Final = Decimal("1.10")
"""A remaining capacity, energy or power above 110 % of its rated or initial value is refused as implausible."""
MAX_RESISTANCE_RATIO: Final = Decimal("10")
"""A resistance more than ten times (or less than a tenth of) its initial value is refused: a unit mix-up (mΩ/Ω)."""

SOCE: Final = "state_of_certified_energy"
CAPACITY_SHARE: Final = "remaining_capacity_share"


@dataclass(frozen=True, slots=True, kw_only=True)
class Indicator:
    """One Annex VII indicator: its value as a fraction, the formula and the inputs it used."""

    name: str
    value: Decimal
    formula: str
    annex_vii_item: str
    inputs: Mapping[str, Decimal]


@dataclass(frozen=True, slots=True, kw_only=True)
class HealthIndicators:
    """The indicators computed from one set of measurements, with the state of health they imply.

    ``state_of_health`` is the state of certified energy when it was computed, else the remaining capacity share
    (``None`` when neither was); ``state_of_health_basis`` names which.
    """

    indicators: Mapping[str, Indicator]
    state_of_health: Decimal | None
    state_of_health_basis: str | None
    reasons: tuple[str, ...]
    inputs: Mapping[str, Decimal]


@dataclass(frozen=True, slots=True)
class _Pair:
    initial: str
    current: str
    unit: str
    what: str
    max_share: Decimal | None
    fraction: bool


_PAIRS: Final = (
    _Pair("rated_capacity_ah", "remaining_capacity_ah", "Ah", "capacity", MAX_REMAINING_SHARE, fraction=False),
    _Pair("certified_energy_kwh", "remaining_energy_kwh", "kWh", "usable energy", MAX_REMAINING_SHARE, fraction=False),
    _Pair("initial_power_w", "power_w", "W", "power capability", MAX_REMAINING_SHARE, fraction=False),
    _Pair("initial_resistance_ohm", "resistance_ohm", "ohm", "internal resistance", None, fraction=False),
    _Pair("initial_round_trip_efficiency", "round_trip_efficiency", "", "round-trip efficiency", None, fraction=True),
    _Pair("initial_self_discharge_rate", "self_discharge_rate", "", "self-discharge rate", None, fraction=True),
)
FIELDS: Final = tuple(name for pair in _PAIRS for name in (pair.initial, pair.current))


def calculate_health_indicators(
    *,
    rated_capacity_ah: object = None,
    remaining_capacity_ah: object = None,
    certified_energy_kwh: object = None,
    remaining_energy_kwh: object = None,
    initial_power_w: object = None,
    power_w: object = None,
    initial_resistance_ohm: object = None,
    resistance_ohm: object = None,
    initial_round_trip_efficiency: object = None,
    round_trip_efficiency: object = None,
    initial_self_discharge_rate: object = None,
    self_discharge_rate: object = None,
) -> HealthIndicators:
    """Return the Annex VII indicators whose inputs are given, each as a fraction with its formula.

    Args:
        rated_capacity_ah: Rated (nameplate) capacity [Ah]; with ``remaining_capacity_ah``.
        remaining_capacity_ah: Measured remaining capacity [Ah].
        certified_energy_kwh: Certified usable battery energy at beginning of life [kWh].
        remaining_energy_kwh: Measured usable battery energy [kWh].
        initial_power_w: Original power capability [W].
        power_w: Measured power capability [W].
        initial_resistance_ohm: Internal resistance at beginning of life [ohm].
        resistance_ohm: Measured internal resistance [ohm], same level (pack, module, cell) as the initial one.
        initial_round_trip_efficiency: Initial round-trip efficiency, a fraction (0, 1].
        round_trip_efficiency: Measured round-trip efficiency, a fraction (0, 1].
        initial_self_discharge_rate: Initial self-discharge rate, a fraction of charge per period (e.g. per month).
        self_discharge_rate: Measured self-discharge rate, same period as the initial one.

    Returns:
        The indicators, the state of health (SOCE, else remaining capacity share) and the reasons.

    Raises:
        ClassificationInputError: Every implausible, missing-partner or malformed value, each with field and reason.
    """
    given: dict[str, object] = {
        "rated_capacity_ah": rated_capacity_ah,
        "remaining_capacity_ah": remaining_capacity_ah,
        "certified_energy_kwh": certified_energy_kwh,
        "remaining_energy_kwh": remaining_energy_kwh,
        "initial_power_w": initial_power_w,
        "power_w": power_w,
        "initial_resistance_ohm": initial_resistance_ohm,
        "resistance_ohm": resistance_ohm,
        "initial_round_trip_efficiency": initial_round_trip_efficiency,
        "round_trip_efficiency": round_trip_efficiency,
        "initial_self_discharge_rate": initial_self_discharge_rate,
        "self_discharge_rate": self_discharge_rate,
    }
    values = check_health_inputs(given)
    indicators: dict[str, Indicator] = {}
    reasons: list[str] = []

    def pair(a: str, b: str) -> tuple[Decimal, Decimal] | None:
        x, y = values.get(a), values.get(b)
        return (x, y) if x is not None and y is not None else None

    if (cap := pair("rated_capacity_ah", "remaining_capacity_ah")) is not None:
        rated, remaining = cap
        share = remaining / rated
        inputs = {"remaining_capacity_ah": remaining, "rated_capacity_ah": rated}
        indicators[CAPACITY_SHARE] = _indicator(
            CAPACITY_SHARE, share, "remaining_capacity_ah / rated_capacity_ah", "Part A 2 (remaining capacity)", inputs
        )
        indicators["capacity_fade"] = _indicator(
            "capacity_fade", 1 - share, "1 - remaining_capacity_ah / rated_capacity_ah", "Part A 2 (Annex IV)", inputs
        )
    if (energy := pair("certified_energy_kwh", "remaining_energy_kwh")) is not None:
        certified, remaining_e = energy
        indicators[SOCE] = _indicator(
            SOCE,
            remaining_e / certified,
            "remaining_energy_kwh / certified_energy_kwh (UN GTR No 22)",
            "Part A 1 (state of certified energy, EV batteries)",
            {"remaining_energy_kwh": remaining_e, "certified_energy_kwh": certified},
        )
    if (power := pair("initial_power_w", "power_w")) is not None:
        p0, p = power
        indicators["power_fade"] = _indicator(
            "power_fade",
            1 - p / p0,
            "1 - power_w / initial_power_w",
            "Part A 3 (remaining power capability)",
            {"power_w": p, "initial_power_w": p0},
        )
    if (res := pair("initial_resistance_ohm", "resistance_ohm")) is not None:
        r0, r = res
        indicators["internal_resistance_increase"] = _indicator(
            "internal_resistance_increase",
            (r - r0) / r0,
            "(resistance_ohm - initial_resistance_ohm) / initial_resistance_ohm",
            "Part A 6 (ohmic resistance)",
            {"resistance_ohm": r, "initial_resistance_ohm": r0},
        )
    if (rte := pair("initial_round_trip_efficiency", "round_trip_efficiency")) is not None:
        e0, e = rte
        indicators["round_trip_efficiency_fade"] = _indicator(
            "round_trip_efficiency_fade",
            1 - e / e0,
            "1 - round_trip_efficiency / initial_round_trip_efficiency (relative fade, regulation-rules.md §1.7)",
            "Part A 4 (remaining round-trip efficiency)",
            {"round_trip_efficiency": e, "initial_round_trip_efficiency": e0},
        )
        reasons.append(
            "round_trip_efficiency_fade is relative to the initial efficiency (1 - RTE/RTE_BOL), not the absolute "
            f"drop (initial - current = {format_number(e0 - e)})"
        )
    if (sd := pair("initial_self_discharge_rate", "self_discharge_rate")) is not None:
        sd0, sd_now = sd
        indicators["self_discharge_evolution"] = _indicator(
            "self_discharge_evolution",
            (sd_now - sd0) / sd0,
            "(self_discharge_rate - initial_self_discharge_rate) / initial_self_discharge_rate",
            "Part A 5 (evolution of self-discharging rates)",
            {"self_discharge_rate": sd_now, "initial_self_discharge_rate": sd0},
        )

    soh: Decimal | None = None
    basis: str | None = None
    if SOCE in indicators:
        soh, basis = indicators[SOCE].value, SOCE
        reasons.append("state of health is the state of certified energy (SOCE), the Annex VII indicator for EVs")
    elif CAPACITY_SHARE in indicators:
        soh, basis = indicators[CAPACITY_SHARE].value, CAPACITY_SHARE
        reasons.append("state of health is the remaining capacity share (no certified and remaining energy given)")
    else:
        reasons.append("no state of health: give rated and remaining capacity, or certified and remaining energy")
    for ind in indicators.values():
        reasons.append(f"{ind.name} = {ind.formula} = {format_number(ind.value)} (Annex VII {ind.annex_vii_item})")
    return HealthIndicators(
        indicators=MappingProxyType(indicators),
        state_of_health=soh,
        state_of_health_basis=basis,
        reasons=tuple(reasons),
        inputs=MappingProxyType(dict(values)),
    )


def check_health_inputs(given: Mapping[str, object], problems: Problems | None = None) -> dict[str, Decimal]:
    """Check the measurement fields of :func:`calculate_health_indicators`; return those given, as decimals.

    Args:
        given: Field name to value (``None`` or absent when not measured); only the names in :data:`FIELDS`.
        problems: A collector to add to (the problems are then not raised here), or ``None`` to raise them.

    Raises:
        ClassificationInputError: When ``problems`` is ``None`` and any value is bad.
    """
    p = problems if problems is not None else Problems()
    values: dict[str, Decimal] = {}
    for pair in _PAIRS:
        first = {"rated_capacity_ah": "rated", "certified_energy_kwh": "certified"}.get(pair.initial, "initial")
        for name, label in ((pair.initial, first), (pair.current, "measured")):
            number = _check_number(given.get(name), name, pair, p, label)
            if number is not None:
                values[name] = number
        initial_given = given.get(pair.initial) is not None
        current_given = given.get(pair.current) is not None
        if initial_given != current_given:
            missing, present = (pair.initial, pair.current) if current_given else (pair.current, pair.initial)
            p.add(missing, f"{present} is given without {missing}: give both, the {pair.what} needs the pair")
            continue
        initial, current = values.get(pair.initial), values.get(pair.current)
        if initial is None or current is None:
            continue
        if pair.max_share is not None and current > pair.max_share * initial:
            p.add(
                pair.current,
                f"{format_number(current)} {pair.unit} is above {format_number(pair.max_share * 100)} % of "
                f"{pair.initial} ({format_number(initial)} {pair.unit}): implausible; check the unit and that "
                f"{pair.initial} is the rated value",
            )
        if pair.initial == "initial_resistance_ohm":
            ratio = current / initial
            if ratio > MAX_RESISTANCE_RATIO or ratio < 1 / MAX_RESISTANCE_RATIO:
                p.add(
                    pair.current,
                    f"{format_number(current)} ohm is {format_number(round(ratio, 3))} times initial_resistance_ohm "
                    f"({format_number(initial)} ohm): implausible; are both in ohm (not milliohm), at the same level?",
                )
    if problems is None:
        p.raise_if_any()
    return values


def _check_number(value: object, name: str, pair: _Pair, p: Problems, label: str) -> Decimal | None:
    what = f"{label} {pair.what}".strip()
    allow_zero = name in {"remaining_capacity_ah", "remaining_energy_kwh", "power_w", "self_discharge_rate"}
    if pair.fraction:
        number = check_decimal(value, name, p, unit="(fraction)", what=what, allow_zero=allow_zero)
        if number is not None and number > 1:
            p.add(
                name,
                f"{format_number(number)} is not a fraction: it looks like a percentage; give {what} as a fraction "
                f"in [0, 1], e.g. {format_number(number / 100)} for {format_number(number)} %",
            )
            return None
        return number
    return check_decimal(value, name, p, unit=pair.unit, what=what, allow_zero=allow_zero)


def _indicator(name: str, value: Decimal, formula: str, item: str, inputs: dict[str, Decimal]) -> Indicator:
    return Indicator(name=name, value=value, formula=formula, annex_vii_item=item, inputs=MappingProxyType(inputs))

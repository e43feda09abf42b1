"""End-of-life triage of an EV battery pack: reuse, remanufacture, repurpose, recycle or safety hold.

The decision, in order (the rule identifiers appear in every decision's ``rule`` and ``reasons``):

=====  =================================================================================  ==============
rule   when                                                                               route
=====  =================================================================================  ==============
T1     condition critically_damaged or unknown                                            safety_hold
T2     condition damaged_stable (any damage takes the safety path)                        recycle
T3     SoH >= reuse_min_soh, negative events <= reuse_max_negative_events,                reuse
       age <= reuse_max_age_years
T4     SoH >= reuse_min_soh otherwise                                                     remanufacture
T5     SoH >= repurpose floor of the chemistry, negative events <=                        repurpose
       repurpose_max_negative_events, age <= repurpose_max_age_years, second-life demand
T6     a repurposing candidate (as T5) without second-life demand                         recycle
T7     SoH >= repurpose_min_soh but below the floor of a chemistry not suited to           recycle
       stationary storage (repurpose_min_soh_other_chemistry)
T8     SoH at or above the repurpose floor but too many negative events or too old        recycle
T9     SoH < repurpose_min_soh                                                            recycle
=====  =================================================================================  ==============

The repurpose floor is ``repurpose_min_soh`` for the chemistries of ``[stationary]`` in ``data/health/triage.toml``
(LFP, LMFP) and ``repurpose_min_soh_other_chemistry`` for every other one (NMC, NCA, ...: allowed, ranked lower).
State of health is a fraction: SOCE when known, else the remaining capacity share (Annex VII Part A).

:func:`classify_end_of_life` decides one pack, with reasons; :func:`triage_many` decides many packs at once with
NumPy and gives exactly the same routes (as the codes of :data:`ROUTES`).

References:
    planning-forecasting-custody.md §1.3 (three-grade sort >80 % / 60-80 % / <60 %, Bafadal et al. 2025 [S20]),
    §1.2 (max age 12 y for repurpose or reuse, Busch et al. [S5]); regulation-rules.md §1.6 (new passport on
    repurposing or remanufacturing), §1.7 (Annex VII Part B negative events). Figures in ``data/health/triage.toml``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from batteryloop.domain.chemistry import get_chemistry
from batteryloop.domain.custody.events import EventKind
from batteryloop.domain.errors import InvalidInputError, ReferenceDataError
from batteryloop.domain.refdata import read_toml
from batteryloop.domain.transport.errors import Problems, check_choice, check_decimal, format_number

TRIAGE_FILE: Final = "health/triage.toml"
ROUTES: Final = ("reuse", "remanufacture", "repurpose", "recycle", "safety_hold")
"""The routes; a route's code in :func:`triage_many` is its index here."""
ROUTE_CODES: Final = MappingProxyType({route: code for code, route in enumerate(ROUTES)})
REUSE, REMANUFACTURE, REPURPOSE, RECYCLE, SAFETY_HOLD = range(5)
CONDITIONS: Final = ("intact", "damaged_stable", "critically_damaged", "unknown")
NEGATIVE_EVENT_KINDS: Final = (
    "accident",
    "thermal_event",
    "deep_discharge",
    "overcharge",
    "extreme_temperature",
    "other",
)
MAX_STATE_OF_HEALTH: Final = Decimal("1.10")
"""A state of health above 110 % is refused (as for remaining capacity in :mod:`~batteryloop.domain.health.soh`)."""
#: a damaged pack counts as safely discharged at or below this state of charge (platform choice [U]: near-empty
#: cells hold too little energy for a thermal runaway to propagate; lots refuse damaged packs not discharged)
DISCHARGED_SOC: Final = Decimal("0.05")

_CONDITION_ALIASES: Final = MappingProxyType(
    {"damaged": "damaged_stable", "critical": "critically_damaged", "not_assessed": "unknown", "undiagnosed": "unknown"}
)
_EVENT_ALIASES: Final = MappingProxyType(
    {"crash": "accident", "thermal": "thermal_event", "thermal_runaway": "thermal_event", "fire": "thermal_event"}
)
_SOH_FIELDS: Final = ("reuse_min_soh", "repurpose_min_soh", "repurpose_min_soh_other_chemistry")
_COUNT_FIELDS: Final = ("reuse_max_negative_events", "repurpose_max_negative_events")
_AGE_FIELDS: Final = ("reuse_max_age_years", "repurpose_max_age_years")


@dataclass(frozen=True, slots=True, kw_only=True)
class TriageThresholds:
    """The thresholds of the triage; the defaults come from ``data/health/triage.toml`` (:func:`default_thresholds`).

    A consortium passes its own instance (e.g. ``default_thresholds().with_overrides(reuse_min_soh=0.85)``).
    """

    reuse_min_soh: Decimal
    repurpose_min_soh: Decimal
    repurpose_min_soh_other_chemistry: Decimal
    reuse_max_negative_events: int
    repurpose_max_negative_events: int
    reuse_max_age_years: Decimal
    repurpose_max_age_years: Decimal

    def __post_init__(self) -> None:
        p = Problems()
        for name in _SOH_FIELDS:
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value <= 1:
                got = format_number(value) if isinstance(value, Decimal) and value.is_finite() else repr(value)
                p.add(f"thresholds.{name}", f"must be a fraction in [0, 1] (0.8 for 80 %); got {got}")
        for name in _COUNT_FIELDS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                p.add(f"thresholds.{name}", f"must be a whole number of events, zero or more; got {value!r}")
        for name in _AGE_FIELDS:
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
                p.add(f"thresholds.{name}", f"must be a number of years, zero or more; got {value!r}")
        if not p.items:
            if self.repurpose_min_soh > self.reuse_min_soh:
                p.add(
                    "thresholds.repurpose_min_soh",
                    f"{format_number(self.repurpose_min_soh)} is above reuse_min_soh "
                    f"({format_number(self.reuse_min_soh)}); the repurposing grade lies below the reuse grade",
                )
            if not self.repurpose_min_soh <= self.repurpose_min_soh_other_chemistry <= self.reuse_min_soh:
                p.add(
                    "thresholds.repurpose_min_soh_other_chemistry",
                    f"{format_number(self.repurpose_min_soh_other_chemistry)} must lie between repurpose_min_soh "
                    f"({format_number(self.repurpose_min_soh)}) and reuse_min_soh "
                    f"({format_number(self.reuse_min_soh)})",
                )
        p.raise_if_any()

    def with_overrides(self, **overrides: object) -> TriageThresholds:
        """Return a copy with some thresholds replaced; numbers may be floats or ints (converted exactly).

        Raises:
            ClassificationInputError: Every unknown name or bad value, with its field (``thresholds.<name>``).
        """
        p = Problems()
        known = {f.name for f in fields(self)}
        changes: dict[str, Any] = {}
        for name, value in overrides.items():
            if name not in known:
                p.add(f"thresholds.{name}", f"unknown threshold; known: {', '.join(sorted(known))}")
            elif value is None:
                continue
            elif name in _COUNT_FIELDS:
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    p.add(f"thresholds.{name}", f"must be a whole number of events, zero or more; got {value!r}")
                else:
                    changes[name] = value
            else:
                unit = "years" if name in _AGE_FIELDS else "(fraction)"
                number = check_decimal(value, f"thresholds.{name}", p, unit=unit, what=name, allow_zero=True)
                if number is not None and name in _SOH_FIELDS and number > 1:
                    p.add(
                        f"thresholds.{name}",
                        f"must be a fraction in [0, 1]; {format_number(number)} looks like a percentage: "
                        f"give {format_number(number / 100)}",
                    )
                elif number is not None:
                    changes[name] = number
        p.raise_if_any()
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Decimal | int]:
        """Return the thresholds by name."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, slots=True, kw_only=True)
class RouteStep:
    """What a route records next in the custody log, and why."""

    next_custody_step: EventKind
    then: tuple[EventKind, ...]
    note: str
    source: str
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TriageReference:
    """The triage data file: default thresholds, chemistries suited to stationary storage, custody steps."""

    thresholds: TriageThresholds
    threshold_sources: Mapping[str, str]
    stationary_chemistries: frozenset[str]
    stationary_note: str
    routes: Mapping[str, RouteStep]
    sources: Mapping[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class TriageInputs:
    """The checked inputs of one decision (echoed in the result)."""

    state_of_health: Decimal
    condition: str
    negative_events: int
    negative_event_kinds: tuple[str, ...]
    age_years: Decimal
    chemistry: str | None
    stationary_suitable: bool
    second_life_demand: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class TriageDecision:
    """The route of one pack, the rule that chose it, the custody step to record next and the reasons."""

    route: str
    rule: str
    reasons: tuple[str, ...]
    next_custody_step: str
    then_custody_steps: tuple[str, ...]
    safety_note: str | None
    new_passport: bool
    thresholds: TriageThresholds
    inputs: TriageInputs


# ------------------------------------------------------------------------------------------------ reference data
@functools.cache
def load_triage_reference() -> TriageReference:
    """Return the parsed ``data/health/triage.toml`` (read once).

    Raises:
        ReferenceDataError: If the file is missing or malformed.
    """
    data = read_toml(TRIAGE_FILE)
    try:
        sources = {key: str(raw["citation"]) for key, raw in data["sources"].items()}
        raw_thresholds = data["thresholds"]
        values: dict[str, Any] = {}
        threshold_sources: dict[str, str] = {}
        for name, raw in raw_thresholds.items():
            if raw["source"] not in sources:
                raise ReferenceDataError(f"{TRIAGE_FILE}: threshold {name} cites unknown source {raw['source']!r}")
            values[name] = int(raw["value"]) if name in _COUNT_FIELDS else Decimal(str(raw["value"]))
            threshold_sources[name] = f"{raw['source']} {raw['status']}"
        thresholds = TriageThresholds(**values)
        routes = {
            route: RouteStep(
                next_custody_step=EventKind(raw["next_custody_step"]),
                then=tuple(EventKind(step) for step in raw["then"]),
                note=str(raw["note"]),
                source=str(raw["source"]),
                status=str(raw["status"]),
            )
            for route, raw in data["routes"].items()
        }
        stationary = data["stationary"]
        chemistries = frozenset(get_chemistry(str(code)).code for code in stationary["chemistries"])
    except (KeyError, TypeError, ValueError, InvalidInputError) as exc:
        raise ReferenceDataError(f"{TRIAGE_FILE} is malformed: {exc}") from exc
    if set(routes) != set(ROUTES):
        raise ReferenceDataError(f"{TRIAGE_FILE}: [routes] must list exactly {', '.join(ROUTES)}")
    return TriageReference(
        thresholds=thresholds,
        threshold_sources=MappingProxyType(threshold_sources),
        stationary_chemistries=chemistries,
        stationary_note=str(stationary["note"]),
        routes=MappingProxyType(routes),
        sources=MappingProxyType(sources),
    )


def default_thresholds() -> TriageThresholds:
    """Return the default thresholds of ``data/health/triage.toml``."""
    return load_triage_reference().thresholds


def is_stationary_suitable(chemistry: str) -> bool:
    """Return whether a chemistry (code or alias) is suited to stationary storage (repurposed from the lower floor).

    Raises:
        InvalidInputError: ``field="chemistry"`` for an unknown chemistry.
    """
    return get_chemistry(chemistry).code in load_triage_reference().stationary_chemistries


# ------------------------------------------------------------------------------------------------ one pack
def classify_end_of_life(
    *,
    state_of_health: object,
    condition: object,
    negative_events: object,
    age_years: object,
    second_life_demand: object,
    chemistry: object = None,
    thresholds: TriageThresholds | None = None,
    state_of_health_basis: str | None = None,
) -> TriageDecision:
    """Decide the end-of-life route of one pack.

    Args:
        state_of_health: Fraction in [0, 1.1]: SOCE when known, else the remaining capacity share.
        condition: ``intact``, ``damaged_stable``, ``critically_damaged`` or ``unknown`` (not assessed).
        negative_events: Number of negative events recorded (accidents, thermal events, deep discharges; Annex VII
            Part B), or the list of their kinds (:data:`NEGATIVE_EVENT_KINDS`).
        age_years: Age of the pack since manufacture [years].
        second_life_demand: Whether a second-life (repurposing) buyer or project is available.
        chemistry: Cathode chemistry code or alias (``"LFP"``, ``"NMC811"``); absent counts as not suited to
            stationary storage (the higher repurposing floor applies) and the reasons say so.
        thresholds: The consortium's thresholds; default :func:`default_thresholds`.
        state_of_health_basis: What ``state_of_health`` is (for the reasons), e.g. ``"state_of_certified_energy"``.

    Returns:
        The decision: route, rule, reasons, the custody step to record next, inputs and thresholds echoed.

    Raises:
        ClassificationInputError: Every bad or missing input, each with its field and reason.
    """
    ref = load_triage_reference()
    t = thresholds if thresholds is not None else ref.thresholds
    inputs = _check_inputs(
        state_of_health=state_of_health,
        condition=condition,
        negative_events=negative_events,
        age_years=age_years,
        second_life_demand=second_life_demand,
        chemistry=chemistry,
        stationary=ref.stationary_chemistries,
    )
    route, rule, why = _decide(inputs, t)
    step = ref.routes[route]
    soh_text = f"state of health {format_number(inputs.state_of_health)}"
    if state_of_health_basis:
        soh_text += f" ({state_of_health_basis})"
    reasons = [f"{rule}: {why.format(soh=soh_text)} -> {route}"]
    if inputs.chemistry is None:
        reasons.append(
            "chemistry not given: treated as not suited to stationary storage (repurposing floor "
            f"{format_number(t.repurpose_min_soh_other_chemistry)})"
        )
    if "thermal_event" in inputs.negative_event_kinds and route != "safety_hold":
        reasons.append("a thermal event is recorded: have the condition confirmed by an expert (ADR SP 376)")
    next_step, then_steps = step.next_custody_step.value, tuple(x.value for x in step.then)
    if rule == "T2":  # a damaged pack is discharged safely before it is sorted into a lot (the lots refuse it else)
        next_step, then_steps = "condition_measured", (step.next_custody_step.value, *then_steps)
        reasons.append(
            f"safety path: discharge it first and record 'condition_measured' with state_of_charge <= "
            f"{format_number(DISCHARGED_SOC)}; a lot takes a damaged pack only then"
        )
    steps = " then ".join(f"'{x}'" for x in (next_step, *then_steps))
    reasons.append(f"next custody step: record {steps}. {step.note} [{step.source} {step.status}]")
    safety_note = None
    if inputs.condition != "intact":
        if route == "safety_hold":
            safety_note = step.note
        else:
            safety_note = (
                "Damaged pack: recycle only; handle and carry it as a damaged battery (ADR SP 376), isolated from "
                "intact packs, and watch for heat, smoke or swelling."
            )
            reasons.append(f"safety: {safety_note}")
    return TriageDecision(
        route=route,
        rule=rule,
        reasons=tuple(reasons),
        next_custody_step=next_step,
        then_custody_steps=then_steps,
        safety_note=safety_note,
        new_passport=route in {"repurpose", "remanufacture"},
        thresholds=t,
        inputs=inputs,
    )


def _decide(i: TriageInputs, t: TriageThresholds) -> tuple[str, str, str]:
    """Return (route, rule, reason template with ``{soh}``) for checked inputs. Mirrored by :func:`triage_many`."""
    soh = i.state_of_health
    ev = i.negative_events
    age = i.age_years
    if i.condition in {"critically_damaged", "unknown"}:
        return "safety_hold", "T1", f"condition {i.condition}: a critically damaged or unassessed pack is held safe"
    if i.condition == "damaged_stable":
        return "recycle", "T2", "condition damaged_stable: any damage takes the safety path; a damaged pack is recycled"
    if soh >= t.reuse_min_soh:
        head = f"{{soh}} >= reuse_min_soh {format_number(t.reuse_min_soh)}"
        blockers = []
        if ev > t.reuse_max_negative_events:
            blockers.append(f"{ev} negative events > reuse_max_negative_events {t.reuse_max_negative_events}")
        if age > t.reuse_max_age_years:
            blockers.append(f"age {format_number(age)} y > reuse_max_age_years {format_number(t.reuse_max_age_years)}")
        if not blockers:
            return (
                "reuse",
                "T3",
                f"{head}, {ev} negative events <= {t.reuse_max_negative_events}, age {format_number(age)} y <= "
                f"{format_number(t.reuse_max_age_years)} y",
            )
        return "remanufacture", "T4", f"{head} but {' and '.join(blockers)}: every cell and module is evaluated"
    floor = t.repurpose_min_soh if i.stationary_suitable else t.repurpose_min_soh_other_chemistry
    floor_name = "repurpose_min_soh" if i.stationary_suitable else "repurpose_min_soh_other_chemistry"
    chem = i.chemistry or "unknown chemistry"
    suited = "suited to stationary storage" if i.stationary_suitable else "ranked lower for stationary storage"
    if soh < t.repurpose_min_soh:
        return "recycle", "T9", f"{{soh}} < repurpose_min_soh {format_number(t.repurpose_min_soh)}"
    if soh < floor:
        return (
            "recycle",
            "T7",
            f"{{soh}} >= repurpose_min_soh {format_number(t.repurpose_min_soh)} but {chem} is {suited} and needs "
            f"{floor_name} {format_number(floor)}",
        )
    head = f"{{soh}} in the repurposing grade ({floor_name} {format_number(floor)} for {chem}, {suited})"
    blockers = []
    if ev > t.repurpose_max_negative_events:
        blockers.append(f"{ev} negative events > repurpose_max_negative_events {t.repurpose_max_negative_events}")
    if age > t.repurpose_max_age_years:
        blockers.append(
            f"age {format_number(age)} y > repurpose_max_age_years {format_number(t.repurpose_max_age_years)}"
        )
    if blockers:
        return "recycle", "T8", f"{head} but {' and '.join(blockers)}"
    if not i.second_life_demand:
        return "recycle", "T6", f"{head} but there is no second-life demand"
    return (
        "repurpose",
        "T5",
        f"{head} with second-life demand; repurposing creates a new battery with a new passport linked to the old one",
    )


def _check_inputs(
    *,
    state_of_health: object,
    condition: object,
    negative_events: object,
    age_years: object,
    second_life_demand: object,
    chemistry: object,
    stationary: frozenset[str],
) -> TriageInputs:
    p = Problems()
    soh: Decimal | None = None
    if state_of_health is None:
        p.add("state_of_health", "required: a fraction in [0, 1] (SOCE, else remaining capacity share), e.g. 0.82")
    else:
        soh = check_decimal(
            state_of_health, "state_of_health", p, unit="(fraction)", what="state of health", allow_zero=True
        )
        if soh is not None and soh > MAX_STATE_OF_HEALTH:
            hint = f"; it looks like a percentage: give {format_number(soh / 100)}" if soh <= 110 else ""
            p.add("state_of_health", f"{format_number(soh)} is not a fraction in [0, 1.1]{hint}")
            soh = None
    cond = check_choice(
        condition,
        "condition",
        p,
        choices=CONDITIONS,
        aliases=_CONDITION_ALIASES,
        required_reason="required: intact, damaged_stable, critically_damaged or unknown (not assessed)",
    )
    events, kinds = _check_events(negative_events, p)
    age: Decimal | None = None
    if age_years is None:
        p.add("age_years", "required: the pack's age since manufacture in years (it decides reuse and repurposing)")
    else:
        age = check_decimal(age_years, "age_years", p, unit="years", what="age since manufacture", allow_zero=True)
    if not isinstance(second_life_demand, bool):
        reason = "required" if second_life_demand is None else f"must be true or false; got {second_life_demand!r}"
        p.add("second_life_demand", f"{reason}: whether a second-life (repurposing) buyer is available")
    chem: str | None = None
    if chemistry is not None:
        if not isinstance(chemistry, str):
            p.add("chemistry", f"must be a chemistry code such as LFP or NMC811; got {chemistry!r}")
        else:
            try:
                chem = get_chemistry(chemistry).code
            except InvalidInputError as exc:
                p.add("chemistry", exc.reason)
    p.raise_if_any()
    assert soh is not None
    assert cond is not None
    assert events is not None
    assert age is not None
    assert isinstance(second_life_demand, bool)
    return TriageInputs(
        state_of_health=soh,
        condition=cond,
        negative_events=events,
        negative_event_kinds=kinds,
        age_years=age,
        chemistry=chem,
        stationary_suitable=chem in stationary,
        second_life_demand=second_life_demand,
    )


def _check_events(value: object, p: Problems) -> tuple[int | None, tuple[str, ...]]:
    if value is None:
        p.add("negative_events", "required: the number of negative events recorded (0 if none), or their kinds")
        return None, ()
    if isinstance(value, bool) or (not isinstance(value, int | Sequence) or isinstance(value, str)):
        p.add("negative_events", f"must be a whole number (0 or more) or a list of event kinds; got {value!r}")
        return None, ()
    if isinstance(value, int):
        if value < 0:
            p.add("negative_events", f"must be zero or more; got {value}")
            return None, ()
        return value, ()
    kinds: list[str] = []
    for index, item in enumerate(value):
        kind = check_choice(
            item,
            f"negative_events.{index}",
            p,
            choices=NEGATIVE_EVENT_KINDS,
            aliases=_EVENT_ALIASES,
            required_reason="an event kind, not null",
        )
        if kind is not None:
            kinds.append(kind)
    return len(value), tuple(kinds)


# ------------------------------------------------------------------------------------------------ many packs
def triage_many(
    soh: npt.ArrayLike,
    damaged: npt.ArrayLike,
    negative_events: npt.ArrayLike,
    age_years: npt.ArrayLike,
    stationary_suitable: npt.ArrayLike,
    demand: bool | npt.ArrayLike,
    thresholds: TriageThresholds | None = None,
    *,
    critical: npt.ArrayLike | None = None,
) -> npt.NDArray[np.int8]:
    """Return the route code (index in :data:`ROUTES`) of many packs at once.

    The routes are exactly those of :func:`classify_end_of_life` for the same inputs (rules T1-T9).

    Args:
        soh: State of health of each pack, fractions (float).
        damaged: Whether each pack is damaged (condition other than ``intact``).
        negative_events: Number of negative events of each pack (int).
        age_years: Age of each pack [years].
        stationary_suitable: Whether each pack's chemistry suits stationary storage (:func:`is_stationary_suitable`).
        demand: Second-life demand, one flag for all packs or one per pack.
        thresholds: Default :func:`default_thresholds`.
        critical: Whether each pack is critically damaged or of unknown condition (safety hold); default none.
            ``damaged`` and not ``critical`` is ``damaged_stable``.

    Returns:
        An ``int8`` array of route codes, broadcast from the inputs' shapes. A NaN state of health or age never
        passes a threshold (recycle, unless the pack is damaged).
    """
    t = thresholds if thresholds is not None else default_thresholds()
    s = np.asarray(soh, dtype=np.float64)
    dmg = np.asarray(damaged, dtype=bool)
    ev = np.asarray(negative_events, dtype=np.int64)
    age = np.asarray(age_years, dtype=np.float64)
    stat = np.asarray(stationary_suitable, dtype=bool)
    dem = np.asarray(demand, dtype=bool)
    crit = np.zeros((), dtype=bool) if critical is None else np.asarray(critical, dtype=bool)
    s, dmg, ev, age, stat, dem, crit = np.broadcast_arrays(s, dmg, ev, age, stat, dem, crit)

    high = s >= float(t.reuse_min_soh)
    floor = np.where(stat, float(t.repurpose_min_soh), float(t.repurpose_min_soh_other_chemistry))
    reuse_ok = (ev <= t.reuse_max_negative_events) & (age <= float(t.reuse_max_age_years))
    repurpose_ok = (
        (s >= float(t.repurpose_min_soh))
        & (s >= floor)
        & (ev <= t.repurpose_max_negative_events)
        & (age <= float(t.repurpose_max_age_years))
        & dem
    )
    routes = np.select(
        [crit, dmg, high & reuse_ok, high, repurpose_ok],
        [SAFETY_HOLD, RECYCLE, REUSE, REMANUFACTURE, REPURPOSE],
        default=RECYCLE,
    )
    return routes.astype(np.int8)


def route_names(codes: npt.ArrayLike) -> npt.NDArray[np.str_]:
    """Return the route names of route codes (``[0, 3]`` -> ``["reuse", "recycle"]``)."""
    return np.asarray(ROUTES)[np.asarray(codes, dtype=np.intp)]

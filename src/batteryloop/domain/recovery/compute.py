"""The arithmetic of :mod:`batteryloop.domain.recovery.accounting`: chain, mass balance, rates and targets."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from batteryloop.domain.passport.problems import Problem
from batteryloop.domain.recovery.accounting import (
    FIRST,
    ZERO,
    FacilityBalance,
    Lot,
    MassBalanceError,
    Output,
    Recovery,
    TargetCheck,
    check_lot,
)
from batteryloop.domain.recovery.targets import RECOVERY_ELEMENTS, get_targets
from batteryloop.domain.transport.errors import ClassificationInputError, format_number


def _name(facility: str) -> str:
    return facility or "the first recycler"


def _index(lot: Lot, output: Output) -> int:
    return lot.outputs.index(output)


def _chain(lot: Lot) -> tuple[list[str], dict[str, list[Output]]]:
    """Facilities in the order the lot reaches them and the outputs of each; refuses broken chains."""
    receivers = {o.to_facility for o in lot.outputs if o.to_facility}
    firsts = sorted({o.facility for o in lot.outputs if o.facility not in receivers})
    problems = []
    if len(firsts) > 1:
        named = [f for f in firsts if f != FIRST]
        problems.append(
            Problem(
                field="outputs",
                reason=(
                    f"outputs come from {len(firsts)} facilities that no intermediate fraction feeds "
                    f"({', '.join(map(_name, firsts))}); "
                    f"give the intermediate that feeds {named[0]!r} to_facility {named[0]!r}"
                ),
            )
        )
    if not firsts and lot.outputs:
        problems.append(
            Problem(
                field="outputs",
                reason="every facility receives an intermediate fraction, so none takes the lot first: "
                "the chain must not loop",
            )
        )
        raise ClassificationInputError(problems)
    first = firsts[0] if firsts else FIRST
    by_facility: dict[str, list[Output]] = {}
    for o in lot.outputs:
        by_facility.setdefault(o.facility, []).append(o)
    # facilities in topological order (Kahn): a facility comes after every facility that sends to it, so its input
    # is complete before its balance is checked; what is never reached from the first facility is unreachable, and
    # what remains with senders left is on a loop
    senders: dict[str, set[str]] = {}
    for o in lot.outputs:
        if o.to_facility is not None:
            senders.setdefault(o.to_facility, set()).add(o.facility)
    reached, frontier = {first}, [first]
    while frontier:
        f = frontier.pop()
        for o in by_facility.get(f, []):
            if o.to_facility is not None and o.to_facility not in reached:
                reached.add(o.to_facility)
                frontier.append(o.to_facility)
    order: list[str] = []
    waiting = {f: {x for x in senders.get(f, set()) if x in reached} for f in reached}
    ready = [first] if not waiting.get(first) else []
    while ready:
        f = ready.pop(0)
        order.append(f)
        for g in sorted({o.to_facility for o in by_facility.get(f, []) if o.to_facility is not None}):
            waiting[g].discard(f)
            if not waiting[g] and g not in order and g not in ready:
                ready.append(g)
    for f in sorted(reached - set(order)):
        looping = next(o for x in sorted(waiting[f]) for o in by_facility.get(x, []) if o.to_facility == f)
        problems.append(
            Problem(
                field=f"outputs[{_index(lot, looping)}].to_facility",
                reason=f"sends the fraction back to {_name(f)}: the chain must not loop",
            )
        )
        break
    for facility in sorted(set(by_facility) - reached):
        o = by_facility[facility][0]
        problems.append(
            Problem(
                field=f"outputs[{_index(lot, o)}].facility",
                reason=f"no intermediate fraction reaches {facility!r} from the first recycler",
            )
        )
    if problems:
        raise ClassificationInputError(problems)
    return order, by_facility


def _add(into: dict[str, Decimal], elements: Mapping[str, Decimal] | None) -> None:
    for symbol, kg in (elements or {}).items():
        into[symbol] = into.get(symbol, ZERO) + kg


def _balances(lot: Lot, order: list[str], by_facility: dict[str, list[Output]]) -> tuple[FacilityBalance, ...]:
    tol = Decimal(1) + lot.options.mass_balance_tolerance
    inputs: dict[str, tuple[Decimal, dict[str, Decimal] | None]] = {
        order[0]: (lot.input.mass_kg, dict(lot.input.elements_kg))
    }
    balances, problems = [], []
    for facility in order:
        mass_in, elements_in = inputs.get(facility, (ZERO, {}))
        outputs = by_facility.get(facility, [])
        mass_out = sum((o.derived_kg for o in outputs), ZERO)
        elements_out: dict[str, Decimal] = {}
        for o in outputs:
            _add(elements_out, o.elements_kg)
            if o.to_facility is not None:
                got_mass, got_elements = inputs.get(o.to_facility, (ZERO, {}))
                if got_elements is not None and o.elements_kg is not None:
                    _add(got_elements, o.elements_kg)
                inputs[o.to_facility] = (got_mass + o.derived_kg, got_elements if o.elements_kg is not None else None)
        if mass_out > mass_in * tol:
            names = ", ".join(f"outputs[{_index(lot, o)}] {o.name}" for o in outputs)
            problems.append(
                Problem(
                    field=f"outputs[{_index(lot, outputs[0])}].mass_kg",
                    reason=(
                        f"the outputs of {_name(facility)} ({names}) come to {format_number(mass_out)} "
                        f"kg of input-derived mass, "
                        f"more than the {format_number(mass_in)} kg that went in (tolerance "
                        f"{lot.options.mass_balance_tolerance})"
                    ),
                )
            )
        pairs = {}
        for symbol in sorted(set(elements_in or {}) | set(elements_out)):
            got = (elements_in or {}).get(symbol)
            made = elements_out.get(symbol, ZERO)
            if got is not None and got > 0 and made > got * tol:
                carrying = [o for o in outputs if o.elements_kg and o.elements_kg.get(symbol)]
                problems.append(
                    Problem(
                        field=f"outputs[{_index(lot, carrying[0])}].elements_kg.{symbol}",
                        reason=(
                            f"{_name(facility)}: the outputs ({', '.join(o.name for o in carrying)}) "
                            f"hold {format_number(made)} kg of "
                            f"{symbol}, more than the {format_number(got)} kg that went in"
                        ),
                    )
                )
            if got is not None:
                pairs[symbol] = (got, made)
        for o in outputs:  # a counted output holds no more of its facility's input elements than it derives from it
            held = sum((kg for x, kg in (o.elements_kg or {}).items() if x in (elements_in or {})), ZERO)
            if o.fate in get_targets().counting_fates and held > o.derived_kg:
                problems.append(
                    Problem(
                        field=f"outputs[{_index(lot, o)}].reagent_kg",
                        reason=(
                            f"{o.name} holds {format_number(held)} kg of the input's elements but only "
                            f"{format_number(o.derived_kg)} kg of it is input-derived (mass less reagent_kg)"
                        ),
                    )
                )
        counted = sum((o.derived_kg for o in outputs if o.fate in get_targets().counting_fates), ZERO)
        balances.append(
            FacilityBalance(
                facility=facility,
                input_kg=mass_in,
                outputs_kg=mass_out,
                counted_kg=counted,
                residual_kg=mass_in - mass_out,
                elements=pairs,
            )
        )
    if problems:
        raise MassBalanceError(problems)
    return tuple(balances)


def _counts(lot: Lot, o: Output) -> bool:
    if o.fate not in get_targets().counting_fates:
        return False
    return not (o.periphery and not lot.options.input_includes_pack_periphery)


def _counted_mass(lot: Lot, o: Output) -> Decimal:
    mass = o.derived_kg
    if lot.options.input_excludes_water:
        mass -= o.water_kg
    for s in lot.options.excluded_substances:
        mass -= (o.elements_kg or {}).get(s, ZERO)
    return mass


def check_targets(
    battery_group: str,
    period_end: date,
    rule: str,
    efficiency: Decimal | None,
    recovery: Mapping[str, Decimal | None],
) -> tuple[TargetCheck, ...]:
    """Every dated target of the group, whether it applies to the period and whether the rate meets it.

    ``rule`` is the ``target_effective_rule``; rates are compared unrounded and inclusively; ``met`` is ``None``
    where the rate is not applicable.
    """
    checks = []
    for t in get_targets().for_group(battery_group):
        rate = efficiency if t.element is None else recovery[t.element]
        checks.append(
            TargetCheck(
                metric=t.metric,
                element=t.element,
                target=t.target,
                deadline=t.deadline,
                applies=t.applies(period_end, rule),
                met=None if rate is None else rate >= t.target,
            )
        )
    return tuple(checks)


def compute_recovery(lot: Lot) -> Recovery:
    """Recycling efficiency, material recovery, the dated targets and the mass balance of ``lot``."""
    order, by_facility = _chain(lot)
    balances = _balances(lot, order, by_facility)
    opts, reasons = lot.options, []
    denominator = lot.input.mass_kg
    if opts.input_excludes_water:
        denominator -= lot.input.water_kg or ZERO
        reasons.append(
            f"input excludes its water ({format_number(lot.input.water_kg or ZERO)} kg), and so do the outputs"
        )
    if not opts.input_includes_pack_periphery:
        denominator -= lot.input.pack_periphery_kg or ZERO
        reasons.append(
            f"input excludes the pack periphery ({format_number(lot.input.pack_periphery_kg or ZERO)} kg); "
            "outputs marked periphery do not count"
        )
    for s in sorted(opts.excluded_substances):
        denominator -= lot.input.elements_kg.get(s, ZERO)
        reasons.append(f"{s} is excluded from input and counted outputs (RS-A6)")
    if denominator <= 0:
        raise ClassificationInputError(
            [
                Problem(
                    field="input.mass_kg",
                    reason=(
                        f"nothing is left of the input ({format_number(denominator)} kg) once water, "
                        f"periphery and excluded "
                        "substances are taken out"
                    ),
                )
            ]
        )
    counted = [o for o in lot.outputs if _counts(lot, o)]
    numerator = sum((_counted_mass(lot, o) for o in counted), ZERO)
    if numerator > denominator:
        raise MassBalanceError(
            [
                Problem(
                    field=f"outputs[{_index(lot, counted[0])}]",
                    reason=(
                        f"counted outputs ({', '.join(o.name for o in counted)}) come to "
                        f"{format_number(numerator)} kg, more than "
                        f"the {format_number(denominator)} kg input: a recycling efficiency above 100 % is a data error"
                    ),
                )
            ]
        )
    recovery: dict[str, Decimal | None] = {}
    element_in: dict[str, Decimal] = {}
    element_out: dict[str, Decimal] = {}
    for x in RECOVERY_ELEMENTS:
        x_in = lot.input.elements_kg.get(x, ZERO)
        recovering = [o for o in counted if o.recovered_elements is None or x in o.recovered_elements]
        x_out = sum(((o.elements_kg or {}).get(x, ZERO) for o in recovering), ZERO)
        element_in[x], element_out[x] = x_in, x_out
        if x_in == 0 and x_out > 0:
            holder = next(o for o in recovering if (o.elements_kg or {}).get(x))
            raise MassBalanceError(
                [
                    Problem(
                        field=f"outputs[{_index(lot, holder)}].elements_kg.{x}",
                        reason=(
                            f"{holder.name} is counted with {format_number(x_out)} kg of {x}, but the input holds "
                            f"none: give the input's {x} (from the passports or an assay) or correct the output"
                        ),
                    )
                ]
            )
        if x_in == 0:
            recovery[x] = None
            reasons.append(f"{x}: not in the input, so its recovery is not applicable")
            continue
        if x_out > x_in:
            holders = [o.name for o in recovering if (o.elements_kg or {}).get(x)]
            raise MassBalanceError(
                [
                    Problem(
                        field=f"outputs[{_index(lot, recovering[0])}].elements_kg.{x}",
                        reason=(
                            f"counted outputs ({', '.join(holders)}) recover {format_number(x_out)} kg "
                            f"of {x}, more than the "
                            f"{format_number(x_in)} kg in the input"
                        ),
                    )
                ]
            )
        recovery[x] = x_out / x_in
    for o in lot.outputs:
        if o.fate == "intermediate" and o.to_facility is None:
            reasons.append(f"{o.name}: an intermediate fraction not followed to a facility counts for nothing (RS-A4)")
        if o.recovered_elements is not None and _counts(lot, o):
            reasons.append(
                f"{o.name}: counts for efficiency; recovers only "
                f"{', '.join(sorted(o.recovered_elements)) or 'no element'}"
            )
    efficiency = numerator / denominator
    checks = check_targets(lot.battery_group, lot.period_end, opts.target_effective_rule, efficiency, recovery)
    return Recovery(
        recycling_efficiency=efficiency,
        material_recovery=recovery,
        input_kg=denominator,
        counted_kg=numerator,
        element_input_kg=element_in,
        element_counted_kg=element_out,
        targets=tuple(checks),
        balances=balances,
        reasons=tuple(reasons),
    )


def calculate_recovery(raw: Mapping[str, object]) -> Recovery:
    """Check a raw lot (see :func:`check_lot`) and compute it."""
    return compute_recovery(check_lot(raw))


__all__ = ["calculate_recovery", "check_targets", "compute_recovery"]

"""Recycling routes: sorting a lot for a route, and the outputs a route is expected to make of it.

- :func:`check_sorting` checks a lot's items against the sorting rules of ``routes.toml`` (route takes the form
  and chemistry; direct recycling takes one chemistry; LFP and the oxide chemistries stay apart unless the route
  or facility accepts mixed feed; damaged items are discharged first) and names the item index and rule broken.
- :func:`expected_outputs` splits an input (mass and element masses) into the route's outputs with the EverBatt
  default yields, in exactly the shape :func:`batteryloop.domain.recovery.calculate_recovery` takes: mass and
  element content (Decimal, to the gram), fate and R/D code, reagent-derived mass apart (``reagent_kg``). Mass and
  every element are conserved exactly: the outputs' input-derived masses (``mass_kg - reagent_kg``) add up to the
  input, and each element's masses to the element's input.

Arithmetic: each output's share is rounded down to the gram (deterministic, never more than the input), and the
rounding remainder goes to the route's remainder outputs. Inputs must therefore be given to the gram (0.001 kg);
:func:`elements_for_route` converts a chemistry estimate (floats, ``graphite``) to that form.

References:
    recycling-process-data.md §1.2-1.3 (EverBatt 2019 Tables 10-12, EverBatt 2023 default formulas), §2.2
    (stoichiometric factors), §3.3 (pack breakdown); regulation-rules.md §2.5 (what counts as output).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Final

from batteryloop.domain.chemistry import GRAPHITE_KEY, get_chemistry
from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.passport.primitives import describe
from batteryloop.domain.recovery.routedata import (
    FORMS,
    ROUTE_KINDS,
    SYMBOL,
    Route,
    RouteData,
    get_routes,
)
from batteryloop.domain.transport.errors import Problems, check_choice, format_number

CONDITIONS: Final = ("intact", "damaged_stable", "critically_damaged")
GRAM: Final = Decimal("0.001")
_ZERO: Final = Decimal(0)
_FORM_ALIASES: Final = {
    "packs": "pack",
    "modules": "module",
    "cells": "cell",
    "blackmass": "black_mass",
    "bm": "black_mass",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class SortingCheck:
    """A lot that passed the sorting rules of a route: what it holds and the rules applied."""

    route_id: str
    chemistries: tuple[str, ...]
    families: tuple[str, ...]
    forms: tuple[str, ...]
    mixed_feed: bool
    rules: tuple[str, ...]
    reasons: tuple[str, ...]


def resolve_route(route: str | Route, p: Problems | None = None) -> Route | None:
    """The route named ``route`` (an id of ``routes.toml``) or ``route`` itself.

    An unknown route is a problem added to ``p`` (None is returned), or without ``p`` an
    :class:`InvalidInputError` on field ``route``.
    """
    if isinstance(route, Route):
        return route
    routes = get_routes().routes
    if isinstance(route, str) and route in routes:
        return routes[route]
    reason = f"unknown route {describe(route)}; known: {', '.join(routes)}"
    if p is None:
        raise InvalidInputError(reason, field="route")
    p.add("route", reason)
    return None


# ------------------------------------------------------------------------------------------------- sorting
def _rule(rule_id: str) -> str:
    return f"rule {rule_id}: {get_routes().sorting[rule_id].rule}"


def check_sorting(
    route: str | Route, feed: Sequence[Mapping[str, Any]], *, mixed_feed: bool | None = None
) -> SortingCheck:
    """Check a lot's items against the sorting rules of ``route``.

    Args:
        route: A route id (``"direct"``, ``"hydrometallurgy"``, ...) or a :class:`Route`.
        feed: The items: ``{chemistry (NMC811, LFP, ...), form (pack|module|cell|black_mass), condition (intact |
            damaged_stable | critically_damaged), discharged: bool}``; black mass needs neither condition nor
            discharged.
        mixed_feed: The facility accepts LFP with oxide chemistries; default the route's own flag.

    Returns:
        The lot's chemistries, families and forms and the rules applied.

    Raises:
        ClassificationInputError: Every problem, each naming ``feed[i].<field>`` and the rule broken.
    """
    p = Problems()
    r = resolve_route(route, p)
    if not isinstance(feed, Sequence) or isinstance(feed, str) or not feed:
        p.add("feed", "must be a non-empty list of items {chemistry, form, condition, discharged}")
        p.raise_if_any()
    data = get_routes()
    items: list[tuple[int, str, str]] = []  # index, chemistry, family
    forms: set[str] = set()
    for i, raw in enumerate(feed):
        where = f"feed[{i}]"
        if not isinstance(raw, Mapping):
            p.add(where, f"must be an object {{chemistry, form, condition, discharged}}; got {describe(raw)}")
            continue
        need = f"is required: one of {', '.join(FORMS)}"
        form = check_choice(
            raw.get("form"), f"{where}.form", p, choices=FORMS, aliases=_FORM_ALIASES, required_reason=need
        )
        chemistry = None
        try:
            chemistry = get_chemistry(str(raw.get("chemistry"))).code if raw.get("chemistry") is not None else None
        except InvalidInputError as exc:
            p.add(f"{where}.chemistry", f"{exc.reason} (rule known_chemistry)")
        if raw.get("chemistry") is None:
            p.add(f"{where}.chemistry", "is required: the cathode chemistry code, e.g. NMC811 or LFP")
        whole = form is not None and form != "black_mass"
        need = f"is required for a {form}: one of {', '.join(CONDITIONS)}"
        condition = check_choice(
            raw.get("condition"), f"{where}.condition", p, choices=CONDITIONS, required_reason=need if whole else None
        )
        discharged = raw.get("discharged")
        if whole and not isinstance(discharged, bool):
            p.add(f"{where}.discharged", f"is required for a {form}: true or false; got {describe(discharged)}")
        if whole and condition in ("damaged_stable", "critically_damaged") and discharged is False:
            reason = f"item {i} is {condition} and not discharged: send it to safe discharge first"
            p.add(f"{where}.discharged", f"{reason} ({_rule('safe_discharge_first')})")
        if r is None:
            continue
        if form is not None:
            forms.add(form)
            if form not in r.inputs:
                takes = ", ".join(r.inputs)
                p.add(f"{where}.form", f"item {i} is a {form}; {r.label} takes {takes} ({_rule('input_form')})")
        if chemistry is not None:
            if chemistry not in r.chemistries:
                takes = ", ".join(r.chemistries)
                reason = f"item {i} is {chemistry}, which {r.label} does not take (it takes {takes}; "
                p.add(f"{where}.chemistry", reason + f"{_rule('known_chemistry')})")
            items.append((i, chemistry, data.family_of.get(chemistry, chemistry)))
    mixed = mixed_feed if mixed_feed is not None else (r is not None and r.mixed_feed)
    rules = ["input_form", "known_chemistry", "safe_discharge_first"]
    if r is not None and items:
        first_i, first_chem, first_family = items[0]
        if r.single_chemistry:
            rules.append("single_chemistry")
            for i, chem, _ in items[1:]:
                if chem != first_chem:
                    reason = f"item {i} is {chem} but item {first_i} is {first_chem}"
                    p.add(f"feed[{i}].chemistry", f"{reason}: {_rule('single_chemistry')}")
        elif not mixed:
            rules.append("families_apart")
            for i, chem, family in items[1:]:
                if family != first_family:
                    reason = f"item {i} is {chem} ({family}) but item {first_i} is {first_chem} ({first_family})"
                    p.add(f"feed[{i}].chemistry", f"{reason}: {_rule('families_apart')}")
    p.raise_if_any()
    assert r is not None
    chemistries = tuple(dict.fromkeys(c for _, c, _ in items))
    families = tuple(dict.fromkeys(f for _, _, f in items))
    reasons = [f"{r.label}: {len(feed)} item(s), {', '.join(chemistries)} ({', '.join(families)})"]
    reasons += [_rule(rule_id) for rule_id in rules]
    if mixed and len(families) > 1:
        reasons.append("mixed feed accepted" + (" by the facility" if mixed_feed else " by the route"))
    return SortingCheck(
        route_id=r.route_id,
        chemistries=chemistries,
        families=families,
        forms=tuple(f for f in FORMS if f in forms),
        mixed_feed=mixed,
        rules=tuple(rules),
        reasons=tuple(reasons),
    )


# ------------------------------------------------------------------------------------------------- outputs
def _down(value: Decimal) -> Decimal:
    return value.quantize(GRAM, rounding=ROUND_DOWN)


def _grams(value: object, where: str, p: Problems, *, positive: bool) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        p.add(where, f"must be a number of kg; got {describe(value)}")
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        p.add(where, f"must be a number of kg; got {describe(value)}")
        return None
    if not number.is_finite() or number < 0 or (positive and number == 0):
        p.add(where, f"must be {'more than zero' if positive else 'zero or more'} kg; got {value}")
        return None
    if number != number.quantize(GRAM):
        reason = f"must be given to the gram (0.001 kg) so the outputs balance exactly; got {value}"
        p.add(where, f"{reason} (round it, or use elements_for_route)")
        return None
    return number.quantize(GRAM)


def _input_elements(raw: object, p: Problems) -> dict[str, Decimal]:
    if not isinstance(raw, Mapping):
        p.add("input_elements_kg", 'must be an object of element symbols to kg, e.g. {"Li": 12.5}')
        return {}
    out: dict[str, Decimal] = {}
    for key, value in raw.items():
        symbol = "C" if key == GRAPHITE_KEY else key
        where = f"input_elements_kg.{key}"
        if not isinstance(symbol, str) or not SYMBOL.match(symbol):
            p.add(where, "is not an element symbol (Li, Co, ...; graphite is read as C)")
        elif symbol in out:
            p.add(where, "gives carbon twice: give graphite or C, not both")
        else:
            kg = _grams(value, where, p, positive=False)
            if kg is not None:
                out[symbol] = kg
    return out


def elements_for_route(element_mass_kg: Mapping[str, float | Decimal]) -> dict[str, Decimal]:
    """Element masses as :func:`expected_outputs` takes them: Decimal kg to the gram (half up), graphite as C.

    Zero entries are dropped. Takes e.g. ``PackElementEstimate.element_mass_kg``.
    """
    out = {}
    for key, value in element_mass_kg.items():
        kg = Decimal(str(value)).quantize(GRAM, rounding=ROUND_HALF_UP)
        if kg > 0:
            out["C" if key == GRAPHITE_KEY else key] = kg
    return out


def expected_outputs(
    route: str | Route,
    input_mass_kg: Decimal | int | float | str,
    input_elements_kg: Mapping[str, Decimal | int | float | str],
    *,
    facility: str | None = None,
    to_facility: str | None = None,
    form: str | None = None,
) -> list[dict[str, Any]]:
    """The outputs ``route`` is expected to make of an input, in the recovery accounting's output shape.

    Args:
        route: A route id of ``routes.toml`` or a :class:`Route`.
        input_mass_kg: The input's mass [kg], to the gram.
        input_elements_kg: Its element masses [kg] by symbol, to the gram (graphite as ``C`` or ``graphite``);
            the rest of the mass is "other mass" (oxygen, solvents, plastics, casing).
        facility: Name every output with this facility (a refinery downstream of pre-treatment).
        to_facility: Send the route's intermediate outputs (black mass) to this facility.
        form: The feed form (pack, module, cell, black_mass); default the route's ``default_form``.

    Returns:
        Output dicts ``{name, facility?, mass_kg, fate, rd_code?, elements_kg, recovered_elements?, to_facility?,
        reagent_kg?}`` in data order; outputs of zero mass are left out.

    Raises:
        ClassificationInputError: Naming each bad input, or the elements leaving too little other mass for the
            route's typical shares of casing, plastics, electrolyte and bound oxygen.
    """
    p = Problems()
    r = resolve_route(route, p)
    mass = _grams(input_mass_kg, "input_mass_kg", p, positive=True)
    elements = _input_elements(input_elements_kg, p)
    if r is not None:
        form = check_choice(form or r.default_form, "form", p, choices=FORMS, aliases=_FORM_ALIASES)
        if form is not None and form not in r.inputs:
            p.add("form", f"{r.label} takes {', '.join(r.inputs)}, not {form}")
        if to_facility is not None and not any(o.fate == "intermediate" for o in r.outputs):
            p.add("to_facility", f"{r.label} makes no intermediate fraction to send on")
    for key, value in (("facility", facility), ("to_facility", to_facility)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            p.add(key, "must be a facility's name or code")
    if mass is not None and sum(elements.values(), _ZERO) > mass:
        p.add("input_elements_kg", f"the elements add up to more than the input's {format_number(mass)} kg")
    p.raise_if_any()
    assert r is not None
    assert mass is not None
    assert form is not None
    return _split(r, mass, elements, form, facility, to_facility, p)


def _split(
    r: Route,
    mass: Decimal,
    elements: dict[str, Decimal],
    form: str,
    facility: str | None,
    to_facility: str | None,
    p: Problems,
) -> list[dict[str, Any]]:
    made: dict[str, dict[str, Decimal]] = {o.key: {} for o in r.outputs}
    for o in r.outputs:
        for x, share in o.yields.items():
            if x in elements:
                made[o.key][x] = _down(share * elements[x])
    rest = made[r.remainder_elements]
    for x, kg in elements.items():
        left = kg - sum((m.get(x, _ZERO) for m in made.values()), _ZERO)
        rest[x] = rest.get(x, _ZERO) + left
    other = mass - sum(elements.values(), _ZERO)
    other_part = {}
    for o in r.outputs:
        bound = sum((_down(k * made[o.key].get(x, _ZERO)) for x, k in o.bound_oxygen.items()), _ZERO)
        other_part[o.key] = _down(o.mass_share.get(form, _ZERO) * mass) + bound
    used = sum(other_part.values(), _ZERO)
    if used > other:
        reason = (
            f"the elements leave {format_number(other)} kg of other mass (oxygen, solvents, plastics, casing), less "
            f"than the {format_number(used)} kg {r.label} puts in its outputs for a {form}; check masses and form"
        )
        p.add("input_elements_kg", reason)
        p.raise_if_any()
    other_part[r.remainder_mass] += other - used
    outputs = []
    for o in r.outputs:
        content = {x: kg for x, kg in sorted(made[o.key].items()) if kg > 0}
        derived = sum(content.values(), _ZERO) + other_part[o.key]
        if o.product_element is not None and o.product_factor is not None:
            reagent = _down(o.product_factor * content.get(o.product_element, _ZERO)) - derived
        else:
            reagent = sum((_down(k * elements.get(x, _ZERO)) for x, k in o.reagent_per_kg_input_element.items()), _ZERO)
        if derived + reagent == 0:
            continue
        out: dict[str, Any] = {"name": o.name}
        if facility is not None:
            out["facility"] = facility.strip()
        out["mass_kg"] = derived + reagent
        out["fate"] = o.fate
        if o.rd_code is not None:
            out["rd_code"] = o.rd_code
        out["elements_kg"] = content
        if o.recovered_elements is not None:
            out["recovered_elements"] = sorted(o.recovered_elements)
        if o.fate == "intermediate" and to_facility is not None:
            out["to_facility"] = to_facility.strip()
        if reagent > 0:
            out["reagent_kg"] = reagent
        outputs.append(out)
    return outputs


__all__ = [
    "CONDITIONS",
    "FORMS",
    "ROUTE_KINDS",
    "Route",
    "RouteData",
    "SortingCheck",
    "check_sorting",
    "elements_for_route",
    "expected_outputs",
    "get_routes",
    "resolve_route",
]

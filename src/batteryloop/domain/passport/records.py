"""Checks of the structured passport value types (objects and lists of objects) of docs/passport-format.md.

Each ``check_<value_type>`` takes the value, the field path and a :class:`~.problems.Problems` collector and
returns the normalised value (``None`` when unusable). Every field of every item is checked, so one pass reports
every problem, each with a path such as ``attributes.hazardous_substances[2].cas``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, Final

from batteryloop.domain.chemistry import get_chemistry
from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.organization import check_email
from batteryloop.domain.passport.cas import check_cas_number
from batteryloop.domain.passport.primitives import (
    check_bool,
    check_choice,
    check_datetime,
    check_fraction,
    check_list,
    check_mass_kg,
    check_object,
    check_positive,
    check_string,
    check_string_list,
    check_url,
    describe,
    format_datetime,
)
from batteryloop.domain.passport.problems import Problems

Check = Callable[[object, str, Problems], Any]

COMPONENTS: Final = (
    "cathode",
    "anode",
    "electrolyte",
    "separator",
    "casing",
    "bms",
    "module_housing",
    "pack_housing",
    "cooling",
    "other",
)
LABEL_SUBJECTS: Final = (
    "separate_collection",
    "hazardous_material",
    "carbon_footprint",
    "extinguishing_agent",
    "other",
)
DOCUMENT_TYPES: Final = (
    "bill_of_material",
    "model_3d",
    "dismantling_manual",
    "removal_manual",
    "other_manual",
    "drawing",
)
RESISTANCE_COMPONENTS: Final = ("pack", "module", "cell")

_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_MIME_TYPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$")


def _record(
    value: object,
    field: str,
    p: Problems,
    *,
    required: Mapping[str, Check],
    optional: Mapping[str, Check] | None = None,
) -> dict[str, Any] | None:
    """Check an object field by field; returns the normalised fields that passed, in declaration order."""
    optional = optional or {}
    obj = check_object(value, field, p, required=list(required), optional=list(optional))
    if obj is None:
        return None
    out: dict[str, Any] = {}
    for key, check in (*required.items(), *optional.items()):
        raw = obj.get(key)
        if raw is None:
            continue
        result = check(raw, f"{field}.{key}", p)
        if result is not None:
            out[key] = result
    return out


def _list_of(value: object, field: str, p: Problems, item: Check) -> list[Any] | None:
    items = check_list(value, field, p)
    if items is None:
        return None
    checked = [item(raw, f"{field}[{i}]", p) for i, raw in enumerate(items)]
    return [c for c in checked if c is not None]


def _country(value: object, field: str, p: Problems) -> str | None:
    if isinstance(value, str) and _COUNTRY.match(value.strip()):
        return value.strip().upper()
    p.add(field, f"must be an ISO 3166-1 alpha-2 country code such as 'DE', got {describe(value)}")
    return None


def _email(value: object, field: str, p: Problems) -> str | None:
    if not isinstance(value, str):
        p.add(field, f"must be an e-mail address, got {describe(value)}")
        return None
    try:
        return check_email(value, field=field)
    except InvalidInputError as exc:
        p.add(field, exc.reason)
        return None


def _cas(value: object, field: str, p: Problems) -> str | None:
    try:
        return check_cas_number(value, field=field)
    except InvalidInputError as exc:
        p.add(field, exc.reason)
        return None


def _mime_type(value: object, field: str, p: Problems) -> str | None:
    text = check_string(value, field, p)
    if text is not None and not _MIME_TYPE.match(text):
        p.add(field, f"{text!r} is not a media type such as 'application/pdf'")
        return None
    return text


def _occurred_at(value: object, field: str, p: Problems) -> str | None:
    moment = check_datetime(value, field, p, require_zone=False)
    return None if moment is None else format_datetime(moment)


def _component(options: tuple[str, ...]) -> Check:
    return partial(check_choice, options=options)


def _unique_components(items: list[Any] | None, field: str, p: Problems) -> list[Any] | None:
    """Refuse a component given twice in a per-component list (one value per pack, module, cell)."""
    if items is None:
        return None
    seen: set[str] = set()
    for item in items:
        component = item.get("component")
        if component in seen:
            p.add(field, f"component {component!r} is given twice; give one value per component")
            return None
        if component is not None:
            seen.add(component)
    return items


def check_contact(value: object, field: str, p: Problems) -> dict[str, Any] | None:
    """``{"name", "identifier"?, "country", "postal_code"?, "street"?, "email"?, "web"?}``."""
    return _record(
        value,
        field,
        p,
        required={"name": check_string, "country": _country},
        optional={
            "identifier": check_string,
            "postal_code": check_string,
            "street": check_string,
            "email": _email,
            "web": check_url,
        },
    )


def check_address(value: object, field: str, p: Problems) -> dict[str, Any] | None:
    """``{"country", "postal_code"?, "street"?, "city"?}``."""
    return _record(
        value,
        field,
        p,
        required={"country": _country},
        optional={"postal_code": check_string, "street": check_string, "city": check_string},
    )


def _chemistry_code(value: object, field: str, p: Problems) -> str | None:
    if not isinstance(value, str):
        p.add(field, f"must be a chemistry code such as 'NMC811', got {describe(value)}")
        return None
    try:
        return get_chemistry(value).code
    except InvalidInputError as exc:
        p.add(field, exc.reason)
        return None


def check_chemistry(value: object, field: str, p: Problems) -> dict[str, Any] | None:
    """``{"code", "name"?}``; a known alias (``"NCM811"``, ``"LiFePO4"``) is stored as its code."""
    if type(value) is dict and len(value) == 1 and type(value.get("code")) is str:
        # the usual ``{"code": "NMC811"}`` of a bulk import: what the general check returns for it, found directly
        try:
            return {"code": get_chemistry(value["code"]).code}
        except InvalidInputError:
            pass  # the general check names the problem
    return _record(value, field, p, required={"code": _chemistry_code}, optional={"name": check_string})


def _label(value: object, field: str, p: Problems) -> dict[str, Any] | None:
    return _record(
        value,
        field,
        p,
        required={"subject": _component(LABEL_SUBJECTS), "meaning": check_string},
        optional={"symbol_url": check_url},
    )


def check_labels(value: object, field: str, p: Problems) -> list[Any] | None:
    """List of ``{"subject", "symbol_url"?, "meaning"}``."""
    return _list_of(value, field, p, _label)


def _material(value: object, field: str, p: Problems) -> dict[str, Any] | None:
    return _record(
        value,
        field,
        p,
        required={
            "name": check_string,
            "mass_kg": check_mass_kg,
            "component": _component(COMPONENTS),
            "critical_raw_material": check_bool,
        },
        optional={"cas": _cas},
    )


def check_materials(value: object, field: str, p: Problems) -> list[Any] | None:
    """List of ``{"name", "cas"?, "mass_kg", "component", "critical_raw_material"}``."""
    return _list_of(value, field, p, _material)


def _hazardous_substance(value: object, field: str, p: Problems) -> dict[str, Any] | None:
    return _record(
        value,
        field,
        p,
        required={
            "name": check_string,
            "hazard_class": check_string,
            "concentration_share": check_fraction,
            "impacts": check_string_list,
            "component": _component(COMPONENTS),
        },
        optional={"cas": _cas},
    )


def check_hazardous_substances(value: object, field: str, p: Problems) -> list[Any] | None:
    """List of ``{"name", "cas"?, "hazard_class", "concentration_share", "impacts", "component"}``."""
    return _list_of(value, field, p, _hazardous_substance)


def _document(value: object, field: str, p: Problems) -> dict[str, Any] | None:
    return _record(
        value,
        field,
        p,
        required={"type": _component(DOCUMENT_TYPES), "url": check_url},
        optional={"mime_type": _mime_type},
    )


def check_documents(value: object, field: str, p: Problems) -> list[Any] | None:
    """List of ``{"type", "url", "mime_type"?}``."""
    return _list_of(value, field, p, _document)


def _part(value: object, field: str, p: Problems) -> dict[str, Any] | None:
    return _record(value, field, p, required={"part_name": check_string, "part_number": check_string})


def check_part_numbers(value: object, field: str, p: Problems) -> list[Any] | None:
    """List of ``{"part_name", "part_number"}``."""
    return _list_of(value, field, p, _part)


def _parts(value: object, field: str, p: Problems) -> list[Any] | None:
    return _list_of(value, field, p, _part)


def _spare_part_source(value: object, field: str, p: Problems) -> dict[str, Any] | None:
    return _record(
        value,
        field,
        p,
        required={"supplier": check_string, "parts": _parts},
        optional={"address": check_address, "email": _email, "web": check_url},
    )


def check_spare_part_sources(value: object, field: str, p: Problems) -> list[Any] | None:
    """List of ``{"supplier", "address"?, "email"?, "web"?, "parts": [{"part_name", "part_number"}]}``."""
    return _list_of(value, field, p, _spare_part_source)


def _ohm(value: object, field: str, p: Problems) -> float | None:
    return check_positive(value, field, p, unit="ohm")


def _resistance(value: object, field: str, p: Problems) -> dict[str, Any] | None:
    return _record(value, field, p, required={"component": _component(RESISTANCE_COMPONENTS), "ohm": _ohm})


def check_resistances(value: object, field: str, p: Problems) -> list[Any] | None:
    """List of ``{"component": pack|module|cell, "ohm" > 0}``, one per component."""
    return _unique_components(_list_of(value, field, p, _resistance), field, p)


def _resistance_increase(value: object, field: str, p: Problems) -> dict[str, Any] | None:
    return _record(value, field, p, required={"component": _component(RESISTANCE_COMPONENTS), "rate": check_fraction})


def check_resistance_increases(value: object, field: str, p: Problems) -> list[Any] | None:
    """List of ``{"component": pack|module|cell, "rate": fraction}``, one per component."""
    return _unique_components(_list_of(value, field, p, _resistance_increase), field, p)


def _event(value: object, field: str, p: Problems) -> dict[str, Any] | None:
    return _record(value, field, p, required={"description": check_string}, optional={"occurred_at": _occurred_at})


def check_events(value: object, field: str, p: Problems) -> list[Any] | None:
    """List of ``{"description", "occurred_at"?: ISO date-time}``."""
    return _list_of(value, field, p, _event)


RECORD_CHECKS: Final[Mapping[str, Check]] = {
    "contact": check_contact,
    "address": check_address,
    "chemistry": check_chemistry,
    "labels": check_labels,
    "materials": check_materials,
    "hazardous_substances": check_hazardous_substances,
    "documents": check_documents,
    "part_numbers": check_part_numbers,
    "spare_part_sources": check_spare_part_sources,
    "resistances": check_resistances,
    "resistance_increases": check_resistance_increases,
    "events": check_events,
}
"""The check of each structured value type."""

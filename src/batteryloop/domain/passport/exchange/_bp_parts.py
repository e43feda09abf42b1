"""The composite parts of the Battery Pass v1.2 mapping (contacts, labels, materials, lists, power, events).

Each ``read_*`` takes the collector and one aspect's object (already split out of the document) and stores the
attributes it finds; :func:`write_all` writes them back. See :mod:`.batterypass` for the rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from batteryloop.domain.chemistry import get_chemistry
from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.passport.exchange._common import (
    CEILINGS,
    MAX_TEMPERATURE_C,
    MIN_TEMPERATURE_C,
    Collector,
    Quantity,
    as_bool,
    as_list,
    as_object,
    as_text,
    as_text_list,
    check_keys,
    describe,
    percent,
    read_cas,
    read_component,
    read_country,
    read_number,
    stamp,
    to_decimal,
)
from batteryloop.domain.passport.primitives import suggest

GPI, LAB, CF = "GeneralProductInformation", "Labeling", "CarbonFootprintForBatteries"
MC, CIRC, PD = "MaterialComposition", "Circularity", "PerformanceAndDurability"
TECH, COND = "batteryTechicalProperties", "batteryCondition"
Notes = list[tuple[str, str]]

CATEGORIES: Final = ("lmt", "ev", "industrial", "stationary")
STATUS_OUT: Final = {
    "original": "Original",
    "repurposed": "Repurposed",
    "re-used": "Reused",
    "remanufactured": "Remanufactured",
    "waste": "Waste",
}
"""Canonical battery status -> the model's ``BatteryStatusEnumeration``."""
STATUS_IN: Final = {**{v.lower(): k for k, v in STATUS_OUT.items()}, "re-used": "re-used"}
LABEL_SUBJECTS: Final = {
    "SeparateCollection": ("separate_collection", "separate_collection_symbol"),
    "HazardousMaterial": ("hazardous_material", "cadmium_lead_symbols"),
    "CarbonFootPrint": ("carbon_footprint", "carbon_footprint_label"),
    "ExtinguishingAgent": ("extinguishing_agent", "meaning_of_labels"),
}
"""The model's ``labelingSubject`` -> (canonical subject, the attribute that holds such labels)."""
STAGES: Final = {
    "RawMaterialExtraction": "carbon_footprint_raw_materials_share",
    "MainProduction": "carbon_footprint_production_share",
    "Distribution": "carbon_footprint_distribution_share",
    "Recycling": "carbon_footprint_end_of_life_share",
}
DOCUMENT_TYPES: Final = {
    "BillOfMaterial": "bill_of_material",
    "Model3D": "model_3d",
    "DismantlingManual": "dismantling_manual",
    "RemovalManual": "removal_manual",
    "OtherManual": "other_manual",
    "Drawing": "drawing",
}
METALS: Final = ("Cobalt", "Nickel", "Lithium", "Lead")
RESISTANCE_COMPONENTS: Final = ("pack", "module", "cell")
MINUTES: Final = {
    "timeExtremeHighTemp": "minutes_above_temperature_boundary",
    "timeExtremeLowTemp": "minutes_below_temperature_boundary",
    "timeExtremeHighTempCharging": "minutes_charging_above_temperature_boundary",
    "timeExtremeLowTempCharging": "minutes_charging_below_temperature_boundary",
}
SOC_FOR_POWER: Final = Decimal(80)
"""The state of charge whose power capability is stored when several are given (Annex IV Part B 4)."""

GRAMS = Quantity(unit="g", what="material mass", scale=-3, positive=True, high=CEILINGS["mass_kg"])
CONCENTRATION = percent("concentration")
WATTS = Quantity(unit="W", what="power", positive=True, high=CEILINGS["power_w"])
OHMS = Quantity(unit="ohm", what="resistance", positive=True, high=CEILINGS["resistance_ohm"])
KWH = Quantity(unit="kWh", what="remaining capacity", low=Decimal(0), high=CEILINGS["energy_kwh"])
MINUTES_Q = Quantity(unit="min", what="time", low=Decimal(0), high=CEILINGS["minutes"], integer=True)
CELSIUS = Quantity(unit="°C", what="temperature", low=MIN_TEMPERATURE_C, high=MAX_TEMPERATURE_C)
STAGE = Quantity(unit="kg CO2e/kWh", what="carbon footprint", low=Decimal(0), high=CEILINGS["kg_co2e_per_kwh"])


def _items(c: Collector, obj: Mapping[str, Any], key: str, path: str) -> list[tuple[str, Mapping[str, Any]]]:
    """The objects of the list ``obj[key]`` with their paths (bad items reported and skipped)."""
    raw = obj.get(key)
    items = as_list(c, raw, f"{path}.{key}") if raw is not None else None
    out = []
    for i, item in enumerate(items or []):
        found = as_object(c, item, f"{path}.{key}[{i}]")
        if found is not None:
            out.append((f"{path}.{key}[{i}]", found))
    return out


def _required(c: Collector, obj: Mapping[str, Any], path: str, key: str) -> Any:
    value = obj.get(key)
    if value is None:
        c.problem(f"{path}.{key}", "is required")
    return value


def _build(c: Collector, before: int, item: dict[str, Any]) -> dict[str, Any] | None:
    """``item`` if no problem was added since ``before``, else ``None``."""
    return item if len(c.problems) == before else None


def _choice(c: Collector, value: object, path: str, options: Mapping[str, str], what: str) -> str | None:
    if isinstance(value, str) and value in options:
        return options[value]
    hint = suggest(value, options) if isinstance(value, str) else ""
    c.problem(path, f"{describe(value)} is not a {what}{hint}; the model allows: {', '.join(options)}")
    return None


# --------------------------------------------------------------------------------- GeneralProductInformation
def _address(c: Collector, raw: object, path: str) -> dict[str, Any] | None:
    obj = as_object(c, raw, path)
    if obj is None:
        return None
    check_keys(c, obj, path, ("addressCountry", "postalCode", "streetAddress"))
    before = len(c.problems)
    out: dict[str, Any] = {
        "country": read_country(c, _required(c, obj, path, "addressCountry"), f"{path}.addressCountry")
    }
    for key, name in (("postalCode", "postal_code"), ("streetAddress", "street")):
        if obj.get(key) is not None:
            out[name] = as_text(c, obj[key], f"{path}.{key}")
    return _build(c, before, out)


def _contact(c: Collector, raw: object, path: str) -> dict[str, Any] | None:
    obj = as_object(c, raw, path)
    if obj is None:
        return None
    check_keys(c, obj, path, ("contactName", "postalAddress", "identifier", "emailAddress", "webAddress"))
    before = len(c.problems)
    out: dict[str, Any] = {"name": as_text(c, _required(c, obj, path, "contactName"), f"{path}.contactName")}
    address = _address(c, _required(c, obj, path, "postalAddress"), f"{path}.postalAddress")
    out.update(address or {})
    for key, name in (("identifier", "identifier"), ("emailAddress", "email"), ("webAddress", "web")):
        if obj.get(key) is not None:
            out[name] = as_text(c, obj[key], f"{path}.{key}")
    return _build(c, before, out)


def _warranty(c: Collector, value: object, path: str) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    text = value.strip() if isinstance(value, str) else ""
    month = re.fullmatch(r"--(\d{2})(?:Z|[+-]\d{2}:\d{2})?", text)
    if month and 1 <= int(month.group(1)) <= 12:
        return int(month.group(1))
    duration = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?", text)
    if duration and text != "P":
        return int(duration.group(1) or 0) * 12 + int(duration.group(2) or 0)
    c.problem(
        path,
        f"{describe(value)} is not a warranty period: write months as '--MM' (01-12, the model's "
        "xsd:gMonth) or a longer period as an ISO 8601 duration such as 'P8Y' or 'P96M'",
    )
    return None


def read_general(c: Collector, obj: Mapping[str, Any], received_at: str | None) -> None:
    """Category, status, warranty, manufacturer, operator and manufacturing place."""
    if obj.get("batteryCategory") is not None:
        raw = obj["batteryCategory"]
        key = raw.strip().lower() if isinstance(raw, str) else ""
        c.set(
            "battery_category",
            _choice(
                c,
                key if key in CATEGORIES else raw,
                f"{GPI}.batteryCategory",
                {k: k for k in CATEGORIES},
                "battery category",
            ),
        )
    if obj.get("batteryStatus") is not None:
        raw, path = obj["batteryStatus"], f"{GPI}.batteryStatus"
        status = STATUS_IN.get(raw.strip().lower()) if isinstance(raw, str) else None
        if status is None:
            _choice(c, raw, path, {v: v for v in STATUS_OUT.values()}, "battery status")
        else:
            recorded_at = stamp(c, None, received_at, path)
            if recorded_at is not None:
                c.set("battery_status", [{"value": status, "recorded_at": recorded_at}])
    if obj.get("warrentyPeriod") is not None:
        c.set("warranty_period", _warranty(c, obj["warrentyPeriod"], f"{GPI}.warrentyPeriod"))
    for key, attribute in (
        ("manufacturerInformation", "manufacturer_information"),
        ("operatorInformation", "operator_information"),
    ):
        if obj.get(key) is not None:
            c.set(attribute, _contact(c, obj[key], f"{GPI}.{key}"))
    if obj.get("manufacturingPlace") is not None:
        c.set("manufacturing_place", _address(c, obj["manufacturingPlace"], f"{GPI}.manufacturingPlace"))


# -------------------------------------------------------------------------------------- Labeling and footprint
def _meaning(c: Collector, raw: object, path: str) -> str | None:
    if isinstance(raw, Mapping) and raw:
        chosen = raw.get("en", next(iter(raw.values())))
        return as_text(c, chosen, f"{path}.{'en' if 'en' in raw else next(iter(raw))}")
    return as_text(c, raw, path)


def read_labels(c: Collector, obj: Mapping[str, Any]) -> None:
    """``labels[]`` by subject into the four label attributes."""
    found: dict[str, list[dict[str, Any]]] = {}
    for path, item in _items(c, obj, "labels", LAB):
        check_keys(c, item, path, ("labelingSubject", "labelingSymbol", "labelingMeaning"))
        before = len(c.problems)
        raw = _required(c, item, path, "labelingSubject")
        subject = _choice(c, raw, f"{path}.labelingSubject", {k: k for k in LABEL_SUBJECTS}, "labeling subject")
        label: dict[str, Any] = {
            "meaning": _meaning(c, _required(c, item, path, "labelingMeaning"), f"{path}.labelingMeaning")
        }
        if item.get("labelingSymbol") is not None:
            label["symbol_url"] = as_text(c, item["labelingSymbol"], f"{path}.labelingSymbol")
        if _build(c, before, label) is not None and subject is not None:
            canonical, attribute = LABEL_SUBJECTS[subject]
            found.setdefault(attribute, []).append({"subject": canonical, **label})
    for attribute, labels in found.items():
        c.set(attribute, labels)


def read_carbon_stages(c: Collector, obj: Mapping[str, Any]) -> None:
    """Per-stage footprints (kg CO2e/kWh in the model) as shares of ``batteryCarbonFootprint``."""
    total = c.attributes.get("carbon_footprint_kg_co2e_per_kwh")
    for path, item in _items(c, obj, "carbonFootprintPerLifecycleStage", CF):
        check_keys(c, item, path, ("lifecycleStage", "carbonFootprint"))
        raw = _required(c, item, path, "lifecycleStage")
        stage = _choice(c, raw, f"{path}.lifecycleStage", {k: k for k in STAGES}, "life-cycle stage")
        value = read_number(c, _required(c, item, path, "carbonFootprint"), f"{path}.carbonFootprint", STAGE)
        if stage is None or value is None:
            continue
        key = STAGES[stage]
        if key in c.attributes:
            c.problem(f"{path}.lifecycleStage", f"stage {stage} is given twice")
        elif total is None or total == 0:
            c.problem(
                f"{path}.carbonFootprint",
                "a stage footprint (kg CO2e/kWh) becomes a share of the total only "
                "with a batteryCarbonFootprint above 0",
            )
        elif to_decimal(value) > to_decimal(total):
            c.problem(f"{path}.carbonFootprint", f"stage {stage} ({value} kg CO2e/kWh) exceeds the total {total}")
        else:
            c.set(key, float(to_decimal(value) / to_decimal(total)))


# -------------------------------------------------------------------------------------- MaterialComposition
def _chemistry(c: Collector, raw: object, path: str) -> dict[str, Any] | None:
    obj = as_object(c, raw, path)
    if obj is None:
        return None
    check_keys(c, obj, path, ("shortName", "clearName"))
    key = "shortName" if obj.get("shortName") is not None else "clearName"
    name = _required(c, obj, path, key)
    if name is None or as_text(c, name, f"{path}.{key}") is None:
        return None
    try:
        out: dict[str, Any] = {"code": get_chemistry(name).code}
    except InvalidInputError as exc:
        c.problem(f"{path}.{key}", exc.reason)
        return None
    if obj.get("clearName") is not None:
        out["name"] = as_text(c, obj["clearName"], f"{path}.clearName")
    return out if None not in out.values() else None


def _location(c: Collector, raw: object, path: str) -> str | None:
    obj = as_object(c, raw, path)
    if obj is None:
        return None
    check_keys(c, obj, path, ("componentName", "componentId"))
    return read_component(c, _required(c, obj, path, "componentName"), f"{path}.componentName")


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def read_composition(c: Collector, obj: Mapping[str, Any]) -> None:
    """Chemistry, materials (g -> kg) and hazardous substances (% -> share), with the derived lists."""
    if obj.get("batteryChemistry") is not None:
        c.set("battery_chemistry", _chemistry(c, obj["batteryChemistry"], f"{MC}.batteryChemistry"))
    materials = []
    for path, item in _items(c, obj, "batteryMaterials", MC):
        check_keys(
            c,
            item,
            path,
            (
                "batteryMaterialLocation",
                "batteryMaterialIdentifier",
                "batteryMaterialName",
                "batteryMaterialMass",
                "isCriticalRawMaterial",
            ),
        )
        before = len(c.problems)
        material: dict[str, Any] = {
            "name": as_text(c, _required(c, item, path, "batteryMaterialName"), f"{path}.batteryMaterialName"),
            "mass_kg": read_number(
                c, _required(c, item, path, "batteryMaterialMass"), f"{path}.batteryMaterialMass", GRAMS
            ),
            "component": _location(
                c, _required(c, item, path, "batteryMaterialLocation"), f"{path}.batteryMaterialLocation"
            ),
            "critical_raw_material": as_bool(
                c, _required(c, item, path, "isCriticalRawMaterial"), f"{path}.isCriticalRawMaterial"
            ),
        }
        if item.get("batteryMaterialIdentifier") is not None:
            material["cas"] = read_cas(c, item["batteryMaterialIdentifier"], f"{path}.batteryMaterialIdentifier")
        materials.append(_build(c, before, material))
    if materials and None not in materials:
        c.set("cathode_anode_electrolyte_materials", materials)
        c.set("critical_raw_materials", _unique([m["name"] for m in materials if m and m["critical_raw_material"]]))
    substances = []
    for path, item in _items(c, obj, "hazardousSubstances", MC):
        check_keys(
            c,
            item,
            path,
            (
                "hazardousSubstanceClass",
                "hazardousSubstanceName",
                "hazardousSubstanceConcentration",
                "hazardousSubstanceImpact",
                "hazardousSubstanceLocation",
                "hazardousSubstanceIdentifier",
            ),
        )
        before = len(c.problems)
        field = f"{path}.hazardousSubstance"
        substance: dict[str, Any] = {
            "name": as_text(c, _required(c, item, path, "hazardousSubstanceName"), f"{field}Name"),
            "hazard_class": as_text(c, _required(c, item, path, "hazardousSubstanceClass"), f"{field}Class"),
            "concentration_share": read_number(
                c, _required(c, item, path, "hazardousSubstanceConcentration"), f"{field}Concentration", CONCENTRATION
            ),
            "impacts": as_text_list(c, _required(c, item, path, "hazardousSubstanceImpact"), f"{field}Impact"),
            "component": _location(c, _required(c, item, path, "hazardousSubstanceLocation"), f"{field}Location"),
        }
        if item.get("hazardousSubstanceIdentifier") is not None:
            substance["cas"] = read_cas(c, item["hazardousSubstanceIdentifier"], f"{field}Identifier")
        substances.append(_build(c, before, substance))
    if substances and None not in substances:
        c.set("hazardous_substances", substances)
        c.set("hazardous_substance_impacts", _unique([i for s in substances if s for i in s["impacts"]]))


# ----------------------------------------------------------------------------------------------- Circularity
def read_circularity(c: Collector, obj: Mapping[str, Any]) -> None:
    """Documents, spare-part sources, recycled content, extinguishing agents."""
    documents = []
    for path, item in _items(c, obj, "dismantlingAndRemovalInformation", CIRC):
        check_keys(c, item, path, ("documentType", "mimeType", "documentURL"))
        before = len(c.problems)
        doc: dict[str, Any] = {
            "type": _choice(
                c, _required(c, item, path, "documentType"), f"{path}.documentType", DOCUMENT_TYPES, "document type"
            ),
            "url": as_text(c, _required(c, item, path, "documentURL"), f"{path}.documentURL"),
        }
        if item.get("mimeType") is not None:
            doc["mime_type"] = as_text(c, item["mimeType"], f"{path}.mimeType")
        documents.append(_build(c, before, doc))
    if None not in documents:
        c.set("dismantling_manuals", documents)
    sources = []
    for path, item in _items(c, obj, "sparePartSources", CIRC):
        check_keys(
            c,
            item,
            path,
            ("nameOfSupplier", "addressOfSupplier", "emailAddressOfSupplier", "supplierWebAddress", "components"),
        )
        before = len(c.problems)
        source: dict[str, Any] = {
            "supplier": as_text(c, _required(c, item, path, "nameOfSupplier"), f"{path}.nameOfSupplier")
        }
        if item.get("addressOfSupplier") is not None:
            source["address"] = _address(c, item["addressOfSupplier"], f"{path}.addressOfSupplier")
        for key, name in (("emailAddressOfSupplier", "email"), ("supplierWebAddress", "web")):
            if item.get(key) is not None:
                source[name] = as_text(c, item[key], f"{path}.{key}")
        _required(c, item, path, "components")
        source["parts"] = []
        for part_path, part in _items(c, item, "components", path):
            check_keys(c, part, part_path, ("partName", "partNumber"))
            source["parts"].append(
                {
                    "part_name": as_text(c, _required(c, part, part_path, "partName"), f"{part_path}.partName"),
                    "part_number": as_text(c, _required(c, part, part_path, "partNumber"), f"{part_path}.partNumber"),
                }
            )
        sources.append(_build(c, before, source))
    if None not in sources:
        c.set("spare_part_sources", sources)
    seen: set[str] = set()
    for path, item in _items(c, obj, "recycledContent", CIRC):
        check_keys(c, item, path, ("recycledMaterial", "preConsumerShare", "postConsumerShare"))
        raw = _required(c, item, path, "recycledMaterial")
        metal = _choice(c, raw, f"{path}.recycledMaterial", {m: m.lower() for m in METALS}, "recycled material")
        if metal in seen:
            c.problem(f"{path}.recycledMaterial", f"{raw} is given twice")
            continue
        for key, stage in (("preConsumerShare", "pre"), ("postConsumerShare", "post")):
            if item.get(key) is not None:
                share = read_number(c, item[key], f"{path}.{key}", percent(f"recycled {raw} share"))
                if metal is not None:
                    c.set(f"recycled_{metal}_{stage}_consumer_share", share)
        if metal is not None:
            seen.add(metal)
    safety = obj.get("safetyMeasures")
    if isinstance(safety, Mapping):
        check_keys(c, safety, f"{CIRC}.safetyMeasures", ("safetyInstructions", "extinguishingAgent"))
        if safety.get("extinguishingAgent") is not None:
            agents = as_text_list(c, safety["extinguishingAgent"], f"{CIRC}.safetyMeasures.extinguishingAgent")
            c.set("extinguishing_agent", agents)
    end_of_life = obj.get("endOfLifeInformation")
    if isinstance(end_of_life, Mapping):
        keys = ("wastePrevention", "separateCollection", "informationOnCollection")
        check_keys(c, end_of_life, f"{CIRC}.endOfLifeInformation", keys)

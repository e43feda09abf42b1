"""The composite parts of the Catena-X battery pass 6.1.0 mapping (see :mod:`.catenax` for the rules)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from batteryloop.domain.passport.attributes import get_attributes
from batteryloop.domain.passport.exchange._common import (
    CEILINGS,
    COMPONENT_NAMES,
    Collector,
    Quantity,
    as_bool,
    as_list,
    as_object,
    as_text,
    check_keys,
    describe,
    format_number,
    is_ec_number,
    newest,
    percent,
    read_cas,
    read_component,
    read_number,
    stamp,
    to_decimal,
)
from batteryloop.domain.passport.primitives import suggest

Notes = list[tuple[str, str]]
CATEGORIES: Final = {"EV": "ev", "LMT": "lmt", "industrial": "industrial"}
NO_PASSPORT_CATEGORIES: Final = ("SLI", "portable", "incorporated")
STATUSES: Final = ("original", "repurposed", "re-used", "remanufactured", "waste")
MASS_UNITS: Final[Mapping[str, Decimal]] = {
    "unit:gram": Decimal("0.001"),
    "unit:kilogram": Decimal(1),
    "unit:tonneMetricTon": Decimal(1000),
    "unit:pound": Decimal("0.45359237"),
    "unit:ounceAvoirdupois": Decimal("0.028349523125"),
    "unit:tonUsOrShortTonUkorus": Decimal("907.18474"),
}
"""kg per unit of the model's mass units (exact definitions of the international pound and ounce)."""
CONCENTRATION_UNITS: Final[Mapping[str, Decimal]] = {
    "unit:percent": Decimal("1E-2"),
    "unit:partPerThousand": Decimal("1E-3"),
    "unit:partPerMillion": Decimal("1E-6"),
    "unit:partPerBillionUs": Decimal("1E-9"),
    "unit:partPerTrillionUs": Decimal("1E-12"),
}
"""Mass share per unit of the model's concentration units (``unit:percentVolume`` is not a mass share)."""
STAGES: Final = {
    "raw material acquisition and pre-processing": "carbon_footprint_raw_materials_share",
    "main product production": "carbon_footprint_production_share",
    "distribution": "carbon_footprint_distribution_share",
    "end of life and recycling": "carbon_footprint_end_of_life_share",
}
"""The model's life-cycle stage texts (its own examples) -> the share attributes."""
CLIMATE_TOTAL: Final = "Climate Change Total"
CF_UNIT: Final = "kg CO2e / kWh"
RESISTANCE_COMPONENTS: Final = ("pack", "module", "cell")
CARRIED: Final = frozenset(
    {
        "passport_id", "battery_id", "battery_category", "battery_chemistry", "battery_mass_kg", "warranty_period",
        "battery_status", "carbon_footprint_kg_co2e_per_kwh", "carbon_footprint_performance_class",
        *STAGES.values(), "cathode_anode_electrolyte_materials", "initial_internal_resistance_ohm",
        "internal_resistance_increase_rate", "accident_information", "extinguishing_agent", "dismantling_manuals",
        "part_numbers",
    }
)  # fmt: skip
"""Attributes written by :func:`write_all` (besides the scalar fields of :mod:`.catenax`)."""

MASS = Quantity(unit="kg", what="battery mass", positive=True, high=CEILINGS["mass_kg"], hint_grams=True)
NUMBER = Quantity(unit="", what="value", low=Decimal(0))
OHMS = Quantity(unit="ohm", what="resistance", positive=True, high=CEILINGS["resistance_ohm"])
STAGE = Quantity(unit="kg CO2e/kWh", what="carbon footprint", low=Decimal(0), high=CEILINGS["kg_co2e_per_kwh"])


def _get(doc: Any, *path: str) -> Any:
    for step in path:
        doc = doc.get(step) if isinstance(doc, Mapping) else None
    return doc


def _objects(c: Collector, raw: object, path: str) -> list[tuple[str, Mapping[str, Any]]]:
    items = as_list(c, raw, path) if raw is not None else None
    found = [(f"{path}[{i}]", as_object(c, item, f"{path}[{i}]")) for i, item in enumerate(items or [])]
    return [(p, o) for p, o in found if o is not None]


def read_first_document(c: Collector, raw: object, path: str) -> str | None:
    """The ``content`` of the first of a list of document links (a note if more are given)."""
    documents = _objects(c, raw, path)
    if not documents:
        return None
    if len(documents) > 1:
        c.note(path, f"{len(documents)} documents given; the first is stored")
    first_path, first = documents[0]
    return as_text(c, first.get("content"), f"{first_path}.content")


def document_link(key: str, url: str) -> dict[str, str]:
    """A Catena-X document link for a URL attribute (the header is the attribute's name)."""
    return {"contentType": "URL", "header": get_attributes()[key].name[:100], "content": url}


# ----------------------------------------------------------------------------------------------- import
def read_identification(c: Collector, doc: Mapping[str, Any]) -> None:
    """Battery category and battery identifier (``partInstanceId`` serial, else ``idDmc``)."""
    category = _get(doc, "identification", "category")
    if category is not None:
        path = "identification.category"
        if category in CATEGORIES:
            c.set("battery_category", CATEGORIES[category])
        elif category in NO_PASSPORT_CATEGORIES:
            c.note(
                path,
                f"category {category!r} has no battery passport category (ev, lmt, industrial, "
                "stationary); battery_category not stored",
            )
        else:
            options = [*CATEGORIES, *NO_PASSPORT_CATEGORIES]
            c.problem(
                path,
                f"{describe(category)} is not a category{suggest(str(category), options)}; "
                f"the model allows: {', '.join(options)}",
            )
    serials = _objects(
        c, _get(doc, "identification", "identification", "serial"), "identification.identification.serial"
    )
    for path, serial in serials:
        if serial.get("key") == "partInstanceId":
            c.set("battery_id", as_text(c, serial.get("value"), f"{path}.value"))
            return
    if _get(doc, "identification", "idDmc") is not None:
        c.set("battery_id", as_text(c, _get(doc, "identification", "idDmc"), "identification.idDmc"))


def read_characteristics(c: Collector, doc: Mapping[str, Any]) -> None:
    """Battery mass (any mass unit -> kg) and warranty (months or years -> months)."""
    weight = _get(doc, "characteristics", "physicalDimension", "weight")
    path = "characteristics.physicalDimension.weight"
    if weight is not None and as_object(c, weight, path) is not None:
        check_keys(c, weight, path, ("value", "unit"))
        unit = weight.get("unit")
        value = read_number(c, weight.get("value"), f"{path}.value", NUMBER)
        if unit not in MASS_UNITS:
            c.problem(
                f"{path}.unit",
                f"{describe(unit)} is not a mass unit{suggest(str(unit), MASS_UNITS)}; "
                f"the model allows: {', '.join(MASS_UNITS)}",
            )
        elif value is not None:
            kg = to_decimal(value) * MASS_UNITS[unit]
            c.set("battery_mass_kg", read_number(c, float(kg), f"{path}.value", MASS))
    warranty = _get(doc, "characteristics", "warranty")
    path = "characteristics.warranty"
    if warranty is not None and as_object(c, warranty, path) is not None:
        check_keys(c, warranty, path, ("lifeValue", "lifeUnit"))
        unit = warranty.get("lifeUnit")
        count = read_number(c, warranty.get("lifeValue"), f"{path}.lifeValue", NUMBER)
        if unit in ("unit:month", "unit:year") and count is not None:
            months = to_decimal(count) * (12 if unit == "unit:year" else 1)
            if months == months.to_integral_value():
                c.set("warranty_period", int(months))
            else:
                c.problem(f"{path}.lifeValue", f"{count} {unit[5:]}s is not a whole number of months")
        elif unit in ("unit:day", "unit:cycle", "unit:runningOrOperatingHour"):
            c.note(
                path, f"a warranty of {count} {unit[5:]}s is not a whole number of months; warranty_period not stored"
            )
        else:
            c.problem(
                f"{path}.lifeUnit",
                f"{describe(unit)} is not a unit of the model (unit:day, unit:month, "
                "unit:year, unit:cycle, unit:runningOrOperatingHour)",
            )


def _carbon_footprint(c: Collector, raw: object) -> None:
    stages: dict[str, Decimal] = {}
    classes: set[str] = set()
    for path, entry in _objects(c, raw, "sustainability.carbonFootprint"):
        if entry.get("type") != CLIMATE_TOTAL:
            c.note(
                f"{path}.type", f"only {CLIMATE_TOTAL!r} footprints are stored; {describe(entry.get('type'))} is not"
            )
            continue
        unit = re.sub(r"[\s_]", "", str(entry.get("unit", ""))).lower().replace("co2e", "co2")
        if unit != "kgco2/kwh":
            c.problem(f"{path}.unit", f"{describe(entry.get('unit'))} is not kg CO2e / kWh")
            continue
        value = read_number(c, entry.get("value"), f"{path}.value", STAGE)
        stage = STAGES.get(str(entry.get("lifecycle", "")).strip().lower())
        if entry.get("performanceClass") is not None:
            classes.add(str(entry["performanceClass"]))
        if stage is None:
            c.note(
                f"{path}.lifecycle",
                f"{describe(entry.get('lifecycle'))} is not one of the four stages ({'; '.join(STAGES)}); not stored",
            )
        elif stage in stages:
            c.problem(f"{path}.lifecycle", "stage given twice")
        elif value is not None:
            stages[stage] = to_decimal(value)
    if len(classes) == 1:
        c.set("carbon_footprint_performance_class", classes.pop())
    elif classes:
        c.note("sustainability.carbonFootprint", f"several performance classes {sorted(classes)}; none stored")
    total = sum(stages.values(), Decimal(0))
    if len(stages) == len(STAGES) and total > 0:
        c.set("carbon_footprint_kg_co2e_per_kwh", float(total))
        for stage, stage_value in stages.items():
            c.set(stage, float(stage_value / total))
    elif stages:
        c.note(
            "sustainability.carbonFootprint",
            f"{len(stages)} of the 4 life-cycle stages given: the total (their "
            "sum) and the shares cannot be computed; not stored",
        )


def read_sustainability(c: Collector, doc: Mapping[str, Any], received_at: str | None) -> None:
    """Battery status (stamped with ``received_at``) and carbon footprint."""
    status = _get(doc, "sustainability", "status")
    if status is not None:
        value = status.strip().lower() if isinstance(status, str) else None
        value = "re-used" if value == "reused" else value
        if value not in STATUSES:
            c.problem(
                "sustainability.status",
                f"{describe(status)} is not a status{suggest(str(status), STATUSES)};"
                f" the model allows: {', '.join(STATUSES)}",
            )
        else:
            recorded_at = stamp(c, None, received_at, "sustainability.status")
            if recorded_at is not None:
                c.set("battery_status", [{"value": value, "recorded_at": recorded_at}])
    if _get(doc, "sustainability", "carbonFootprint") is not None:
        _carbon_footprint(c, _get(doc, "sustainability", "carbonFootprint"))


def _identity(c: Collector, raw: object, path: str) -> tuple[str | None, str | None]:
    """(name, CAS) of a material from its identifications."""
    name = cas = None
    for item_path, ident in _objects(c, raw, path):
        name = name or (ident.get("name") if isinstance(ident.get("name"), str) else None)
        text = ident.get("id")
        if ident.get("type") == "CAS" and isinstance(text, str) and cas is None:
            if not re.fullmatch(r"\d{2,7}-\d{2}-\d", text.strip()) and is_ec_number(text):
                c.note(f"{item_path}.id", f"{text!r} is an EC number, not a CAS registry number; no CAS stored")
            else:
                cas = read_cas(c, text, f"{item_path}.id")
        elif ident.get("type") == "IUPAC" and isinstance(text, str):
            name = name or text
    return name, cas


def read_materials(c: Collector, doc: Mapping[str, Any]) -> None:
    """``materials.composition`` as masses (needs the battery mass); notes on what Catena-X cannot say."""
    for metal in ("nickel", "cobalt", "lithium", "lead"):
        if _get(doc, "materials", "active", metal, "recycled") is not None:
            c.note(
                f"materials.active.{metal}.recycled",
                "one recycled share without the pre-/post-consumer split; "
                "the recycled_*_consumer_share attributes are not stored",
            )
    if _get(doc, "materials", "hazardous"):
        c.note("materials.hazardous", "Catena-X gives no hazard class; hazardous_substances not stored")
    composition = _objects(c, _get(doc, "materials", "composition"), "materials.composition")
    battery_kg = c.attributes.get("battery_mass_kg")
    if not composition:
        return
    if battery_kg is None:
        c.note("materials.composition", "concentrations become masses only with the battery weight; not stored")
        return
    materials = []
    for path, item in composition:
        before = len(c.problems)
        name, cas = _identity(c, item.get("id"), f"{path}.id")
        unit = str(item.get("unit"))
        share = read_number(c, item.get("concentration"), f"{path}.concentration", NUMBER)
        if unit not in CONCENTRATION_UNITS:
            c.problem(
                f"{path}.unit",
                f"{describe(item.get('unit'))} is not a mass concentration unit; use one of: "
                f"{', '.join(CONCENTRATION_UNITS)}",
            )
        elif share is not None and to_decimal(share) * CONCENTRATION_UNITS[unit] > 1:
            c.problem(f"{path}.concentration", f"{format_number(to_decimal(share))} {unit[5:]} is more than the whole")
        if name is None:
            c.problem(f"{path}.id", "no material name given")
        material: dict[str, Any] = {
            "name": name,
            "component": read_component(c, item.get("location", "other"), f"{path}.location"),
            "critical_raw_material": as_bool(c, item.get("critical"), f"{path}.critical"),
        }
        if cas is not None:
            material["cas"] = cas
        if len(c.problems) == before and share is not None:
            kg = to_decimal(share) * CONCENTRATION_UNITS[unit] * to_decimal(battery_kg)
            material["mass_kg"] = float(kg)
            materials.append(material)
    c.set("cathode_anode_electrolyte_materials", materials)


def _per_component(c: Collector, raw: object, path: str, *, timed: bool, q: Quantity) -> list[dict[str, Any]]:
    obj = as_object(c, raw, path)
    out = []
    for component in RESISTANCE_COMPONENTS:
        value = obj.get(component) if obj is not None else None
        if value is None:
            continue
        where = f"{path}.{component}"
        if timed:
            inner = as_object(c, value, where)
            value, where = (inner.get("value") if inner is not None else None), f"{where}.value"
        number = read_number(c, value, where, q)
        if number is not None:
            out.append({"component": component, ("rate" if timed else "ohm"): number})
    return out


def read_performance(c: Collector, doc: Mapping[str, Any], received_at: str | None) -> None:
    """Rated resistances, resistance increases and negative events."""
    resistance = _get(doc, "performance", "rated", "resistance")
    if resistance is not None:
        rated = _per_component(c, resistance, "performance.rated.resistance", timed=False, q=OHMS)
        c.set("initial_internal_resistance_ohm", rated)
    increase = _get(doc, "performance", "dynamic", "resistance", "increase")
    if increase is not None:
        path = "performance.dynamic.resistance.increase"
        rates = _per_component(c, increase, path, timed=True, q=percent("resistance increase"))
        c.set("internal_resistance_increase_rate", rates)
    events = _objects(c, _get(doc, "performance", "dynamic", "negativeEvents"), "performance.dynamic.negativeEvents")
    found = [as_text(c, e.get("content"), f"{p}.content") for p, e in events]
    if events and None not in found:
        recorded_at = stamp(c, None, received_at, "performance.dynamic.negativeEvents")
        if recorded_at is not None:
            value = [{"description": text} for text in found]
            c.set("accident_information", [{"value": value, "recorded_at": recorded_at}])


def read_safety_and_handling(c: Collector, doc: Mapping[str, Any]) -> None:
    """Extinguishing agents, dismantling and removal documents, spare part numbers."""
    agents = _objects(c, _get(doc, "safety", "usableExtinguishAgent"), "safety.usableExtinguishAgent")
    c.set("extinguishing_agent", [a for a in (as_text(c, x.get("media"), f"{p}.media") for p, x in agents) if a])
    documents = []
    for key, kind in (("dismantling", "dismantling_manual"), ("removalFromAppliance", "removal_manual")):
        for path, link in _objects(c, _get(doc, "safety", key), f"safety.{key}"):
            url = as_text(c, link.get("content"), f"{path}.content")
            if url is not None:
                document = {"type": kind, "url": url}
                content_type = link.get("contentType")
                if isinstance(content_type, str) and "/" in content_type:
                    document["mime_type"] = content_type
                documents.append(document)
    c.set("dismantling_manuals", documents)
    parts = []
    for path, part in _objects(c, _get(doc, "handling", "content", "sparePart"), "handling.content.sparePart"):
        name = as_text(c, part.get("nameAtManufacturer"), f"{path}.nameAtManufacturer")
        number = as_text(c, part.get("manufacturerPartId"), f"{path}.manufacturerPartId")
        if name is not None and number is not None:
            parts.append({"part_name": name, "part_number": number})
    c.set("part_numbers", parts)


# ----------------------------------------------------------------------------------------------- export
def _newest(a: Mapping[str, Any], key: str, notes: Notes) -> dict[str, Any] | None:
    reading = newest(a.get(key))
    if reading is not None and len(a[key]) > 1:
        notes.append((key, f"only the newest of {len(a[key])} readings is carried"))
    return reading


def _put(doc: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for step in path[:-1]:
        doc = doc.setdefault(step, {})
    doc[path[-1]] = value


def write_all(doc: dict[str, Any], a: Mapping[str, Any], notes: Notes) -> None:
    """Write the composite attributes of ``a`` into ``doc``, noting what cannot be carried."""
    pid = a.get("passport_id")
    if isinstance(pid, str) and pid.startswith("urn:uuid:"):
        _put(doc, ("metadata", "passportIdentifier"), pid)
    elif pid is not None:
        notes.append(("passport_id", "not carried: Catena-X passport identifiers are UUIDs (urn:uuid:...)"))
    if "battery_id" in a:
        _put(doc, ("identification", "idDmc"), a["battery_id"])
        _put(doc, ("identification", "identification", "serial"), [{"key": "partInstanceId", "value": a["battery_id"]}])
    category = {v: k for k, v in CATEGORIES.items()}.get(a.get("battery_category", ""))
    if category is not None:
        _put(doc, ("identification", "category"), category)
    elif "battery_category" in a:
        notes.append(("battery_category", f"not carried: Catena-X has no category {a['battery_category']!r}"))
    if "battery_chemistry" in a:
        chemistry = a["battery_chemistry"]
        _put(doc, ("identification", "chemistry"), chemistry.get("name", chemistry["code"]))
    if "battery_mass_kg" in a:
        _put(
            doc,
            ("characteristics", "physicalDimension", "weight"),
            {"value": a["battery_mass_kg"], "unit": "unit:kilogram"},
        )
    if "warranty_period" in a:
        _put(doc, ("characteristics", "warranty"), {"lifeValue": a["warranty_period"], "lifeUnit": "unit:month"})
    status = _newest(a, "battery_status", notes)
    if status is not None:
        _put(doc, ("sustainability", "status"), status["value"])
    _write_carbon(doc, a, notes)
    _write_materials(doc, a, notes)
    rated = [{"component": r["component"], "value": r["ohm"]} for r in a.get("initial_internal_resistance_ohm", [])]
    if rated:
        _put(doc, ("performance", "rated", "resistance"), {r["component"]: r["value"] for r in rated})
    increase = {
        r["component"]: {"value": float(to_decimal(r["rate"]).scaleb(2))}
        for r in a.get("internal_resistance_increase_rate", [])
    }
    if increase:
        _put(doc, ("performance", "dynamic", "resistance", "increase"), increase)
    events = _newest(a, "accident_information", notes)
    if events is not None:
        links = [
            {"contentType": "text/plain", "header": "Negative event", "content": e["description"]}
            for e in events["value"]
        ]
        _put(doc, ("performance", "dynamic", "negativeEvents"), links)
    if a.get("extinguishing_agent"):
        _put(doc, ("safety", "usableExtinguishAgent"), [{"media": m} for m in a["extinguishing_agent"]])
    for kind, key in (("dismantling_manual", "dismantling"), ("removal_manual", "removalFromAppliance")):
        links = [
            {"contentType": d.get("mime_type", "URL"), "header": kind.replace("_", " "), "content": d["url"]}
            for d in a.get("dismantling_manuals", [])
            if d["type"] == kind
        ]
        if links:
            _put(doc, ("safety", key), links)
    other = [
        d["type"] for d in a.get("dismantling_manuals", []) if d["type"] not in ("dismantling_manual", "removal_manual")
    ]
    if other:
        notes.append(("dismantling_manuals", f"not carried: Catena-X has no place for {', '.join(sorted(set(other)))}"))
    if a.get("part_numbers"):
        parts = [
            {"manufacturerPartId": p["part_number"], "nameAtManufacturer": p["part_name"]} for p in a["part_numbers"]
        ]
        _put(doc, ("handling",), {"applicable": True, "content": {"sparePart": parts}})


def _write_carbon(doc: dict[str, Any], a: Mapping[str, Any], notes: Notes) -> None:
    total = a.get("carbon_footprint_kg_co2e_per_kwh")
    shares = {stage: a[key] for stage, key in STAGES.items() if key in a}
    if total is None or len(shares) < len(STAGES):
        for key in ("carbon_footprint_kg_co2e_per_kwh", "carbon_footprint_performance_class", *STAGES.values()):
            if key in a:
                notes.append(
                    (
                        key,
                        "not carried: Catena-X gives the footprint per stage; all four shares and the total are needed",
                    )
                )
        return
    if sum(to_decimal(s) for s in shares.values()) != 1:
        notes.append(
            (
                "carbon_footprint_kg_co2e_per_kwh",
                "the stage shares do not add up to 1; the total is read back as the sum of the stages",
            )
        )
    entries = []
    for stage, share in shares.items():
        entry: dict[str, Any] = {
            "lifecycle": stage,
            "type": CLIMATE_TOTAL,
            "unit": CF_UNIT,
            "value": float(to_decimal(share) * to_decimal(total)),
        }
        if "carbon_footprint_performance_class" in a:
            entry["performanceClass"] = a["carbon_footprint_performance_class"]
        entries.append(entry)
    _put(doc, ("sustainability", "carbonFootprint"), entries)


def _write_materials(doc: dict[str, Any], a: Mapping[str, Any], notes: Notes) -> None:
    battery_kg = a.get("battery_mass_kg")
    materials = a.get("cathode_anode_electrolyte_materials", [])
    if materials and not battery_kg:
        notes.append(
            (
                "cathode_anode_electrolyte_materials",
                "not carried without battery_mass_kg: Catena-X gives concentrations",
            )
        )
    if not materials or not battery_kg:
        return
    out = []
    for m in materials:
        kind, ident = ("CAS", m["cas"]) if "cas" in m else ("IUPAC", m["name"])
        percent_value = to_decimal(m["mass_kg"]) / to_decimal(battery_kg) * 100
        out.append(
            {
                "id": [{"type": kind, "id": ident, "name": m["name"]}],
                "concentration": float(percent_value),
                "unit": "unit:percent",
                "location": COMPONENT_NAMES[m["component"]],
                "critical": m["critical_raw_material"],
            }
        )
    _put(doc, ("materials", "composition"), out)

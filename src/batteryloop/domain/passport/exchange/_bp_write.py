"""Export of the composite parts of a canonical record to the Battery Pass v1.2 model (see :mod:`.batterypass`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from batteryloop.domain.passport.exchange._bp_parts import (
    CF,
    CIRC,
    CONCENTRATION,
    COND,
    DOCUMENT_TYPES,
    GPI,
    GRAMS,
    LAB,
    LABEL_SUBJECTS,
    MC,
    METALS,
    MINUTES,
    PD,
    SOC_FOR_POWER,
    STAGES,
    STATUS_OUT,
    TECH,
    Notes,
)
from batteryloop.domain.passport.exchange._bp_performance import INCREASE
from batteryloop.domain.passport.exchange._common import COMPONENT_NAMES, newest, parse_zoned, to_decimal, write_number

Doc = dict[str, dict[str, Any]]


def _newest(attributes: Mapping[str, Any], key: str, notes: Notes) -> dict[str, Any] | None:
    series = attributes.get(key)
    reading = newest(series)
    if reading is not None and len(series) > 1:  # type: ignore[arg-type]
        notes.append((key, f"only the newest of {len(series)} readings is carried"))  # type: ignore[arg-type]
    return reading


def _address(value: Mapping[str, Any], key: str, notes: Notes) -> dict[str, Any]:
    out: dict[str, Any] = {"addressCountry": value["country"]}
    if "postal_code" in value:
        out["postalCode"] = value["postal_code"]
    if "street" in value:
        out["streetAddress"] = value["street"]
    if "city" in value:
        notes.append((key, "the city is not carried: the model's postal address has no city"))
    return out


def _contact(value: Mapping[str, Any], key: str, notes: Notes) -> dict[str, Any]:
    out: dict[str, Any] = {"contactName": value["name"], "postalAddress": _address(value, key, notes)}
    for name, model in (("identifier", "identifier"), ("email", "emailAddress"), ("web", "webAddress")):
        if name in value:
            out[model] = value[name]
    return out


def _general(doc: Doc, a: Mapping[str, Any], notes: Notes) -> None:
    out = doc[GPI]
    if "battery_category" in a:
        out["batteryCategory"] = a["battery_category"]
    status = _newest(a, "battery_status", notes)
    if status is not None:
        out["batteryStatus"] = STATUS_OUT[status["value"]]
    if "warranty_period" in a:
        months = int(a["warranty_period"])
        out["warrentyPeriod"] = f"--{months:02d}" if 1 <= months <= 12 else f"P{months}M"
    for key, model in (
        ("manufacturer_information", "manufacturerInformation"),
        ("operator_information", "operatorInformation"),
    ):
        if key in a:
            out[model] = _contact(a[key], key, notes)
    if "manufacturing_place" in a:
        out["manufacturingPlace"] = _address(a["manufacturing_place"], "manufacturing_place", notes)


def _labels(doc: Doc, a: Mapping[str, Any], notes: Notes) -> None:
    model_subject = {canonical: model for model, (canonical, _) in LABEL_SUBJECTS.items()}
    labels = []
    for model, (_, key) in LABEL_SUBJECTS.items():
        for label in a.get(key, []):
            written = model_subject.get(label["subject"])
            if written is None:
                notes.append((key, "a label with subject 'other' is not carried: the model has no such subject"))
                continue
            if written != model:
                notes.append((key, f"a {label['subject']!r} label is read back under {LABEL_SUBJECTS[written][1]}"))
            out: dict[str, Any] = {"labelingSubject": written, "labelingMeaning": {"en": label["meaning"]}}
            if "symbol_url" in label:
                out["labelingSymbol"] = label["symbol_url"]
            labels.append(out)
    if labels:
        doc[LAB]["labels"] = labels


def _carbon(doc: Doc, a: Mapping[str, Any], notes: Notes) -> None:
    total = a.get("carbon_footprint_kg_co2e_per_kwh")
    stages = []
    for stage, key in STAGES.items():
        if key not in a:
            continue
        if total is None:
            notes.append(
                (key, "not carried without the total carbon footprint (the model gives kg CO2e/kWh per stage)")
            )
            continue
        value = float(to_decimal(a[key]) * to_decimal(total))
        stages.append({"lifecycleStage": stage, "carbonFootprint": value})
    if stages:
        doc[CF]["carbonFootprintPerLifecycleStage"] = stages


def _location(component: str) -> dict[str, str]:
    return {"componentName": COMPONENT_NAMES[component]}


def _composition(doc: Doc, a: Mapping[str, Any], notes: Notes) -> None:
    out = doc[MC]
    if "battery_chemistry" in a:
        chemistry = a["battery_chemistry"]
        out["batteryChemistry"] = {"shortName": chemistry["code"]}
        if "name" in chemistry:
            out["batteryChemistry"]["clearName"] = chemistry["name"]
    materials = a.get("cathode_anode_electrolyte_materials", [])
    if materials:
        out["batteryMaterials"] = [
            {
                "batteryMaterialName": m["name"],
                **({"batteryMaterialIdentifier": m["cas"]} if "cas" in m else {}),
                "batteryMaterialMass": write_number(m["mass_kg"], GRAMS),
                "isCriticalRawMaterial": m["critical_raw_material"],
                "batteryMaterialLocation": _location(m["component"]),
            }
            for m in materials
        ]
    derived = list(dict.fromkeys(m["name"] for m in materials if m["critical_raw_material"]))
    if "critical_raw_materials" in a and a["critical_raw_materials"] != derived:
        notes.append(
            (
                "critical_raw_materials",
                "not carried as such: the model flags materials as critical; only "
                "the names of the flagged materials are read back",
            )
        )
    substances = a.get("hazardous_substances", [])
    if substances:
        out["hazardousSubstances"] = [
            {
                "hazardousSubstanceName": s["name"],
                **({"hazardousSubstanceIdentifier": s["cas"]} if "cas" in s else {}),
                "hazardousSubstanceClass": s["hazard_class"],
                "hazardousSubstanceConcentration": write_number(s["concentration_share"], CONCENTRATION),
                "hazardousSubstanceImpact": list(s["impacts"]),
                "hazardousSubstanceLocation": _location(s["component"]),
            }
            for s in substances
        ]
    impacts = list(dict.fromkeys(i for s in substances for i in s["impacts"]))
    if "hazardous_substance_impacts" in a and a["hazardous_substance_impacts"] != impacts:
        notes.append(
            (
                "hazardous_substance_impacts",
                "not carried as such: the model lists impacts per substance; their union is read back",
            )
        )


def _circularity(doc: Doc, a: Mapping[str, Any], notes: Notes) -> None:
    out = doc[CIRC]
    model_type = {v: k for k, v in DOCUMENT_TYPES.items()}
    if a.get("dismantling_manuals"):
        out["dismantlingAndRemovalInformation"] = [
            {
                "documentType": model_type[d["type"]],
                **({"mimeType": d["mime_type"]} if "mime_type" in d else {}),
                "documentURL": d["url"],
            }
            for d in a["dismantling_manuals"]
        ]
    sources = []
    for s in a.get("spare_part_sources", []):
        source: dict[str, Any] = {"nameOfSupplier": s["supplier"]}
        if "address" in s:
            source["addressOfSupplier"] = _address(s["address"], "spare_part_sources", notes)
        if "email" in s:
            source["emailAddressOfSupplier"] = s["email"]
        if "web" in s:
            source["supplierWebAddress"] = s["web"]
        source["components"] = [{"partName": p["part_name"], "partNumber": p["part_number"]} for p in s["parts"]]
        sources.append(source)
    if sources:
        out["sparePartSources"] = sources
    recycled = []
    for metal in METALS:
        entry: dict[str, Any] = {"recycledMaterial": metal}
        for stage, model in (("pre", "preConsumerShare"), ("post", "postConsumerShare")):
            key = f"recycled_{metal.lower()}_{stage}_consumer_share"
            if key in a:
                entry[model] = float(to_decimal(a[key]).scaleb(2))
        if len(entry) > 1:
            recycled.append(entry)
    if recycled:
        out["recycledContent"] = recycled
    if a.get("extinguishing_agent"):
        out.setdefault("safetyMeasures", {})["extinguishingAgent"] = list(a["extinguishing_agent"])


def _performance(doc: Doc, a: Mapping[str, Any], notes: Notes) -> None:
    tech: dict[str, Any] = doc[PD].setdefault(TECH, {})
    cond: dict[str, Any] = doc[PD].setdefault(COND, {})
    soc = float(SOC_FOR_POWER)
    if "original_power_capability_w" in a:
        tech["originalPowerCapability"] = [{"atSoC": soc, "powerCapabilityAt": a["original_power_capability_w"]}]
    if a.get("initial_internal_resistance_ohm"):
        tech["initialInternalResistance"] = [
            {"ohmicResistance": r["ohm"], "batteryComponent": r["component"]}
            for r in a["initial_internal_resistance_ohm"]
        ]
    idle = {
        m: a[k] for m, k in (("minimum", "idle_temperature_lower_c"), ("maximum", "idle_temperature_upper_c")) if k in a
    }
    if idle:
        tech["temperatureRangeIdleState"] = idle
    capacity = _newest(a, "remaining_capacity_ah", notes)
    if capacity is not None and "nominal_voltage_v" not in a:
        notes.append(("remaining_capacity_ah", "not carried without nominal_voltage_v: the model gives kWh"))
    elif capacity is not None:
        kwh = float(to_decimal(capacity["value"]) * to_decimal(a["nominal_voltage_v"]) / 1000)
        cond["remainingCapacity"] = {"remainingCapacityValue": kwh, "lastUpdate": capacity["recorded_at"]}
    accidents = _newest(a, "accident_information", notes)
    if accidents is not None:
        cond["negativeEvents"] = [
            {"negativeEvent": e["description"], "lastUpdate": e.get("occurred_at", accidents["recorded_at"])}
            for e in accidents["value"]
        ]
    minutes = {model: _newest(a, key, notes) for model, key in MINUTES.items()}
    times = {r["recorded_at"] for r in minutes.values() if r is not None}
    if times:
        if len(times) > 1:
            notes.append(
                (
                    "minutes_above_temperature_boundary",
                    "the four extreme-temperature times share one lastUpdate in the model; the latest is written",
                )
            )
        cond["temperatureInformation"] = {m: r["value"] for m, r in minutes.items() if r is not None}
        cond["temperatureInformation"]["lastUpdate"] = max(times, key=lambda t: parse_zoned(t) or t)
    power = _newest(a, "remaining_power_capability_w", notes)
    if power is not None:
        cond["remainingPowerCapability"] = [
            {
                "remainingPowerCapabilityValue": {"atSoC": soc, "powerCapabilityAt": power["value"]},
                "lastUpdate": power["recorded_at"],
            }
        ]
    if a.get("internal_resistance_increase_rate"):
        cond["internalResistanceIncrease"] = [
            {"internalResistanceIncreaseValue": write_number(r["rate"], INCREASE), "batteryComponent": r["component"]}
            for r in a["internal_resistance_increase_rate"]
        ]
    for key in (TECH, COND):
        if not doc[PD][key]:
            del doc[PD][key]


def write_all(doc: Doc, attributes: Mapping[str, Any], notes: Notes) -> None:
    """Write every composite attribute of ``attributes`` into ``doc`` (the seven aspects), noting losses."""
    _general(doc, attributes, notes)
    _labels(doc, attributes, notes)
    _carbon(doc, attributes, notes)
    _composition(doc, attributes, notes)
    _circularity(doc, attributes, notes)
    _performance(doc, attributes, notes)

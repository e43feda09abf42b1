"""Demo battery models and packs: each automaker's models across chemistries, and packs with realistic ages,
state-of-health histories and a share that has reached end of life and was handed to a recycler.

Material masses come from the chemistry reference (cell bill of materials per kWh); ageing uses a simple,
chemistry-dependent fade of the state of certified energy (LFP fades slower than nickel-rich cathodes) with
per-pack spread. Identifiers use the automaker's URN namespace; document links point at ``.example`` hosts
(RFC 2606): this is demonstration data, not a real product.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from batteryloop.demo.design import DESIGN_FACTS
from batteryloop.domain.access import Actor
from batteryloop.domain.chemistry import estimate_pack_element_masses
from batteryloop.domain.organization import MemberRole, OrganizationKind
from batteryloop.services import design
from batteryloop.services import passport as passport_service
from batteryloop.storage.uow import Store


@dataclass(frozen=True, slots=True)
class DemoModel:
    oem: str
    code: str
    name: str
    chemistry: str
    energy_kwh: float
    pack_mass_kg: float
    nominal_voltage_v: float
    #: state-of-certified-energy fade per year of service (fraction), before per-pack spread
    fade_per_year: float
    share: float  # of the automaker's packs


MODELS: tuple[DemoModel, ...] = (
    DemoModel("Voltavia Motors", "VM-E80", "Voltavia E80 long range", "NMC811", 80.0, 480.0, 400.0, 0.024, 0.6),
    DemoModel("Voltavia Motors", "VM-C55", "Voltavia City 55", "LFP", 55.0, 390.0, 350.0, 0.014, 0.4),
    DemoModel("Nordkap Automotive", "NK-T90", "Nordkap Tour 90", "NMC622", 90.0, 560.0, 400.0, 0.021, 0.7),
    DemoModel("Nordkap Automotive", "NK-S75", "Nordkap Sport 75", "NCA", 75.0, 470.0, 400.0, 0.026, 0.3),
    DemoModel("Iberia Electric Vehicles", "IB-U50", "Iberia Urban 50", "LFP", 50.0, 360.0, 350.0, 0.013, 0.5),
    DemoModel("Iberia Electric Vehicles", "IB-M70", "Iberia Max 70", "LMFP", 70.0, 450.0, 370.0, 0.017, 0.5),
)

PLANTS = {
    "Voltavia Motors": {"country": "DE", "postal_code": "38440", "street": "Werkstraße 1", "city": "Wolfsau"},
    "Nordkap Automotive": {"country": "SE", "postal_code": "41878", "street": "Fabriksgatan 7", "city": "Göteborg"},
    "Iberia Electric Vehicles": {"country": "ES", "postal_code": "08040", "street": "Carrer A 12", "city": "Barcelona"},
}

# CAS registry numbers of the reported materials (CAS Common Chemistry)
CAS = {
    "Li": "7439-93-2",
    "Ni": "7440-02-0",
    "Co": "7440-48-4",
    "Mn": "7439-96-5",
    "Fe": "7439-89-6",
    "P": "7723-14-0",
    "Al": "7429-90-5",
    "Cu": "7440-50-8",
    "graphite": "7782-42-5",
    "F": "7782-41-4",
}
NAMES = {
    "Li": "Lithium",
    "Ni": "Nickel",
    "Co": "Cobalt",
    "Mn": "Manganese",
    "Fe": "Iron",
    "P": "Phosphorus",
    "Al": "Aluminium",
    "Cu": "Copper",
    "graphite": "Graphite",
    "F": "Fluorine",
}
COMPONENT = {
    "Li": "cathode",
    "Ni": "cathode",
    "Co": "cathode",
    "Mn": "cathode",
    "Fe": "cathode",
    "P": "cathode",
    "Al": "cathode",
    "Cu": "anode",
    "graphite": "anode",
    "F": "electrolyte",
}
#: EU critical raw materials among them (Regulation (EU) 2024/1252, Annex II), for the model's label
CRITICAL = {"Li", "Ni", "Co", "Mn", "P", "Al", "Cu", "graphite"}

Progress = Callable[[int], None]


def _slug(name: str) -> str:
    return name.split()[0].lower()


def model_attributes(model: DemoModel) -> dict[str, Any]:
    estimate = estimate_pack_element_masses(
        chemistry=model.chemistry, energy_kwh=model.energy_kwh, pack_mass_kg=model.pack_mass_kg
    )
    masses = {k: v for k, v in estimate.element_mass_kg.items() if v > 0 and k in CAS}
    materials = [
        {
            "name": NAMES[k],
            "cas": CAS[k],
            "mass_kg": round(v, 2),
            "component": COMPONENT[k],
            "critical_raw_material": k in CRITICAL,
        }
        for k, v in masses.items()
        if v / model.pack_mass_kg > 0.001
    ]
    host = f"https://docs.{_slug(model.oem)}.example/{model.code.lower()}"
    oem_contact = {
        "name": model.oem,
        "identifier": f"urn:{_slug(model.oem)}:operator",
        "country": PLANTS[model.oem]["country"],
    }
    capacity_ah = round(model.energy_kwh * 1000 / model.nominal_voltage_v, 1)
    return {
        "manufacturer_information": oem_contact,
        "manufacturing_place": PLANTS[model.oem],
        "warranty_period": 96,
        "battery_category": "ev",
        "battery_mass_kg": model.pack_mass_kg,
        "separate_collection_symbol": [
            {"subject": "separate_collection", "meaning": "Collect separately; do not dispose of with household waste"}
        ],
        "declaration_of_conformity": f"{host}/eu-declaration-of-conformity.pdf",
        "carbon_footprint_kg_co2e_per_kwh": 68.0 if model.chemistry.startswith("N") else 55.0,
        "carbon_footprint_study": f"{host}/carbon-footprint-study.pdf",
        "due_diligence_report": f"https://{_slug(model.oem)}.example/due-diligence-2025.pdf",
        "battery_chemistry": {"code": model.chemistry},
        "critical_raw_materials": sorted(NAMES[k] for k in masses if k in CRITICAL),
        "cathode_anode_electrolyte_materials": materials,
        "hazardous_substances": [
            {
                "name": "Lithium hexafluorophosphate",
                "cas": "21324-40-3",
                "hazard_class": "AcuteToxicity",
                "concentration_share": 0.008,
                "impacts": ["H301", "H314", "H372"],
                "component": "electrolyte",
            }
        ],
        "dismantling_manuals": [
            {"type": "removal_manual", "url": f"{host}/removal-manual.pdf", "mime_type": "application/pdf"},
            {"type": "dismantling_manual", "url": f"{host}/dismantling-manual.pdf", "mime_type": "application/pdf"},
        ],
        "part_numbers": [
            {"part_name": "module", "part_number": f"{model.code}-MOD"},
            {"part_name": "battery management system", "part_number": f"{model.code}-BMS"},
        ],
        "safety_measures": f"{host}/safety-measures.pdf",
        "recycled_nickel_pre_consumer_share": 0.02 if "N" in model.chemistry else 0.0,
        "recycled_cobalt_post_consumer_share": 0.04 if model.chemistry in ("NMC811", "NMC622", "NCA") else 0.0,
        "recycled_lithium_post_consumer_share": 0.01,
        "rated_capacity_ah": capacity_ah,
        "certified_usable_energy_kwh": model.energy_kwh,
        "nominal_voltage_v": model.nominal_voltage_v,
        "minimum_voltage_v": round(model.nominal_voltage_v * 0.8),
        "maximum_voltage_v": round(model.nominal_voltage_v * 1.12),
        "original_power_capability_w": round(model.energy_kwh * 2500),
        "expected_lifetime_cycles": 3000 if model.chemistry in ("LFP", "LMFP") else 1500,
        "capacity_threshold_for_exhaustion_share": 0.7,
        "idle_temperature_lower_c": -30.0,
        "idle_temperature_upper_c": 55.0,
    }


def _pack_record(model: DemoModel, serial: int, rng: random.Random, as_of: datetime) -> tuple[dict[str, Any], bool]:
    """Item-level attributes of one pack, and whether it has reached end of life."""
    made = datetime(rng.randint(2015, 2024), rng.randint(1, 12), 1, tzinfo=UTC)
    service = made + timedelta(days=rng.randint(20, 120))
    years = max(0.0, (as_of - service).days / 365.25)
    fade = model.fade_per_year * rng.lognormvariate(0, 0.25)
    soce: list[dict[str, Any]] = []
    cycles: list[dict[str, Any]] = []
    for year in range(1, int(years) + 1):
        at = service + timedelta(days=round(365.25 * year))
        value = min(1.0, max(0.35, 1 - fade * year + rng.gauss(0, 0.004)))
        soce.append({"value": round(value, 4), "recorded_at": at.isoformat()})
        cycles.append({"value": int(year * rng.uniform(90, 220)), "recorded_at": at.isoformat()})
    slug = _slug(model.oem)
    record: dict[str, Any] = {
        "passport_id": f"urn:{slug}:{model.code.lower().replace('-', '')}{serial:07d}",
        "battery_id": f"{model.code}-{made:%y%m}-{serial:07d}",
        "manufacturing_date": f"{made:%Y-%m}",
        "putting_into_service_date": f"{service:%Y-%m}",
        "extinguishing_agent": ["Water (large quantities)"],
    }
    if soce:
        record["state_of_certified_energy_share"] = soce
        record["full_cycles"] = cycles
    damaged = rng.random() < 0.02
    if damaged:
        record["accident_information"] = [
            {
                "value": [
                    {
                        "description": "collision damage to the pack housing",
                        "occurred_at": (service + timedelta(days=400)).isoformat(),
                    }
                ],
                "recorded_at": (service + timedelta(days=401)).isoformat(),
            }
        ]
    end_of_life = bool(soce) and (soce[-1]["value"] < 0.78 or damaged or rng.random() < 0.04)
    return record, end_of_life


def build_demo_passports(
    store: Store,
    *,
    organization_ids: dict[str, uuid.UUID],
    batteries: int,
    seed: int,
    as_of: datetime,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Register the demo models and ``batteries`` packs; end-of-life packs become waste with a recycler."""
    rng = random.Random(seed * 7919 + 1)
    step = progress or (lambda _n: None)
    recyclers = [organization_ids["CircuMet Recycling"], organization_ids["Pyrolux Metals"]]
    counts = {"models": 0, "passports": 0, "waste": 0}
    oems = sorted({m.oem for m in MODELS})
    per_oem = {oem: batteries // len(oems) + (1 if i < batteries % len(oems) else 0) for i, oem in enumerate(oems)}
    with store.uow() as uow:
        for oem in oems:
            actor = Actor(org_id=organization_ids[oem], org_kind=OrganizationKind.OEM, role=MemberRole.ADMIN)
            models = [m for m in MODELS if m.oem == oem]
            stored = {
                m.code: passport_service.create_model(
                    uow,
                    actor,
                    code=m.code,
                    name=m.name,
                    attributes=model_attributes(m),
                    model_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                )
                for m in models
            }
            for code, created in stored.items():
                design.set_design_facts(uow, actor, created.id, DESIGN_FACTS[code])
            counts["models"] += len(models)
            rows, readings, waste = [], {}, []
            for serial in range(1, per_oem[oem] + 1):
                model = rng.choices(models, weights=[m.share for m in models])[0]
                record, end_of_life = _pack_record(model, serial, rng, as_of)
                prepared = passport_service.prepare_passport(
                    record,
                    owner_org_id=organization_ids[oem],
                    now=as_of,
                    model=stored[model.code],
                )
                rows.append(prepared.row)
                readings[prepared.row["passport_id"]] = prepared.readings
                if end_of_life:
                    waste.append(prepared.row["passport_id"])
                if len(rows) >= 1000:
                    uow.passports.add_many(rows, readings)
                    step(len(rows))
                    rows, readings = [], {}
            uow.passports.add_many(rows, readings)
            step(len(rows))
            counts["passports"] += per_oem[oem]
            for pid in waste:
                passport_service.change_status(uow, actor, pid, "waste", operator_org_id=rng.choice(recyclers))
            counts["waste"] += len(waste)
        uow.commit()
    return counts

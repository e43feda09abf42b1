"""A lot as a Catena-X ``RecyclingBatch`` (``io.catenax.material_accounting:1.0.0``), for partners' data spaces.

Field names follow the model as summarised in passport-data-model.md §2.2. The platform knows no Business Partner
Numbers (BPNs), so ``BPNS`` is null and the platform's own identifiers go in ``siteCode``/``organizationId`` next
to them; a partner's connector maps them. Masses are input-derived (reagents excluded), in kg; ``processLoss`` is
what the lot lost (outputs of fate ``loss`` plus the unaccounted residual).
"""

from __future__ import annotations

import uuid
from datetime import datetime, time
from decimal import Decimal
from typing import Any, Final

from batteryloop.domain.access import Actor
from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.recovery.routes import get_routes
from batteryloop.services.lots import readable_lot
from batteryloop.storage.tables import FacilityRow
from batteryloop.storage.uow import UnitOfWork

#: route kind -> (processType, childProcessType, actorRole) of the model's enumerations
ROUTE_TERMS: Final = {
    "pretreatment": ("Pre-recycling", "Shredding", "Shredding Facility"),
    "hydrometallurgy": ("Core-recycling", "Hydrometallurgy", "Material Recycling Facilities"),
    "pyrometallurgy": ("Core-recycling", "Smelting", "Material Recycling Facilities"),
    "direct": ("Core-recycling", "Separation", "Material Recycling Facilities"),
}


def _kg(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.001")))


def recycling_batch(uow: UnitOfWork, actor: Actor, lot_id: uuid.UUID) -> dict[str, Any]:
    """The lot as a ``RecyclingBatch`` document (a processed lot: its outputs give the step's masses)."""
    lot = readable_lot(uow, actor, lot_id)
    if lot.status != "processed" or lot.processed_on is None:
        raise InvalidInputError(
            f"lot {lot.code} is not processed yet: a recycling batch reports a done step", field="lot_id"
        )
    facility = uow.session.get(FacilityRow, lot.facility_id)
    route = get_routes().routes.get(lot.route)
    kind = route.kind if route is not None else lot.route
    process_type, step_type, role = ROUTE_TERMS.get(
        kind, ("Core-recycling", "Separation", "Material Recycling Facilities")
    )
    outputs = lot.outputs or []
    derived = [Decimal(o["mass_kg"]) - Decimal(o.get("reagent_kg", "0")) for o in outputs]
    mass_in = Decimal(lot.input["mass_kg"])
    out = sum((d for o, d in zip(outputs, derived, strict=True) if o["fate"] != "loss"), Decimal(0))
    codes = [str(o["rd_code"]) for o in outputs if o["fate"] == "recycled" and o.get("rd_code")]
    end = datetime.combine(lot.processed_on, time(), tzinfo=lot.created_at.tzinfo)
    site = {"BPNS": None, "siteCode": facility.code if facility else None, "organizationId": str(lot.operator_org_id)}
    return {
        "recyclingBatchId": lot.code,
        "globalAssetId": f"urn:uuid:{lot.id}",
        "operator": {"transferId": str(lot.id), **site},
        "receiver": {"actorNumber": str(lot.operator_org_id), "actorRole": role, **site},
        "processInformation": {
            "treatmentProcedure": max(sorted(set(codes)), key=codes.count) if codes else None,
            "mechanicalRecycling": kind == "pretreatment",
            "chemicalRecycling": kind in ("hydrometallurgy", "pyrometallurgy", "direct"),
            "processType": process_type,
        },
        "childProcessSteps": [
            {
                "startTimestamp": min(lot.created_at, end).isoformat(),
                "endTimestamp": end.isoformat(),
                "inputNetMass": _kg(mass_in),
                "outputNetMass": _kg(out),
                "processLoss": _kg(mass_in - out),  # losses recorded plus the unaccounted residual
                "measurementType": "weighed outputs, element masses from " + str(lot.input.get("basis", "passport")),
                "childProcessType": step_type,
            }
        ],
    }

"""Product quality of a lot's outputs: an output graded against the battery-grade specifications, its certificate.

The facility's operator grades an output of a processed lot with the lab's assay (``grade`` calculator input:
``product``, ``assay``, optional ``specification``); the result is kept on the output (``grade``: verdict, the
specification certified, the best grade met, the date and the input), and the certificate of analysis is rendered
from it on request, so it always shows what was graded. Readers of the lot read the grade and the certificate.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from batteryloop.domain.access import Actor
from batteryloop.domain.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from batteryloop.services import audit
from batteryloop.services.certificate import IssuedCertificate, certificate_for_document
from batteryloop.services.lots import readable_lot
from batteryloop.storage.tables import FacilityRow, LotRow, OrganizationRow
from batteryloop.storage.uow import UnitOfWork


def _output(lot: LotRow, index: int) -> dict[str, Any]:
    outputs = lot.outputs or []
    if not 0 <= index < len(outputs):
        raise NotFoundError(f"lot {lot.code} has no output #{index} (it has {len(outputs)})", field="index")
    return outputs[index]


def _document(uow: UnitOfWork, lot: LotRow, output: dict[str, Any], raw: dict[str, Any], on: dt.date) -> dict[str, Any]:
    facility = uow.session.get(FacilityRow, lot.facility_id)
    org = uow.session.get(OrganizationRow, lot.operator_org_id)
    producer = f"{org.name if org else ''}, {facility.name if facility else ''}".strip(", ")
    lot_id = f"{lot.code}/{output['name']}"
    mass = float(output["mass_kg"])
    return {k: v for k, v in raw.items() if k in ("product", "assay", "specification")} | {
        "as_of": on.isoformat(),
        "lot": {"id": lot_id, "producer": producer, "date": on.isoformat(), "mass_kg": mass},
    }


def grade_output(uow: UnitOfWork, actor: Actor, lot_id: uuid.UUID, index: int, raw: object) -> dict[str, Any]:
    """Grade output ``index`` of a processed lot (its operator's admins and operators) and keep the grade on it."""
    lot = readable_lot(uow, actor, lot_id)
    if lot.operator_org_id != actor.org_id or not actor.may_write:
        raise PermissionDeniedError("only admins and operators of the lot's operator grade its outputs", field="role")
    if lot.status != "processed":
        raise InvalidInputError(f"lot {lot.code} is not processed yet: record its outputs first", field="lot_id")
    if not isinstance(raw, dict):
        raise InvalidInputError("send {product, assay, specification?}", field="body")
    unknown = sorted(set(raw) - {"product", "assay", "specification", "graded_on"})
    if unknown:
        raise InvalidInputError("unknown field; send product, assay, specification?, graded_on?", field=unknown[0])
    output = _output(lot, index)
    if output.get("fate") != "recycled":
        raise InvalidInputError(f"{output['name']} is not a recycled product ({output.get('fate')})", field="index")
    try:
        on = dt.date.fromisoformat(str(raw.get("graded_on") or uow.now().date().isoformat()))
    except ValueError:
        raise InvalidInputError("the day of the analysis, YYYY-MM-DD", field="graded_on") from None
    if on > uow.now().date():
        raise InvalidInputError("an analysis cannot be dated in the future", field="graded_on")
    document = _document(uow, lot, output, raw, on)
    issued = certificate_for_document(document, issued=on)  # refuses bad input naming every field
    grade = {
        "product": issued.result["product"],
        "verdict": issued.verdict,
        "specification": issued.specification,
        "best_grade": issued.result.get("best_grade"),
        "graded_on": on.isoformat(),
        "document": document,
    }
    lot.outputs = [o | {"grade": grade} if i == index else o for i, o in enumerate(lot.outputs or [])]
    audit.record(
        uow,
        actor,
        action="lot.grade",
        resource_type="lot",
        resource_id=lot.id,
        owner_org_id=lot.operator_org_id,
        detail=f"{output['name']}: {issued.verdict}",
    )
    uow.session.flush()
    return {"lot_id": str(lot.id), "index": index, "output": output["name"], "grade": grade, "result": issued.result}


def certificate(uow: UnitOfWork, actor: Actor, lot_id: uuid.UUID, index: int) -> IssuedCertificate:
    """The certificate of analysis of a graded output, rendered from the grade kept on it."""
    lot = readable_lot(uow, actor, lot_id)
    output = _output(lot, index)
    grade = output.get("grade")
    if not grade:
        raise NotFoundError(f"{output['name']} of lot {lot.code} is not graded yet", field="index")
    return certificate_for_document(grade["document"], issued=dt.date.fromisoformat(grade["graded_on"]))


def pass_rates(lots: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Graded outputs per product among ``lots`` (lot views): how many passed, failed, or stayed unconfirmed."""
    rates: dict[str, dict[str, int]] = {}
    for lot in lots:
        for output in lot.get("outputs") or []:
            grade = output.get("grade")
            if grade:
                counts = rates.setdefault(grade["product"], {"pass": 0, "fail": 0, "unconfirmed": 0})
                counts[grade["verdict"]] = counts.get(grade["verdict"], 0) + 1
    return [
        {"product": product, "graded": sum(c.values()), **c, "pass_rate": c["pass"] / sum(c.values())}
        for product, c in sorted(rates.items())
    ]

"""Chemistry identification of a registered pack against its passport: catch mislabelled packs before sorting.

A recycler or dismantler sends an elemental assay (black mass or cathode scrapings) or the cells' voltages of a
pack; the chemistry is identified with :mod:`batteryloop.domain.identify` and checked against the chemistry the
passport declares. With ``record_at_site`` the result goes into the custody log as a ``sorted`` event carrying the
identified chemistry, the declared one and the method, so the lot a pack is put in follows what it is, not what its
label says; triage and lot sorting then use the identified chemistry (:func:`identified_chemistry` reads it back).
"""

from __future__ import annotations

from typing import Any, Final

from pydantic import ValidationError

from batteryloop.domain.access import Actor
from batteryloop.domain.custody.events import EventKind
from batteryloop.domain.errors import InvalidInputError
from batteryloop.services import custody
from batteryloop.services import passport as passport_service
from batteryloop.services.calc.base import CalcItemError, FieldProblem, field_problems_from_validation
from batteryloop.services.calc.identify import IdentifyInput, compute_identify
from batteryloop.storage.uow import UnitOfWork

FIELDS: Final = ("elements_wt_pct", "nominal_voltage_v", "open_circuit_min_v", "open_circuit_max_v")


def identify_pack(uow: UnitOfWork, actor: Actor, passport_id: str, raw: object) -> dict[str, Any]:
    """Identify a pack's chemistry and flag a mismatch with its passport.

    ``raw``: ``{elements_wt_pct}`` or cell voltages (``nominal_voltage_v``, ``open_circuit_min_v``,
    ``open_circuit_max_v``), optional ``record_at_site`` and ``occurred_at`` (when the sample was taken; default
    now). Returns the identification (``chemistry``,
    ``confidence``, ``runner_up``, ``reasons``, ``declared_chemistry``, ``mismatch``, ...) with ``passport_id``
    and, when recorded, ``recorded_leaf_index``.
    """
    if not isinstance(raw, dict):
        raise InvalidInputError("send an object with elements_wt_pct or cell voltages", field="body")
    unknown = sorted(set(raw) - {*FIELDS, "record_at_site", "occurred_at"})
    if unknown:
        raise InvalidInputError(
            f"unknown field; give elements_wt_pct or cell voltages ({', '.join(FIELDS[1:])}), optionally "
            "record_at_site and occurred_at",
            field=unknown[0],
        )
    view = passport_service.read_passport(uow, actor, passport_id)
    try:
        params = IdentifyInput(**{k: v for k, v in raw.items() if k in FIELDS}, declared_chemistry=view.chemistry)
    except ValidationError as exc:
        raise CalcItemError("Invalid input", field_problems_from_validation(exc)) from exc
    result = {"passport_id": passport_id} | compute_identify(params)
    site = raw.get("record_at_site")
    if site is not None and params.elements_wt_pct is None:
        reason = "cell voltages tell a chemistry family, not a chemistry: sort by an assay (elements_wt_pct)"
        raise CalcItemError("Invalid input", [FieldProblem(field="record_at_site", reason=reason)])
    if site is not None and not result["confidence"]:
        reason = (
            "no close match to a reference chemistry (confidence 0: a mixed or contaminated sample?); nothing "
            "recorded -- assay a clean sample"
        )
        raise CalcItemError("Invalid input", [FieldProblem(field="elements_wt_pct", reason=reason)])
    if site is not None:
        details = {"chemistry": result["chemistry"], "method": "assay" if params.elements_wt_pct else "voltage"}
        if view.chemistry:
            details["declared_chemistry"] = view.chemistry
        if result["chemistry"] is None:
            raise CalcItemError(
                "Invalid input",
                [FieldProblem(field="record_at_site", reason="nothing identified, so nothing to record")],
            )
        event = {
            "kind": "sorted",
            "items": [passport_id],
            "occurred_at": raw.get("occurred_at") or uow.now().isoformat(),
            "site": site,
            "details": details,
        }
        result["recorded_leaf_index"] = custody.record_events(uow, actor, [event]).first_leaf_index
    return result


def identified_chemistry(uow: UnitOfWork, passport_ids: list[str]) -> dict[str, tuple[str, str | None, int]]:
    """The newest chemistry identified in the custody log per pack: ``(identified, declared, leaf index)``."""
    found: dict[str, tuple[str, str | None, int]] = {}
    for pid, (details, leaf) in custody.latest_details(uow, passport_ids, EventKind.SORTED).items():
        if details.get("chemistry"):
            found[pid] = (str(details["chemistry"]), details.get("declared_chemistry"), leaf)
    return found

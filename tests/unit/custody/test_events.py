"""Custody events: field checks listing every problem, the canonical entry, and the pack's lifecycle."""

from __future__ import annotations

import json

import pytest

from batteryloop.domain.custody.events import (
    EventKind,
    ItemState,
    Phase,
    apply,
    apply_all,
    check_event,
    check_events,
    commit_to,
)
from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.passport.problems import PassportValidationError

ORG = "0b2c7f9e-5d3a-4e0f-9c1b-2a3d4e5f6a7b"
PACK = "urn:voltavia:vme800000001"


def event(kind: str, site: str = "DE-HAM-1", **details):
    raw = {"kind": kind, "items": [PACK], "occurred_at": "2026-11-02T10:30:00+01:00", "site": site}
    if details:
        raw["details"] = details
    return check_event(raw, org_id=ORG)


def test_the_entry_is_rfc8785_canonical_json_in_utc() -> None:
    e = event("weighed", mass_kg=452, scale_id="S-7")
    assert e.entry() == (
        b'{"details":{"mass_kg":452,"scale_id":"S-7"},"items":["urn:voltavia:vme800000001"],"kind":"weighed",'
        b'"occurred_at":"2026-11-02T09:30:00Z","org":"0b2c7f9e-5d3a-4e0f-9c1b-2a3d4e5f6a7b","site":"DE-HAM-1","v":1}'
    )  # keys sorted, no spaces, 452.0 written as 452 (RFC 8785 §3.2.2.3), time in UTC


def test_every_problem_is_listed_with_its_path() -> None:
    raw = {"kind": "weighd", "items": [], "occurred_at": "2026-11-02 10:30", "driver_name": "Jane", "details": {}}
    with pytest.raises(PassportValidationError) as caught:
        check_events([raw], org_id=ORG)
    fields = [p.field for p in caught.value.problems]
    assert fields == [
        "events[0].driver_name",  # no personal data: unknown fields are refused
        "events[0].kind",
        "events[0].items",
        "events[0].occurred_at",
        "events[0].site",
    ]


def test_details_are_checked_per_kind() -> None:
    with pytest.raises(PassportValidationError) as caught:
        event("weighed", mass_kg=-3, price_eur=12)
    assert {p.field for p in caught.value.problems} == {"event.details.price_eur", "event.details.mass_kg"}
    with pytest.raises(PassportValidationError, match="is required for a dispatched event"):
        event("dispatched", shipment_id="SHP-1")


def test_commitments_hide_commercial_details_but_bind_them() -> None:
    terms = {"price_eur_per_t": 1450, "buyer": "Pyrolux"}
    c = commit_to(terms, b"salt-1")
    assert c == commit_to({"buyer": "Pyrolux", "price_eur_per_t": 1450}, b"salt-1")  # canonical: order-free
    assert c != commit_to(terms, b"salt-2") and len(c) == 64
    assert "1450" not in json.dumps(check_event(
        {"kind": "handed_over", "items": [PACK], "occurred_at": "2026-11-02T10:00:00Z", "site": "DE-HAM-1",
         "commitment": c, "details": {"to_org_id": ORG, "transfer": "ownership"}}, org_id=ORG).entry().decode())  # fmt: skip


def test_the_happy_path_from_service_to_processing() -> None:
    state = None
    steps = [
        event("registered", site="DE-WOB-PLANT"),
        event("retired", site="DE-WOB-PLANT"),
        event("collected", site="DE-HAM-DISMANTLER"),
        event("packed", site="DE-HAM-DISMANTLER", packaging="LP903"),
        event("dispatched", site="DE-HAM-DISMANTLER", shipment_id="SHP-1", to_site="DE-BRE-RECYCLER"),
        event("received", site="DE-BRE-RECYCLER", shipment_id="SHP-1"),
        event("weighed", site="DE-BRE-RECYCLER", mass_kg=451.2),
        event("lot_assigned", site="DE-BRE-RECYCLER", lot_id="LOT-NMC-7"),
        event("processed", site="DE-BRE-RECYCLER", lot_id="LOT-NMC-7"),
    ]
    phases = []
    for e in steps:
        state = apply(state, e, PACK)
        phases.append(state.phase)
    assert phases == [Phase.IN_SERVICE, Phase.RETIRED, Phase.AT_SITE, Phase.PACKED, Phase.IN_TRANSIT, Phase.AT_SITE,
                      Phase.AT_SITE, Phase.IN_LOT, Phase.PROCESSED]  # fmt: skip


@pytest.mark.parametrize(
    ("state", "kind", "site", "details", "fragment"),
    [
        (
            ItemState(Phase.IN_LOT, site="B", lot_id="L1"),
            "dispatched",
            "B",
            {"shipment_id": "S", "to_site": "C"},
            "sits in lot L1",
        ),
        (ItemState(Phase.AT_SITE, site="B"), "received", "B", {"shipment_id": "S"}, "a shipment is received once"),
        (ItemState(Phase.AT_SITE, site="A"), "weighed", "B", {"mass_kg": 400}, "one pack cannot be in two places"),
        (
            ItemState(Phase.IN_TRANSIT, site="A", to_site="B", shipment_id="S"),
            "received",
            "C",
            {"shipment_id": "S"},
            "on its way to B",
        ),
        (
            ItemState(Phase.IN_TRANSIT, site="A", to_site="B", shipment_id="S"),
            "received",
            "B",
            {"shipment_id": "T"},
            "travels in shipment S",
        ),
        (
            ItemState(Phase.IN_TRANSIT, site="A", to_site="B", shipment_id="S"),
            "weighed",
            "A",
            {"mass_kg": 400},
            "not at a site",
        ),
        (ItemState(Phase.PROCESSED, site="B", lot_id="L1"), "weighed", "B", {"mass_kg": 400}, "nothing follows"),
        (ItemState(Phase.AT_SITE, site="B"), "processed", "B", {"lot_id": "L1"}, "only a pack in a lot"),
        (ItemState(Phase.IN_SERVICE), "registered", "B", {}, "registered already"),
        (None, "weighed", "B", {"mass_kg": 400}, "knows nothing of it yet"),
    ],
)
def test_impossible_sequences_are_refused_with_the_reason(state, kind, site, details, fragment) -> None:  # fmt: skip
    with pytest.raises(InvalidInputError, match=fragment):
        apply(state, event(kind, site=site, **details), PACK)


def test_an_incident_is_recorded_even_after_processing() -> None:
    done = ItemState(Phase.PROCESSED, site="B", lot_id="L1")
    assert apply(done, event("incident", site="B", incident_type="thermal_event"), PACK) == done


def test_one_impossible_item_refuses_the_event() -> None:
    e = check_event({"kind": "received", "items": ["urn:t:a", "urn:t:b"], "occurred_at": "2026-11-02T10:00:00Z", "site": "B",
                     "details": {"shipment_id": "S"}}, org_id=ORG)  # fmt: skip
    transit = ItemState(Phase.IN_TRANSIT, site="A", to_site="B", shipment_id="S")
    assert set(apply_all({"urn:t:a": transit, "urn:t:b": transit}, e)) == {"urn:t:a", "urn:t:b"}
    with pytest.raises(InvalidInputError, match="urn:t:b: cannot record received"):
        apply_all({"urn:t:a": transit, "urn:t:b": ItemState(Phase.AT_SITE, site="B")}, e)
    assert EventKind("lot_assigned") is EventKind.LOT_ASSIGNED

"""`POST /v1/calc/transport` and `/v1/calc/waste-code`: stateless; bad input is an RFC 9457 problem naming the field."""

from __future__ import annotations

import pytest

EV_PACK = {
    "chemistry": "lithium_ion",
    "configuration": "alone",
    "energy_wh": 85000,
    "gross_mass_kg": 450,
    "condition": "intact",
    "date": "2026-03-15",
}


def test_transport_object(client):
    r = client.post("/v1/calc/transport", json=EV_PACK)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["un_number"] == "UN3480" and body["special_provisions"] == ["377"]
    assert body["packing_instructions"] == ["P909", "LP903"]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"energy_wh": -5}, "energy_wh", "more than zero"),
        ({"chemistry": "lithium-ionn"}, "chemistry", "did you mean 'lithium_ion'"),
        ({"condition": None}, "condition", "required"),
    ],
)
def test_transport_bad_input_is_a_422_problem_naming_the_field(client, changes, field, words):
    r = client.post("/v1/calc/transport", json={**EV_PACK, **changes})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["status"] == 422 and problem["type"].endswith("/invalid-input")
    errors = {e["field"]: e["reason"] for e in problem["errors"]}
    assert words in errors[field]
    assert field in problem["detail"]


def test_waste_code_both_sides_of_9_nov_2026(client):
    before = client.post(
        "/v1/calc/waste-code", json={"item": "black_mass", "chemistry": "lithium_ion", "date": "2026-11-08"}
    )
    after = client.post(
        "/v1/calc/waste-code", json={"item": "black_mass", "chemistry": "lithium_ion", "date": "2026-11-09"}
    )
    assert before.status_code == 200 and after.status_code == 200
    assert before.json()["code"] is None and before.json()["list_version"] == "2000/532/EC"
    assert after.json()["code"] == "19 14 02*" and after.json()["list_version"] == "2025/934"


def test_topics_list_the_new_calculators_with_their_schema(client):
    topics = {t["topic"]: t for t in client.get("/v1/calc").json()["topics"]}
    assert {"transport", "waste-code"} <= set(topics)
    assert topics["transport"]["input_schema"]["required"] == ["chemistry", "configuration", "condition", "date"]

"""`batteryloop calc transport` and `batteryloop calc waste-code`: JSON in, JSON out; refusals name the field."""

from __future__ import annotations

import json

EV_PACK = {
    "chemistry": "lithium_ion",
    "configuration": "alone",
    "energy_wh": 85000,
    "gross_mass_kg": 450,
    "condition": "intact",
    "date": "2026-03-15",
}


def test_transport_object_in_object_out(run):
    r = run("calc", "transport", input=json.dumps(EV_PACK))
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["document_description"] == "WASTE UN 3480 LITHIUM ION BATTERIES, 9"
    assert out["decision_row"] == "D4"


def test_transport_from_a_file_with_a_list(run, tmp_path):
    path = tmp_path / "packs.json"
    damaged = {**EV_PACK, "condition": "critically_damaged"}
    path.write_text(json.dumps([EV_PACK, damaged]))
    r = run("calc", "transport", str(path), "--compact")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert [o["packing_instructions"] for o in out] == [["P909", "LP903"], ["P911", "LP906"]]


def test_negative_energy_exits_1_with_one_line_naming_the_field(run):
    r = run("calc", "transport", input=json.dumps({**EV_PACK, "energy_wh": -5}))
    assert r.exit_code == 1
    assert r.stderr.strip().count("\n") == 0
    assert r.stderr.startswith("error: energy_wh: ")
    assert json.loads(r.stdout)["error"]["errors"][0]["field"] == "energy_wh"


def test_unknown_chemistry_exits_1_with_a_suggestion(run):
    r = run("calc", "transport", input=json.dumps({**EV_PACK, "chemistry": "lithium-ionn"}))
    assert r.exit_code == 1
    assert r.stderr.strip().count("\n") == 0
    assert "chemistry: unknown value 'lithium-ionn' (did you mean 'lithium_ion'?)" in r.stderr


def test_missing_condition_exits_1_naming_the_field(run):
    document = {key: value for key, value in EV_PACK.items() if key != "condition"}
    r = run("calc", "transport", input=json.dumps(document))
    assert r.exit_code == 1
    assert r.stderr.strip().count("\n") == 0
    assert "condition: required" in r.stderr


def test_waste_code_both_sides_of_9_nov_2026(run):
    before = run("calc", "waste-code", input='{"item": "battery", "chemistry": "lithium_ion", "date": "2026-11-08"}')
    after = run("calc", "waste-code", input='{"item": "battery", "chemistry": "lithium_ion", "date": "2026-11-09"}')
    assert before.exit_code == 0 and after.exit_code == 0
    assert json.loads(before.stdout)["code"] == "16 06 05"
    assert json.loads(after.stdout)["code"] == "16 06 07*"


def test_waste_code_bad_date_exits_1(run):
    r = run("calc", "waste-code", input='{"item": "battery", "chemistry": "lithium_ion", "date": "9 Nov 2026"}')
    assert r.exit_code == 1
    assert r.stderr.startswith("error: date: ") and r.stderr.strip().count("\n") == 0


def test_topics_are_listed_with_an_example(run):
    r = run("calc")
    assert r.exit_code == 0
    assert "transport" in r.stdout and "waste-code" in r.stdout
    assert "batteryloop calc waste-code" in r.stdout

"""`batteryloop calc grade` (JSON in, JSON out) and `batteryloop certificate` (a PDF per graded lot)."""

from __future__ import annotations

import json

LOT = {
    "product": "MnSO4·H2O",
    "assay": {
        "main_content_pct": 32.2,
        "impurities_ppm": {
            "Fe": 5,
            "Zn": 5,
            "Cu": 5,
            "Pb": 5,
            "Cd": 2,
            "K": 50,
            "Na": 50,
            "Ca": 50,
            "Mg": 50,
            "Ni": 20,
            "Co": 20,
            "insolubles": 50,
        },
        "ph": 5.5,
    },
    "lot": {"id": "MS-42", "producer": "Acme", "date": "2026-11-20"},
}


def test_calc_grade_prints_the_grading(run):
    r = run("calc", "grade", input=json.dumps(LOT))
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["verdict"] == "pass" and out["best_grade"]["id"] == "mnso4-fastmarkets-battery"


def test_calc_grade_refuses_bad_values_naming_fields(run):
    bad = {"product": "MnSO4", "assay": {"main_content_pct": 101, "ph": -1}}
    r = run("calc", "grade", input=json.dumps(bad))
    assert r.exit_code == 1
    fields = [e["field"] for e in json.loads(r.stdout)["error"]["errors"]]
    assert fields == ["assay.main_content_pct", "assay.ph"]


def test_certificate_writes_a_pdf(run, tmp_path):
    source = tmp_path / "lot.json"
    source.write_text(json.dumps(LOT))
    target = tmp_path / "MS-42.pdf"
    r = run("certificate", str(source), "--output", str(target), "--issued", "2026-11-27", "--json")
    assert r.exit_code == 0, r.output
    assert target.read_bytes().startswith(b"%PDF-")
    assert "wrote" in r.stderr and "MS-42 against mnso4-fastmarkets-battery: pass" in r.stderr
    assert json.loads(r.stdout)["lot"]["id"] == "MS-42"


def test_certificate_refuses_a_lot_without_id_and_unreadable_input(run, tmp_path):
    target = tmp_path / "x.pdf"
    r = run("certificate", "--output", str(target), input=json.dumps({**LOT, "lot": None}))
    assert r.exit_code == 1 and "lot.id: is required" in r.stderr and not target.exists()
    r = run("certificate", "-o", str(target), input="{nope")
    assert r.exit_code == 2 and "not valid JSON" in r.stderr
    r = run("certificate", "-o", str(target), "--issued", "tomorrow", input=json.dumps(LOT))
    assert r.exit_code == 2 and "--issued" in r.stderr


def test_certificate_help_explains_the_input(run):
    r = run("certificate", "--help")
    assert r.exit_code == 0 and "calc grade" in r.stdout and "--output" in r.stdout

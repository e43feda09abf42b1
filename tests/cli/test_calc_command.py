"""`batteryloop calc <topic> [FILE|-]`: object in → object out, list in → list out; exit 0 / 1 / 2."""

from __future__ import annotations

import json


def test_object_in_object_out(run):
    r = run("calc", "chemistry", input='{"chemistry": "LFP"}')
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["cathode_formula"] == "LiFePO4"


def test_list_in_list_out_with_errors_in_place(run, tmp_path):
    path = tmp_path / "in.json"
    path.write_text(json.dumps([{"chemistry": "NMC811"}, {"chemistry": "unobtainium"}, {"chemistry": "LMO"}]))
    r = run("calc", "chemistry", str(path))
    assert r.exit_code == 1
    out = json.loads(r.stdout)
    assert len(out) == 3
    assert out[0]["chemistry"] == "NMC811" and out[2]["chemistry"] == "LMO"
    assert out[1]["error"]["errors"][0]["field"] == "chemistry"
    assert "1 of 3 items failed" in r.stderr


def test_failed_object_exits_1_with_the_error(run):
    r = run("calc", "chemistry", input='{"chemistry": "NMC811", "colour": "blue"}')
    assert r.exit_code == 1
    assert json.loads(r.stdout)["error"]["errors"][0]["field"] == "colour"


def test_unreadable_input_exits_2_with_one_line(run, tmp_path):
    for args, stdin, expect in (
        (("calc", "chemistry"), "{not json", "not valid JSON at line 1"),
        (("calc", "chemistry"), "", "empty"),
        (("calc", "chemistry"), "42", "JSON object"),
        (("calc", "chemistry", str(tmp_path / "missing.json")), None, "cannot read"),
        (("calc", "no-such-topic"), "{}", "known topics: chemistry"),
    ):
        r = run(*args, input=stdin)
        assert r.exit_code == 2, (args, r.output)
        assert expect in r.stderr and r.stderr.strip().count("\n") == 0


def test_topics_are_listed(run):
    r = run("calc")
    assert r.exit_code == 0 and "chemistry" in r.stdout

from __future__ import annotations

import json
import subprocess
import sys

from batteryloop.domain.apikey import check_api_key_format


def test_operator_walkthrough(run, cli_env):
    assert run("db", "upgrade").exit_code == 0
    r = run("org", "create", "Voltavia Motors", "--kind", "oem", "--country", "de")
    assert r.exit_code == 0, r.output
    assert "next: batteryloop key create" in r.output
    assert run("org", "create", "CircuMet Recycling", "--kind", "recycler").exit_code == 0
    listed = json.loads(run("org", "list", "--format", "json").stdout)
    assert [o["name"] for o in listed] == ["CircuMet Recycling", "Voltavia Motors"]
    assert listed[1]["country"] == "DE"

    r = run("key", "create", "Voltavia Motors", "--member", "Anna", "--role", "viewer", "--label", "laptop")
    assert r.exit_code == 0, r.output
    token = r.stdout.strip().splitlines()[-1]
    assert check_api_key_format(token) == token
    key_id = r.stdout.split("key ")[1].split()[0]

    assert run("consortium", "create", "Rhine Loop", "--convenor", "CircuMet Recycling").exit_code == 0
    assert run("consortium", "add-member", "Rhine Loop", "Voltavia Motors").exit_code == 0
    r = run("consortium", "share", "Rhine Loop", "--category", "passports", "--to-kind", "recycler")
    assert r.exit_code == 0 and "every member shares passports with every recycler" in r.output
    r = run("consortium", "share", "Rhine Loop", "--category", "passports", "--to-kind", "recycler")
    assert r.exit_code == 1 and "already exists" in r.output

    assert run("key", "revoke", key_id).exit_code == 0
    again = run("key", "revoke", key_id)
    assert again.exit_code == 1 and "already revoked" in again.output


def test_errors_are_one_line_and_non_zero(run):
    run("db", "upgrade")
    run("org", "create", "Voltavia Motors", "--kind", "oem")
    dup = run("org", "create", "voltavia motors", "--kind", "oem")
    assert dup.exit_code == 1
    assert dup.stderr.strip().count("\n") == 0 and "already exists" in dup.stderr
    bad_kind = run("org", "create", "X", "--kind", "bank")
    assert bad_kind.exit_code == 2 and "bank" in bad_kind.output
    unknown = run("key", "create", "Nobody Inc")
    assert unknown.exit_code == 1 and "Nobody Inc" in unknown.stderr
    assert run("key", "revoke", "not-a-uuid").exit_code == 2
    grantee = run("consortium", "share", "X", "--category", "lots")
    assert grantee.exit_code == 2 and "--to-kind" in grantee.stderr


def test_commands_refuse_an_unmigrated_database(run):
    r = run("org", "list")
    assert r.exit_code == 2 and "batteryloop db upgrade" in r.stderr


def test_demo_builds_the_consortium_and_prints_keys(run, cli_env):
    keys_file = cli_env / "keys.json"
    r = run("demo", "--no-serve", "--seed", "3", "--batteries", "60", "--keys-file", str(keys_file))
    assert r.exit_code == 0, r.output
    keys = json.loads(keys_file.read_text())
    kinds = {k["kind"] for k in keys}
    assert kinds == {"oem", "recycler", "dismantler", "logistics", "cathode_maker", "authority"}
    assert all(k["key"] in r.stdout for k in keys)
    assert "60 passports" in r.stdout
    again = run("demo", "--no-serve", "--batteries", "0")
    assert again.exit_code == 1 and "--reset" in again.stderr
    assert run("demo", "--no-serve", "--reset", "--batteries", "0").exit_code == 0


def test_console_script_is_installed():
    out = subprocess.run([sys.executable, "-m", "batteryloop.cli", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "calc" in out.stdout


def test_demo_reset_refuses_a_database_with_real_organisations(run, cli_env):
    run("db", "upgrade")
    run("org", "create", "Real Recycler GmbH", "--kind", "recycler")
    r = run("demo", "--no-serve", "--reset", "--batteries", "0")
    assert r.exit_code == 2 and "Real Recycler GmbH" in r.stderr
    assert "Real Recycler GmbH" in run("org", "list", "--format", "json").stdout  # nothing was lost


def test_bad_settings_are_one_line_errors(run, monkeypatch, cli_env):
    monkeypatch.setenv("BATTERYLOOP_DATABASE_URL", "foo")
    r = run("org", "list")
    assert r.exit_code == 2 and "BATTERYLOOP_DATABASE_URL" in r.stderr
    monkeypatch.setenv("BATTERYLOOP_DATABASE_URL", f"sqlite:///{cli_env / 'k.db'}")
    bad_key = cli_env / "bad.pem"
    bad_key.write_text("not a key")
    monkeypatch.setenv("BATTERYLOOP_SIGNING_KEY_FILE", str(bad_key))
    r = run("db", "upgrade")
    assert r.exit_code == 2 and "BATTERYLOOP_SIGNING_KEY_FILE" in r.stderr
    monkeypatch.setenv("BATTERYLOOP_SIGNING_KEY_FILE", str(cli_env / "key.pem"))
    r = run("db", "upgrade", "nonsense-rev")
    assert r.exit_code == 2 and "revision" in r.stderr

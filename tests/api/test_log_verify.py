"""The custody log over HTTP and offline: key, checkpoints and proofs from the API, checked by `batteryloop verify`
with no server (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from batteryloop.cli.app import app as cli_app
from batteryloop.services import custody_log


def append(platform, count: int, start: int = 0) -> None:
    with platform.store.uow() as uow:
        entries = [json.dumps({"kind": "received", "n": start + i}).encode() for i in range(count)]
        custody_log.append(uow, entries)
        uow.commit()


def verify(*args: str):
    return CliRunner().invoke(cli_app, ["verify", *args], catch_exceptions=False)


def test_key_checkpoint_and_proofs_verify_offline(platform, client, tmp_path):
    append(platform, 30)
    key = client.get("/v1/log/key").json()
    assert key["algorithm"] == "Ed25519" and key["verifier_key"].startswith(key["origin"] + "+")
    (tmp_path / "key.json").write_text(json.dumps(key))
    old = client.get("/v1/log/checkpoint")
    assert old.status_code == 200 and old.text.splitlines()[1] == "30"
    (tmp_path / "old.checkpoint").write_text(old.text)

    append(platform, 70, start=30)
    new = client.get("/v1/log/checkpoint").text
    (tmp_path / "new.checkpoint").write_text(new)
    assert client.get("/v1/log/checkpoints/30").text == old.text  # the same note, served again

    proof = client.get("/v1/log/proof/consistency", params={"size1": 30})
    assert proof.status_code == 200 and proof.json()["size2"] == 100
    (tmp_path / "proof.json").write_text(proof.text)
    ok = verify("consistency", str(tmp_path / "old.checkpoint"), str(tmp_path / "new.checkpoint"),
                "--proof", str(tmp_path / "proof.json"), "--key", str(tmp_path / "key.json"))  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["valid"] is True

    broken = proof.json() | {"proof": proof.json()["proof"][:-1]}
    (tmp_path / "broken.json").write_text(json.dumps(broken))
    bad = verify("consistency", str(tmp_path / "old.checkpoint"), str(tmp_path / "new.checkpoint"),
                 "--proof", str(tmp_path / "broken.json"), "--key", key["verifier_key"])  # fmt: skip
    assert bad.exit_code == 1 and json.loads(bad.stdout)["valid"] is False

    inclusion = client.get("/v1/log/proof/inclusion", params={"index": 42}).json()
    assert inclusion["tree_size"] == 100 and len(inclusion["inclusion_path"]) == 7
    with platform.store.uow() as uow:
        bundle = custody_log.proof_bundle(uow, platform.log_signer, 42)
    assert bundle["inclusion_path"] == inclusion["inclusion_path"]
    (tmp_path / "bundle.json").write_text(json.dumps(bundle))
    good = verify(str(tmp_path / "bundle.json"), "--key", key["verifier_key"])
    assert good.exit_code == 0, good.output
    bundle["entry"] = bundle["entry"].replace("42", "43")
    (tmp_path / "forged.json").write_text(json.dumps(bundle))
    forged = verify(str(tmp_path / "forged.json"), "--key", key["verifier_key"])
    assert forged.exit_code == 1 and "leaf hash" in forged.stderr


def test_bad_requests_name_the_field(platform, client):
    append(platform, 3)
    client.get("/v1/log/checkpoint")
    r = client.get("/v1/log/proof/inclusion", params={"index": 3})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "index"
    r = client.get("/v1/log/proof/consistency", params={"size1": 1, "size2": 9})
    assert r.status_code == 422 and "beyond its end" in r.text
    assert client.get("/v1/log/checkpoints/2").status_code == 404


def test_verify_refuses_unreadable_input_with_exit_2(tmp_path):
    (tmp_path / "b.json").write_text("{not json")
    r = verify(str(tmp_path / "b.json"), "--key", "x+00000000+AA==")
    assert r.exit_code == 2 and "bundle" in r.stderr
    r = verify("consistency", "only-one")
    assert r.exit_code == 2 and "older and the newer" in r.stderr
    (tmp_path / "ok.json").write_text("{}")
    r = verify(str(tmp_path / "ok.json"), "--key", "not-a-key")
    assert r.exit_code == 2 and "key: cannot read not-a-key" in r.stderr
    r = verify(str(tmp_path / "ok.json"), "--key", "name+zz+AA==")
    assert r.exit_code == 2 and "public_key: the key ID must be hex" in r.stderr

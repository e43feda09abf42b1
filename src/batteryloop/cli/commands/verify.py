"""``batteryloop verify``: check custody-log proofs offline, with no server and no database."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from batteryloop.cli.common import fail, read_text
from batteryloop.domain.errors import InvalidInputError
from batteryloop.services import custody_log

HELP = """Check custody-log proofs offline (no server, no database).

batteryloop verify BUNDLE.json --key KEY: checks a proof bundle (an entry, its inclusion path and the signed checkpoint): the signature, that the checkpoint commits to the bundle's size and root, and the entry's inclusion under that root.

batteryloop verify consistency OLD NEW --proof PROOF.json --key KEY: checks two signed checkpoints and the consistency proof between them (GET /v1/log/proof/consistency): the log only grew; nothing before the older checkpoint was rewritten.

KEY is the log's verifier key (GET /v1/log/key, field verifier_key), as text or a file holding it (the /v1/log/key JSON works too). Prints {"valid": true|false, "reason": ...}; exit 0 when valid, 1 when not, 2 when the input cannot be read.
"""  # noqa: E501


def _json(path: str, what: str) -> Any:
    text = read_text(path, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"{what}: {path} is not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg})", 2)


def _key(key: str | None) -> str | None:
    if key is None:
        return None
    if "+" in key and not Path(key).exists():
        return key.strip()
    text = read_text(key, "key").strip()
    if text.startswith("{"):
        try:
            found = json.loads(text).get("verifier_key")
        except (json.JSONDecodeError, AttributeError):
            found = None
        if not isinstance(found, str):
            fail(f"key: {key} holds JSON without a verifier_key", 2)
        return found
    return text


def _report(verdict: custody_log.Verdict) -> None:
    print(json.dumps(verdict.as_dict(), ensure_ascii=False))
    if not verdict.valid:
        print(f"error: not valid: {verdict.reason}", file=sys.stderr)
        raise typer.Exit(1)


def verify(
    target: str = typer.Argument(..., help="A proof bundle (JSON file, '-' for stdin), or 'consistency'"),
    checkpoints: list[str] | None = typer.Argument(None, help="consistency: the older and the newer checkpoint"),
    key: str | None = typer.Option(None, "--key", help="The log's verifier key, or a file holding it"),
    proof: str | None = typer.Option(None, "--proof", help="consistency: the proof JSON (its 'proof' list)"),
) -> None:
    try:
        if target == "consistency":
            if not checkpoints or len(checkpoints) != 2:
                fail("consistency: give the older and the newer checkpoint files", 2)
            if proof is None:
                fail("consistency: give the proof with --proof (GET /v1/log/proof/consistency)", 2)
            pinned = _key(key)
            if pinned is None:
                fail("consistency: give the log's verifier key with --key (GET /v1/log/key)", 2)
            document = _json(proof, "proof")
            hashes = document.get("proof") if isinstance(document, dict) else document
            if not isinstance(hashes, list):
                fail("proof: expected a JSON list of base64 hashes, or an object with a 'proof' list", 2)
            old, new = (read_text(path, "checkpoint") for path in checkpoints)
            _report(custody_log.verify_consistency_between(old, new, hashes, pinned))
            return
        if checkpoints:
            fail(f"unexpected arguments {' '.join(checkpoints)}; did you mean 'verify consistency'?", 2)
        bundle = _json(target, "bundle")
        if not isinstance(bundle, dict):
            fail("bundle: expected a JSON object", 2)
        pinned = _key(key)
        if pinned is None:
            print(
                "warning: no --key given; checking against the key inside the bundle, which proves nothing about "
                "who signed it. Pin the log's key: --key (GET /v1/log/key)",
                file=sys.stderr,
            )
        _report(custody_log.verify_bundle(bundle, pinned))
    except InvalidInputError as exc:
        fail(f"{exc.field}: {exc.reason}" if exc.field else exc.reason, 2)


verify.__doc__ = HELP

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from batteryloop.cli.app import app


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("BATTERYLOOP_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("BATTERYLOOP_SIGNING_KEY_FILE", str(tmp_path / "key.pem"))
    return tmp_path


@pytest.fixture
def run(cli_env):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke

"""The browser the UI tests drive: Debian's chromium, required in CI and skipped (with the reason) elsewhere."""

from __future__ import annotations

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING = "install Debian's chromium (apt-get install chromium) to run browser tests"


def require_chromium() -> None:
    """Fail under CI (a browser test must not silently vanish there), skip with the reason elsewhere."""
    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("CI"):
            pytest.fail(MISSING)
        pytest.skip(MISSING)

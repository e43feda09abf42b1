"""QR codes for passports (segno): they encode the URL of the public passport page."""

from __future__ import annotations

import io
from urllib.parse import quote

import segno


def passport_url(base_url: str, passport_id: str) -> str:
    return f"{base_url.rstrip('/')}/p/{quote(passport_id, safe=':')}"


def passport_qr(base_url: str, passport_id: str, *, kind: str) -> bytes:
    """The QR code (``svg`` or ``png``) of a passport's public page, error correction level M."""
    code = segno.make(passport_url(base_url, passport_id), error="m", micro=False)
    out = io.BytesIO()
    if kind == "svg":
        code.save(out, kind="svg", scale=4, border=4, title=f"Battery passport {passport_id}")
    else:
        code.save(out, kind="png", scale=6, border=4)
    return out.getvalue()

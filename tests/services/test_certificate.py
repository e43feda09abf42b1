"""Certificate of analysis (PDF) of a graded lot: produced, deterministic, carrying the key text."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from batteryloop.domain.grading import grade
from batteryloop.services.calc import CalcItemError
from batteryloop.services.certificate import CertificateLot, certificate_for_document, render_certificate

ISSUED = dt.date(2026, 11, 27)
ASSAY = {
    "main_content_pct": 22.1,
    "impurities_ppm": {"Co": 40, "Na": 12, "Fe": 3},
    "methods": {"Co": "ICP-OES — lab 2"},
}


def _text(pdf: bytes) -> str:
    """The strings shown on the pages of an uncompressed fpdf2 document (core fonts, Latin-1)."""
    shown = re.findall(rb"\((.*?)(?<!\\)\) Tj", pdf)
    return " ".join(s.replace(b"\\(", b"(").replace(b"\\)", b")").decode("latin-1") for s in shown)


def test_certificate_names_lot_parameters_verdict_and_sources() -> None:
    result = grade("NiSO4", ASSAY, "niso4-battery-cjk")
    lot = CertificateLot(lot_id="NS-2026-7", producer="Acme Refining", analysed_on=ISSUED, mass_kg=Decimal(500))
    pdf = render_certificate(result, lot, issued=ISSUED, compress=False)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    text = _text(pdf)
    for expected in (
        "Certificate of Analysis",
        "NS-2026-7",
        "Acme Refining",
        "500 kg",
        "2026-11-27",
        "niso4-battery-cjk",
        "Verdict: FAIL",
        "Na",
        "12 ppm",
        "<= 10 ppm",
        "FAIL",
        "ICP-OES - lab 2",
        "not measured",
        "22.0-22.3 %",
        "[FM_NI]",
        "[GDC_NI]",
    ):
        assert expected in text, expected
    # the same inputs give the same bytes; compressed output is smaller
    assert render_certificate(result, lot, issued=ISSUED, compress=False) == pdf
    assert len(render_certificate(result, lot, issued=ISSUED)) < len(pdf)


def test_certificate_from_a_calculator_document_needs_a_lot_id() -> None:
    issued = certificate_for_document({"product": "NiSO4", "assay": ASSAY, "lot": {"id": "NS-1"}}, issued=ISSUED)
    assert issued.pdf.startswith(b"%PDF-") and issued.lot_id == "NS-1"
    assert issued.specification == "niso4-battery-cjk" and issued.verdict == "fail"
    with pytest.raises(CalcItemError) as excinfo:
        certificate_for_document({"product": "NiSO4", "assay": {"impurities_ppm": {"Co": -1}}}, issued=ISSUED)
    assert [p.field for p in excinfo.value.problems] == ["lot.id", "assay.impurities_ppm.Co"]

"""Certificate of analysis (PDF) of a graded product lot.

The certificate names the lot (id, product, producer, mass, date of analysis), the specification it is graded
against (the named one, else the best grade met, else the most demanding one), every parameter with its result,
limit, unit, method (where given), outcome and the verification status of the limit, the overall verdict, the
notes and assumptions behind the limits and the sources of the specification with their dates.

Rendered with fpdf2's core fonts (Latin-1): characters outside it are written as ASCII look-alikes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from batteryloop.domain.grading import FAIL, NOT_MEASURED, PASS, GradeResult, get_grading_data
from batteryloop.domain.transport.errors import format_number
from batteryloop.services.calc.base import CalcItemError, FieldProblem
from batteryloop.services.calc.grade import grade_input, grade_result_as_dict, parse_grade_input

_ASCII = str.maketrans({"≤": "<=", "≥": ">=", "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "..."})
_OUTCOME = {PASS: "pass", FAIL: "FAIL", NOT_MEASURED: "not measured"}
_VERDICT = {
    PASS: "PASS - the lot meets the specification",
    FAIL: "FAIL - the lot does not meet the specification",
    "unconfirmed": "UNCONFIRMED - no limit fails, but parameters were not measured",
}
_WIDTHS = (36, 22, 24, 40, 22, 26)  # parameter, result, limit, method, outcome, status: 170 mm


@dataclass(frozen=True, slots=True, kw_only=True)
class CertificateLot:
    """The lot a certificate is issued for."""

    lot_id: str
    producer: str | None = None
    analysed_on: dt.date | None = None
    mass_kg: Decimal | None = None


def latin(text: str) -> str:
    """``text`` in the core PDF fonts' Latin-1, with ASCII look-alikes for common typographic signs."""
    return text.translate(_ASCII).encode("latin-1", "replace").decode("latin-1")


class _Certificate(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "I", 7)
        self.cell(0, 5, f"batteryloop certificate of analysis - page {self.page_no()}/{{nb}}", align="C")

    def line_text(self, text: str, *, size: float = 9, style: str = "", height: float = 5) -> None:
        self.set_font("Helvetica", style, size)
        self.multi_cell(0, height, latin(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def field(self, label: str, value: str) -> None:
        self.set_font("Helvetica", "B", 9)
        self.cell(42, 5.5, latin(label))
        self.set_font("Helvetica", "", 9)
        self.multi_cell(0, 5.5, latin(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render_certificate(result: GradeResult, lot: CertificateLot, *, issued: dt.date, compress: bool = True) -> bytes:
    """Render the certificate of analysis of a graded lot as PDF bytes.

    Args:
        result: The lot's assay graded (:func:`batteryloop.domain.grading.grade`).
        lot: The lot named on the certificate.
        issued: The date of issue printed (also the PDF's creation date, so equal inputs give equal bytes).
        compress: Compress the page content (off only to inspect the text, as the tests do).
    """
    g = result.certified
    spec = g.specification
    sources = get_grading_data().sources
    pdf = _Certificate(format="A4")
    pdf.set_compression(compress)
    pdf.set_creation_date(dt.datetime.combine(issued, dt.time(), tzinfo=dt.UTC))
    pdf.set_title(latin(f"Certificate of analysis {lot.lot_id}"))
    pdf.set_creator("batteryloop")
    pdf.set_margins(20, 18, 20)
    pdf.add_page()
    pdf.line_text("Certificate of Analysis", size=18, style="B", height=10)
    pdf.line_text(f"{result.product.label} ({result.product.key})", size=11, height=7)
    pdf.ln(2)
    pdf.field("Lot", lot.lot_id)
    pdf.field("Product", f"{result.product.label} ({result.product.key})")
    pdf.field("Producer", lot.producer or "not given")
    pdf.field("Lot mass", f"{format_number(lot.mass_kg)} kg" if lot.mass_kg is not None else "not given")
    pdf.field("Date of analysis", lot.analysed_on.isoformat() if lot.analysed_on else "not given")
    pdf.field("Issued", issued.isoformat())
    pdf.field("Specification", f"{spec.name} [{spec.id}]")
    pdf.ln(2)
    pdf.line_text(f"Verdict: {_VERDICT[g.verdict]}", size=12, style="B", height=7)
    pdf.ln(1)
    with pdf.table(col_widths=_WIDTHS, text_align="LEFT", line_height=4.5) as table:
        pdf.set_font("Helvetica", "", 8)
        table.row([latin(h) for h in ("Parameter", "Result", "Limit", "Method", "Outcome", "Status")])
        for c in g.checks:
            p = c.parameter
            value = "-" if c.value is None else f"{format_number(c.value)} {p.unit}"
            name = p.name if p.label == p.name else f"{p.label} ({p.name})"
            cells = (name, value, p.limit_text, c.method or "-", _OUTCOME[c.outcome], p.status)
            table.row([latin(text) for text in cells])
    pdf.ln(3)
    for reason in g.reasons:
        pdf.line_text(reason)
    if spec.note:
        pdf.line_text(f"Note: {spec.note}")
    for assumption in g.assumptions:
        pdf.line_text(f"Limit not verified: {assumption}", size=8, height=4)
    pdf.ln(2)
    pdf.line_text(
        "Limits are inclusive (a value on the limit passes) unless written with a strict '<'. "
        "Status of a limit: [V] read in the source, [V-ambiguous] read but the source's columns are ambiguous, "
        "[D] derived, [U] not verified.",
        size=8,
        height=4,
    )
    pdf.ln(1)
    pdf.line_text("Sources of the specification", style="B")
    for key in dict.fromkeys(p.source for p in spec.parameters):
        pdf.line_text(f"[{key}] {sources[key].text}", size=8, height=4)
    return bytes(pdf.output())


@dataclass(frozen=True, slots=True, kw_only=True)
class IssuedCertificate:
    """A rendered certificate: the PDF, the grading result (calculator output) and what it certifies."""

    pdf: bytes
    result: dict[str, Any]
    lot_id: str
    specification: str
    verdict: str


def certificate_for_document(document: Any, *, issued: dt.date) -> IssuedCertificate:
    """Grade a ``grade`` calculator input (with ``lot.id``) and render its certificate of analysis.

    Raises:
        CalcItemError: Naming every bad field; ``lot.id`` is required.
    """
    params = parse_grade_input(document)
    lot = params.lot
    missing = []
    if lot is None or lot.id is None:
        reason = "is required for a certificate of analysis: the lot's number"
        missing.append(FieldProblem(field="lot.id", reason=reason))
    try:
        result = grade_input(params)
    except CalcItemError as exc:
        raise CalcItemError(exc.title, [*missing, *exc.problems]) from exc
    if lot is None or lot.id is None:
        raise CalcItemError("Invalid input", missing)
    mass = None if lot.mass_kg is None else Decimal(str(lot.mass_kg))
    cert_lot = CertificateLot(lot_id=lot.id, producer=lot.producer, analysed_on=lot.date, mass_kg=mass)
    return IssuedCertificate(
        pdf=render_certificate(result, cert_lot, issued=issued),
        result=grade_result_as_dict(result, lot),
        lot_id=lot.id,
        specification=result.certified.specification.id,
        verdict=result.certified.verdict,
    )

"""The annual recovery report (:func:`batteryloop.services.recovery_report.annual_report`) as a PDF document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from batteryloop.services.certificate import latin
from batteryloop.services.recovery_report import report_csv

ELEMENT_NAMES = {"Co": "cobalt", "Cu": "copper", "Pb": "lead", "Li": "lithium", "Ni": "nickel"}


class _Report(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "I", 7)
        self.cell(0, 5, f"batteryloop annual recovery report - page {self.page_no()}/{{nb}}", align="C")

    def heading(self, text: str) -> None:
        self.ln(2)
        self.set_font("Helvetica", "B", 11)
        self.multi_cell(0, 6, latin(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def para(self, text: str, size: float = 9) -> None:
        self.set_font("Helvetica", "", size)
        self.multi_cell(0, 5, latin(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def row(self, cells: Sequence[str], widths: Sequence[float], *, bold: bool = False) -> None:
        self.set_font("Helvetica", "B" if bold else "", 8)
        for text, width in zip(cells, widths, strict=True):
            self.cell(width, 5.5, latin(text)[:60], border=1)
        self.ln(5.5)


def _met(t: dict[str, Any]) -> str:
    if t["met"] is None:
        return "n/a"
    return ("met" if t["met"] else "NOT MET") + ("" if t["applies"] else " (not yet due)")


def report_pdf(report: dict[str, Any], *, compress: bool = True) -> bytes:
    """Render the report; equal reports give equal bytes (the creation date is the period's end)."""
    pdf = _Report(format="A4")
    pdf.set_compression(compress)
    pdf.set_creation_date(dt.datetime.fromisoformat(report["period_end"]).replace(tzinfo=dt.UTC))
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(
        0,
        8,
        latin(f"Recycling efficiency and recovery of materials {report['year']}"),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.heading("1. Recycler and period")
    pdf.para(f"Recycler (first recycler of the chains below): {report['recycler']['name']}")
    pdf.para(
        f"Calculation period: calendar year {report['year']} (ending {report['period_end']}). "
        f"Method: {report['method']}."
    )
    if not report["groups"]:
        pdf.para("No lot processed in this period.")
    for g in report["groups"]:
        group = g["battery_group"].replace("_", " ")
        pdf.heading(f"2. Recycling efficiency - {group} batteries")
        pdf.para(
            f"Lots: {', '.join(g['lots'])}. Input fraction: {g['input_kg']} kg; counted output: {g['counted_kg']} kg; "
            f"recycling efficiency {g['recycling_efficiency_display']}."
        )
        widths = [38, 52, 26, 16, 28, 30]
        pdf.row(["Facility", "Output fraction", "Fate", "Code", "Mass [kg]", "Counts"], widths, bold=True)
        for f in g["output_fractions"]:
            pdf.row(
                [
                    f["facility"] or "first recycler",
                    f["name"],
                    f["fate"],
                    f["rd_code"] or "",
                    f["mass_kg"],
                    "yes" if f["counts"] else "no",
                ],
                widths,
            )
        pdf.ln(2)
        widths = [50, 30, 30, 30, 50]
        pdf.row(["Metric", "Rate", "Target", "Deadline", "Outcome"], widths, bold=True)
        for t in g["targets"]:
            if t["element"] is None:
                pdf.row(
                    ["recycling efficiency", g["recycling_efficiency_display"], t["target"], t["deadline"], _met(t)],
                    widths,
                )
        pdf.heading(f"3. Recovery of materials - {group} batteries")
        pdf.row(["Element", "Input [kg]", "Recovered [kg]", "Rate", "Targets"], widths, bold=True)
        for x, name in ELEMENT_NAMES.items():
            due = [f"{t['target']} by {t['deadline'][:4]}: {_met(t)}" for t in g["targets"] if t["element"] == x]
            pdf.row(
                [
                    name,
                    g["element_input_kg"][x],
                    g["element_counted_kg"][x],
                    g["material_recovery_display"][x],
                    "; ".join(due),
                ],
                widths,
            )
        pdf.heading(f"4. Input by Member State of collection - {group} batteries")
        for state, part in g["by_member_state"].items():
            pdf.para(
                f"{state}: {part['input_kg']} kg in; {part['counted_kg']} kg counted (pro rata), "
                f"{part['recycling_efficiency_display']}"
            )
    for e in report["excluded"]:
        pdf.para(f"Left out: lot {e['lot']}: {'; '.join(e['reasons'])}")
    for p in report["pending"]:
        pdf.para(f"Pending: {p}")
    return bytes(pdf.output())


def report_file(report: dict[str, Any], fmt: str) -> tuple[bytes, str, str]:
    """The report as a download: ``(content, media type, file name)`` for ``fmt`` ``csv`` or ``pdf``."""
    name = f"recovery-report-{report['year']}.{fmt}"
    if fmt == "csv":
        return report_csv(report).encode(), "text/csv", name
    return report_pdf(report), "application/pdf", name

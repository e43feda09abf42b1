"""Calculator ``chemistry``: cathode composition and, given energy and pack mass, a pack's element masses.

Contract (partners' scripts rely on it):

- ``{"chemistry": "NMC811"}`` -> ``{"chemistry", "cathode_formula", "cathode_mass_fractions"}``.
- ``{"chemistry", "energy_kwh", "pack_mass_kg"}`` (optionally ``"cell_share"``) -> the same plus
  ``"element_mass_kg"`` and ``"basis"`` (the BOM, cell share and scaling used, the inputs, and ``reasons``).

Mass fractions and masses are unrounded floats; shares are fractions in [0, 1].
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from batteryloop.domain.chemistry import EstimateBasis, estimate_pack_element_masses, get_chemistry
from batteryloop.domain.errors import InvalidInputError
from batteryloop.services.calc.base import CalcInput, Calculator


class ChemistryInput(CalcInput):
    """Input of the ``chemistry`` calculator."""

    chemistry: str = Field(
        strict=True,
        min_length=1,
        description="Chemistry code or unambiguous alias: NMC111, NMC532, NMC622, NMC811, NCA, LFP, LMFP, "
        "LMO, LCO, NA_LAYERED_OXIDE, NA_PRUSSIAN_WHITE (also e.g. 'NCM 811', 'LiFePO4', 'Prussian white').",
    )
    energy_kwh: float | None = Field(
        default=None, strict=True, gt=0, allow_inf_nan=False, description="Rated pack energy [kWh]."
    )
    pack_mass_kg: float | None = Field(
        default=None, strict=True, gt=0, allow_inf_nan=False, description="Pack mass [kg]."
    )
    cell_share: float | None = Field(
        default=None,
        strict=True,
        gt=0,
        le=1,
        allow_inf_nan=False,
        description="Cells' share of the pack mass (0, 1]; default: the chemistry's EverBatt 2023 pack.",
    )


def _basis_as_dict(basis: EstimateBasis, *, energy_kwh: float, pack_mass_kg: float) -> dict[str, Any]:
    return {
        "method": basis.method,
        "scale_by": basis.scale_by,
        "energy_kwh": energy_kwh,
        "pack_mass_kg": pack_mass_kg,
        "bom_id": basis.bom_id,
        "bom_chemistry": basis.bom_chemistry,
        "bom_source": basis.bom_source,
        "bom_date": basis.bom_date,
        "bom_cell_mass_kg_per_kwh": basis.bom_cell_mass_kg_per_kwh,
        "bom_equivalent_energy_kwh": basis.bom_equivalent_energy_kwh,
        "cell_mass_kg": basis.cell_mass_kg,
        "cell_mass_from_energy_kg": basis.cell_mass_from_energy_kg,
        "cell_mass_from_pack_kg": basis.cell_mass_from_pack_kg,
        "cell_share": basis.cell_share,
        "cell_share_source": basis.cell_share_source,
        "implied_cell_share": basis.implied_cell_share,
        "non_cell_mass_kg": basis.non_cell_mass_kg,
        "cell_component_mass_kg": dict(basis.cell_component_mass_kg),
        "atomic_weights_source": basis.atomic_weights_source,
    }


def compute_chemistry(params: ChemistryInput) -> dict[str, Any]:
    """Return the cathode composition and, when energy and pack mass are both given, the element estimate."""
    chem = get_chemistry(params.chemistry)
    result: dict[str, Any] = {
        "chemistry": chem.code,
        "cathode_formula": chem.cathode_formula,
        "cathode_mass_fractions": dict(chem.cathode_mass_fractions),
    }
    if params.energy_kwh is None and params.pack_mass_kg is None:
        if params.cell_share is not None:
            raise InvalidInputError(
                "cell_share is used only to estimate element masses; give energy_kwh and pack_mass_kg too",
                field="cell_share",
            )
        return result
    if params.energy_kwh is None or params.pack_mass_kg is None:
        missing, given = ("energy_kwh", "pack_mass_kg") if params.energy_kwh is None else ("pack_mass_kg", "energy_kwh")
        raise InvalidInputError(
            f"{missing} is required when {given} is given (give both to estimate element masses, "
            "or neither for the cathode composition only)",
            field=missing,
        )
    estimate = estimate_pack_element_masses(
        chemistry=chem.code,
        energy_kwh=params.energy_kwh,
        pack_mass_kg=params.pack_mass_kg,
        cell_share=params.cell_share,
    )
    result["element_mass_kg"] = dict(estimate.element_mass_kg)
    result["basis"] = _basis_as_dict(estimate.basis, energy_kwh=estimate.energy_kwh, pack_mass_kg=estimate.pack_mass_kg)
    result["basis"]["reasons"] = list(estimate.reasons)
    return result


CALCULATOR = Calculator(
    topic="chemistry",
    summary=(
        "Cathode formula and element mass fractions of a battery chemistry (from stoichiometry and IUPAC "
        "atomic weights); with energy_kwh and pack_mass_kg, the pack's estimated element masses "
        "(Li, Ni, Co, Mn, Fe, P, Al, Cu, graphite, F, Na) and the basis used."
    ),
    input_model=ChemistryInput,
    compute=compute_chemistry,
    examples=(
        {"chemistry": "NMC811"},
        {"chemistry": "LFP", "energy_kwh": 60.0, "pack_mass_kg": 400.0},
        {"chemistry": "NCM 622", "energy_kwh": 75.0, "pack_mass_kg": 480.0, "cell_share": 0.62},
    ),
)

"""Chemistry reference: mass fractions from stoichiometry, data consistency, element estimates.

Atomic weights: IUPAC/CIAAW standard atomic weights 2021, abridged (Prohaska et al., Pure Appl. Chem. 94
(2022) 573-600): H 1.0080, Li 6.94, C 12.011, N 14.007, O 15.999, F 18.998, Na 22.990, Al 26.982, P 30.974,
Mn 54.938, Fe 55.845, Co 58.933, Ni 58.693, Cu 63.546 g/mol. The golden values below are worked by hand from
these numbers; the per-kWh element intensities come from recycling-process-data.md §3.1 (EverBatt 2023 BOMs,
element rows derived by the reference's authors).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batteryloop.domain import chemistry as chem
from batteryloop.domain.errors import InvalidInputError

LI, C, N, OX, F, NA, AL, P = 6.94, 12.011, 14.007, 15.999, 18.998, 22.990, 26.982, 30.974
MN, FE, CO, NI, CU = 54.938, 55.845, 58.933, 58.693, 63.546


def test_atomic_weights_are_the_ciaaw_abridged_values_with_source() -> None:
    weights = chem.get_atomic_weights()
    expected = {"Li": LI, "C": C, "N": N, "O": OX, "F": F, "Na": NA, "Al": AL, "P": P}
    expected |= {"Mn": MN, "Fe": FE, "Co": CO, "Ni": NI, "Cu": CU, "H": 1.0080}
    assert dict(weights) == expected
    source = chem.get_atomic_weights_source()
    assert "CIAAW" in source
    assert "2022" in source


def test_lfp_mass_fractions_by_hand() -> None:
    # LiFePO4: M = 6.94 + 55.845 + 30.974 + 4 x 15.999 = 157.755 g/mol
    molar_mass = 6.94 + 55.845 + 30.974 + 4 * 15.999
    assert molar_mass == pytest.approx(157.755)
    fractions = chem.calculate_cathode_mass_fractions("LFP")
    assert fractions["Li"] == pytest.approx(6.94 / 157.755, abs=1e-12)  # 0.043992...
    assert fractions["Fe"] == pytest.approx(55.845 / 157.755, abs=1e-12)  # 0.353998...
    assert fractions["P"] == pytest.approx(30.974 / 157.755, abs=1e-12)  # 0.196342...
    assert fractions["O"] == pytest.approx(63.996 / 157.755, abs=1e-12)  # 0.405667...
    assert round(fractions["Li"], 4) == 0.0440


def test_nmc811_mass_fractions_by_hand() -> None:
    # LiNi0.8Mn0.1Co0.1O2: 6.94 + 0.8 x 58.693 + 0.1 x 54.938 + 0.1 x 58.933 + 2 x 15.999
    #                    = 6.94 + 46.9544 + 5.4938 + 5.8933 + 31.998 = 97.2795 g/mol
    nmc811 = chem.get_chemistry("NMC811")
    assert nmc811.cathode_molar_mass_g_per_mol == pytest.approx(97.2795, abs=1e-9)
    fractions = chem.calculate_cathode_mass_fractions("NMC811")
    assert list(fractions) == ["Li", "Ni", "Mn", "Co", "O"]
    assert fractions["Li"] == pytest.approx(6.94 / 97.2795, abs=1e-12)  # 0.07134
    assert fractions["Ni"] == pytest.approx(46.9544 / 97.2795, abs=1e-12)  # 0.48268
    assert fractions["Ni"] == pytest.approx(0.4827, abs=1e-4)  # issue 4 acceptance
    assert fractions["Mn"] == pytest.approx(5.4938 / 97.2795, abs=1e-12)  # 0.05647
    assert fractions["Co"] == pytest.approx(5.8933 / 97.2795, abs=1e-12)  # 0.06058


@pytest.mark.parametrize(
    ("code", "molar_mass", "element", "element_mass"),
    [
        # LiNi1/3Mn1/3Co1/3O2: 6.94 + (58.693 + 54.938 + 58.933) / 3 + 31.998 = 96.459333
        ("NMC111", LI + (NI + MN + CO) / 3 + 2 * OX, "Co", CO / 3),
        # LiNi0.5Mn0.3Co0.2O2: 6.94 + 29.3465 + 16.4814 + 11.7866 + 31.998 = 96.5525
        ("NMC532", 96.5525, "Ni", 29.3465),
        # LiNi0.6Mn0.2Co0.2O2: 6.94 + 35.2158 + 10.9876 + 11.7866 + 31.998 = 96.928
        ("NMC622", 96.928, "Ni", 35.2158),
        # LiNi0.8Co0.15Al0.05O2: 6.94 + 46.9544 + 8.83995 + 1.3491 + 31.998 = 96.08145
        ("NCA", 96.08145, "Al", 1.3491),
        # LiMn0.6Fe0.4PO4: 6.94 + 32.9628 + 22.338 + 30.974 + 63.996 = 157.2108
        ("LMFP", 157.2108, "Mn", 32.9628),
        # LiMn2O4: 6.94 + 109.876 + 63.996 = 180.812
        ("LMO", 180.812, "Mn", 109.876),
        # LiCoO2: 6.94 + 58.933 + 31.998 = 97.871
        ("LCO", 97.871, "Co", 58.933),
        # NaCu1/3Fe1/3Mn1/3O2: 22.990 + (63.546 + 55.845 + 54.938) / 3 + 31.998 = 113.097667
        ("NA_LAYERED_OXIDE", NA + (CU + FE + MN) / 3 + 2 * OX, "Na", NA),
        # Na2Fe[Fe(CN)6]: 45.98 + 111.69 + 72.066 + 84.042 = 313.778
        ("NA_PRUSSIAN_WHITE", 313.778, "N", 84.042),
    ],
)
def test_cathode_mass_fractions_by_hand(code: str, molar_mass: float, element: str, element_mass: float) -> None:
    chemistry = chem.get_chemistry(code)
    assert chemistry.cathode_molar_mass_g_per_mol == pytest.approx(molar_mass, abs=1e-9)
    assert chemistry.cathode_mass_fractions[element] == pytest.approx(element_mass / molar_mass, abs=1e-12)
    assert math.fsum(chemistry.cathode_mass_fractions.values()) == pytest.approx(1.0, abs=1e-12)


# recycling-process-data.md §3.1, element rows [D], kg per kWh of cells: Li, Ni, Co, Mn, Fe, P, Al, F
SECTION_3_1 = {
    "NMC111": (0.1169, 0.3221, 0.3234, 0.3014, 0.0, 0.0118, 0.1770, 0.0629),
    "NMC532": (0.1074, 0.4434, 0.1781, 0.2490, 0.0, 0.0113, 0.1673, 0.0595),
    "NMC622": (0.1049, 0.5194, 0.1739, 0.1621, 0.0, 0.0112, 0.1651, 0.0587),
    "NMC811": (0.0934, 0.6163, 0.0773, 0.0721, 0.0, 0.0105, 0.1533, 0.0546),
    "LCO": (0.1553, 0.0, 1.2914, 0.0, 0.0, 0.0144, 0.2321, 0.0795),
    "NCA": (0.1003, 0.6622, 0.1247, 0.0, 0.0, 0.0107, 0.1759, 0.0563),
    "LMO": (0.0855, 0.0, 0.0, 1.3033, 0.0, 0.0144, 0.2321, 0.0795),
    "LFP": (0.0887, 0.0, 0.0, 0.0, 0.6849, 0.3961, 0.2511, 0.0835),
}


@pytest.mark.parametrize("code", sorted(SECTION_3_1))
def test_element_intensity_reproduces_reference_section_3_1(code: str) -> None:
    chemistry = chem.get_chemistry(code)
    assert chemistry.pack_reference_id is not None
    pack = chem.get_pack_references()[chemistry.pack_reference_id]
    estimate = chem.estimate_pack_element_masses(
        chemistry=code, energy_kwh=pack.pack_energy_kwh, pack_mass_kg=pack.pack_mass_kg
    )
    per_kwh = {key: mass / pack.pack_energy_kwh for key, mass in estimate.element_mass_kg.items()}
    for symbol, expected in zip(("Li", "Ni", "Co", "Mn", "Fe", "P", "Al", "F"), SECTION_3_1[code], strict=True):
        assert per_kwh[symbol] == pytest.approx(expected, abs=1e-4), symbol  # table rounded to 4 places
    bom = chem.get_cell_boms()[chemistry.cell_bom_id or ""]
    assert per_kwh["Cu"] == pytest.approx(bom.components["copper_foil"], abs=1e-12)
    assert per_kwh["graphite"] == pytest.approx(bom.components["graphite"], abs=1e-12)
    assert not any(reason.startswith("CHECK") for reason in estimate.reasons)  # the reference pack itself


def test_reference_data_is_consistent() -> None:
    for bom in chem.get_cell_boms().values():
        assert bom.source
        assert bom.date
        if bom.unit == "kg/kWh":
            assert bom.cell_mass_kg_per_kwh is not None
            assert math.fsum(bom.components.values()) == pytest.approx(bom.cell_mass_kg_per_kwh, rel=5e-3)
    for pack in chem.get_pack_references().values():
        cells_kg = pack.pack_mass_kg * pack.cell_share
        bom = chem.get_cell_boms()[pack.reference_id.replace("LMO_LCO", "LMO")]
        assert bom.cell_mass_kg_per_kwh is not None
        assert cells_kg == pytest.approx(pack.pack_energy_kwh * bom.cell_mass_kg_per_kwh, rel=2e-3)
    codes = {c.code for c in chem.list_chemistries()}
    assert codes == {
        "NMC111", "NMC532", "NMC622", "NMC811", "NCA", "LFP", "LMFP", "LMO", "LCO",
        "NA_LAYERED_OXIDE", "NA_PRUSSIAN_WHITE",
    }  # fmt: skip
    for chemistry in chem.list_chemistries():
        assert chemistry.source
        assert chemistry.date
        assert all(symbol in chemistry.cathode_formula for symbol in chemistry.cathode_moles)


@pytest.mark.parametrize(
    ("alias", "code"),
    [
        ("nmc811", "NMC811"),
        ("NMC 811", "NMC811"),
        ("NCM-811", "NMC811"),
        ("NMC(811)", "NMC811"),
        ("NCM523", "NMC532"),
        ("LiFePO4", "LFP"),
        ("lifepo4", "LFP"),
        ("LFMP", "LMFP"),
        ("Prussian white", "NA_PRUSSIAN_WHITE"),
        ("na2fe[fe(cn)6]", "NA_PRUSSIAN_WHITE"),
    ],
)
def test_aliases_resolve_case_insensitively(alias: str, code: str) -> None:
    assert chem.get_chemistry(alias).code == code


def test_ambiguous_and_unknown_names_are_refused_with_the_field() -> None:
    with pytest.raises(InvalidInputError) as ambiguous:
        chem.get_chemistry("NMC")
    assert ambiguous.value.field == "chemistry"
    assert "NMC111, NMC532, NMC622, NMC811" in ambiguous.value.reason
    with pytest.raises(InvalidInputError) as unknown:
        chem.get_chemistry("NiMH")
    assert unknown.value.field == "chemistry"
    assert "known codes" in unknown.value.reason
    assert "NA_PRUSSIAN_WHITE" in unknown.value.reason


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"energy_kwh": 0.0}, "energy_kwh"),
        ({"energy_kwh": -5.0}, "energy_kwh"),
        ({"energy_kwh": math.nan}, "energy_kwh"),
        ({"energy_kwh": True}, "energy_kwh"),
        ({"pack_mass_kg": 0.0}, "pack_mass_kg"),
        ({"pack_mass_kg": math.inf}, "pack_mass_kg"),
        ({"cell_share": 0.0}, "cell_share"),
        ({"cell_share": 1.5}, "cell_share"),
        ({"pack_mass_kg": 100.0}, "pack_mass_kg"),  # 75 kWh of NMC811 cells alone weigh 223 kg
        ({"chemistry": "NA_PRUSSIAN_WHITE"}, "chemistry"),
        ({"chemistry": "NA_LAYERED_OXIDE"}, "chemistry"),
        ({"chemistry": "unobtainium"}, "chemistry"),
    ],
)
def test_estimate_refuses_bad_input_naming_the_field(kwargs: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {"chemistry": "NMC811", "energy_kwh": 75.0, "pack_mass_kg": 450.0} | kwargs
    with pytest.raises(InvalidInputError) as excinfo:
        chem.estimate_pack_element_masses(**arguments)  # type: ignore[arg-type]
    assert excinfo.value.field == field
    assert excinfo.value.reason


def test_mass_fractions_refuse_unknown_elements_and_bad_moles() -> None:
    with pytest.raises(InvalidInputError, match="Xx") as unknown:
        chem.calculate_mass_fractions({"Li": 1, "Xx": 1}, field="formula")
    assert unknown.value.field == "formula"
    with pytest.raises(InvalidInputError):
        chem.calculate_mass_fractions({"Li": 0})
    with pytest.raises(InvalidInputError):
        chem.calculate_mass_fractions({})


def test_nmc811_pack_estimate_by_hand_and_its_basis() -> None:
    # 75 kWh x 1.2768 kg/kWh cathode (EB23 NMC811) = 95.76 kg; Ni = 95.76 x 46.9544 / 97.2795 = 46.2214 kg
    estimate = chem.estimate_pack_element_masses(chemistry="NCM811", energy_kwh=75.0, pack_mass_kg=450.0)
    assert estimate.chemistry == "NMC811"
    assert list(estimate.element_mass_kg) == list(chem.REPORTED_KEYS)
    assert estimate.element_mass_kg["Ni"] == pytest.approx(95.76 * 46.9544 / 97.2795, rel=1e-12)
    assert estimate.element_mass_kg["graphite"] == pytest.approx(75.0 * 0.8661, rel=1e-12)
    assert estimate.element_mass_kg["Cu"] == pytest.approx(75.0 * 0.2320, rel=1e-12)
    assert estimate.element_mass_kg["Na"] == 0.0
    basis = estimate.basis
    assert basis.bom_id == "EB23_NMC811"
    assert basis.scale_by == "energy"
    assert basis.cell_mass_kg == pytest.approx(75.0 * 2.976)  # 223.2 kg of cells
    assert basis.cell_share == pytest.approx(0.609)  # EB23 100-kWh pack, §3.3
    assert basis.implied_cell_share == pytest.approx(223.2 / 450.0)
    assert basis.non_cell_mass_kg == pytest.approx(450.0 - 223.2)
    assert "EverBatt 2023" in basis.bom_source
    assert not any(reason.startswith("CHECK") for reason in estimate.reasons)  # -18.6 % is within 25 %


def test_estimate_flags_gaps_proxies_and_placeholders() -> None:
    # 75 kWh in a 900-kg pack: cells implied 223 kg vs 900 x 0.609 = 548 kg expected -> flagged, not refused
    far = chem.estimate_pack_element_masses(chemistry="NMC811", energy_kwh=75.0, pack_mass_kg=900.0)
    assert any(reason.startswith("CHECK") for reason in far.reasons)
    lmfp = chem.estimate_pack_element_masses(chemistry="LMFP", energy_kwh=60.0, pack_mass_kg=400.0)
    assert lmfp.basis.bom_chemistry == "LFP"
    assert any(reason.startswith("PROXY") for reason in lmfp.reasons)
    assert lmfp.element_mass_kg["Mn"] > 0
    lco = chem.estimate_pack_element_masses(chemistry="LCO", energy_kwh=10.0, pack_mass_kg=70.0)
    assert any("placeholder" in reason for reason in lco.reasons)


def test_given_cell_share_and_mass_scaling() -> None:
    # Scaling the BOM to pack mass x cell share: the EB23 reference pack gives back its own 100 kWh.
    estimate = chem.estimate_pack_element_masses(
        chemistry="NMC811", energy_kwh=100.0, pack_mass_kg=488.7, cell_share=0.609, scale_by="cell_mass"
    )
    assert estimate.basis.cell_share_source == "input"
    assert estimate.basis.bom_equivalent_energy_kwh == pytest.approx(488.7 * 0.609 / 2.976)  # 100.0 kWh
    by_energy = chem.estimate_pack_element_masses(chemistry="NMC811", energy_kwh=100.0, pack_mass_kg=488.7)
    for key, mass in by_energy.element_mass_kg.items():
        assert estimate.element_mass_kg[key] == pytest.approx(mass, rel=1e-3)


ELEMENTS = ("H", "Li", "C", "N", "O", "F", "Na", "Al", "P", "Mn", "Fe", "Co", "Ni", "Cu")
ESTIMABLE = tuple(c.code for c in chem.list_chemistries() if c.cell_bom_id is not None)


@given(
    st.dictionaries(
        st.sampled_from(ELEMENTS),
        st.floats(min_value=1e-3, max_value=1e3),
        min_size=1,
        max_size=len(ELEMENTS),
    )
)
def test_mass_fractions_are_shares_summing_to_one(moles: dict[str, float]) -> None:
    fractions = chem.calculate_mass_fractions(moles)
    assert all(0.0 <= f <= 1.0 for f in fractions.values())
    assert math.fsum(fractions.values()) == pytest.approx(1.0, abs=1e-9)


@settings(max_examples=200)
@given(
    code=st.sampled_from(ESTIMABLE),
    energy_kwh=st.floats(min_value=0.5, max_value=1000.0),
    implied_share=st.floats(min_value=0.2, max_value=1.0),
    factor=st.floats(min_value=0.01, max_value=100.0),
)
def test_element_masses_are_non_negative_bounded_and_linear_in_energy(
    code: str, energy_kwh: float, implied_share: float, factor: float
) -> None:
    bom = chem.get_cell_boms()[chem.get_chemistry(code).cell_bom_id or ""]
    assert bom.cell_mass_kg_per_kwh is not None
    pack_mass_kg = energy_kwh * bom.cell_mass_kg_per_kwh / implied_share * 1.001
    base = chem.estimate_pack_element_masses(chemistry=code, energy_kwh=energy_kwh, pack_mass_kg=pack_mass_kg)
    assert all(mass >= 0.0 for mass in base.element_mass_kg.values())
    assert math.fsum(base.element_mass_kg.values()) <= base.basis.cell_mass_kg * 1.005 <= pack_mass_kg * 1.005
    assert base.basis.non_cell_mass_kg >= 0.0
    scaled = chem.estimate_pack_element_masses(
        chemistry=code, energy_kwh=energy_kwh * factor, pack_mass_kg=pack_mass_kg * factor
    )
    for key, mass in base.element_mass_kg.items():
        assert scaled.element_mass_kg[key] == pytest.approx(mass * factor, rel=1e-9, abs=1e-12)

"""The published Battery Pass v1.2 sample payloads (batterypass/BatteryPassDataModel @ 4c96de2), read as they are.

They are generator output with random values (shared/testdata/README.md). Each sample either maps, or is refused
with every implausible value named. What is asserted:

- For the refused samples, the set of problem paths is exactly the expected set, and every number in the sample
  is named: as a problem, as a note when it is not stored (``temperatureRangeIdleState``: one number names no
  boundary; ``powerCapabilityRatio``: no longlist attribute), or, for Circularity's recycled cobalt shares
  (54.4 % pre- and 56.9 % post-consumer, each plausible, together 111 %), by the canonical validator.
- The three values the README calls out by name: the material mass of 1.6e38 g, the negative substance
  concentration and the random CAS number (``37-70-2`` has the CAS shape but not the check digit; the material's
  ``"7439-93-2 "`` is lithium's CAS with a trailing blank, which is accepted).
- The two samples that map (GeneralProductInformation, Labeling) map to the expected values; their remaining
  junk (telnet/ftp URLs) is then named by the canonical validator.
"""

from __future__ import annotations

import pytest

from batteryloop.domain.passport.exchange import MappingError, from_batterypass, from_batterypass_with_notes
from batteryloop.domain.passport.values import check_attributes

from ._files import BATTERYPASS, BATTERYPASS_SAMPLES, load, numeric_leaves
from .strategies import RX

MC = "MaterialComposition"
REFUSED = {
    "CarbonFootprintForBatteries-payload.json": {
        "CarbonFootprintForBatteries.batteryCarbonFootprint",
        "CarbonFootprintForBatteries.absoluteCarbonFootprint",
        "CarbonFootprintForBatteries.carbonFootprintPerLifecycleStage[0].carbonFootprint",
    },
    "Circularity.json": {"Circularity.renewableContent"},
    "MaterialComposition-payload.json": {
        f"{MC}.batteryChemistry.shortName",
        f"{MC}.batteryMaterials[0].batteryMaterialMass",
        f"{MC}.hazardousSubstances[0].hazardousSubstanceConcentration",
        f"{MC}.hazardousSubstances[0].hazardousSubstanceIdentifier",
    },
    "SupplyChainDueDiligence-payload.json": {"SupplyChainDueDiligence.supplyChainIndicies"},
}
PERFORMANCE = "PerformanceAndDurability-payload.json"
MAPPED = {"GeneralProductInformation-payload.json", "Labeling-payload.json"}
ASPECT_OF = {"Circularity.json": "Circularity"}


def _aspect(name: str) -> str:
    return ASPECT_OF.get(name, name.removesuffix("-payload.json"))


def test_every_sample_is_covered() -> None:
    assert {p.name for p in BATTERYPASS_SAMPLES} == {*REFUSED, PERFORMANCE, *MAPPED}


@pytest.mark.parametrize("name", [*REFUSED, PERFORMANCE])
def test_each_refused_sample_names_every_implausible_value(name: str) -> None:
    document = load(BATTERYPASS / name)
    with pytest.raises(MappingError) as caught:
        from_batterypass(document, received_at=RX)
    problems = {path for path, _ in caught.value.problems}
    if name in REFUSED:
        assert problems == REFUSED[name]
    notes = {path for path, _ in from_batterypass_with_notes(document, received_at=RX, on_invalid="omit").notes}
    numbers = {f"{_aspect(name)}.{path}" for path, _ in numeric_leaves(document, "")}
    unnamed = {n for n in numbers if not any(n == p or n.startswith(p + ".") for p in problems | notes)}
    if name == "Circularity.json":
        assert unnamed == {f"Circularity.recycledContent[0].{k}ConsumerShare" for k in ("pre", "post")}
        mapped = from_batterypass(document, received_at=RX, on_invalid="omit")["attributes"]
        assert {p.field for p in check_attributes(mapped)[1]} >= {"attributes.recycled_cobalt_post_consumer_share"}
    else:
        assert unnamed == set()


def test_the_performance_sample_is_refused_for_every_number_it_stores() -> None:
    document = load(BATTERYPASS / PERFORMANCE)
    with pytest.raises(MappingError) as caught:
        from_batterypass(document, received_at=RX)
    problems = dict(caught.value.problems)
    assert len(problems) == len(caught.value.problems) == 37
    numbers = {f"PerformanceAndDurability.{path}" for path, _ in numeric_leaves(document, "")}
    idle = "PerformanceAndDurability.batteryTechicalProperties.temperatureRangeIdleState"
    ratio = "PerformanceAndDurability.batteryTechicalProperties.powerCapabilityRatio"
    assert numbers - set(problems) == {idle, ratio}
    notes = dict(from_batterypass_with_notes(document, received_at=RX, on_invalid="omit").notes)
    assert "which boundary" in notes[idle]  # -19.54 °C is plausible, but one number names no boundary
    assert "not stored" in notes[ratio]  # the nominal charge rate has no attribute in the longlist
    cycles = problems["PerformanceAndDurability.batteryCondition.numberOfFullCycles.numberOfFullCyclesValue"]
    assert cycles.startswith("-1.7976931348623157e+308 cycles")  # a 309-digit integer literal in the file


def test_the_three_values_the_readme_names_are_refused_with_reasons() -> None:
    with pytest.raises(MappingError) as caught:
        from_batterypass(load(BATTERYPASS / "MaterialComposition-payload.json"), received_at=RX)
    problems = dict(caught.value.problems)
    mass = problems[f"{MC}.batteryMaterials[0].batteryMaterialMass"]
    assert mass.startswith("1.6111172e+38 g is not a plausible material mass")
    concentration = problems[f"{MC}.hazardousSubstances[0].hazardousSubstanceConcentration"]
    assert concentration.startswith("-1.7976931348623157e+308 % is outside 0-100 %")
    cas = problems[f"{MC}.hazardousSubstances[0].hazardousSubstanceIdentifier"]
    assert cas.startswith("not a CAS registry number")
    assert "'37-70-2'" in cas
    assert "37-70-7" in cas  # 0x1 + 7x2 + 7x3 + 3x4 = 47: the check digit would be 7
    assert f"{MC}.batteryMaterials[0].batteryMaterialIdentifier" not in problems  # "7439-93-2 ": lithium
    chemistry = problems[f"{MC}.batteryChemistry.shortName"]
    assert "'NMC' is ambiguous" in chemistry
    assert "NMC111, NMC532, NMC622, NMC811" in chemistry


def test_omit_leaves_the_invalid_values_out_and_lists_them() -> None:
    mapped = from_batterypass_with_notes(
        load(BATTERYPASS / "MaterialComposition-payload.json"), received_at=RX, on_invalid="omit"
    )
    assert mapped.record == {"attributes": {}}  # every part of the sample has a bad value
    left_out = {path for path, reason in mapped.notes if reason.startswith("left out: ")}
    assert left_out == REFUSED["MaterialComposition-payload.json"]


def test_the_general_product_information_sample_maps() -> None:
    record = from_batterypass(load(BATTERYPASS / "GeneralProductInformation-payload.json"), received_at=RX)
    a = record["attributes"]
    assert a["passport_id"] == "urn:bmwk:123456687678"
    assert a["battery_category"] == "lmt"
    assert a["battery_status"] == [{"value": "original", "recorded_at": RX}]  # the model's "Original"
    assert a["battery_mass_kg"] == 699  # kg in the model: no conversion
    assert a["manufacturing_date"] == a["putting_into_service_date"] == "2025-06"  # 2025-06-17T11:14:27.698+02:00
    assert a["warranty_period"] == 6  # "--06", xsd:gMonth
    assert a["manufacturing_place"] == {"country": "DE", "postal_code": "10719", "street": "Hindenburgstr. 10"}
    assert a["manufacturer_information"]["country"] == "DE"  # "Germany"
    assert a["manufacturer_information"]["web"] == "telnet://192.0.2.16:80/"
    problems = {p.field for p in check_attributes(a)[1]}
    assert problems == {"attributes.manufacturer_information.web", "attributes.operator_information.web"}


def test_the_labeling_sample_maps() -> None:
    a = from_batterypass(load(BATTERYPASS / "Labeling-payload.json"))["attributes"]
    assert a["separate_collection_symbol"] == [
        {
            "subject": "separate_collection",
            "meaning": "Separate Collection",
            "symbol_url": "http://www.ietf.org/rfc/rfc2396.txt",
        }
    ]
    problems = {p.field for p in check_attributes(a)[1]}
    assert problems == {"attributes.declaration_of_conformity", "attributes.test_reports"}  # telnet://, ftp://

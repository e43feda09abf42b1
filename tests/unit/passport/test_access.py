"""Who sees what, table-driven over all 93 attributes of data/passport/attributes.csv.

Expected sets are computed here from the CSV columns (access, pli_roles) by the rule of Annex XIII, independently
of the code under test: public = point 1; a person with a legitimate interest = point 1 + the point 2 and point 4
attributes granted to one of its roles; a notified body or market surveillance authority = points 1 and 3; the
Commission = points 1, 2 ("persons with a legitimate interest and the Commission") and 3; the owner = all.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.organization import OrganizationKind
from batteryloop.domain.passport.access import (
    PassportView,
    ServedLevel,
    decide_served_level,
    filter_attributes,
    get_legitimate_interest_roles,
    visible_keys,
)
from batteryloop.domain.passport.attributes import PliRole
from tests.unit.passport._samples import ROWS, good_record

RECYCLER_ROLES = {"recycler", "sorter"}
DISMANTLER_ROLES = {"dismantler", "repairer", "second_life_operator"}


def _expected(level: str, roles: set[str] = frozenset()) -> set[str]:
    keys = set()
    for row in ROWS:
        access, granted = row["access"], set(filter(None, row["pli_roles"].split("|")))
        if (
            level == "owner"
            or access == "public"
            or (level == "authority" and access == "authority")
            or (level == "commission" and access in ("legitimate_interest_and_commission", "authority"))
            or (
                level == "legitimate_interest"
                and access in ("legitimate_interest", "legitimate_interest_and_commission")
                and granted & roles
            )
        ):
            keys.add(row["key"])
    return keys


def _view(kind: OrganizationKind | None, *, owner: bool = False, shared: bool = True) -> PassportView:
    return decide_served_level(reader_kind=kind, is_owner=owner, passports_shared=shared)


VIEWS: dict[str, tuple[PassportView, set[str]]] = {
    "anonymous": (_view(None), _expected("public")),
    "oem_not_owner": (_view(OrganizationKind.OEM), _expected("public")),
    "recycler_without_sharing": (_view(OrganizationKind.RECYCLER, shared=False), _expected("public")),
    "recycler_with_sharing": (_view(OrganizationKind.RECYCLER), _expected("legitimate_interest", RECYCLER_ROLES)),
    "dismantler_with_sharing": (_view(OrganizationKind.DISMANTLER), _expected("legitimate_interest", DISMANTLER_ROLES)),
    "authority": (_view(OrganizationKind.AUTHORITY, shared=False), _expected("authority")),
    "commission": (_view(OrganizationKind.COMMISSION, shared=False), _expected("commission")),
    "owner": (_view(OrganizationKind.OEM, owner=True), _expected("owner")),
}


@pytest.mark.parametrize("view_name", list(VIEWS))
@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["key"])
def test_each_attribute_is_visible_exactly_at_its_levels(view_name: str, row: dict[str, str]) -> None:
    view, expected = VIEWS[view_name]
    assert (row["key"] in visible_keys(view)) == (row["key"] in expected)


@pytest.mark.parametrize(
    ("view_name", "count"),
    [
        ("anonymous", 60),
        ("recycler_without_sharing", 60),
        ("recycler_with_sharing", 91),  # 60 + 27 point-4 + 4 point-2 (#38 spare-part sources is not a recycler's)
        ("dismantler_with_sharing", 92),  # 60 + 27 + 5 (#33 composition is granted to dismantlers too)
        ("authority", 61),  # 60 + 1 point-3 (test reports)
        ("commission", 66),  # 60 + 5 point-2 + 1 point-3
        ("owner", 93),
    ],
)
def test_visible_counts(view_name: str, count: int) -> None:
    view, expected = VIEWS[view_name]
    assert len(visible_keys(view)) == len(expected) == count


@pytest.mark.parametrize("view_name", list(VIEWS))
def test_a_full_passport_is_filtered_to_exactly_the_visible_keys(view_name: str) -> None:
    view, expected = VIEWS[view_name]
    record = good_record() | {"not_an_attribute": 1}
    filtered = filter_attributes(record, view)
    assert set(filtered) == expected
    assert all(filtered[k] is record[k] for k in filtered)


def test_public_bodies_do_not_see_item_level_legitimate_interest_data() -> None:
    authority, commission = visible_keys(VIEWS["authority"][0]), visible_keys(VIEWS["commission"][0])
    point_2 = {"dismantling_manuals", "cathode_anode_electrolyte_materials"}
    assert "test_reports" in authority and not point_2 & authority  # point 2 opens to the Commission, not to MSAs
    assert {"test_reports", *point_2} <= commission
    assert not {"battery_status", "state_of_charge_share", "accident_information"} & (authority | commission)
    assert "test_reports" not in visible_keys(VIEWS["recycler_with_sharing"][0])


@pytest.mark.parametrize("kind", [None, *OrganizationKind])
@pytest.mark.parametrize("owner", [False, True])
@pytest.mark.parametrize("shared", [False, True])
def test_served_level_for_every_kind(kind: OrganizationKind | None, owner: bool, shared: bool) -> None:
    view = decide_served_level(reader_kind=kind, is_owner=owner, passports_shared=shared)
    if owner:
        expected, roles = ServedLevel.OWNER, set()
    elif kind is OrganizationKind.AUTHORITY:
        expected, roles = ServedLevel.AUTHORITY, set()
    elif kind is OrganizationKind.COMMISSION:
        expected, roles = ServedLevel.COMMISSION, set()
    elif kind is OrganizationKind.RECYCLER and shared:
        expected, roles = ServedLevel.LEGITIMATE_INTEREST, RECYCLER_ROLES
    elif kind is OrganizationKind.DISMANTLER and shared:
        expected, roles = ServedLevel.LEGITIMATE_INTEREST, DISMANTLER_ROLES
    else:
        expected, roles = ServedLevel.PUBLIC, set()
    assert view.level is expected
    assert {r.value for r in view.roles} == roles
    assert view.reasons and all(isinstance(r, str) and r for r in view.reasons)


def test_the_reason_tells_a_recycler_without_sharing_what_to_ask_for() -> None:
    view = _view(OrganizationKind.RECYCLER, shared=False)
    assert "data-sharing rule on 'passports'" in view.reasons[0]


def test_roles_file_covers_every_kind() -> None:
    roles = get_legitimate_interest_roles()
    assert set(roles) == set(OrganizationKind)
    assert roles[OrganizationKind.RECYCLER] == {PliRole.RECYCLER, PliRole.SORTER}
    assert roles[OrganizationKind.DISMANTLER] == {PliRole.DISMANTLER, PliRole.REPAIRER, PliRole.SECOND_LIFE_OPERATOR}
    assert not any(roles[k] for k in set(OrganizationKind) - {OrganizationKind.RECYCLER, OrganizationKind.DISMANTLER})


@pytest.mark.parametrize(
    ("level", "roles"),
    [
        (ServedLevel.PUBLIC, frozenset({PliRole.RECYCLER})),
        (ServedLevel.LEGITIMATE_INTEREST, frozenset()),
        (ServedLevel.OWNER, frozenset({PliRole.SORTER})),
    ],
)
def test_roles_go_with_the_legitimate_interest_level_only(level: ServedLevel, roles: frozenset[PliRole]) -> None:
    with pytest.raises(InvalidInputError):
        PassportView(level=level, roles=roles)


# ------------------------------------------------------------------------------------------ properties
ALL_KEYS = [row["key"] for row in ROWS]
views = st.one_of(
    st.sampled_from([ServedLevel.PUBLIC, ServedLevel.AUTHORITY, ServedLevel.COMMISSION, ServedLevel.OWNER]).map(
        lambda level: PassportView(level=level)
    ),
    st.frozensets(st.sampled_from(list(PliRole)), min_size=1).map(
        lambda roles: PassportView(level=ServedLevel.LEGITIMATE_INTEREST, roles=roles)
    ),
)
records = st.dictionaries(st.one_of(st.sampled_from(ALL_KEYS), st.text(max_size=12)), st.integers(), max_size=40)


@given(records, views)
def test_filtering_never_adds_keys_and_never_shows_the_invisible(record: dict[str, Any], view: PassportView) -> None:
    filtered = filter_attributes(record, view)
    assert set(filtered) <= set(record)
    assert set(filtered) <= visible_keys(view)
    assert set(filtered) == set(record) & visible_keys(view)


@given(records, st.frozensets(st.sampled_from(list(PliRole)), min_size=1))
def test_levels_nest_owner_over_authority_and_pli_over_public(
    record: dict[str, Any], roles: frozenset[PliRole]
) -> None:
    public = set(filter_attributes(record, PassportView(level=ServedLevel.PUBLIC)))
    pli = set(filter_attributes(record, PassportView(level=ServedLevel.LEGITIMATE_INTEREST, roles=roles)))
    authority = set(filter_attributes(record, PassportView(level=ServedLevel.AUTHORITY)))
    commission = set(filter_attributes(record, PassportView(level=ServedLevel.COMMISSION)))
    owner = set(filter_attributes(record, PassportView(level=ServedLevel.OWNER)))
    assert public <= pli <= owner
    assert public <= authority <= commission <= owner
    assert owner == set(record) & set(ALL_KEYS)

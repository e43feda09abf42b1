"""The sharing decision of design §4: own data always, others' only where a rule opens it; deny by default."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from batteryloop.domain.access import Actor, SharingRule, check_may_read
from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.organization import DataCategory, MemberRole, OrganizationKind

C1, C2 = uuid.uuid4(), uuid.uuid4()
OEM, REC, DIS = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def actor(org: uuid.UUID, kind: OrganizationKind, role: MemberRole = MemberRole.VIEWER) -> Actor:
    return Actor(org_id=org, org_kind=kind, role=role)


def rule(category, *, provider=None, kind=None, org=None, consortium=C1) -> SharingRule:
    return SharingRule(
        consortium_id=consortium,
        category=category,
        provider_org_id=provider,
        grantee_kind=kind,
        grantee_org_id=org,
    )


RECYCLER = actor(REC, OrganizationKind.RECYCLER)


@pytest.mark.parametrize(
    ("rules", "category", "owner", "shared", "expected", "why"),
    [
        ([], DataCategory.PASSPORTS, OEM, {C1}, False, "deny by default"),
        ([], DataCategory.PASSPORTS, REC, set(), True, "own data is always readable"),
        (
            [rule(DataCategory.PASSPORTS, kind=OrganizationKind.RECYCLER)],
            DataCategory.PASSPORTS,
            OEM,
            {C1},
            True,
            "every member shares passports with recyclers",
        ),
        (
            [rule(DataCategory.PASSPORTS, kind=OrganizationKind.RECYCLER)],
            DataCategory.LOTS,
            OEM,
            {C1},
            False,
            "another category stays closed",
        ),
        (
            [rule(DataCategory.PASSPORTS, kind=OrganizationKind.DISMANTLER)],
            DataCategory.PASSPORTS,
            OEM,
            {C1},
            False,
            "granted to another kind",
        ),
        (
            [rule(DataCategory.PASSPORTS, kind=OrganizationKind.RECYCLER)],
            DataCategory.PASSPORTS,
            OEM,
            {C2},
            False,
            "rule of a consortium the two do not share",
        ),
        (
            [rule(DataCategory.ECONOMICS, provider=OEM, org=REC)],
            DataCategory.ECONOMICS,
            OEM,
            {C1},
            True,
            "one provider to one organisation",
        ),
        (
            [rule(DataCategory.ECONOMICS, provider=DIS, org=REC)],
            DataCategory.ECONOMICS,
            OEM,
            {C1},
            False,
            "rule of another provider",
        ),
        (
            [rule(DataCategory.ECONOMICS, provider=OEM, org=DIS)],
            DataCategory.ECONOMICS,
            OEM,
            {C1},
            False,
            "granted to another organisation",
        ),
    ],
)
def test_check_may_read(rules, category, owner, shared, expected, why):
    got = check_may_read(
        RECYCLER, owner_org_id=owner, category=category, rules=rules, shared_consortia=frozenset(shared)
    )
    assert got is expected, why


def test_platform_operator_reads_everything_and_anonymous_nothing():
    assert check_may_read(
        Actor.platform_operator(),
        owner_org_id=OEM,
        category=DataCategory.LOTS,
        rules=[],
        shared_consortia=frozenset(),
    )
    nobody = Actor(org_id=None, org_kind=None, role=None)
    assert not check_may_read(
        nobody,
        owner_org_id=OEM,
        category=DataCategory.LOTS,
        rules=[rule(DataCategory.LOTS, kind=OrganizationKind.RECYCLER)],
        shared_consortia=frozenset({C1}),
    )


@pytest.mark.parametrize(("kind", "org"), [(None, None), (OrganizationKind.OEM, OEM)])
def test_rule_needs_exactly_one_grantee(kind, org):
    with pytest.raises(InvalidInputError) as info:
        rule(DataCategory.LOTS, kind=kind, org=org)
    assert info.value.field == "grantee"


def test_roles():
    admin = actor(OEM, OrganizationKind.OEM, MemberRole.ADMIN)
    viewer = actor(OEM, OrganizationKind.OEM, MemberRole.VIEWER)
    auditor = actor(OEM, OrganizationKind.OEM, MemberRole.AUDITOR)
    assert admin.administers(OEM) and not admin.administers(REC)
    assert not viewer.administers(OEM) and not viewer.may_write and not viewer.may_read_audit
    assert auditor.may_read_audit and not auditor.may_write


@given(
    rules=st.lists(
        st.builds(
            lambda cat, prov, use_kind, kind, org: rule(
                cat, provider=prov, kind=kind if use_kind else None, org=None if use_kind else org
            ),
            st.sampled_from(DataCategory),
            st.sampled_from([None, OEM, REC, DIS]),
            st.booleans(),
            st.sampled_from(OrganizationKind),
            st.sampled_from([OEM, REC, DIS]),
        ),
        max_size=6,
    ),
    category=st.sampled_from(DataCategory),
)
def test_adding_a_rule_never_takes_access_away(rules, category):
    """Monotonicity: sharing more never hides what was visible (deny by default, grants only add)."""
    shared = frozenset({C1})
    for owner in (OEM, DIS):
        before = check_may_read(
            RECYCLER, owner_org_id=owner, category=category, rules=rules[:-1], shared_consortia=shared
        )
        after = check_may_read(RECYCLER, owner_org_id=owner, category=category, rules=rules, shared_consortia=shared)
        assert after or not before

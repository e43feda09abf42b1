"""readable_by in SQL agrees with the reference decision of the domain (check_may_read) on random agreements."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from batteryloop.domain.access import Actor, SharingRule, check_may_read
from batteryloop.domain.organization import DataCategory, MemberRole, Organization, OrganizationKind
from batteryloop.storage.access import may_read_owner, readable_owner_ids

KINDS = [
    OrganizationKind.OEM,
    OrganizationKind.RECYCLER,
    OrganizationKind.DISMANTLER,
    OrganizationKind.AUTHORITY,
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_sql_matches_domain_rule(platform, data):
    n_orgs = 4
    kinds = data.draw(st.lists(st.sampled_from(KINDS), min_size=n_orgs, max_size=n_orgs))
    orgs = [Organization(id=uuid.uuid4(), name=f"org {uuid.uuid4().hex[:8]}", kind=k) for k in kinds]
    consortia = [uuid.uuid4(), uuid.uuid4()]
    membership = data.draw(st.lists(st.tuples(st.integers(0, 1), st.integers(0, n_orgs - 1)), max_size=8))
    raw_rules = data.draw(
        st.lists(
            st.tuples(
                st.integers(0, 1),
                st.sampled_from(DataCategory),
                st.one_of(st.none(), st.integers(0, n_orgs - 1)),
                st.one_of(st.sampled_from(KINDS), st.integers(0, n_orgs - 1)),
            ),
            max_size=6,
        )
    )
    with platform.store.uow() as uow:
        for org in orgs:
            uow.organizations.add(org)
        from batteryloop.domain.organization import Consortium

        for cid in consortia:
            uow.consortia.add(Consortium(id=cid, name=f"c {cid.hex[:8]}", description="", convenor_org_id=orgs[0].id))
        members = {(c, o) for c, o in membership}
        for c, o in sorted(members):
            uow.consortia.add_member(consortia[c], orgs[o].id)
        rules = []
        for c, category, provider, grantee in raw_rules:
            r = SharingRule(
                consortium_id=consortia[c],
                category=category,
                provider_org_id=orgs[provider].id if provider is not None else None,
                grantee_kind=grantee if isinstance(grantee, OrganizationKind) else None,
                grantee_org_id=orgs[grantee].id if isinstance(grantee, int) else None,
            )
            rules.append(r)
            uow.consortia.add_rule(r)
        for reader_index, reader in enumerate(orgs):
            actor = Actor(org_id=reader.id, org_kind=reader.kind, role=MemberRole.VIEWER)
            reader_consortia = {consortia[c] for c, o in members if o == reader_index}
            for category in DataCategory:
                got = set(uow.session.scalars(select(readable_owner_ids(actor, category).subquery().c[0])))
                got &= {o.id for o in orgs}
                for owner_index, owner in enumerate(orgs):
                    owner_consortia = {consortia[c] for c, o in members if o == owner_index}
                    expected = check_may_read(
                        actor,
                        owner_org_id=owner.id,
                        category=category,
                        rules=rules,
                        shared_consortia=frozenset(reader_consortia & owner_consortia),
                    )
                    assert (owner.id in got) is expected, (reader_index, owner_index, category)
                    assert may_read_owner(uow.connection, actor, owner.id, category) is expected
        uow.rollback()

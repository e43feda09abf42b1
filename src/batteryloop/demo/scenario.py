"""A seeded, deterministic demo consortium shaped like a real one.

Three automakers, two recyclers (one mechanical pre-treatment + hydrometallurgy, one pyrometallurgy), a
dismantler, a logistics partner, a cathode maker and an authority, under one data-sharing agreement. The same
seed gives the same organisations, ids and agreement; API keys are random (they are credentials). Later
capabilities extend :func:`build_demo`, so the demo always shows all that is built.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from batteryloop.demo.custody import build_demo_custody
from batteryloop.demo.operations import build_demo_operations
from batteryloop.demo.passports import build_demo_passports
from batteryloop.domain.access import Actor, SharingRule
from batteryloop.domain.organization import DataCategory, MemberRole, OrganizationKind
from batteryloop.services import consortium as consortium_service
from batteryloop.services import key as key_service
from batteryloop.services import organization as org_service
from batteryloop.storage.uow import Store

K = OrganizationKind


@dataclass(frozen=True, slots=True)
class DemoOrganization:
    name: str
    kind: OrganizationKind
    country: str
    note: str


ORGANIZATIONS: tuple[DemoOrganization, ...] = (
    DemoOrganization("Voltavia Motors", K.OEM, "DE", "automaker; NMC811 and LFP packs"),
    DemoOrganization("Nordkap Automotive", K.OEM, "SE", "automaker; NMC622 and NCA packs"),
    DemoOrganization("Iberia Electric Vehicles", K.OEM, "ES", "automaker; LFP and LMFP packs"),
    DemoOrganization("CircuMet Recycling", K.RECYCLER, "DE", "mechanical pre-treatment + hydrometallurgy"),
    DemoOrganization("Pyrolux Metals", K.RECYCLER, "BE", "pyrometallurgical smelter"),
    DemoOrganization("Rheinland Dismantling", K.DISMANTLER, "DE", "pack discharge and dismantling"),
    DemoOrganization("SafeCell Logistics", K.LOGISTICS, "NL", "ADR carrier for waste batteries"),
    DemoOrganization("Cathodia Materials", K.CATHODE_MAKER, "PL", "pCAM/CAM producer, buys recovered sulfates"),
    DemoOrganization("Battery Market Surveillance Office", K.AUTHORITY, "DE", "market surveillance authority"),
)

#: The scenario's "today": fixed, so the same seed gives the same histories whenever it is built
AS_OF = datetime(2026, 11, 1, tzinfo=UTC)

CONSORTIUM_NAME = "Rhine Battery Loop"
CONSORTIUM_DESCRIPTION = (
    "Demo consortium: three automakers, their recyclers and partners sharing passports, custody records "
    "and recovery data for end-of-life EV packs."
)

#: The agreement: (category, provider name or None for every member, grantee kind or organisation name)
AGREEMENT: tuple[tuple[DataCategory, str | None, OrganizationKind | str], ...] = (
    *((DataCategory.PASSPORTS, None, k) for k in (K.RECYCLER, K.DISMANTLER, K.AUTHORITY)),
    *((DataCategory.CUSTODY, None, k) for k in (K.OEM, K.RECYCLER, K.DISMANTLER, K.LOGISTICS, K.AUTHORITY)),
    *((DataCategory.LOTS, None, k) for k in (K.OEM, K.AUTHORITY, K.CATHODE_MAKER)),
    *((DataCategory.ASSAYS, r, k) for r in ("CircuMet Recycling", "Pyrolux Metals") for k in (K.OEM, K.CATHODE_MAKER)),
    (DataCategory.ECONOMICS, "CircuMet Recycling", "Voltavia Motors"),
    *((DataCategory.INCIDENTS, None, k) for k in K if k not in (K.RESEARCH, K.COMMISSION)),
)

ROLES_BY_KIND: dict[OrganizationKind, tuple[MemberRole, ...]] = {
    K.AUTHORITY: (MemberRole.ADMIN, MemberRole.AUDITOR),
    K.RECYCLER: (MemberRole.ADMIN, MemberRole.OPERATOR, MemberRole.VIEWER, MemberRole.AUDITOR),
}
DEFAULT_ROLES = (MemberRole.ADMIN, MemberRole.OPERATOR, MemberRole.VIEWER)

FIRST_NAMES = (
    "Anna",
    "Lukas",
    "Sofia",
    "Jonas",
    "Marta",
    "Pieter",
    "Elif",
    "Tomasz",
    "Ines",
    "Henrik",
    "Clara",
)
LAST_NAMES = ("Berger", "Lindqvist", "García", "De Smet", "Kowalska", "Jansen", "Vogel", "Moreau", "Novak")


@dataclass(frozen=True, slots=True)
class DemoKey:
    organization: str
    kind: OrganizationKind
    member: str
    role: MemberRole
    key: str


@dataclass
class DemoResult:
    consortium_id: uuid.UUID
    organization_ids: dict[str, uuid.UUID]
    keys: list[DemoKey] = field(default_factory=list)
    batteries_requested: int = 0
    notes: list[str] = field(default_factory=list)


Progress = Callable[[str, int], None]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def build_demo(store: Store, *, seed: int = 7, batteries: int = 5000, progress: Progress | None = None) -> DemoResult:
    """Create the demo consortium in ``store`` (which must be empty of it) and return its keys."""
    rng = random.Random(seed)
    operator = Actor.platform_operator()
    step = progress or (lambda _label, _n: None)
    with store.uow() as uow:
        ids: dict[str, uuid.UUID] = {}
        keys: list[DemoKey] = []
        for spec in ORGANIZATIONS:
            org = org_service.create_organization(
                uow, operator, name=spec.name, kind=spec.kind, country=spec.country, org_id=_uuid(rng)
            )
            ids[spec.name] = org.id
            roles = ROLES_BY_KIND.get(spec.kind, DEFAULT_ROLES)
            people = rng.sample([f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES], len(roles))
            for role, person in zip(roles, people, strict=True):
                domain = spec.name.lower().replace(" ", "-") + ".example"
                member = org_service.add_member(
                    uow,
                    operator,
                    org.id,
                    name=person,
                    role=role,
                    email=f"{role}@{domain}",
                    member_id=_uuid(rng),
                )
                _key, token = key_service.create_key(uow, operator, member_id=member.id, label="demo")
                keys.append(DemoKey(spec.name, spec.kind, member.name, role, token))
            step("organisations", 1)
        convenor = ids["CircuMet Recycling"]
        consortium = consortium_service.create_consortium(
            uow,
            operator,
            name=CONSORTIUM_NAME,
            description=CONSORTIUM_DESCRIPTION,
            convenor_org_id=convenor,
            consortium_id=_uuid(rng),
        )
        for org_id in ids.values():
            if org_id != convenor:
                consortium_service.add_member(uow, operator, consortium.id, org_id)
        for category, provider, grantee in AGREEMENT:
            rule = SharingRule(
                consortium_id=consortium.id,
                category=category,
                provider_org_id=ids[provider] if provider else None,
                grantee_kind=grantee if isinstance(grantee, OrganizationKind) else None,
                grantee_org_id=ids[grantee] if not isinstance(grantee, OrganizationKind) else None,
            )
            consortium_service.share(uow, operator, rule)
        step("agreement", 1)
        uow.commit()
    result = DemoResult(consortium_id=consortium.id, organization_ids=ids, keys=keys, batteries_requested=batteries)
    if batteries:
        counts = build_demo_passports(
            store,
            organization_ids=ids,
            batteries=batteries,
            seed=seed,
            as_of=AS_OF,
            progress=(lambda n: step("passports", n)),
        )
        result.notes.append(
            f"{counts['models']} battery models and {counts['passports']} passports; {counts['waste']} packs at "
            "end of life were handed to the recyclers"
        )
        chain = build_demo_custody(
            store, organization_ids=ids, seed=seed, as_of=AS_OF, progress=(lambda n: step("custody", n))
        )
        result.notes.append(
            f"{chain['packs']} of them collected and shipped in {chain['shipments']} shipments "
            f"({chain['discrepancies']} with a weight discrepancy); {chain['events']} custody events in the log"
        )
        ops = build_demo_operations(
            store, organization_ids=ids, as_of=AS_OF, seed=seed, progress=(lambda n: step("operations", n))
        )
        result.notes.append(
            f"{ops['facilities']} facilities; {ops['lots']} lots, {ops['processed']} processed, {ops['refused']} with "
            f"outputs refused for breaking the mass balance; {ops['graded']} products graded; {ops['waiting']} packs "
            "wait for a route (see /recovery)"
        )
        result.notes.append(
            f"the recyclers assayed each received pack: {chain['mislabelled']} turned out mislabelled (their chemistry "
            "is not the passport's; see /triage); every model has design facts and a design-for-recycling score "
            "(see /models)"
        )
    return result

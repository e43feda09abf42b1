"""Concurrent writers on the embedded store wait for the write lock instead of failing ("database is locked")."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from batteryloop.domain.access import Actor
from batteryloop.domain.organization import OrganizationKind
from batteryloop.services import organization as org_service
from batteryloop.storage.engine import create_engine_for
from batteryloop.storage.migrate import upgrade
from batteryloop.storage.uow import Store


def test_parallel_writers_on_sqlite_all_succeed(tmp_path):
    engine = create_engine_for(f"sqlite:///{tmp_path / 'concurrent.db'}")
    upgrade(engine)
    store = Store(engine)

    def write(i: int) -> str:
        with store.uow() as uow:
            # read first, then write: the pattern a deferred transaction cannot upgrade under contention
            org_service.list_organizations(uow, Actor.platform_operator(), cursor=None, limit=5)
            org = org_service.create_organization(
                uow, Actor.platform_operator(), name=f"Writer {i}", kind=OrganizationKind.RECYCLER
            )
            uow.commit()
            return org.name

    with ThreadPoolExecutor(max_workers=16) as pool:
        names = list(pool.map(write, range(48)))
    assert sorted(names) == sorted(f"Writer {i}" for i in range(48))
    with store.uow() as uow:
        page = org_service.list_organizations(uow, Actor.platform_operator(), cursor=None, limit=100)
    assert len(page.items) == 48
    engine.dispose()

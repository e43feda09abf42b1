"""The demo scenario is seeded and deterministic, and shaped like the consortium of the foundation issue."""

from __future__ import annotations

from collections import Counter

from batteryloop.demo.scenario import ORGANIZATIONS, build_demo


def test_same_seed_same_scenario(platform):
    first = build_demo(platform.store, seed=11, batteries=0)
    with platform.store.uow() as uow:
        uow.rollback()
    assert Counter(o.kind for o in ORGANIZATIONS) == {
        "oem": 3,
        "recycler": 2,
        "dismantler": 1,
        "logistics": 1,
        "cathode_maker": 1,
        "authority": 1,
    }
    assert len(first.organization_ids) == 9
    assert len({k.key for k in first.keys}) == len(first.keys)  # keys are random and distinct


def test_ids_depend_only_on_the_seed(engine, settings):
    from batteryloop.bootstrap import build_platform

    results = []
    for _ in range(2):
        connection = engine.connect()
        outer = connection.begin()
        try:
            results.append(build_demo(build_platform(settings, bind=connection).store, seed=5, batteries=0))
        finally:
            outer.rollback()
            connection.close()
    assert results[0].organization_ids == results[1].organization_ids
    assert results[0].consortium_id == results[1].consortium_id
    assert [(k.organization, k.member) for k in results[0].keys] == [
        (k.organization, k.member) for k in results[1].keys
    ]

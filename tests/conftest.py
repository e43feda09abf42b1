"""Shared fixtures: every storage, service and API test runs on SQLite and on PostgreSQL.

PostgreSQL: set BATTERYLOOP_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test). Where no
server answers, PostgreSQL tests skip with a message, except under CI (CI=1), where they fail.
Each test runs inside a transaction that is rolled back, on a schema migrated once per worker.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from batteryloop.bootstrap import Platform, build_platform
from batteryloop.settings import Settings
from batteryloop.storage.engine import create_engine_for, normalize_url
from batteryloop.storage.migrate import upgrade

PG_URL = os.environ.get("BATTERYLOOP_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = bool(os.environ.get("CI"))
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _pg_reachable() -> str | None:
    try:
        engine = create_engine(normalize_url(PG_URL), connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"


@pytest.fixture(scope="session")
def worker_id_str(request: pytest.FixtureRequest) -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("db") / "test.db"
    engine = create_engine_for(f"sqlite:///{path}")
    upgrade(engine)
    yield engine
    engine.dispose()


def require_postgres() -> None:
    """Fail under CI (a PostgreSQL test must not silently vanish there), skip with the reason elsewhere."""
    problem = _pg_reachable()
    if problem:
        message = (
            f"PostgreSQL is not reachable at {make_url(PG_URL).render_as_string(hide_password=True)} ({problem}); "
            "start it or set BATTERYLOOP_TEST_POSTGRES_URL to run the PostgreSQL tests"
        )
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_engine(worker_id_str: str) -> Iterator[Engine]:
    require_postgres()
    schema = f"bl_test_{worker_id_str}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalize_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(
        normalize_url(PG_URL),
        connect_args={"options": f"-c search_path={schema}"},
        pool_size=8,
        max_overflow=8,
    )
    upgrade(engine)
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest) -> Engine:
    name = "sqlite_engine" if request.param == "sqlite" else "postgres_engine"
    return request.getfixturevalue(name)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("settings")
    return Settings(database_url=f"sqlite:///{root / 'unused.db'}", signing_key_file=root / "signing.pem")


@pytest.fixture
def platform(engine: Engine, settings: Settings) -> Iterator[Platform]:
    """A platform whose every unit of work lives in one transaction rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    platform = build_platform(settings, bind=connection)
    try:
        yield platform
    finally:
        outer.rollback()
        connection.close()


@dataclass
class World:
    """The demo consortium plus an outsider organisation in a consortium of its own."""

    demo: object
    keys: dict[tuple[str, str], str]  # (organisation name, role) -> API key
    org_ids: dict[str, uuid.UUID]
    consortium_id: uuid.UUID
    outsider_key: str
    outsider_org_id: uuid.UUID
    outsider_consortium_id: uuid.UUID

    def key(self, org: str, role: str = "admin") -> str:
        return self.keys[(org, role)]


@pytest.fixture
def world(platform: Platform) -> World:
    from batteryloop.demo.scenario import build_demo
    from batteryloop.domain.access import Actor
    from batteryloop.domain.organization import MemberRole, OrganizationKind
    from batteryloop.services import consortium as consortium_service
    from batteryloop.services import key as key_service
    from batteryloop.services import organization as org_service

    demo = build_demo(platform.store, seed=7, batteries=0)
    op = Actor.platform_operator()
    with platform.store.uow() as uow:
        outsider = org_service.create_organization(uow, op, name="Outsider Recycling", kind=OrganizationKind.RECYCLER)
        member = org_service.add_member(uow, op, outsider.id, name="Olga Outsider", role=MemberRole.ADMIN)
        _, token = key_service.create_key(uow, op, member_id=member.id)
        other = consortium_service.create_consortium(uow, op, name="Other Loop", convenor_org_id=outsider.id)
        uow.commit()
    return World(
        demo=demo,
        keys={(k.organization, str(k.role)): k.key for k in demo.keys},
        org_ids=demo.organization_ids,
        consortium_id=demo.consortium_id,
        outsider_key=token,
        outsider_org_id=outsider.id,
        outsider_consortium_id=other.id,
    )


@pytest.fixture
def app(platform: Platform):  # type: ignore[no-untyped-def]
    from batteryloop.asgi import create_app

    return create_app(platform=platform)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]

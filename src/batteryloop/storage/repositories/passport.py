"""Passports, battery models and dynamic readings. Bulk paths use executemany on the connection."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, Table, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from batteryloop.domain.access import Actor
from batteryloop.domain.organization import DataCategory
from batteryloop.domain.pagination import Page
from batteryloop.storage.access import readable_owner_ids
from batteryloop.storage.bulk import EncodedPassports, insert_encoded, insert_passports
from batteryloop.storage.pagination import fetch_page
from batteryloop.storage.tables import BatteryModelRow, ImportRow, PassportReadingRow, PassportRow

if TYPE_CHECKING:
    from batteryloop.storage.uow import UnitOfWork

_P: Table = PassportRow.__table__  # type: ignore[assignment]
_R: Table = PassportReadingRow.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True, kw_only=True)
class BatteryModel:
    id: uuid.UUID
    owner_org_id: uuid.UUID
    code: str
    name: str
    category: str
    chemistry: str | None
    attributes: dict[str, Any]
    #: design-for-recycling facts beyond the passport (as stored, checked when set); None until given
    design_facts: dict[str, Any] | None = None
    design_updated_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredPassport:
    pk: int
    passport_id: str
    battery_id: str
    owner_org_id: uuid.UUID
    model_id: uuid.UUID | None
    category: str | None
    chemistry: str | None
    status: str
    predecessor_passport_id: str | None
    successor_passport_id: str | None
    ceased_at: datetime | None
    created_at: datetime
    updated_at: datetime
    attributes: dict[str, Any]
    #: dynamic attributes: key -> [{"value", "recorded_at"}], oldest first
    readings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _model(row: BatteryModelRow) -> BatteryModel:
    return BatteryModel(
        id=row.id,
        owner_org_id=row.owner_org_id,
        code=row.code,
        name=row.name,
        category=row.category,
        chemistry=row.chemistry,
        attributes=dict(row.attributes),
        design_facts=dict(row.design_facts) if row.design_facts is not None else None,
        design_updated_at=row.design_updated_at,
    )


def _passport(row: Any, readings: dict[str, list[dict[str, Any]]] | None = None) -> StoredPassport:
    return StoredPassport(
        pk=row.id,
        passport_id=row.passport_id,
        battery_id=row.battery_id,
        owner_org_id=row.owner_org_id,
        model_id=row.model_id,
        category=row.category,
        chemistry=row.chemistry,
        status=row.status,
        predecessor_passport_id=row.predecessor_passport_id,
        successor_passport_id=row.successor_passport_id,
        ceased_at=row.ceased_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        attributes=dict(row.attributes),
        readings=readings or {},
    )


_GET = select(_P).where(_P.c.passport_id == bindparam("passport_id"))
_READINGS = (
    select(_R.c.attribute, _R.c.recorded_at, _R.c.value)
    .where(_R.c.passport_pk == bindparam("pk"))
    .order_by(_R.c.attribute, _R.c.recorded_at, _R.c.id)
)


class SqlPassportRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    @property
    def session(self) -> Session:
        return self._uow.session

    # -- passports -------------------------------------------------------------------------------------------
    def readable_by(self, actor: Actor) -> Select[PassportRow]:
        """Passports whose restricted views the actor may be served: its own and those shared with it.

        Every passport's public view is open to anyone (Annex XIII point 1); listings are not.
        """
        stmt = select(PassportRow)
        if actor.system:
            return stmt
        return stmt.where(PassportRow.owner_org_id.in_(readable_owner_ids(actor, DataCategory.PASSPORTS)))

    def get(self, passport_id: str, *, with_readings: bool = True) -> StoredPassport | None:
        conn = self._uow.connection
        row = conn.execute(_GET, {"passport_id": passport_id}).first()
        if row is None:
            return None
        readings: dict[str, list[dict[str, Any]]] = {}
        if with_readings:
            for attribute, recorded_at, value in conn.execute(_READINGS, {"pk": row.id}):
                stamp = recorded_at if isinstance(recorded_at, datetime) else datetime.fromisoformat(str(recorded_at))
                readings.setdefault(attribute, []).append({"value": value, "recorded_at": stamp})
        return _passport(row, readings)

    def existing_pks(self, passport_ids: Sequence[str]) -> dict[str, int]:
        """Passport id -> storage key, for those of ``passport_ids`` already stored (in this transaction too)."""
        conn = self._uow.connection
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            # A bulk import looks up a batch at a time while it fills the table: a generic plan of this (prepared)
            # query cached while the table was nearly empty turns into a full scan later (measured: 5.3k/s falling
            # to 1.2k/s at 100k passports). Plan it for its values -- here only: for the whole transaction, the
            # setting makes the bulk writes' foreign-key checks plan every row again (half the COPY rate).
            previous = conn.exec_driver_sql(
                "SELECT current_setting('plan_cache_mode'), set_config('plan_cache_mode', 'force_custom_plan', true)"
            ).scalar_one()
        found: dict[str, int] = {}
        for start in range(0, len(passport_ids), 500):
            chunk = passport_ids[start : start + 500]
            rows = conn.execute(select(_P.c.passport_id, _P.c.id).where(_P.c.passport_id.in_(chunk)))
            found.update((pid, pk) for pid, pk in rows)
        if postgres:
            conn.exec_driver_sql("SELECT set_config('plan_cache_mode', %(previous)s, true)", {"previous": previous})
        return found

    def max_pk(self) -> int:
        """The highest storage key so far (0 when empty): rows added later have higher keys."""
        return int(self._uow.connection.execute(select(func.coalesce(func.max(_P.c.id), 0))).scalar_one())

    def existing_ids(self, passport_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(passport_ids), 500):
            chunk = passport_ids[start : start + 500]
            found.update(
                self._uow.connection.execute(select(_P.c.passport_id).where(_P.c.passport_id.in_(chunk))).scalars()
            )
        return found

    def add_many(self, rows: Sequence[Mapping[str, Any]], readings: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
        """Insert passports (dicts of PassportRow columns without ``id``) and their readings, in one batch."""
        insert_passports(self._uow.connection, rows, readings)

    def add_encoded(self, passports: EncodedPassports) -> None:
        """Insert passports encoded by ``storage.bulk.encode_passports`` for this database."""
        insert_encoded(self._uow.connection, passports)

    def try_add_encoded(self, passports: EncodedPassports) -> bool:
        """Insert the passports, or nothing and return False when one of their ids is taken (or repeated)."""
        connection = self._uow.connection
        unique_violation = (IntegrityError, connection.dialect.loaded_dbapi.IntegrityError)
        try:
            with connection.begin_nested():
                insert_encoded(connection, passports)
        except unique_violation:
            return False
        return True

    def add_readings(self, pk: int, readings: Iterable[Mapping[str, Any]]) -> None:
        batch = [{"passport_pk": pk, **r} for r in readings]
        if batch:
            self._uow.connection.execute(insert(_R), batch)

    def update(self, pk: int, **values: Any) -> None:
        self._uow.connection.execute(update(_P).where(_P.c.id == pk).values(**values))

    def list_visible(
        self, actor: Actor, *, cursor: str | None, limit: int, status: str | None = None
    ) -> Page[StoredPassport]:
        stmt = self.readable_by(actor)
        if status is not None:
            stmt = stmt.where(PassportRow.status == status)
        return fetch_page(self.session, stmt, PassportRow.id, to_domain=_passport, cursor=cursor, limit=limit)

    def iter_owned(self, owner_org_id: uuid.UUID, *, batch: int = 1000) -> Iterable[StoredPassport]:
        """Stream an owner's passports with their readings, in id order, a batch at a time (exports)."""
        conn = self._uow.connection
        after = 0
        while True:
            rows = list(
                conn.execute(
                    select(_P).where(_P.c.owner_org_id == owner_org_id, _P.c.id > after).order_by(_P.c.id).limit(batch)
                )
            )
            if not rows:
                return
            pks = [r.id for r in rows]
            readings: dict[int, dict[str, list[dict[str, Any]]]] = {}
            for pk, attribute, recorded_at, value in conn.execute(
                select(_R.c.passport_pk, _R.c.attribute, _R.c.recorded_at, _R.c.value)
                .where(_R.c.passport_pk.in_(pks))
                .order_by(_R.c.passport_pk, _R.c.attribute, _R.c.recorded_at, _R.c.id)
            ):
                readings.setdefault(pk, {}).setdefault(attribute, []).append(
                    {"value": value, "recorded_at": recorded_at}
                )
            for row in rows:
                yield _passport(row, readings.get(row.id, {}))
            after = rows[-1].id

    def count_by_owner(self, owner_org_id: uuid.UUID) -> int:
        return int(
            self._uow.connection.execute(
                select(func.count()).select_from(_P).where(_P.c.owner_org_id == owner_org_id)
            ).scalar_one()
        )

    # -- battery models --------------------------------------------------------------------------------------
    def add_model(self, model: BatteryModel) -> None:
        self.session.add(
            BatteryModelRow(
                id=model.id,
                owner_org_id=model.owner_org_id,
                code=model.code,
                name=model.name,
                category=model.category,
                chemistry=model.chemistry,
                attributes=model.attributes,
            )
        )
        self.session.flush()

    def get_model(self, model_id: uuid.UUID) -> BatteryModel | None:
        row = self.session.get(BatteryModelRow, model_id)
        return _model(row) if row else None

    def set_model_design(self, model_id: uuid.UUID, facts: dict[str, Any] | None, at: datetime) -> None:
        row = self.session.get(BatteryModelRow, model_id)
        if row is None:  # pragma: no cover - callers read the model first
            raise LookupError(model_id)
        row.design_facts = facts
        row.design_updated_at = at
        self.session.flush()

    def get_model_by_code(self, owner_org_id: uuid.UUID, code: str) -> BatteryModel | None:
        row = self.session.scalar(
            select(BatteryModelRow).where(BatteryModelRow.owner_org_id == owner_org_id, BatteryModelRow.code == code)
        )
        return _model(row) if row else None

    def list_models(
        self, owner_ids: Select[Any] | None, *, cursor: str | None, limit: int, with_design: bool = False
    ) -> Page[BatteryModel]:
        stmt = select(BatteryModelRow)
        if with_design:
            stmt = stmt.where(BatteryModelRow.design_facts.is_not(None))
        if owner_ids is not None:
            stmt = stmt.where(BatteryModelRow.owner_org_id.in_(owner_ids))
        return fetch_page(self.session, stmt, BatteryModelRow.id, to_domain=_model, cursor=cursor, limit=limit)

    # -- imports ---------------------------------------------------------------------------------------------
    def find_import(self, owner_org_id: uuid.UUID, idempotency_key: str) -> ImportRow | None:
        return self.session.scalar(
            select(ImportRow).where(
                ImportRow.owner_org_id == owner_org_id, ImportRow.idempotency_key == idempotency_key
            )
        )

    def add_import(self, row: ImportRow) -> None:
        self.session.add(row)
        self.session.flush()

"""Custody events and item states.

An event is readable by the organisation that recorded it, by the owner of any of its packs, and by those the
owners share their ``custody`` data with (consortium agreements, deny by default).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, Table, exists, or_, select

from batteryloop.domain.access import Actor
from batteryloop.domain.custody.events import ItemState, Phase
from batteryloop.domain.organization import DataCategory
from batteryloop.storage.access import readable_owner_ids
from batteryloop.storage.bulk import driver_params, param_marks
from batteryloop.storage.tables import (
    CustodyEventItemRow,
    CustodyEventRow,
    CustodyItemRow,
    PassportRow,
)

if TYPE_CHECKING:
    from batteryloop.storage.uow import UnitOfWork

_E: Table = CustodyEventRow.__table__  # type: ignore[assignment]
_EI: Table = CustodyEventItemRow.__table__  # type: ignore[assignment]
_I: Table = CustodyItemRow.__table__  # type: ignore[assignment]


class SqlCustodyRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    # -- writing ---------------------------------------------------------------------------------------------

    def states(self, passport_ids: Sequence[str]) -> dict[str, tuple[ItemState, uuid.UUID]]:
        """Current state and owner of each known item."""
        found: dict[str, tuple[ItemState, uuid.UUID]] = {}
        for start in range(0, len(passport_ids), 500):
            rows = self._uow.connection.execute(
                select(
                    _I.c.passport_id,
                    _I.c.phase,
                    _I.c.site,
                    _I.c.to_site,
                    _I.c.shipment_id,
                    _I.c.lot_id,
                    _I.c.owner_org_id,
                ).where(_I.c.passport_id.in_(passport_ids[start : start + 500]))
            )
            for pid, phase, site, to_site, shipment, lot, owner in rows:
                found[pid] = (ItemState(Phase(phase), site, to_site, shipment, lot), owner)
        return found

    def passport_owners(self, passport_ids: Sequence[str]) -> dict[str, uuid.UUID]:
        """Owners of the registered passports among ``passport_ids``."""
        found: dict[str, uuid.UUID] = {}
        for start in range(0, len(passport_ids), 500):
            rows = self._uow.connection.execute(
                select(PassportRow.passport_id, PassportRow.owner_org_id).where(
                    PassportRow.passport_id.in_(passport_ids[start : start + 500])
                )
            )
            found.update((pid, owner) for pid, owner in rows)
        return found

    def _executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        cursor = self._uow.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(sql, rows)
        finally:
            cursor.close()

    def _insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Insert rows in one driver call: SQLite ``executemany``, PostgreSQL ``COPY``."""
        if not rows:
            return
        dialect = self._uow.dialect
        if dialect == "sqlite":
            self._executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({param_marks(dialect, len(columns))})", rows
            )
            return
        cursor = self._uow.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        finally:
            cursor.close()

    def save_states(
        self, states: Mapping[str, tuple[ItemState, uuid.UUID, int, datetime]], *, new: Iterable[str]
    ) -> None:
        """Write item states (``(state, owner, last leaf index, last event time)``); ``new`` names the items seen
        the first time."""
        fresh = set(new)
        dialect = self._uow.dialect
        rows = [
            (s.phase.value, s.site, s.to_site, s.shipment_id, s.lot_id, leaf, at, owner, pid)
            for pid, (s, owner, leaf, at) in states.items()
        ]
        columns = (
            "phase",
            "site",
            "to_site",
            "shipment_id",
            "lot_id",
            "last_leaf_index",
            "last_occurred_at",
            "owner_org_id",
            "passport_id",
        )
        self._insert(
            "custody_items", columns, driver_params(dialect, [r for r in rows if r[8] in fresh], times=[6], uuids=[7])
        )
        changed = driver_params(dialect, [r for r in rows if r[8] not in fresh], times=[6], uuids=[7])
        if not changed:
            return
        if dialect == "sqlite":
            assignments = ", ".join(f"{c} = ?" for c in columns[:8])
            self._executemany(f"UPDATE custody_items SET {assignments} WHERE passport_id = ?", changed)
            return
        # PostgreSQL: stage the new states with COPY, then one UPDATE ... FROM (executemany of UPDATEs is slow)
        self._uow.connection.exec_driver_sql(
            "CREATE TEMP TABLE IF NOT EXISTS custody_items_stage (LIKE custody_items) ON COMMIT DROP"
        )
        self._insert("custody_items_stage", columns, changed)
        assignments = ", ".join(f"{c} = s.{c}" for c in columns[:8])
        self._uow.connection.exec_driver_sql(
            f"UPDATE custody_items AS t SET {assignments} FROM custody_items_stage AS s "
            "WHERE t.passport_id = s.passport_id"
        )
        self._uow.connection.exec_driver_sql("DELETE FROM custody_items_stage")

    def last_times(self, passport_ids: Sequence[str]) -> dict[str, datetime]:
        """When each known item's newest custody event happened."""
        found: dict[str, datetime] = {}
        for start in range(0, len(passport_ids), 500):
            rows = self._uow.connection.execute(
                select(_I.c.passport_id, _I.c.last_occurred_at).where(
                    _I.c.passport_id.in_(passport_ids[start : start + 500])
                )
            )
            found.update((pid, at) for pid, at in rows if at is not None)
        return found

    def add_events(self, events: Sequence[Mapping[str, Any]], items: Sequence[tuple[int, str]]) -> None:
        """Insert event index rows (custody_events columns) and their items ``(leaf_index, passport_id)``."""
        dialect = self._uow.dialect
        columns = ("leaf_index", "kind", "occurred_at", "site", "org_id", "shipment_id", "commercial", "salt")
        rows = driver_params(dialect, ([e[c] for c in columns] for e in events), times=[2], uuids=[4], json_columns=[6])
        self._insert("custody_events", columns, rows)
        self._insert("custody_event_items", ("leaf_index", "passport_id"), list(items))

    # -- reading ---------------------------------------------------------------------------------------------

    def _readable(self, actor: Actor) -> Any:
        owners = readable_owner_ids(actor, DataCategory.CUSTODY)
        own_pack = exists(
            select(_EI.c.leaf_index)
            .join(_I, _I.c.passport_id == _EI.c.passport_id)
            .where(_EI.c.leaf_index == _E.c.leaf_index, _I.c.owner_org_id.in_(owners))
        )
        if actor.org_id is None:
            return own_pack
        return or_(_E.c.org_id == actor.org_id, own_pack)

    def _events(self, actor: Actor) -> Select[Any]:
        stmt = select(_E.c.leaf_index, _E.c.kind, _E.c.org_id, _E.c.commercial, _E.c.salt)
        return stmt if actor.system else stmt.where(self._readable(actor))

    def _with_entries(self, rows: Any) -> list[tuple[int, str, uuid.UUID, bytes, Any, bytes | None]]:
        """``(leaf index, kind, recording org, entry, commercial details, commitment salt)`` per event."""
        found = [(int(i), k, o, c, None if s is None else bytes(s)) for i, k, o, c, s in rows]
        entries = self._uow.log.entries_at(row[0] for row in found)
        return [(i, k, o, entries[i], c, s) for i, k, o, c, s in found]

    def timeline(self, actor: Actor, passport_id: str) -> list[tuple[int, str, uuid.UUID, bytes, Any, bytes | None]]:
        """The readable events of one item, oldest first, with their log entries."""
        stmt = self._events(actor).where(
            _E.c.leaf_index.in_(select(_EI.c.leaf_index).where(_EI.c.passport_id == passport_id))
        )
        return self._with_entries(self._uow.connection.execute(stmt.order_by(_E.c.leaf_index)))

    def event(self, actor: Actor, leaf_index: int) -> tuple[int, str, uuid.UUID, bytes, Any, bytes | None] | None:
        found = self._with_entries(
            self._uow.connection.execute(self._events(actor).where(_E.c.leaf_index == leaf_index))
        )
        return found[0] if found else None

    def item(self, passport_id: str) -> tuple[ItemState, uuid.UUID] | None:
        return self.states([passport_id]).get(passport_id)

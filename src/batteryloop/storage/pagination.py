from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute, Session

from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.pagination import Page, check_page_size, decode_cursor, encode_cursor

T = TypeVar("T")


def fetch_page(
    session: Session,
    stmt: Select[Any],
    key: InstrumentedAttribute[Any],
    *,
    to_domain: Callable[[Any], T],
    cursor: str | None,
    limit: int,
    descending: bool = False,
) -> Page[T]:
    """Run ``stmt`` ordered by the unique column ``key`` and cut one page after ``cursor``."""
    check_page_size(limit)
    if cursor is not None:
        after: Any = decode_cursor(cursor)
        if key.type.python_type is uuid.UUID:
            try:
                after = uuid.UUID(str(after))
            except ValueError:
                raise InvalidInputError("is not a cursor this server issued", field="cursor") from None
        elif not isinstance(after, int):
            raise InvalidInputError("is not a cursor this server issued", field="cursor")
        stmt = stmt.where(key < after if descending else key > after)
    stmt = stmt.order_by(key.desc() if descending else key).limit(limit + 1)
    rows = list(session.scalars(stmt))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more:
        last = getattr(rows[-1], key.key)
        next_cursor = encode_cursor(str(last) if isinstance(last, uuid.UUID) else last)
    return Page(items=[to_domain(r) for r in rows], next_cursor=next_cursor)

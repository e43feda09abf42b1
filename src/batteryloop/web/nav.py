"""The navigation registry: pages of later capabilities append a :class:`NavItem` and appear in the header.

A capability that adds pages registers them once, at import of its routes module::

    from batteryloop.web.nav import NavItem, register

    register(NavItem("Passports", "/passports", order=20))

and adds its router to ``PAGE_ROUTERS`` in :mod:`batteryloop.web.app`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from batteryloop.domain.access import Actor


def _everyone(_actor: Actor) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class NavItem:
    """One entry of the header navigation.

    ``visible`` decides per signed-in actor whether the entry shows (e.g. audit pages for auditors only);
    ``order`` sorts the entries (lower first).
    """

    label: str
    path: str
    order: int = 100
    visible: Callable[[Actor], bool] = _everyone

    def is_current(self, path: str) -> bool:
        if self.path == "/":
            return path == "/"
        return path == self.path or path.startswith(self.path.rstrip("/") + "/")


#: The registry. Append through :func:`register` so that order and uniqueness hold.
NAV_ITEMS: list[NavItem] = []


def register(item: NavItem) -> NavItem:
    """Add ``item`` to the navigation (idempotent for the same path)."""
    for index, existing in enumerate(NAV_ITEMS):
        if existing.path == item.path:
            NAV_ITEMS[index] = item
            break
    else:
        NAV_ITEMS.append(item)
    NAV_ITEMS.sort(key=lambda entry: (entry.order, entry.label))
    return item


@dataclass(frozen=True, slots=True)
class NavLink:
    label: str
    path: str
    current: bool


def nav_for(actor: Actor, path: str) -> list[NavLink]:
    """The entries ``actor`` sees, with the one for ``path`` marked current."""
    return [NavLink(i.label, i.path, i.is_current(path)) for i in NAV_ITEMS if i.visible(actor)]


register(NavItem("Consortium", "/", order=0))

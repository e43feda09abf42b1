"""Battery passports on the web: the passport page a QR code resolves to, and the organisation's passport list.

``/p/{passport_id}`` is open to everyone: an anonymous visitor is served the public attributes; a signed-in member
is served the level its organisation holds for that passport (owner, authority, legitimate interest as shared, or
public). The page shows only what :func:`batteryloop.services.passport.read_passport` returns for that reader, so
restricted values never reach the HTML of a lower level. ``/passports`` lists the passports of the viewer's
organisation and those shared with it.

Values are formatted for people here (fractions as percentages with one decimal, units from the registry's stored
unit, lists of materials or documents as tables); the stored data keeps its units.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import Query
from starlette.requests import Request
from starlette.responses import Response

from batteryloop.domain.chemistry import get_chemistry
from batteryloop.domain.errors import DomainError, NotFoundError
from batteryloop.domain.passport.access import ServedLevel
from batteryloop.domain.passport.attributes import AccessLevel, Attribute, get_attributes
from batteryloop.domain.passport.lifecycle import TARGETS
from batteryloop.services import organization as organization_service
from batteryloop.services import passport as passport_service
from batteryloop.services.qr import passport_url
from batteryloop.storage.uow import UnitOfWork
from batteryloop.web.errors import PageError, SignInRequired
from batteryloop.web.pages import Pages
from batteryloop.web.session import KEY_ID, CurrentViewer, PageUow, Viewer, current_viewer, get_platform, signin_url
from batteryloop.web.templating import render

pages = Pages()

PAGE_SIZE = 50
NBSP = "\u00a0"

# -- labels ----------------------------------------------------------------------------------------------------

STATUS_LABELS: dict[str, str] = {
    "original": "Original",
    "re-used": "Re-used",
    "repurposed": "Repurposed",
    "remanufactured": "Remanufactured",
    "waste": "Waste",
    "recycled": "Recycled",
}
BATTERY_CATEGORY_LABELS: dict[str, str] = {
    "ev": "Electric vehicle battery",
    "lmt": "Light means of transport battery",
    "industrial": "Industrial battery",
    "stationary": "Stationary energy storage battery",
}
LEVEL_LABELS: dict[ServedLevel, str] = {
    ServedLevel.PUBLIC: "Public",
    ServedLevel.LEGITIMATE_INTEREST: "Legitimate interest",
    ServedLevel.AUTHORITY: "Authority",
    ServedLevel.COMMISSION: "European Commission",
    ServedLevel.OWNER: "Owner",
}
ACCESS_LABELS: dict[AccessLevel, str] = {
    AccessLevel.PUBLIC: "Public",
    AccessLevel.LEGITIMATE_INTEREST: "Legitimate interest",
    AccessLevel.LEGITIMATE_INTEREST_AND_COMMISSION: "Legitimate interest and Commission",
    AccessLevel.AUTHORITY: "Authorities",
}
#: The longlist's categories as section titles (the data file's names are longer).
SECTION_TITLES: dict[str, str] = {
    "Identifiers and product data": "Identifiers and product data",
    "Symbols, labels and documentation of conformity": "Symbols, labels and conformity",
    "Battery carbon footprint": "Carbon footprint",
    "Supply chain due diligence": "Supply chain due diligence",
    "Battery materials and composition": "Materials and composition",
    "Circularity and resource efficiency": "Circularity and resource efficiency",
    "Performance and durability": "Performance and durability",
}
#: Words that read better than their snake_case codes.
WORDS: dict[str, str] = {
    "bms": "BMS",
    "model_3d": "3D model",
    "ev": "EV",
    "lmt": "LMT",
    "second_life_operator": "second-life operator",
}
UNITS: dict[str, str] = {"ohm": "Ω", "kg CO2e/kWh": "kg CO₂e/kWh", "t CO2e": "t CO₂e"}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, humanize(status))


def status_slug(status: str) -> str:
    """A CSS-safe name of a status (``re-used`` -> ``reused``)."""
    return "".join(ch for ch in status.lower() if ch.isalnum()) or "unknown"


def category_label(category: str | None) -> str:
    if not category:
        return "Not stated"
    return BATTERY_CATEGORY_LABELS.get(category, humanize(category))


def chemistry_label(code: str | None) -> str:
    if not code:
        return "Not stated"
    try:
        return f"{code} · {get_chemistry(code).name}"
    except DomainError:
        return code


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def humanize(code: object) -> str:
    """``separate_collection`` -> ``Separate collection``, ``AcuteToxicity`` -> ``Acute toxicity``; known codes
    read as words (``bms`` -> ``BMS``)."""
    text = str(code)
    if text in WORDS:
        word = WORDS[text]
        return word[:1].upper() + word[1:]
    if "_" not in text and " " not in text and _CAMEL.search(text):
        text = _CAMEL.sub(" ", text).lower()
    words = text.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def sentence(text: str) -> str:
    """A reason as a sentence: capitalised, ending in a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def role_words(roles: Sequence[str]) -> str:
    names = [WORDS.get(r, r.replace("_", " ")) for r in roles]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# -- values as people read them ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    """One piece of a value: text, optionally a link (http(s) only), optionally set in monospace."""

    text: str
    href: str | None = None
    mono: bool = False
    numeric: bool = False


@dataclass(frozen=True, slots=True)
class Shown:
    """A value ready for the template. ``kind`` says which fields are used:

    ``value`` (``cells``, side by side), ``text`` (``cells[0]`` as a paragraph), ``list`` (``cells`` as a list),
    ``pairs`` (``pairs``: label and cell) and ``table`` (``columns``, ``rows`` and an optional ``total`` row).
    """

    kind: str
    cells: tuple[Cell, ...] = ()
    pairs: tuple[tuple[str, Cell], ...] = ()
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Cell, ...], ...] = ()
    total: tuple[Cell, ...] = ()

    @property
    def wide(self) -> bool:
        """Tables of four or more columns take the full width of the section, below the attribute's name."""
        return self.kind == "table" and len(self.columns) >= 4


def _value(*cells: Cell) -> Shown:
    return Shown("value", cells=cells)


def _text(text: str, **kwargs: Any) -> Shown:
    return _value(Cell(text, **kwargs))


def safe_href(url: object) -> str | None:
    """The URL if it is an absolute http(s) URL (never ``javascript:`` and the like), else None."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def link(url: object, text: str | None = None) -> Cell:
    return Cell(text or str(url), href=safe_href(url))


def number(value: object) -> str:
    """A number for people: thousands separated, trailing zeros dropped, small values to four significant digits."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        text = f"{value:,}"
    elif not math.isfinite(value):
        text = str(value)
    elif value == int(value) and abs(value) < 1e15:
        text = f"{int(value):,}"
    elif abs(value) >= 0.01:
        text = f"{value:,.4f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:.4g}"
    return text.replace("-", "\u2212", 1) if text.startswith("-") else text  # a true minus sign


def percent(value: object) -> str:
    """A fraction as a percentage with one decimal (presentation only: the stored value stays a fraction)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return f"{value * 100:.1f}{NBSP}%"


def with_unit(value: object, stored_unit: str) -> str:
    text = number(value)
    if stored_unit in ("", "-"):
        return text
    return f"{text}{NBSP}{UNITS.get(stored_unit, stored_unit)}"


def parse_moment(raw: object) -> datetime | None:
    if isinstance(raw, datetime):
        return raw
    if not isinstance(raw, str):
        return None
    try:
        return datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def day(raw: object) -> str:
    """``2026-01-02T10:00:00Z`` -> ``2 Jan 2026``."""
    moment = parse_moment(raw)
    return f"{moment.day} {moment:%b %Y}" if moment else str(raw)


def moment_text(raw: object) -> str:
    """A date-time to the minute, ``2 Jan 2026, 10:00 UTC`` (other zones keep their offset)."""
    moment = parse_moment(raw)
    if moment is None:
        return str(raw)
    offset = moment.utcoffset()
    zone = "" if offset is None else " UTC" if not offset else f" {moment:%z}"
    return f"{moment.day} {moment:%b %Y}, {moment:%H:%M}{zone}"


def year_month(raw: object) -> str:
    try:
        return datetime.strptime(str(raw)[:7], "%Y-%m").strftime("%B %Y")
    except ValueError:
        return str(raw)


def months(value: object) -> str:
    if not isinstance(value, int) or isinstance(value, bool):
        return str(value)
    text = f"{value:,} month{'' if value == 1 else 's'}"
    if value >= 12 and value % 12 == 0:
        years = value // 12
        text += f" ({years} year{'' if years == 1 else 's'})"
    return text


def _pairs(data: Mapping[str, Any], fields: Sequence[tuple[str, str]]) -> Shown:
    pairs: list[tuple[str, Cell]] = []
    for key, label in fields:
        value = data.get(key)
        if value in (None, ""):
            continue
        if key == "web":
            pairs.append((label, link(value)))
        elif key == "email":
            pairs.append((label, Cell(str(value), href=f"mailto:{value}" if "@" in str(value) else None)))
        elif key == "identifier":
            pairs.append((label, Cell(str(value), mono=True)))
        else:
            pairs.append((label, Cell(str(value))))
    return Shown("pairs", pairs=tuple(pairs))


def address_line(data: Mapping[str, Any]) -> str:
    town = " ".join(str(data[k]) for k in ("postal_code", "city") if data.get(k))
    return ", ".join(p for p in (str(data.get("street") or ""), town, str(data.get("country") or "")) if p)


def _blank(cell: Cell) -> bool:
    return cell.href is None and cell.text in ("", "—")


def _table(columns: Sequence[str], rows: Sequence[Sequence[Cell]], total: Sequence[Cell] = ()) -> Shown:
    """A table of records; a column that is empty in every row (e.g. no symbol given anywhere) is left out."""
    keep = [i for i in range(len(columns)) if not rows or not all(_blank(row[i]) for row in rows)]
    return Shown(
        "table",
        columns=tuple(columns[i] for i in keep),
        rows=tuple(tuple(row[i] for i in keep) for row in rows),
        total=tuple(total[i] for i in keep) if total else (),
    )


def _cas(item: Mapping[str, Any]) -> Cell:
    return Cell(str(item["cas"]), mono=True) if item.get("cas") else Cell("—")


def _parts(parts: object) -> str:
    if not isinstance(parts, list):
        return ""
    return ", ".join(f"{p.get('part_name', '')} ({p.get('part_number', '')})" for p in parts if isinstance(p, dict))


def _materials(items: list[dict[str, Any]]) -> Shown:
    rows = [
        (
            Cell(str(m.get("name", ""))),
            Cell(humanize(m.get("component", ""))),
            _cas(m),
            Cell(with_unit(m.get("mass_kg"), "kg"), numeric=True),
            Cell("Yes" if m.get("critical_raw_material") else "No"),
        )
        for m in items
    ]
    masses = [m.get("mass_kg") for m in items]
    numbers = [float(x) for x in masses if isinstance(x, int | float) and not isinstance(x, bool)]
    total: list[Cell] = []
    if len(items) > 1 and len(numbers) == len(items):
        total = [Cell("Total"), Cell(""), Cell(""), Cell(with_unit(sum(numbers), "kg"), numeric=True), Cell("")]
    return _table(("Material", "Component", "CAS number", "Mass", "Critical raw material"), rows, total)


def _hazardous(items: list[dict[str, Any]]) -> Shown:
    rows = [
        (
            Cell(str(h.get("name", ""))),
            _cas(h),
            Cell(humanize(h.get("hazard_class", ""))),
            Cell(percent(h.get("concentration_share")), numeric=True),
            Cell(", ".join(str(i) for i in h.get("impacts") or []) or "—"),
            Cell(humanize(h.get("component", ""))),
        )
        for h in items
    ]
    return _table(("Substance", "CAS number", "Hazard class", "Concentration", "Impacts", "Component"), rows)


def _spare_parts(items: list[dict[str, Any]]) -> Shown:
    rows = []
    for s in items:
        contact = [c for c in (str(s.get("address") or ""), str(s.get("email") or "")) if c]
        web = safe_href(s.get("web"))
        rows.append(
            (
                Cell(str(s.get("supplier", ""))),
                Cell(" · ".join(contact) or ("" if web else "—")),
                Cell(str(s.get("web")), href=web) if web else Cell(""),
                Cell(_parts(s.get("parts"))),
            )
        )
    return _table(("Supplier", "Contact", "Web", "Parts"), rows)


#: value_type -> how a list of records reads as a table.
TABLES: dict[str, Callable[[list[dict[str, Any]]], Shown]] = {
    "labels": lambda items: _table(
        ("Subject", "Meaning", "Symbol"),
        [
            (
                Cell(humanize(x.get("subject", ""))),
                Cell(str(x.get("meaning", ""))),
                link(x["symbol_url"], "View symbol") if x.get("symbol_url") else Cell("—"),
            )
            for x in items
        ],
    ),
    "materials": _materials,
    "hazardous_substances": _hazardous,
    "documents": lambda items: _table(
        ("Document", "Link", "Format"),
        [(Cell(humanize(d.get("type", ""))), link(d.get("url")), Cell(str(d.get("mime_type") or "—"))) for d in items],
    ),
    "part_numbers": lambda items: _table(
        ("Part", "Part number"),
        [(Cell(str(p.get("part_name", ""))), Cell(str(p.get("part_number", "")), mono=True)) for p in items],
    ),
    "spare_part_sources": _spare_parts,
    "resistances": lambda items: _table(
        ("Component", "Internal resistance"),
        [(Cell(humanize(r.get("component", ""))), Cell(with_unit(r.get("ohm"), "ohm"), numeric=True)) for r in items],
    ),
    "resistance_increases": lambda items: _table(
        ("Component", "Increase"),
        [(Cell(humanize(r.get("component", ""))), Cell(percent(r.get("rate")), numeric=True)) for r in items],
    ),
    "events": lambda items: _table(
        ("Event", "When"),
        [
            (Cell(str(e.get("description", ""))), Cell(moment_text(e["occurred_at"]) if e.get("occurred_at") else "—"))
            for e in items
        ],
    ),
}


def show(attribute: Attribute, value: Any) -> Shown:
    """One (static) value of ``attribute`` as people read it."""
    kind = attribute.base_type
    if kind == "fraction":
        text = percent(value)
        return _text(text + (" per month" if attribute.stored_unit.endswith("/month") else ""), numeric=True)
    if kind in ("decimal", "integer"):
        return _text(with_unit(value, attribute.stored_unit), numeric=True)
    if kind == "integer_months":
        return _text(months(value))
    if kind == "year_month":
        return _text(year_month(value))
    if kind == "url":
        return _value(link(value))
    if kind == "text":
        return Shown("text", cells=(Cell(str(value)),))
    if (kind in TABLES or kind == "string_list") and not isinstance(value, list):
        raise TypeError(f"{attribute.key}: expected a list")
    if kind == "string_list":
        return Shown("list", cells=tuple(Cell(str(v)) for v in value)) if value else _text("None declared")
    if kind == "enum":
        if attribute.key == "battery_category":
            return _text(category_label(str(value)))
        if attribute.key == "battery_status":
            return _text(status_label(str(value)))
        return _text(humanize(value))
    if kind == "passport_id":
        return _text(str(value), mono=True)
    if kind == "contact":
        return _pairs(
            value,
            (
                ("name", "Name"),
                ("identifier", "Identifier"),
                ("street", "Street"),
                ("postal_code", "Postal code"),
                ("country", "Country"),
                ("email", "Email"),
                ("web", "Web"),
            ),
        )
    if kind == "address":
        return _text(address_line(value))
    if kind == "chemistry":
        code = str(value.get("code", ""))
        label = chemistry_label(code)
        if value.get("name") and str(value["name"]) not in label:
            label += f" ({value['name']})"
        return _text(label)
    if kind in TABLES:
        if not value:
            return _text("None declared")
        return TABLES[kind]([v for v in value if isinstance(v, dict)])
    return _text(str(value))


def fallback(value: Any) -> Shown:
    """A value whose shape the page does not know, shown as compact JSON rather than failing the page."""
    return _text(json.dumps(value, ensure_ascii=False, default=str, sort_keys=True), mono=True)


@dataclass(frozen=True, slots=True)
class AttributeRow:
    key: str
    number: int
    name: str
    access: AccessLevel
    access_label: str
    restricted: bool
    shown: Shown
    readings: int = 0
    last_reading: str = ""
    last_reading_at: str = ""


@dataclass
class Section:
    slug: str
    title: str
    rows: list[AttributeRow] = field(default_factory=list)


def attribute_row(attribute: Attribute, value: Any) -> AttributeRow:
    readings = 0
    last, last_at = "", ""
    try:
        if attribute.is_dynamic and isinstance(value, list):
            series = [r for r in value if isinstance(r, dict) and "value" in r]
            readings = len(series)
            if series:
                latest = max(series, key=lambda r: parse_moment(r.get("recorded_at")) or datetime.min)
                last_at = str(latest.get("recorded_at", ""))
                last = day(last_at)
                value = latest["value"]
        shown = show(attribute, value)
    except (TypeError, ValueError, KeyError, AttributeError):
        shown = fallback(value)
    return AttributeRow(
        key=attribute.key,
        number=attribute.number,
        name=attribute.name,
        access=attribute.access,
        access_label=ACCESS_LABELS[attribute.access],
        restricted=attribute.access is not AccessLevel.PUBLIC,
        shown=shown,
        readings=readings,
        last_reading=last,
        last_reading_at=last_at,
    )


def sections(attributes: Mapping[str, Any]) -> list[Section]:
    """The attributes given, grouped by the longlist's categories in longlist order (empty sections left out)."""
    grouped: dict[str, Section] = {}
    for key, attribute in get_attributes().items():
        section = grouped.get(attribute.category)
        if section is None:
            title = SECTION_TITLES.get(attribute.category, attribute.category)
            slug = "section-" + "-".join("".join(c for c in w if c.isalnum()) for w in title.lower().split())
            section = grouped[attribute.category] = Section(slug=slug, title=title)
        if key in attributes:
            section.rows.append(attribute_row(attribute, attributes[key]))
    return [s for s in grouped.values() if s.rows]


# -- the passport page -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MissingAttribute:
    number: int
    name: str
    key: str


@dataclass(frozen=True, slots=True)
class Completeness:
    mandatory: int
    present: int
    share_text: str
    share_percent: float
    category: str
    missing: list[MissingAttribute]


def completeness(report: Any) -> Completeness:
    data = passport_service.completeness_dict(report)
    return Completeness(
        mandatory=data["mandatory"],
        present=data["present"],
        share_text=percent(data["complete_share"]),
        share_percent=round(data["complete_share"] * 100, 1),
        category=category_label(data["category"]),
        missing=[MissingAttribute(m["number"], m["name"], m["key"]) for m in data["missing"]],
    )


def passport_path(passport_id: str) -> str:
    return "/p/" + quote(passport_id, safe=":")


def custody_path(passport_id: str) -> str:
    """The pack's custody timeline page (signed-in members; web/routes/custody.py)."""
    return "/custody/" + quote(passport_id, safe=":")


def viewer_if_signed_in(request: Request, uow: UnitOfWork) -> Viewer | None:
    """The signed-in viewer on this request's unit of work, or None for a visitor (never a redirect)."""
    if "session" not in request.scope or KEY_ID not in request.session:
        return None
    try:
        return current_viewer(request, uow)
    except SignInRequired:  # a revoked or expired key: signed out, served as a visitor
        return None


@pages.get("/p/{passport_id}", name="web.passport")
def passport_page(request: Request, uow: PageUow, passport_id: str) -> Response:
    viewer = viewer_if_signed_in(request, uow)
    actor = viewer.actor if viewer is not None else None
    try:
        read = passport_service.read_passport(uow, actor, passport_id, completeness=True)
    except NotFoundError:
        return render(
            request,
            "passport_not_found.html",
            status_code=404,
            title="Passport not found",
            passport_id=passport_id[:200],
        )
    if actor is not None:
        uow.commit()  # restricted reads are audited
    root = request.scope.get("root_path", "")
    api_path = f"{root}/v1/passports/{quote(read.passport_id, safe=':')}"
    return render(
        request,
        "passport.html",
        title=f"Battery passport {read.battery_id}",
        passport=read,
        status_text=status_label(read.status),
        status_class=status_slug(read.status),
        category_text=category_label(read.category),
        chemistry_text=chemistry_label(read.chemistry),
        level_text=LEVEL_LABELS.get(read.served_level, humanize(read.served_level)),
        level_slug=str(read.served_level).replace("_", "-"),
        roles_text=role_words(read.roles),
        reasons=[sentence(r) for r in read.reasons],
        sections=sections(read.attributes),
        shown_count=len(read.attributes),
        completeness=completeness(read.completeness) if read.completeness is not None else None,
        qr_svg=f"{api_path}/qr.svg",
        qr_png=f"{api_path}/qr.png",
        public_url=passport_url(get_platform(request).settings.base_url, read.passport_id),
        predecessor_href=passport_path(read.predecessor_passport_id) if read.predecessor_passport_id else None,
        successor_href=passport_path(read.successor_passport_id) if read.successor_passport_id else None,
        signin_href=signin_url(passport_path(read.passport_id)),
        custody_href=custody_path(read.passport_id) if viewer is not None else None,
    )


# -- the passport list -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatusFilter:
    status: str | None
    label: str
    count: int
    href: str
    current: bool


@dataclass(frozen=True, slots=True)
class ListedPassport:
    passport_id: str
    href: str
    battery_id: str
    category: str
    chemistry: str
    status: str
    status_text: str
    status_class: str
    held_by: str
    own: bool
    updated: str
    updated_at: str


def list_href(status: str | None, cursor: str | None = None) -> str:
    query = {k: v for k, v in (("status", status), ("cursor", cursor)) if v}
    return "/passports" + (f"?{urlencode(query)}" if query else "")


def owner_names(uow: UnitOfWork, viewer: Viewer, owner_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    names = {viewer.organization.id: viewer.organization.name}
    for org_id in owner_ids - set(names):
        try:
            names[org_id] = organization_service.get_organization(uow, viewer.actor, org_id).name
        except NotFoundError:
            names[org_id] = "Another member"
    return names


StatusQuery = Annotated[str | None, Query(max_length=40)]
CursorQuery = Annotated[str | None, Query(max_length=200)]


@pages.get("/passports", name="web.passports")
def passports_page(
    request: Request, viewer: CurrentViewer, uow: PageUow, status: StatusQuery = None, cursor: CursorQuery = None
) -> Response:
    status = status or None
    if status is not None and status not in TARGETS:
        known = ", ".join(status_label(s) for s in TARGETS)
        raise PageError(422, f"There is no status {status!r}. Filter by one of: {known}.", title="Unknown status")
    page = passport_service.list_passports(uow, viewer.actor, cursor=cursor or None, limit=PAGE_SIZE, status=status)
    counts = passport_service.count_passports_by_status(uow, viewer.actor)
    extra = sorted(s for s in counts if s not in TARGETS)  # statuses the lifecycle does not know (old data)
    filters = [StatusFilter(None, "All", sum(counts.values()), list_href(None), status is None)]
    filters += [
        StatusFilter(s, status_label(s), counts.get(s, 0), list_href(s), status == s) for s in (*TARGETS, *extra)
    ]
    names = owner_names(uow, viewer, {p.owner_org_id for p in page.items})
    items = [
        ListedPassport(
            passport_id=p.passport_id,
            href=passport_path(p.passport_id),
            battery_id=p.battery_id,
            category=category_label(p.category),
            chemistry=p.chemistry or "—",
            status=p.status,
            status_text=status_label(p.status),
            status_class=status_slug(p.status),
            held_by=names.get(p.owner_org_id, "Another member"),
            own=p.owner_org_id == viewer.organization.id,
            updated=day(p.updated_at),
            updated_at=p.updated_at.isoformat(),
        )
        for p in page.items
    ]
    return render(
        request,
        "passports.html",
        title="Passports",
        items=items,
        filters=filters,
        status=status,
        status_text=status_label(status) if status else None,
        total=sum(counts.values()),
        filtered_total=counts.get(status, 0) if status else sum(counts.values()),
        next_href=list_href(status, page.next_cursor) if page.next_cursor else None,
        first_href=list_href(status) if cursor else None,
        page_size=PAGE_SIZE,
    )

"""A small Sankey layout for mass flows, drawn as inline SVG on the server (no script: the pages' CSP allows none).

Nodes sit in columns; a node's height is proportional to the larger of its inflow and outflow; links are filled
bands (cubic Bézier edges) whose width is the flow. Flows leave a node top to bottom in the order given and arrive
the same way, so bands do not cross inside a node.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Node:
    key: str
    label: str
    column: int
    kind: str = "flow"  # css class suffix: input, facility, recycled, intermediate, loss, ...


@dataclass(frozen=True, slots=True)
class Link:
    source: str
    target: str
    value: float
    kind: str = "flow"


@dataclass(slots=True)
class PlacedNode:
    key: str
    label: str
    kind: str
    value: float
    x: float
    y: float
    height: float
    label_x: float = 0.0
    label_y: float = 0.0
    anchor: str = "start"
    inner: bool = False  # an inner column's node: labelled above, without its mass


@dataclass(frozen=True, slots=True)
class PlacedLink:
    path: str
    kind: str
    value: float
    title: str


@dataclass(frozen=True, slots=True)
class Sankey:
    nodes: list[PlacedNode]
    links: list[PlacedLink]
    width: int
    height: int
    description: str
    node_width: int = field(default=14)


def layout(
    nodes: Sequence[Node], links: Sequence[Link], *, width: int = 980, height: int = 320, unit: str = "kg"
) -> Sankey:
    """Place ``nodes`` in their columns and draw ``links`` between them (values in ``unit``)."""
    links = [link for link in links if link.value > 0]
    inflow: dict[str, float] = {}
    outflow: dict[str, float] = {}
    for link in links:
        outflow[link.source] = outflow.get(link.source, 0.0) + link.value
        inflow[link.target] = inflow.get(link.target, 0.0) + link.value
    value = {n.key: max(inflow.get(n.key, 0.0), outflow.get(n.key, 0.0)) for n in nodes}
    shown = [n for n in nodes if value[n.key] > 0]
    columns = sorted({n.column for n in shown})
    if not shown:
        return Sankey([], [], width, height, "No mass flows to show.")
    pad, top, node_w, left, right = 10.0, 8.0, 14, 200.0, 330.0  # room for the labels either side
    usable = height - 2 * top
    per_column = {c: [n for n in shown if n.column == c] for c in columns}
    scale = min((usable - pad * (len(col) - 1)) / sum(value[n.key] for n in col) for col in per_column.values())
    span = max(1, len(columns) - 1)
    placed: dict[str, PlacedNode] = {}
    for i, c in enumerate(columns):
        x = left + (width - left - right - node_w) * i / span if len(columns) > 1 else width / 2
        y = top + (14 if 0 < i < len(columns) - 1 else 0)  # room for the labels above inner nodes
        for n in per_column[c]:
            h = max(1.0, value[n.key] * scale)
            first, last = i == 0, i == len(columns) - 1
            if first or last:  # outer columns: the label beside the node, outwards
                lx, ly, anchor = (x - 4, y + h / 2 + 4, "end") if first else (x + node_w + 4, y + h / 2 + 4, "start")
            else:  # inner columns (facilities): the label above the node
                lx, ly, anchor = x + node_w / 2, y - 3, "middle"
            placed[n.key] = PlacedNode(
                n.key,
                n.label,
                n.kind,
                value[n.key],
                round(x, 1),
                round(y, 1),
                round(h, 1),
                label_x=round(lx, 1),
                label_y=round(ly, 1),
                anchor=anchor,
                inner=not (first or last),
            )
            y += h + pad
    out_y = {k: p.y for k, p in placed.items()}
    in_y = {k: p.y for k, p in placed.items()}
    drawn = []
    for link in links:
        s, t = placed.get(link.source), placed.get(link.target)
        if s is None or t is None:
            continue
        w = link.value * scale
        x0, x1 = s.x + node_w, t.x
        y0, y1 = out_y[s.key], in_y[t.key]
        out_y[s.key] += w
        in_y[t.key] += w
        xm = (x0 + x1) / 2
        path = (
            f"M{x0:.1f},{y0:.1f} C{xm:.1f},{y0:.1f} {xm:.1f},{y1:.1f} {x1:.1f},{y1:.1f} "
            f"L{x1:.1f},{y1 + w:.1f} C{xm:.1f},{y1 + w:.1f} {xm:.1f},{y0 + w:.1f} {x0:.1f},{y0 + w:.1f} Z"
        )
        title = f"{s.label} → {t.label}: {link.value:,.1f} {unit}"
        drawn.append(PlacedLink(path, link.kind, link.value, title))
    described = "; ".join(link.title for link in drawn)
    return Sankey(list(placed.values()), drawn, width, height, f"Mass flows: {described}.", node_w)

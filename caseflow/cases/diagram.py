"""The workflow drawn from its definition as SVG, with the case's current state marked.

Layout: the states that lead somewhere stand in one row, in the definition's order; terminal states
stand on a second row, centred, so the moves that end a case fan out below. Forward moves arc above
the row, backward moves and loops below it."""
from __future__ import annotations

from markupsafe import Markup, escape

from caseflow.workflow.definition import SAME_STATE, WorkflowDefinition

BOX_W, BOX_H, GAP = 118, 40, 34
TOP = 110  # room above the row for forward arcs
ROW2 = TOP + BOX_H + 130
CURRENT_FILL, FILL, STROKE, EDGE, LIVE = "#0d6efd", "#f8f9fa", "#6c757d", "#adb5bd", "#198754"


def _layout(definition: WorkflowDefinition) -> dict[str, tuple[float, float]]:
    """The top-left corner of every state's box."""
    row = [s for s in definition.states if s not in definition.terminal]
    ends = [s for s in definition.states if s in definition.terminal]
    place = {s: (10 + i * (BOX_W + GAP), TOP) for i, s in enumerate(row)}
    row_width = len(row) * (BOX_W + GAP) - GAP
    first = 10 + (row_width - (len(ends) * (BOX_W + GAP) - GAP)) / 2
    place.update({s: (first + i * (BOX_W + GAP), ROW2) for i, s in enumerate(ends)})
    return place


def _label(x: float, y: float, text: str, colour: str, anchor: str = "middle") -> str:
    return f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="{anchor}" fill="{colour}" font-size="11">{escape(text)}</text>'


def _path(a: tuple[float, float], b: tuple[float, float], same: bool) -> tuple[str, float, float, str]:
    """The SVG path from box a to box b, where its label goes and how it is anchored."""
    (ax, ay), (bx, by) = a, b
    acx, bcx = ax + BOX_W / 2, bx + BOX_W / 2
    if same:  # a loop under the box's left half
        y = ay + BOX_H
        return f"M{ax + 14},{y} C{ax + 4},{y + 40} {ax + 54},{y + 40} {ax + 44},{y}", ax + 8, y + 30, "end"
    if by > ay:  # down to a terminal state: a straight line, labelled near its start
        sx, sy, ex, ey = acx + 10, ay + BOX_H, bcx + (acx - bcx) * 0.15, by
        return f"M{sx},{sy} L{ex:.0f},{ey}", sx + (ex - sx) * 0.18 + 4, sy + (ey - sy) * 0.18, "middle"
    if bx > ax:  # forward: an arc above, higher the further it goes
        lift = 10 + 28 * round((bx - ax) / (BOX_W + GAP))
        return (f"M{acx + 8},{ay} C{acx + 8},{ay - lift} {bcx - 8},{by - lift} {bcx - 8},{by}",
                (acx + bcx) / 2, ay - lift * 0.75 - 4, "middle")
    drop = 60 + 14 * round((ax - bx) / (BOX_W + GAP))  # backward: an arc below, under the others' labels
    y = ay + BOX_H
    path = f"M{acx - 8},{y} C{acx - 8},{y + drop} {bcx + 30},{y + drop} {bcx + 30},{y}"
    return path, (acx + bcx) / 2 + 10, y + drop * 0.75 + 12, "middle"


def _edge(a, b, label: str, same: bool, live: bool) -> str:
    colour, width = (LIVE, 2.5) if live else (EDGE, 1.5)
    path, lx, ly, anchor = _path(a, b, same)
    return (f'<g><title>{escape(label)}</title><path d="{path}" fill="none" stroke="{colour}" stroke-width="{width}" '
            f'marker-end="url(#{"arrow-live" if live else "arrow"})"/>{_label(lx, ly, label, colour if live else STROKE, anchor)}</g>')


def _box(x: float, y: float, name: str, label: str, current: bool) -> str:
    fill, ink, weight = (CURRENT_FILL, "#ffffff", "700") if current else (FILL, "#212529", "400")
    mark = ' aria-current="step"' if current else ""
    return (f'<g data-state="{escape(name)}"{mark}><rect x="{x:.0f}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" '
            f'fill="{fill}" stroke="{STROKE}"/><text x="{x + BOX_W / 2:.0f}" y="{y + 25}" text-anchor="middle" '
            f'fill="{ink}" font-weight="{weight}">{escape(label)}</text></g>')


def workflow_svg(definition: WorkflowDefinition, current: str | None, live: set[str] = frozenset()) -> Markup:
    """Draw every state and transition; mark `current` and the moves in `live` (the user's options now)."""
    place = _layout(definition)
    edges = [_edge(place[src], place[t.dest], t.label, src == t.dest, t.trigger in live and src == current)
             for t in definition.transitions.values() if t.sources and t.dest != SAME_STATE for src in t.sources]
    boxes = [_box(*place[name], name, label, name == current) for name, label in definition.states.items()]
    width = max(x for x, _ in place.values()) + BOX_W + 10
    height = max(y for _, y in place.values()) + BOX_H + 10
    markers = "".join(
        f'<marker id="{mid}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        for mid, colour in (("arrow", EDGE), ("arrow-live", LIVE)))
    title = f"The {definition.name} workflow; this case is {definition.states.get(current, current)}"
    return Markup(
        f'<svg class="workflow-diagram" role="img" aria-label="{escape(title)}" viewBox="0 0 {width:.0f} {height}" '
        f'width="{width:.0f}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f'<defs>{markers}</defs>{"".join(edges)}{"".join(boxes)}</svg>')

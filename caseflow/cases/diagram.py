"""The workflow drawn from its definition as SVG, with the case's current state marked."""
from __future__ import annotations

from markupsafe import Markup, escape

from caseflow.workflow.definition import WorkflowDefinition

BOX_W, BOX_H, GAP = 118, 40, 34
TOP = 150  # room above the boxes for forward arcs
CURRENT_FILL, FILL, STROKE, EDGE, LIVE = "#0d6efd", "#f8f9fa", "#6c757d", "#adb5bd", "#198754"


def _x(index: int) -> float:
    return 10 + index * (BOX_W + GAP)


def _edge(a: int, b: int, label: str, live: bool) -> str:
    """An arc from state a to state b: forward moves above the boxes, backward moves and loops below."""
    colour, width = (LIVE, 2.5) if live else (EDGE, 1.5)
    ax, bx = _x(a) + BOX_W / 2, _x(b) + BOX_W / 2
    if a == b:
        y = TOP + BOX_H
        path = f"M{ax - 20},{y} C{ax - 30},{y + 45} {ax + 30},{y + 45} {ax + 20},{y}"
        lx, ly = ax, y + 46
    elif b > a:
        lift = 22 + 24 * (b - a)
        path = f"M{ax + 8},{TOP} C{ax + 8},{TOP - lift} {bx - 8},{TOP - lift} {bx - 8},{TOP}"
        lx, ly = (ax + bx) / 2, TOP - lift * 0.75 - 3
    else:
        drop = 30 + 18 * (a - b)
        y = TOP + BOX_H
        path = f"M{ax - 8},{y} C{ax - 8},{y + drop} {bx + 8},{y + drop} {bx + 8},{y}"
        lx, ly = (ax + bx) / 2, y + drop * 0.75 + 12
    return (f'<g><title>{escape(label)}</title><path d="{path}" fill="none" stroke="{colour}" '
            f'stroke-width="{width}" marker-end="url(#{"arrow-live" if live else "arrow"})"/>'
            f'<text x="{lx:.0f}" y="{ly:.0f}" text-anchor="middle" fill="{colour if live else STROKE}" '
            f'font-size="11">{escape(label)}</text></g>')


def _box(i: int, name: str, label: str, current: bool) -> str:
    fill, ink, weight = (CURRENT_FILL, "#ffffff", "700") if current else (FILL, "#212529", "400")
    mark = ' aria-current="step"' if current else ""
    return (f'<g data-state="{escape(name)}"{mark}><rect x="{_x(i)}" y="{TOP}" width="{BOX_W}" height="{BOX_H}" rx="6" '
            f'fill="{fill}" stroke="{STROKE}"/><text x="{_x(i) + BOX_W / 2}" y="{TOP + 25}" text-anchor="middle" '
            f'fill="{ink}" font-weight="{weight}">{escape(label)}</text></g>')


def workflow_svg(definition: WorkflowDefinition, current: str | None, live: set[str] = frozenset()) -> Markup:
    """Draw every state and transition; mark `current` and the triggers in `live` (the user's options)."""
    order = {name: i for i, name in enumerate(definition.states)}
    edges = [_edge(order[src], order[t.dest], t.label, t.trigger in live and src == current)
             for t in definition.transitions.values() if t.sources for src in t.sources]
    boxes = [_box(i, name, label, name == current) for name, i in ((n, order[n]) for n in definition.states)
             for label in [definition.states[name]]]
    width = _x(len(order)) + 10
    height = TOP + BOX_H + 150
    markers = "".join(
        f'<marker id="{mid}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>' for mid, colour in (("arrow", EDGE), ("arrow-live", LIVE)))
    title = f"The {definition.name} workflow; this case is {definition.states.get(current, current)}"
    return Markup(
        f'<svg class="workflow-diagram" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f'<defs>{markers}</defs>{"".join(edges)}{"".join(boxes)}</svg>')

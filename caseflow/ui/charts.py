"""Charts drawn on the server as SVG: no JavaScript, no CDN, nothing for the CSP to allow."""
from __future__ import annotations

from markupsafe import Markup, escape

BAR = 22
GAP = 8
LABEL_WIDTH = 210
BAR_WIDTH = 360


def bar_chart(items: list[tuple[str, int]], title: str, colour: str = "#0d6efd") -> Markup:
    """A horizontal bar chart of (label, value) pairs, with its title for screen readers."""
    top = max((value for _, value in items), default=0) or 1
    height = len(items) * (BAR + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + 60
    rows = []
    for i, (label, value) in enumerate(items):
        y = GAP + i * (BAR + GAP)
        length = round(BAR_WIDTH * value / top)
        rows.append(
            f'<g><title>{escape(label)}: {value}</title>'
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR * 0.7:.0f}" text-anchor="end" fill="#212529">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(length, 1)}" height="{BAR}" rx="3" fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + BAR * 0.7:.0f}" fill="#212529">{value}</text></g>'
        )
    return Markup(
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        + "".join(rows) + "</svg>"
    )

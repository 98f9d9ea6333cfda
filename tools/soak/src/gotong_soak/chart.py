"""A small SVG chart of a soak: panels of time series, stacked, one polyline per series.

No plotting library: the report is read in a browser or a code review, and a few
polylines, axes and a legend are all it needs. Pure: series in, SVG text out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from gotong_soak.analysis import Point

__all__ = ["Panel", "nice_ceiling", "render_svg", "scale"]

WIDTH = 900
PANEL_HEIGHT = 220
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 60, 190, 28, 30
# Tableau 10, then greys: distinguishable, and enough for the 15 processes.
COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac", "#1f3b57", "#8c564b", "#17becf", "#7f7f7f",
           "#bcbd22", "#393b79")


@dataclass(frozen=True)
class Panel:
    title: str
    unit: str
    series: Mapping[str, Sequence[Point]]  # name -> (seconds, value)


def _text(value: str) -> str:
    """``value`` as XML character data: escaped, and without the characters XML 1.0 does
    not allow at all (control characters), which no escaping can carry."""
    allowed = "".join(c for c in value if c in "\t\n\r" or " " <= c <= "\ud7ff"
                      or "\ue000" <= c <= "\ufffd" or c >= "\U00010000")
    return escape(allowed)


def scale(value: float, lo: float, hi: float, out_lo: float, out_hi: float) -> float:
    """``value`` in [lo, hi] mapped linearly onto [out_lo, out_hi] (the middle when the
    range is empty, so a flat series is drawn, not divided by zero)."""
    if hi <= lo:
        return (out_lo + out_hi) / 2
    return out_lo + (value - lo) / (hi - lo) * (out_hi - out_lo)


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is >= ``value`` (> 0), for the top
    of an axis; 1 for nothing to show."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 5.0, 10.0):
        if step * power >= value * (1 - 1e-12):
            return step * power
    return 10.0 * power  # pragma: no cover - the loop always returns


def _bounds(panels: Sequence[Panel]) -> tuple[float, float]:
    times = [t for p in panels for pts in p.series.values() for t, _ in pts]
    return (min(times), max(times)) if times else (0.0, 1.0)


def _panel(panel: Panel, top: float, t_lo: float, t_hi: float) -> list[str]:
    x0, x1 = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    y0, y1 = top + PANEL_HEIGHT - MARGIN_BOTTOM, top + MARGIN_TOP  # y grows downwards
    values = [v for pts in panel.series.values() for _, v in pts]
    v_lo = min(0.0, min(values, default=0.0))
    v_hi = nice_ceiling(max(values, default=0.0) - v_lo) + v_lo
    out = [f'<text x="{x0}" y="{top + 18}" font-weight="bold">{_text(panel.title)}</text>',
           f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#333"/>',
           f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="#333"/>',
           f'<text x="{x0 - 6}" y="{y1 + 4}" text-anchor="end">{v_hi:g}</text>',
           f'<text x="{x0 - 6}" y="{y0 + 4}" text-anchor="end">{v_lo:g}</text>',
           f'<text x="{x0 - 6}" y="{(y0 + y1) / 2:.0f}" text-anchor="end">'
           f'{_text(panel.unit)}</text>',
           f'<text x="{x0}" y="{y0 + 18}">{t_lo / 60:.0f} min</text>',
           f'<text x="{x1}" y="{y0 + 18}" text-anchor="end">{t_hi / 60:.0f} min</text>']
    if v_lo < 0 < v_hi:
        y = scale(0.0, v_lo, v_hi, y0, y1)
        out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="#ccc"/>')
    for i, (name, points) in enumerate(sorted(panel.series.items())):
        colour = COLOURS[i % len(COLOURS)]
        coords = " ".join(f"{scale(t, t_lo, t_hi, x0, x1):.1f},{scale(v, v_lo, v_hi, y0, y1):.1f}"
                          for t, v in points)
        if coords:
            out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" '
                       f'points="{coords}"><title>{_text(name)}</title></polyline>')
        legend_y = y1 + 4 + i * 10
        out.append(f'<rect x="{x1 + 10}" y="{legend_y - 8}" width="10" height="3" '
                   f'fill="{colour}"/>')
        out.append(f'<text x="{x1 + 24}" y="{legend_y - 3}" font-size="9">{_text(name)}'
                   f'</text>')
    return out


def render_svg(panels: Sequence[Panel]) -> str:
    """The panels stacked over one shared time axis (seconds since the load started,
    labelled in minutes)."""
    t_lo, t_hi = _bounds(panels)
    height = PANEL_HEIGHT * max(1, len(panels))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="11">',
             f'<rect width="{WIDTH}" height="{height}" fill="white"/>']
    for i, panel in enumerate(panels):
        parts.extend(_panel(panel, i * PANEL_HEIGHT, t_lo, t_hi))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"

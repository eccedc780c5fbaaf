"""Charts drawn as inline SVG: a line chart (several series over labelled points)
and a bar chart (one value per label).

No script, no style sheet, no external resource: colours are presentation
attributes (``fill``, ``stroke``), which a strict ``style-src`` does not block.
Every text is escaped. Each chart is an ``<svg role="img">`` named by its
``<title>`` and ``<desc>`` (``aria-labelledby``), and every data point carries
``data-series``, ``data-label`` and ``data-value`` plus its own ``<title>``
(a tooltip, read by screen readers), so tests and people read the numbers,
not the pixels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 720
HEIGHT = 280
# Room for the y labels (left), the x labels (bottom) and the legend (top).
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 36, 44
MAX_X_LABELS = 12
MAX_Y_TICKS = 5
# Dark enough for 4.5:1 contrast on white.
PALETTE = ("#1f5fbf", "#b42318", "#8a4b00", "#067647", "#6f2dbd", "#1d2330")
# Each line also has its own dash pattern: lines on the same values stay visible,
# and they differ by more than colour.
DASHES = ("", "8 4", "3 3", "10 3 2 3", "1 3", "6 2")
AXIS = "#4b5563"
GRID = "#e3e6ea"


@dataclass(frozen=True)
class Series:
    """One named line: a value per label of the chart."""

    name: str
    values: Sequence[float]


def line_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    description: str = "",
) -> str:
    """An SVG line chart of ``series`` over ``labels`` (one point per label and series).

    Raises:
        ValueError: a series with another number of values than ``labels``, a
            negative or non-finite value, or no series at all.
    """
    if not series:
        raise ValueError("A line chart needs at least one series.")
    for s in series:
        _check_values(s.name, s.values, len(labels))
    top, step = _scale(max((v for s in series for v in s.values), default=0))
    xs = [_x(i, len(labels)) for i in range(len(labels))]
    last = len(labels) - 1
    anchors = [_anchor(i, last) for i in range(len(labels))]
    parts = [_axes(labels, xs, anchors, top, step)]
    for index, s in enumerate(series):
        parts.append(_line(s, labels, top, index))
    parts.append(_legend([s.name for s in series]))
    return _svg(chart_id, title, description, "".join(parts))


def bar_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    series_name: str,
    description: str = "",
) -> str:
    """An SVG bar chart: one bar per label, its value written above it.

    Raises:
        ValueError: as :func:`line_chart`.
    """
    _check_values(series_name, values, len(labels))
    top, step = _scale(max(values, default=0))
    colour = PALETTE[0]
    bars = []
    slot = _plot_width() / max(len(labels), 1)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + slot * index + slot * 0.2
        y = _y(value, top)
        bars.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.6:.1f}" '
            f'height="{HEIGHT - BOTTOM - y:.1f}" fill="{colour}"{_data(series_name, label, value)}>'
            f"<title>{escape(f'{label}: {_number(value)}')}</title></rect>"
            f'<text x="{x + slot * 0.3:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
            f'font-size="11" fill="{AXIS}">{_number(value)}</text>'
        )
    centres = [LEFT + slot * (i + 0.5) for i in range(len(labels))]
    axes = _axes(labels, centres, ["middle"] * len(labels), top, step)
    body = axes + f'<g data-series="{escape(series_name)}">{"".join(bars)}</g>'
    return _svg(chart_id, title, description, body)


def _check_values(name: str, values: Sequence[float], count: int) -> None:
    if len(values) != count:
        raise ValueError(f"Series '{name}' has {len(values)} values for {count} labels.")
    for value in values:
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"Series '{name}' has the value {value!r}; charts count from 0.")


def _scale(peak: float) -> tuple[float, float]:
    """The y axis' top and tick step: the step is 1, 2 or 5 times a power of ten (at
    least 1: counts have no ticks between whole numbers), the top a multiple of it."""
    if peak <= 0:
        return 1.0, 1.0
    step = _nice_step(peak / MAX_Y_TICKS)
    return step * math.ceil(peak / step), step


def _nice_step(raw: float) -> float:
    power = 10.0 ** math.floor(math.log10(raw))
    factor = next(f for f in (1, 2, 5, 10) if raw <= f * power)  # 10 always fits
    return max(factor * power, 1.0)


def _plot_width() -> float:
    return float(WIDTH - LEFT - RIGHT)


def _x(index: int, count: int) -> float:
    if count == 1:
        return LEFT + _plot_width() / 2
    return LEFT + _plot_width() * index / (count - 1)


def _y(value: float, top: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _data(series: str, label: str, value: float) -> str:
    return (
        f' data-series="{escape(series)}" data-label="{escape(label)}" '
        f'data-value="{_number(value)}"'
    )


def _axes(
    labels: Sequence[str], xs: Sequence[float], anchors: Sequence[str], top: float, step: float
) -> str:
    """Grid, y ticks, the frame and the x labels (at ``xs``, thinned to :data:`MAX_X_LABELS`)."""
    ticks = []
    value = 0.0
    while value <= top + 1e-9:
        y = _y(value, top)
        ticks.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{AXIS}">{_number(value)}</text>'
        )
        value += step
    every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    last = len(labels) - 1
    names = [
        f'<text x="{xs[i]:.1f}" y="{HEIGHT - BOTTOM + 16}" '
        f'text-anchor="{anchors[i]}" font-size="11" fill="{AXIS}">{escape(label)}</text>'
        for i, label in enumerate(labels)
        if i % every == 0 or i == last
    ]
    frame = (
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="{AXIS}"/>'
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" '
        f'stroke="{AXIS}"/>'
    )
    return f'<g aria-hidden="true">{"".join(ticks)}{frame}{"".join(names)}</g>'


def _anchor(index: int, last: int) -> str:
    """The end labels of a line chart align inwards, so that they stay inside the chart."""
    if last == 0:
        return "middle"
    return "start" if index == 0 else "end" if index == last else "middle"


def _line(series: Series, labels: Sequence[str], top: float, index: int) -> str:
    colour, dash = PALETTE[index % len(PALETTE)], DASHES[index % len(DASHES)]
    points = [(_x(i, len(labels)), _y(v, top)) for i, v in enumerate(series.values)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"'
        f"{_data(series.name, label, value)}>"
        f"<title>{escape(f'{series.name}, {label}: {_number(value)}')}</title></circle>"
        for (x, y), label, value in zip(points, labels, series.values, strict=True)
    )
    line = (
        f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"'
        + (f' stroke-dasharray="{dash}"' if dash else "")
        + "/>"
        if len(points) > 1
        else ""
    )
    return f'<g data-series="{escape(series.name)}">{line}{dots}</g>'


def _legend(names: Sequence[str]) -> str:
    items = []
    x = float(LEFT)
    for index, name in enumerate(names):
        colour = PALETTE[index % len(PALETTE)]
        items.append(
            f'<rect x="{x:.1f}" y="10" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16:.1f}" y="20" font-size="12" fill="#1d2330">{escape(name)}</text>'
        )
        x += 28 + 7 * len(name)  # about one average glyph per character at 12 px
    return f'<g class="legend">{"".join(items)}</g>'


def _svg(chart_id: str, title: str, description: str, body: str) -> str:
    cid = escape(chart_id)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" id="{cid}" aria-labelledby="{cid}-title {cid}-desc" '
        f'font-family="system-ui, sans-serif"><title id="{cid}-title">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{escape(description or title)}</desc>{body}</svg>'
    )

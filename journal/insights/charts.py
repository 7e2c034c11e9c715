"""Quiet, accessible SVG charts for the insights page, rendered on the server.

Pure functions: numbers in, ``Markup`` out. No colour is written into the SVG:
every mark has a class that ``static/css/18-charts.css`` paints
from the theme's properties, so the dark theme and the strict CSP both hold. Text
sizes are set there too; the layout here leaves room for the largest (phone) size.
Each SVG is ``role="img"`` with a title and a description; the caller shows the
numbers themselves in a table beside it.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

from markupsafe import Markup, escape

__all__ = ["Series", "bar_chart", "compact", "heat_levels", "heatmap", "horizontal_bars",
           "line_chart", "nice_ticks", "safe_id"]

WIDTH = 480  # viewBox width of the bar, line and horizontal-bar charts
FONT = 15  # their largest text size in the stylesheet, in viewBox units
GLYPH = 0.6  # average glyph width in em, to estimate how wide a text is
PITCH, CELL = 13, 11  # heatmap: distance between day squares, and their size
# Heatmap sizes by the number of week columns: (columns, class suffix, largest font).
HEAT_SIZES = ((7, "s", 8), (14, "m", 8), (27, "l", 13), (54, "xl", 22))
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]  # None: no data at that point (a gap in the line)
    css_class: str  # "line-before", "line-after"


# Small helpers ---------------------------------------------------------------


def safe_id(chart_id: str) -> str:
    """Lower-case letters, digits and single hyphens only (ids end up in attributes)."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", str(chart_id).lower()).strip("-")
    return cleaned or "chart"


def _css_class(name: str) -> str:
    return " ".join(re.sub(r"[^A-Za-z0-9_-]", "", part) for part in name.split()) or "series"


def _n(value: float) -> str:
    """A coordinate, short: 12, 12.5."""
    if isinstance(value, int):
        return str(value)
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def compact(value: float) -> str:
    """A number for people: 7, 2.5, 1,234, 12.3k, 4.5M."""
    if abs(value) >= 10_000:
        rounded = float(f"{value:.3g}")
        for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if abs(rounded) >= size:
                return f"{rounded / size:.3g}{suffix}"
    if float(value).is_integer():
        return f"{int(value):,}"
    if abs(value) < 1:
        return f"{value:.2g}"
    return f"{round(value, 1 if abs(value) >= 10 else 2):,g}"


def _text_width(text: str, size: float) -> float:
    return len(text) * size * GLYPH


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _text(x: float, y: float, content: str, cls: str, anchor: str = "start") -> str:
    anchor_attr = "" if anchor == "start" else f' text-anchor="{anchor}"'
    return f'<text class="{cls}" x="{_n(x)}" y="{_n(y)}"{anchor_attr}>{escape(content)}</text>'


def _title(content: str) -> str:
    return f"<title>{escape(content)}</title>"


def _svg(chart_id: str, kind: str, size: tuple[float, float], title: str, description: str,
         body: Iterable[str]) -> Markup:
    cid = safe_id(chart_id)
    width, height = size
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {kind}" width="100%" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" role="img" focusable="false" '
        f'aria-labelledby="{cid}-title {cid}-desc">'
        f'<title id="{cid}-title">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{escape(description)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every text was escaped


def nice_ticks(top: float, *, integers: bool = False) -> list[float]:
    """3 to 5 round ticks from 0 to a round number at least as large as ``top``."""
    top = top if top > 0 else 1
    exponent = math.floor(math.log10(top)) - 1
    steps = [round(m * 10.0**k, 12) for k in range(exponent, exponent + 3) for m in (1, 2, 2.5, 5)]
    if integers:  # counts: no tick at 2.5 entries
        steps = [s for s in steps if s >= 1 and s.is_integer()]
    step = next(s for s in steps if math.ceil(top / s - 1e-9) <= 4)
    intervals = max(2, math.ceil(top / step - 1e-9))
    return [round(i * step, 10) for i in range(intervals + 1)]


def _label_step(labels: list[str], slot: float, limit: int = 12) -> int:
    """Show every n-th x label so that none overlap."""
    widest = max((_text_width(_truncate(label, limit), FONT) for label in labels), default=0)
    return max(1, math.ceil((widest + FONT * 0.6) / max(slot, 0.01)))


@dataclass(frozen=True)
class _Frame:
    """The plot area of a bar or line chart, and its y scale."""

    left: float
    top: float
    right: float
    bottom: float
    y_min: float
    y_max: float

    def y(self, value: float) -> float:
        span = (self.y_max - self.y_min) or 1
        share = (min(max(value, self.y_min), self.y_max) - self.y_min) / span
        return self.bottom - share * (self.bottom - self.top)

    def slot(self, count: int) -> float:
        return (self.right - self.left) / max(count, 1)

    def x(self, index: int, count: int) -> float:
        return self.left + self.slot(count) * (index + 0.5)


def _frame(ticks: list[float], top: float, height: float) -> _Frame:
    left = max(_text_width(compact(t), FONT) for t in ticks) + 8
    return _Frame(left, top, WIDTH - 6, height - 2.3 * FONT - 10, ticks[0], ticks[-1])


def _axes(frame: _Frame, ticks: list[float], labels: list[str], y_label: str,
          x_label: str, height: float) -> list[str]:
    parts = [_text(0, frame.top - FONT * 1.1, y_label, "axis-label")]
    for tick in ticks:
        y = frame.y(tick)
        cls = "axis" if tick == ticks[0] else "grid"
        parts.append(f'<line class="{cls}" x1="{_n(frame.left)}" x2="{_n(frame.right)}" '
                     f'y1="{_n(y)}" y2="{_n(y)}"/>')
        parts.append(_text(frame.left - 6, y + FONT * 0.35, compact(tick), "tick", "end"))
    step = _label_step(labels, frame.slot(len(labels)))
    for i in range(0, len(labels), step):
        parts.append(_text(frame.x(i, len(labels)), frame.bottom + FONT * 1.2,
                           _truncate(labels[i], 12), "tick", "middle"))
    parts.append(_text((frame.left + frame.right) / 2, height - 4, x_label, "axis-label",
                       "middle"))
    return parts


def _no_data(frame: _Frame) -> str:
    return _text((frame.left + frame.right) / 2, (frame.top + frame.bottom) / 2, "No data",
                 "no-data", "middle")


def _check_lengths(labels: list[str], values: list) -> None:
    if len(labels) != len(values):
        raise ValueError(f"{len(labels)} labels but {len(values)} values")


# Heatmap ---------------------------------------------------------------------


def heat_levels(counts: dict[date, int]) -> dict[date, int]:
    """0 for no entries; 1 to 4 by quartiles of the days that have entries.

    Quartiles (not shares of the maximum) keep a few very busy days from washing
    out the rest; the busiest day is always level 4.
    """
    busy = sorted(c for c in counts.values() if c > 0)
    cuts = statistics.quantiles(busy, n=4, method="inclusive") if len(busy) > 1 else [math.inf] * 3
    top = busy[-1] if busy else 0
    return {
        day: 0 if c <= 0 else 4 if c >= top else 1 + sum(c > cut for cut in cuts)
        for day, c in counts.items()
    }


def _day_label(day: date, count: int) -> str:
    amount = "no entries" if count == 0 else "1 entry" if count == 1 else f"{count:,} entries"
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}: {amount}"


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month_labels(first: date, last: date, monday: date, font: float, span: int) -> list[str]:
    """Month names over the first week that mostly lies in the month; crowded ones left out."""
    starts, day = [], first
    while day <= last:
        column = (day - monday).days // 7 + (day.weekday() > 3)
        starts.append((min(column, (last - monday).days // 7), MONTHS[day.month - 1]))
        day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    gap = math.ceil((_text_width("May", font) + 3) / PITCH)
    following = [column for column, _ in starts[1:]] + [span + 1]
    pairs = zip(starts, following, strict=True)
    return [_text(col * PITCH, 0, name, "month") for (col, name), nxt in pairs if nxt - col >= gap]


def _heat_block(first: date, last: date, monday: date, data: tuple[dict, dict],
                origin: tuple[float, float], font: float, span: int) -> list[str]:
    (levels, counts), (x0, y0) = data, origin
    parts = [f'<g transform="translate({_n(x0)},{_n(y0 - 5)})">',
             *_month_labels(first, last, monday, font, span), "</g>"]
    day = first
    while day <= last:
        x, y = x0 + (day - monday).days // 7 * PITCH, y0 + day.weekday() * PITCH
        # The label is made of fixed words and numbers only: nothing to escape.
        parts.append(f'<rect class="heat heat-{levels.get(day, 0)}" x="{_n(x)}" y="{_n(y)}" '
                     f'width="{CELL}" height="{CELL}" rx="2">'
                     f"<title>{_day_label(day, counts.get(day, 0))}</title></rect>")
        day += timedelta(days=1)
    for row in (0, 2, 4):
        parts.append(_text(x0 - 4, y0 + row * PITCH + CELL / 2 + font * 0.35, WEEKDAYS[row],
                           "weekday", "end"))
    return parts


def _heat_legend(x_right: float, y: float, font: float) -> list[str]:
    more = _text_width("More", font) * 1.2  # "M" is wide
    x, baseline = x_right - more - 6 - 5 * PITCH, y + CELL / 2 + font * 0.35
    parts = [f'<g class="legend">{_text(x - 6, baseline, "Less", "legend-text", "end")}']
    for level in range(5):
        parts.append(f'<rect class="heat heat-{level}" x="{_n(x + level * PITCH)}" y="{_n(y)}" '
                     f'width="{CELL}" height="{CELL}" rx="2"/>')
    parts.append(_text(x + 5 * PITCH + 4, baseline, "More", "legend-text") + "</g>")
    return parts


def heatmap(counts: dict[date, int], start: date, end: date, *, chart_id: str, title: str,
            description: str) -> Markup:
    """Entries per day: a column per week, rows Monday to Sunday; a block per year when long."""
    if end < start:
        raise ValueError("end is before start")
    in_range = {d: c for d, c in counts.items() if start <= d <= end}
    levels = heat_levels(in_range)
    if (end - start).days + 1 > 53 * 7:  # a block per calendar year, months aligned
        blocks = [(max(start, date(y, 1, 1)), min(end, date(y, 12, 31)), str(y),
                   _monday(date(y, 1, 1))) for y in range(start.year, end.year + 1)]
        columns = max((date(int(year), 12, 31) - monday).days // 7 + 1
                      for _, _, year, monday in blocks)
    else:
        blocks = [(start, end, "", _monday(start))]
        columns = (end - _monday(start)).days // 7 + 1
    span, size, font = next(s for s in HEAT_SIZES if columns <= s[0] or s[1] == "xl")
    label_width = math.ceil(_text_width("Wed", font) * 1.25) + 4  # "W" is a wide letter
    width = max(label_width + span * PITCH, 2.4 * _text_width("More", font) + 5 * PITCH + 18)
    parts, y = [], 0.0
    for first, last, year, monday in blocks:
        if year:
            y += font * 1.3
            parts.append(_text(0, y - font * 0.3, year, "year"))
        y += font * 1.2 + 4
        parts.extend(_heat_block(first, last, monday, (levels, in_range), (label_width, y), font,
                                 span))
        y += 7 * PITCH + (font * 0.6 if year else 0)
    parts.extend(_heat_legend(width, y + 6, font))
    size_attr = (width, y + 6 + CELL + 2)
    return _svg(chart_id, f"chart-heatmap heatmap-{size}", size_attr, title, description, parts)


# Bars and lines --------------------------------------------------------------


def bar_chart(labels: list[str], values: list[float], *, chart_id: str, title: str,
              description: str, x_label: str, y_label: str,
              value_format: str = "{:g}") -> Markup:
    """Vertical bars from zero, a y axis with round ticks, and every n-th x label."""
    _check_lengths(labels, values)
    integers = all(float(v).is_integer() for v in values)
    ticks = nice_ticks(max(values, default=0), integers=integers)
    height = 250.0
    frame = _frame(ticks, 2.5 * FONT, height)
    parts = _axes(frame, ticks, labels, y_label, x_label, height)
    if not any(v > 0 for v in values):
        parts.append(_no_data(frame))
    else:
        slot = frame.slot(len(values))
        bar = max(slot * (0.72 if slot > 6 else 0.86), 0.5)
        for i, (label, value) in enumerate(zip(labels, values, strict=True)):
            y = frame.y(max(value, 0))
            parts.append(
                f'<rect class="bar" x="{_n(frame.x(i, len(values)) - bar / 2)}" y="{_n(y)}" '
                f'width="{_n(bar)}" height="{_n(frame.bottom - y)}">'
                f"{_title(f'{label}: {value_format.format(value)}')}</rect>"
            )
    return _svg(chart_id, "chart-bars", (WIDTH, height), title, description, parts)


def _band(frame: _Frame, count: int, low: Series, high: Series) -> list[str]:
    both = [i for i in range(count) if low.values[i] is not None and high.values[i] is not None]
    parts = []
    for _, pairs in groupby(enumerate(both), lambda pair: pair[1] - pair[0]):  # runs
        run = [i for _, i in pairs]
        if len(run) == 1:  # a lone pair: a narrow band around its point
            half = min(frame.slot(count) * 0.3, 5)
            xs = [frame.x(run[0], count) - half, frame.x(run[0], count) + half]
            run = run * 2
        else:
            xs = [frame.x(i, count) for i in run]
        top = [f"{_n(x)},{_n(frame.y(high.values[i]))}" for x, i in zip(xs, run, strict=True)]
        bottom = [f"{_n(x)},{_n(frame.y(low.values[i]))}" for x, i in zip(xs, run, strict=True)]
        parts.append(f'<path class="gap-band" d="M{" L".join(top + bottom[::-1])} Z"/>')
    return parts


def _series(frame: _Frame, labels: list[str], series: Series) -> str:
    count, points, marks = len(labels), [], []
    for i, value in enumerate(series.values):
        if value is None:
            continue
        x, y = frame.x(i, count), frame.y(value)
        command = "L" if i and series.values[i - 1] is not None else "M"
        points.append(f"{command}{_n(x)},{_n(y)}")
        marks.append(f'<circle class="point" cx="{_n(x)}" cy="{_n(y)}" r="4">'
                     f"{_title(f'{labels[i]} — {series.name}: {compact(value)}')}</circle>")
    line = f'<path class="line" d="{" ".join(points)}"/>' if points else ""
    return f'<g class="series {_css_class(series.css_class)}">{line}{"".join(marks)}</g>'


def _line_legend(series: list[Series]) -> tuple[list[str], float]:
    """A swatch and a name per series, wrapping onto more rows; returns its height too."""
    parts, x, y = [], 0.0, FONT * 0.6
    for one in series:
        name = _truncate(one.name, 24)
        item = 28 + _text_width(name, FONT)
        if x and x + item > WIDTH:
            x, y = 0.0, y + FONT * 1.5
        parts.append(f'<g class="legend series {_css_class(one.css_class)}">'
                     f'<path class="line" d="M{_n(x)},{_n(y)} H{_n(x + 22)}"/>'
                     f'<circle class="point" cx="{_n(x + 11)}" cy="{_n(y)}" r="4"/>'
                     f'{_text(x + 28, y + FONT * 0.35, name, "legend-text")}</g>')
        x += item + FONT
    return parts, y + FONT * 0.6 if series else 0.0


def line_chart(labels: list[str], series: list[Series], *, chart_id: str, title: str,
               description: str, x_label: str, y_label: str, y_min: float = 0,
               y_max: float | None = None,
               shade_between: tuple[int, int] | None = None) -> Markup:
    """Lines with a marker on every value, gaps where a value is None, and a legend."""
    for one in series:
        _check_lengths(labels, one.values)
    known = [v for one in series for v in one.values if v is not None]
    top = max(known, default=y_min) if y_max is None else y_max
    integers = all(float(v).is_integer() for v in [*known, y_min, top])
    ticks = [y_min + t for t in nice_ticks(top - y_min, integers=integers)]
    parts, legend_height = _line_legend(series)
    height = 252.0 + legend_height
    frame = _frame(ticks, legend_height + 2.7 * FONT, height)
    parts += _axes(frame, ticks, labels, y_label, x_label, height)
    if shade_between is not None and len(series) > max(shade_between):
        parts += _band(frame, len(labels), series[shade_between[0]], series[shade_between[1]])
    parts += [_series(frame, labels, one) for one in series]
    if not known:
        parts.append(_no_data(frame))
    return _svg(chart_id, "chart-lines", (WIDTH, height), title, description, parts)


def horizontal_bars(labels: list[str], values: list[float], *, chart_id: str, title: str,
                    description: str, value_label: str) -> Markup:
    """One row per label: the label (cut at 24 characters), its bar, and its value."""
    _check_lengths(labels, values)
    row, top = FONT * 1.8, FONT * 1.6
    shown = [_truncate(label, 24) for label in labels]
    label_width = max((_text_width(s, FONT) for s in shown), default=0) + 8
    value_width = max((_text_width(compact(v), FONT) for v in values), default=0) + 6
    bar_room = max(WIDTH - label_width - value_width, WIDTH * 0.3)
    width = label_width + bar_room + value_width
    largest = max(values, default=0)
    parts = [_text(label_width, FONT, value_label, "axis-label")]
    for i, (full, short, value) in enumerate(zip(labels, shown, values, strict=True)):
        y, baseline = top + i * row, top + i * row + row / 2 + FONT * 0.35
        length = bar_room * max(value, 0) / largest if largest > 0 else 0
        parts.append(
            f'<g class="hbar">{_title(f"{full}: {compact(value)} {value_label}")}'
            f'{_text(label_width - 8, baseline, short, "bar-label", "end")}'
            f'<rect class="bar" x="{_n(label_width)}" y="{_n(y + row * 0.18)}" '
            f'width="{_n(length)}" height="{_n(row * 0.64)}" rx="2"/>'
            f'{_text(label_width + length + 5, baseline, compact(value), "bar-value")}'
            "</g>"
        )
    if not labels:
        parts.append(_text(width / 2, top + row, "No data", "no-data", "middle"))
    height = top + max(len(labels), 2) * row + 4
    return _svg(chart_id, "chart-hbars", (width, height), title, description, parts)

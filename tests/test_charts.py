"""The insights charts: accessible SVG, colours only from CSS, user text escaped,
and the numbers drawn where they belong (heatmap levels, ticks, gaps, bands)."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from markupsafe import Markup

from journal.insights.charts import (
    Series,
    bar_chart,
    compact,
    heat_levels,
    heatmap,
    horizontal_bars,
    line_chart,
    nice_ticks,
    safe_id,
)

SVG = "{http://www.w3.org/2000/svg}"
NASTY = '<script>&"'
COLOUR_ATTRIBUTES = {"style", "fill", "stroke", "color", "stop-color", "flood-color"}


def parse(markup: Markup) -> ET.Element:
    assert isinstance(markup, Markup)
    return ET.fromstring(str(markup))  # noqa: S314 - our own output


def find_all(root: ET.Element, tag: str) -> list[ET.Element]:
    return list(root.iter(SVG + tag))


def classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def texts(root: ET.Element, cls: str | None = None) -> list[str]:
    return [
        "".join(t.itertext())
        for t in find_all(root, "text")
        if cls is None or cls in classes(t)
    ]


def title_of(element: ET.Element) -> str:
    title = element.find(SVG + "title")
    assert title is not None, ET.tostring(element)
    return title.text or ""


def day_rects(root: ET.Element) -> list[ET.Element]:
    return [r for r in find_all(root, "rect")
            if "heat" in classes(r) and r.find(SVG + "title") is not None]


def every_chart(chart_id: str = "c", label: str = "work") -> list[Markup]:
    start = date(2026, 1, 1)
    return [
        heatmap({start: 2}, start, start + timedelta(days=40), chart_id=chart_id,
                title=f"Entries {label}", description=f"Per day {label}"),
        bar_chart([label, "b"], [3, 1], chart_id=chart_id, title=label, description=label,
                  x_label=label, y_label=label),
        line_chart([label, "b"], [Series(label, [60, 50], "line-before"),
                                  Series("after", [30, None], "line-after")],
                   chart_id=chart_id, title=label, description=label, x_label=label,
                   y_label=label, y_max=100, shade_between=(0, 1)),
        horizontal_bars([label, "b"], [5, 2], chart_id=chart_id, title=label,
                        description=label, value_label="entries"),
    ]


# Every chart -------------------------------------------------------------------


@pytest.mark.parametrize("index", range(4))
def test_chart_is_an_accessible_image(index):
    root = parse(every_chart("tags-top")[index])
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "tags-top-title tags-top-desc"
    assert root.get("focusable") == "false"
    assert root.get("width") == "100%"
    assert "chart" in classes(root)
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox"))
    title, desc = list(root)[:2]
    assert (title.tag, title.get("id")) == (SVG + "title", "tags-top-title")
    assert (desc.tag, desc.get("id")) == (SVG + "desc", "tags-top-desc")
    assert title.text and desc.text


@pytest.mark.parametrize("index", range(4))
def test_colours_come_from_css_only(index):
    markup = every_chart()[index]
    root = parse(markup)
    for element in root.iter():
        assert not COLOUR_ATTRIBUTES & set(element.attrib), element.attrib
    assert "style" not in markup.lower()
    assert "<script" not in markup.lower()
    assert "<style" not in markup.lower()


@pytest.mark.parametrize("index", range(4))
def test_user_text_is_escaped(index):
    markup = every_chart(label=NASTY)[index]
    assert "<script>" not in markup
    assert "&lt;script&gt;&amp;" in markup
    root = parse(markup)  # still well-formed
    everything = "".join(root.itertext())
    assert NASTY in everything


def test_chart_id_is_sanitized():
    root = parse(every_chart('Bad ID"><x onload=1')[1])
    assert root.get("aria-labelledby") == "bad-id-x-onload-1-title bad-id-x-onload-1-desc"
    assert safe_id("Tags / Top 10") == "tags-top-10"
    assert safe_id("") == safe_id("!!!") == "chart"


# Heatmap -------------------------------------------------------------------------


def test_heat_levels_by_quartiles_of_busy_days():
    days = [date(2026, 5, d) for d in range(1, 10)]
    counts = dict(zip(days, [0, 1, 1, 2, 3, 4, 5, 8, 20], strict=True))
    # busy days 1 1 2 3 4 5 8 20: quartiles 1.75, 3.5 and 5.75
    assert [heat_levels(counts)[d] for d in days] == [0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_busiest_day_is_always_the_top_level():
    one_day = {date(2026, 1, 1): 1, date(2026, 1, 2): 0}
    assert heat_levels(one_day) == {date(2026, 1, 1): 4, date(2026, 1, 2): 0}
    same = {date(2026, 1, d): 2 for d in range(1, 5)}
    assert set(heat_levels(same).values()) == {4}
    assert heat_levels({}) == {}


def test_heatmap_has_one_square_per_day_with_its_count():
    start, end = date(2026, 1, 1), date(2026, 3, 31)
    counts = {date(2026, 1, 1): 3, date(2026, 2, 14): 1, date(2026, 3, 31): 7,
              date(2025, 12, 31): 50, date(2026, 4, 1): 50}  # outside the range: ignored
    root = parse(heatmap(counts, start, end, chart_id="h", title="t", description="d"))
    days = day_rects(root)
    assert len(days) == 90
    legend = [r for r in find_all(root, "rect") if r not in days]
    assert len(legend) == 5
    assert [sorted(classes(r)) for r in legend] == [["heat", f"heat-{i}"] for i in range(5)]
    by_title = {title_of(r): classes(r) for r in days}
    assert "heat-4" in by_title["Tue 31 Mar 2026: 7 entries"]
    assert "heat-2" in by_title["Thu 1 Jan 2026: 3 entries"]  # busy days 1 3 7: cuts 2, 3, 5
    assert "heat-1" in by_title["Sat 14 Feb 2026: 1 entry"]
    assert "heat-0" in by_title["Fri 2 Jan 2026: no entries"]
    assert sum("heat-0" in c for c in by_title.values()) == 87
    assert texts(root, "month") == ["Jan", "Feb", "Mar"]
    assert texts(root, "weekday") == ["Mon", "Wed", "Fri"]
    assert texts(root, "legend-text") == ["Less", "More"]


def test_heatmap_puts_monday_on_top_and_a_week_per_column():
    start = date(2026, 11, 23)  # a Monday
    root = parse(heatmap({}, start, start + timedelta(days=13), chart_id="h", title="t",
                         description="d"))
    squares = {title_of(r).split(":")[0]: (float(r.get("x")), float(r.get("y")))
               for r in day_rects(root)}
    mon, sun, next_mon = squares["Mon 23 Nov 2026"], squares["Sun 29 Nov 2026"], squares[
        "Mon 30 Nov 2026"]
    assert mon[0] == sun[0] < next_mon[0]
    assert mon[1] == next_mon[1] < sun[1]


def test_long_ranges_stack_a_block_per_year():
    start, end = date(2024, 11, 1), date(2026, 2, 28)
    root = parse(heatmap({date(2025, 6, 1): 2}, start, end, chart_id="h", title="t",
                         description="d"))
    assert texts(root, "year") == ["2024", "2025", "2026"]
    assert len(day_rects(root)) == (end - start).days + 1
    jan = [r for r in day_rects(root)
           if title_of(r).split(":")[0] in ("Wed 1 Jan 2025", "Thu 1 Jan 2026")]
    ys = sorted(float(r.get("y")) for r in jan)
    assert len(ys) == 2 and ys[0] < ys[1]  # 2026 below 2025
    assert "heatmap-xl" in classes(root)


def test_a_year_is_a_single_block_and_short_ranges_stay_small():
    end = date(2026, 11, 26)
    year = parse(heatmap({}, end - timedelta(days=364), end, chart_id="h", title="t",
                         description="d"))
    assert texts(year, "year") == []
    assert len(day_rects(year)) == 365
    month = parse(heatmap({}, end - timedelta(days=29), end, chart_id="h", title="t",
                          description="d"))
    assert "heatmap-s" in classes(month)
    assert float(month.get("viewBox").split()[2]) < float(year.get("viewBox").split()[2])


def test_heatmap_rejects_a_backwards_range():
    with pytest.raises(ValueError):
        heatmap({}, date(2026, 2, 1), date(2026, 1, 1), chart_id="h", title="t",
                description="d")


# Bars ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("top", "integers", "expected"),
    [
        (7, True, [0, 2, 4, 6, 8]),
        (10, True, [0, 5, 10]),
        (1, True, [0, 1, 2]),
        (100, False, [0, 25, 50, 75, 100]),
        (1430, True, [0, 500, 1000, 1500]),
        (0.8, False, [0, 0.2, 0.4, 0.6, 0.8]),
        (0, True, [0, 1, 2]),
    ],
)
def test_nice_ticks(top, integers, expected):
    assert nice_ticks(top, integers=integers) == expected


@pytest.mark.parametrize("top", [1, 3, 9, 11, 37, 99, 101, 512, 999, 12_345, 0.37])
def test_ticks_are_few_round_and_cover_the_data(top):
    ticks = nice_ticks(top, integers=float(top).is_integer())
    assert 3 <= len(ticks) <= 5
    assert ticks[0] == 0 and ticks[-1] >= top
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1


def test_bar_chart_draws_a_bar_per_value_with_a_labelled_axis():
    labels = ["Jan 2026", "Feb 2026", "Mar 2026"]
    root = parse(bar_chart(labels, [3, 0, 7], chart_id="wins", title="Wins",
                           description="Wins per month", x_label="Month", y_label="Wins",
                           value_format="{:g} wins"))
    bars = [r for r in find_all(root, "rect") if "bar" in classes(r)]
    assert [title_of(b) for b in bars] == ["Jan 2026: 3 wins", "Feb 2026: 0 wins",
                                           "Mar 2026: 7 wins"]
    heights = [float(b.get("height")) for b in bars]
    assert heights[1] == 0 and heights[2] > heights[0] > 0
    ticks = texts(root, "tick")
    assert ticks[:5] == ["0", "2", "4", "6", "8"]
    assert labels == ticks[5:]
    assert {"Month", "Wins"} <= set(texts(root, "axis-label"))
    assert find_all(root, "line")


def test_many_x_labels_are_thinned_out():
    labels = [f"{d} Nov" for d in range(1, 31)]
    root = parse(bar_chart(labels, list(range(30)), chart_id="w", title="t", description="d",
                           x_label="Day", y_label="Words"))
    shown = [t for t in texts(root, "tick") if t.endswith("Nov")]
    assert shown[0] == "1 Nov" and 3 <= len(shown) < 30
    step = labels.index(shown[1])
    assert shown == labels[::step]
    assert len([r for r in find_all(root, "rect") if "bar" in classes(r)]) == 30


@pytest.mark.parametrize(("labels", "values"), [([], []), (["a", "b"], [0, 0])])
def test_empty_or_zero_bars_say_no_data(labels, values):
    root = parse(bar_chart(labels, values, chart_id="e", title="t", description="d",
                           x_label="x", y_label="y"))
    assert texts(root, "no-data") == ["No data"]
    assert texts(root, "axis-label") == ["y", "x"]
    assert find_all(root, "line")


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError):
        bar_chart(["a"], [1, 2], chart_id="e", title="t", description="d", x_label="x",
                  y_label="y")
    with pytest.raises(ValueError):
        line_chart(["a"], [Series("s", [1, 2], "line-after")], chart_id="e", title="t",
                   description="d", x_label="x", y_label="y")


# Lines -----------------------------------------------------------------------------


def belief_chart(before, after, shade=(0, 1)):
    labels = [f"W{i}" for i in range(1, len(before) + 1)]
    return parse(line_chart(labels, [Series("Before", before, "line-before"),
                                      Series("After", after, "line-after")],
                            chart_id="belief", title="Belief", description="d",
                            x_label="Week", y_label="Belief (%)", y_max=100,
                            shade_between=shade))


def series_group(root, css_class):
    return next(g for g in find_all(root, "g")
                if {"series", css_class} <= classes(g) and "legend" not in classes(g))


def test_line_chart_breaks_lines_at_gaps_and_marks_every_value():
    root = belief_chart([80, 70, None, 60, 50], [40, None, None, 30, 20])
    before, after = series_group(root, "line-before"), series_group(root, "line-after")
    before_path = before.find(SVG + "path").get("d")
    assert before_path.count("M") == 2 and before_path.count("L") == 2
    assert after.find(SVG + "path").get("d").count("M") == 2
    points = [title_of(c) for c in find_all(before, "circle")]
    assert points == ["W1 — Before: 80", "W2 — Before: 70", "W4 — Before: 60",
                      "W5 — Before: 50"]
    assert len(find_all(after, "circle")) == 3
    assert texts(root, "legend-text") == ["Before", "After"]
    assert texts(root, "tick")[:5] == ["0", "25", "50", "75", "100"]


def test_band_is_shaded_only_where_both_values_exist():
    root = belief_chart([80, 70, None, 60, 50, 40], [40, None, 35, 30, 20, None])
    bands = [p.get("d") for p in find_all(root, "path") if "gap-band" in classes(p)]
    xs_of = {title_of(c).split(" —")[0]: c.get("cx") for c in find_all(root, "circle")
             if c.find(SVG + "title") is not None}
    # W1 alone (a narrow band around it) and W4–W5 (a band between the two lines)
    assert len(bands) == 2
    lone, run = bands
    assert xs_of["W1"] not in lone and lone.count("L") == 3
    assert f"M{xs_of['W4']}," in run and f" L{xs_of['W5']}," in run
    assert xs_of["W2"] not in run and xs_of["W6"] not in run
    assert not [p for p in find_all(belief_chart([1, 2], [3, 4], shade=None), "path")
                if "gap-band" in classes(p)]


def test_a_single_value_is_still_visible():
    root = belief_chart([70], [None], shade=(0, 1))
    circles = [c for c in find_all(series_group(root, "line-before"), "circle")]
    assert len(circles) == 1 and float(circles[0].get("r")) > 0
    assert not [p for p in find_all(root, "path") if "gap-band" in classes(p)]


def test_a_line_chart_without_values_says_no_data():
    root = belief_chart([None, None], [None, None])
    assert texts(root, "no-data") == ["No data"]
    empty = parse(line_chart([], [], chart_id="e", title="t", description="d", x_label="x",
                             y_label="y"))
    assert texts(empty, "no-data") == ["No data"]


# Horizontal bars -----------------------------------------------------------------------


def test_horizontal_bars_truncate_long_labels_but_keep_them_whole_in_titles():
    long = "a tag name that keeps going well past any sensible length"
    root = parse(horizontal_bars([long, "work"], [300, 45_600], chart_id="t", title="t",
                                 description="d", value_label="entries"))
    rows = [g for g in find_all(root, "g") if "hbar" in classes(g)]
    assert [title_of(g) for g in rows] == [f"{long}: 300 entries", "work: 45.6k entries"]
    shown = texts(root, "bar-label")
    assert shown[0].endswith("…") and len(shown[0]) <= 24 and long.startswith(shown[0][:-1])
    assert shown[1] == "work"
    assert texts(root, "bar-value") == ["300", "45.6k"]
    widths = [float(r.get("width")) for r in find_all(root, "rect")]
    assert widths[1] > widths[0] > 0


def test_horizontal_bars_without_data():
    root = parse(horizontal_bars([], [], chart_id="t", title="t", description="d",
                                 value_label="entries"))
    assert texts(root, "no-data") == ["No data"]
    zeros = parse(horizontal_bars(["a"], [0], chart_id="t", title="t", description="d",
                                  value_label="entries"))
    assert float(find_all(zeros, "rect")[0].get("width")) == 0


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (7, "7"), (2.5, "2.5"), (1234, "1,234"), (12_345, "12.3k"),
     (999_999, "1M"), (4_500_000, "4.5M"), (0.333, "0.33"), (12.345, "12.3"),
     (0.00025, "0.00025"), (3.14159, "3.14")],
)
def test_compact_numbers(value, text):
    assert compact(value) == text


def test_a_long_legend_wraps_instead_of_running_off_the_chart():
    names = ["#a-rather-long-tag-name", "#another-long-tag-name", "#and-a-third-one-here"]
    root = parse(line_chart(["Jan", "Feb"], [Series(n, [1, 2], f"series-{i}")
                                             for i, n in enumerate(names, 1)],
                            chart_id="t", title="t", description="d", x_label="Month",
                            y_label="Entries"))
    legend = [t for t in find_all(root, "text") if "legend-text" in classes(t)]
    assert [t.text for t in legend] == names
    assert len({t.get("y") for t in legend}) == 2
    width = float(root.get("viewBox").split()[2])
    assert all(float(t.get("x")) + len(t.text) * 15 * 0.6 <= width for t in legend)

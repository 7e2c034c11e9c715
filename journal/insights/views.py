from datetime import date

from flask import render_template, request
from flask_login import current_user, login_required

from journal.entries.reflection import streak
from journal.insights import bp
from journal.insights.charts import Series, bar_chart, heatmap, horizontal_bars, line_chart
from journal.insights.queries import (
    RANGES,
    TOP_TAGS,
    TREND_TAGS,
    insights_for,
    months_between,
    range_bounds,
    weekly,
)
from journal.prompts.library import theme_name

DAILY_TABLE_DAYS = 366
RANGE_LABELS = {"30": "30 days", "90": "90 days", "365": "A year", "all": "All time"}


@bp.route("/")
@login_required
def index():
    """Charts and figures for the chosen range (``?range=30|90|365|all``, 90 by
    default; anything else is read as the default)."""
    key = request.args.get("range", "90")
    if key not in RANGES:
        key = "90"
    start, end = range_bounds(current_user, key)
    figures = insights_for(current_user, start, end)
    if not figures.days:
        return render_template("insights/index.html", key=key, labels=RANGE_LABELS,
                               empty=True, start=start, end=end)
    longest, longest_end = figures.longest_streak()
    current = figures.current_streak(end, whole_history=RANGES[key] is None)
    if current is None:  # the run is longer than the range: count it day by day
        current = streak(current_user, end).days
    return render_template(
        "insights/index.html", key=key, labels=RANGE_LABELS, empty=False, start=start,
        end=end, figures=figures, current=current, longest=longest,
        longest_end=longest_end, charts=_charts(figures, start, end))


def _charts(figures, start, end) -> dict:
    charts = {}
    per_day = {day: value.entries for day, value in figures.days.items()}
    charts["heatmap"] = (heatmap(
        per_day, start, end, chart_id="chart-days", title="Entries per day",
        description=f"{figures.entry_count} entries on {len(per_day)} of the days from "
                    f"{start:%d %b %Y} to {end:%d %b %Y}."),
        _days_table(per_day, start, end))

    if figures.belief:
        by_week = (end - start).days > 120
        if by_week:
            points = [(monday, _mean([v[0] for v in values]), _mean([v[1] for v in values]))
                      for monday, values in weekly(figures.belief, start, end)]
            unit = "week of "
        else:
            points = [(day, value[0], value[1]) for day, value in sorted(figures.belief.items())]
            unit = ""
        labels = [f"{unit}{day:%d %b}" for day, _, _ in points]
        charts["belief"] = (line_chart(
            labels, [Series("Before writing", [p[1] for p in points], "line-before"),
                     Series("After writing", [p[2] for p in points], "line-after")],
            chart_id="chart-belief", title="Belief in the harsh reading",
            description="How much you believed the harsh reading of a reframe, from 0 to 10, "
                        "before and after writing it out; the shaded band is the gap.",
            x_label="Reframes" + (" by week" if by_week else ""), y_label="Belief (0 to 10)",
            y_min=0, y_max=10, shade_between=(0, 1)),
            [(label, _fmt(before), _fmt(after)) for label, (_, before, after)
             in zip(labels, points, strict=True)])

    if figures.tag_totals:
        top = figures.tag_totals.most_common(TOP_TAGS)
        charts["tags"] = (horizontal_bars(
            [f"#{name}" for name, _ in top], [count for _, count in top],
            chart_id="chart-tags", title="Tags that come up most",
            description="The tags on the most entries in this range.",
            value_label="entries"), [(f"#{name}", count) for name, count in top])
        months = months_between(start, end)
        if len(months) > 1:
            leaders = [name for name, _ in top[:TREND_TAGS]]
            series = [Series(f"#{name}", [figures.tags_by_month.get(m, {}).get(name, 0)
                                          for m in months], f"series-{i + 1}")
                      for i, name in enumerate(leaders)]
            charts["tag_trend"] = (line_chart(
                [_month_label(m) for m in months], series, chart_id="chart-tag-trend",
                title="Top tags month by month",
                description="Entries per month carrying each of your three most used tags.",
                x_label="Month", y_label="Entries"),
                [(_month_label(month), *[s.values[i] for s in series])
                 for i, month in enumerate(months)],
                [f"#{name}" for name in leaders])

    if figures.themes:
        ordered = figures.themes.most_common()
        charts["themes"] = (horizontal_bars(
            [theme_name(key) for key, _ in ordered], [count for _, count in ordered],
            chart_id="chart-themes", title="Prompts answered by theme",
            description="Entries that answered a prompt, by the prompt's theme.",
            value_label="answers"), [(theme_name(key), count) for key, count in ordered])

    months = months_between(start, end)
    wins = {m: 0 for m in months}
    for day, value in figures.days.items():
        wins[f"{day:%Y-%m}"] = wins.get(f"{day:%Y-%m}", 0) + value.wins
    charts["wins"] = (bar_chart(
        [_month_label(m) for m in months], [wins[m] for m in months], chart_id="chart-wins",
        title="Wins per month", description=f"{figures.win_count} wins in this range.",
        x_label="Month", y_label="Wins"), [(_month_label(m), wins[m]) for m in months])
    return charts


def _days_table(per_day: dict[date, int], start: date, end: date) -> list[tuple]:
    """The heatmap as a table: a row per day with entries, or per month over more than a
    year (a table of thousands of days helps nobody and weighs a megabyte)."""
    if (end - start).days < DAILY_TABLE_DAYS:
        return [(f"{day:%a %d %b %Y}", count) for day, count in sorted(per_day.items())]
    by_month: dict[tuple[int, int], int] = {}
    for day, count in sorted(per_day.items()):
        by_month[day.year, day.month] = by_month.get((day.year, day.month), 0) + count
    return [(f"{date(year, month, 1):%b %Y}", count)
            for (year, month), count in by_month.items()]


def _mean(values):
    present = [value for value in values if value is not None]
    return sum(present) / len(present) if present else None


def _fmt(value):
    return "–" if value is None else f"{value:.1f}".rstrip("0").rstrip(".")


def _month_label(month: str) -> str:
    return f"{date.fromisoformat(month + '-01'):%b %Y}"

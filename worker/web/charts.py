"""The athlete page's charts: typed series in, inline SVG out, drawn by pygal.

pygal does the scales, ticks and layout (no hand-rolled SVG maths here); this module only
chooses the chart and its look, and makes its output fit to inline in a page:

* no JavaScript: pygal links its tooltip script from a CDN unless ``js=[]``, and even then
  writes an inline ``<script>`` holding its config (series titles included). An XML filter
  (``add_xml_filter``: it is no config option) drops every script element, so the page needs
  no network and runs no script at all, and its Content-Security-Policy forbids scripts;
* escaped: titles come from athlete data (exercise names); pygal builds an element tree and
  serialises it, so ``<`` and ``&`` in a name become ``&lt;`` and ``&amp;``. A unit test holds
  that with a name like ``<script>``;
* sized by the page: a viewBox and no width or height, so CSS scales it to a phone's width.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pygal
from markupsafe import Markup
from pygal.style import Style

#: The drawing's own size; the page scales it (see site.css, .chart svg).
WIDTH, HEIGHT = 360, 260
#: At most this many lines on one chart, or it is unreadable on a phone.
MAX_LINES = 4

STYLE = Style(
    background="transparent",
    plot_background="#ffffff",
    foreground="#1d2330",
    foreground_strong="#1d2330",
    foreground_subtle="#667085",
    opacity=".85",
    opacity_hover=".95",
    colors=("#1f6feb", "#067647", "#b54708", "#7a5af8", "#c11574", "#667085"),
    font_family="system-ui, -apple-system, 'Segoe UI', sans-serif",
    # The drawing is scaled to the phone's width (about 0.9 of it): 13 reads as about 12 px.
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=13,
    no_data_font_size=15,
    stroke_width="2",
    guide_stroke_color="#e4e7ec",
    major_guide_stroke_color="#e4e7ec",
)


@dataclass(frozen=True)
class WeekCount:
    """One week of sessions: how many were planned and how many done."""

    monday: date
    planned: int
    done: int


@dataclass(frozen=True)
class Point:
    on: date
    value: float


@dataclass(frozen=True)
class Series:
    """One line: an exercise's loads, or a progression chain's rungs."""

    title: str
    points: tuple[Point, ...]


def _without_scripts(root: Any) -> Any:
    """pygal's xml filter hook: every <script> element removed (see the module docstring)."""
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "script" or tag.endswith("}script"):
                parent.remove(child)
    return root


def _config(no_data: str, **extra: Any) -> dict[str, Any]:
    return {
        "style": STYLE, "width": WIDTH, "height": HEIGHT, "explicit_size": False,
        "js": [], "disable_xml_declaration": True,
        "legend_at_bottom": True, "legend_at_bottom_columns": 1, "truncate_legend": 40,
        "truncate_label": -1, "margin": 6, "spacing": 8, "max_scale": 6,
        "no_data_text": no_data, **extra,
    }


def _dated(no_data: str, y_title: str, lines: int, **extra: Any) -> Any:
    """A line chart over dates; without lines, a short box that says ``no_data`` (pygal would
    draw empty axes from 1 January)."""
    if not lines:
        return pygal.DateLine(**_config(no_data, height=HEIGHT // 2, show_x_labels=False,
                                        show_y_labels=False, show_legend=False))
    return pygal.DateLine(**_config(
        no_data, x_value_formatter=_day, x_label_rotation=30, y_title=y_title,
        show_x_guides=False, dots_size=3, **extra))


def _svg(chart: Any) -> Markup:
    """The chart as markup to inline: pygal's serialiser has escaped every text in it."""
    chart.add_xml_filter(_without_scripts)
    return Markup(str(chart.render()))  # noqa: S704 - serialised (escaped) by pygal's etree


def _day(value: date) -> str:
    return f"{value:%d %b}"


def sessions_chart(weeks: Sequence[WeekCount]) -> Markup:
    """Sessions per week, planned beside done: the shape of the last weeks at a glance."""
    chart = pygal.Bar(**_config("No sessions yet", print_values=True, print_zeroes=False,
                                legend_at_bottom_columns=2, x_label_rotation=40,
                                order_min=0, min_scale=2))
    chart.x_labels = [_day(week.monday) for week in weeks]
    if weeks:
        chart.add("Planned", [week.planned for week in weeks])
        chart.add("Done", [week.done for week in weeks])
    return _svg(chart)


def _lines(series: Sequence[Series], no_data: str, y_title: str) -> Markup:
    shown = series[:MAX_LINES]
    chart = _dated(no_data, y_title, len(shown), order_min=0, height=HEIGHT + 16 * len(shown))
    for line in shown:
        chart.add(line.title, [(p.on, p.value) for p in line.points])
    return _svg(chart)


def loads_chart(series: Sequence[Series], unit: str) -> Markup:
    """The heaviest load per session of the main lifts, in ``unit``."""
    return _lines(series, "No loads logged yet", unit)


def rungs_chart(series: Sequence[Series]) -> Markup:
    """The hardest rung reached per session on bodyweight chains. Its own chart, not a second
    axis on the loads one: pygal lines a second axis's ticks up with the first's, so rungs
    would read 2.4, 2.8..., and a rung is a whole step."""
    return _lines(series, "No progressions logged yet", "rung")


def weight_chart(points: Sequence[Point], unit: str) -> Markup:
    """Body weight over the weeks, in ``unit``."""
    chart = _dated("No weigh-ins yet", unit, 1 if points else 0, show_legend=False)
    if points:
        chart.add(f"Body weight ({unit})", [(p.on, p.value) for p in points])
    return _svg(chart)

"""The athlete page's charts: pygal SVG that is safe and self-contained to inline in a page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from markupsafe import Markup

from worker.web.charts import (
    MAX_LINES,
    Point,
    Series,
    WeekCount,
    loads_chart,
    rungs_chart,
    sessions_chart,
    weight_chart,
)

MONDAY = date(2026, 3, 2)
EVIL = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


def _series(title: str, start: float = 20) -> Series:
    return Series(title, tuple(Point(MONDAY + timedelta(weeks=i), start + 2.5 * i)
                               for i in range(4)))


def _check(svg: Markup) -> ET.Element:
    """Inline-safe: one well-formed <svg> element, no script, nothing fetched from elsewhere."""
    assert isinstance(svg, Markup)
    text = str(svg)
    assert text.startswith("<svg") and text.rstrip().endswith("</svg>")
    assert "<script" not in text.lower()
    assert "url(" not in text and "@import" not in text, "the inline CSS loads nothing"
    root = ET.fromstring(text)  # noqa: S314 - our own output; well-formed = all serialised
    assert "width" not in root.attrib, "sized by the page, through its viewBox"
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        assert tag not in {"script", "image", "foreignObject", "a", "use"}, tag
        for name, value in element.attrib.items():
            name = name.rsplit("}", 1)[-1]
            assert name not in {"href", "src"} and not name.startswith("on"), (tag, name)
            assert "javascript:" not in value.lower() and "url(http" not in value, value
    return root


def _texts(root: ET.Element) -> list[str]:
    return [t for element in root.iter() for t in (element.text, element.tail) if t]


def test_a_malicious_exercise_name_is_text_not_markup() -> None:
    svg = loads_chart([_series(EVIL), _series("Goblet squat (kg)")], "kg")
    root = _check(svg)
    assert "<img" not in str(svg) and "&lt;script&gt;" in str(svg)
    # The name is shown, as text, once the SVG is parsed (truncated to fit the legend).
    assert any(t.startswith("<script>alert") for t in _texts(root))


def test_a_malicious_name_in_the_rungs_chart_is_escaped_too() -> None:
    svg = rungs_chart([Series(EVIL, (Point(MONDAY, 1), Point(MONDAY + timedelta(7), 2)))])
    _check(svg)
    assert "<img" not in str(svg)


def test_sessions_chart_has_a_bar_per_week_and_series() -> None:
    weeks = [WeekCount(MONDAY + timedelta(weeks=i), 3, i % 4) for i in range(8)]
    root = _check(sessions_chart(weeks))
    texts = _texts(root)
    assert "Planned" in texts and "Done" in texts
    assert "02 Mar" in texts and "20 Apr" in texts


def test_weight_chart_draws_the_readings() -> None:
    points = [Point(MONDAY + timedelta(days=3 * i), 82 - 0.4 * i) for i in range(6)]
    root = _check(weight_chart(points, "kg"))
    assert "kg" in _texts(root)


@pytest.mark.parametrize("chart", [
    lambda: sessions_chart([]), lambda: loads_chart([], "lb"), lambda: rungs_chart([]),
    lambda: weight_chart([], "kg"),
    lambda: weight_chart([Point(MONDAY, 80.0)], "kg"),
    lambda: loads_chart([Series("One day", (Point(MONDAY, 0.0),))], "kg"),
])
def test_empty_and_single_point_charts_still_render(chart: object) -> None:
    assert callable(chart)
    _check(chart())


def test_no_data_is_said_in_words() -> None:
    assert "No weigh-ins yet" in _texts(_check(weight_chart([], "kg")))
    assert "No loads logged yet" in _texts(_check(loads_chart([], "kg")))


def test_at_most_a_few_lines_on_a_phone() -> None:
    series = [_series(f"Lift {i} (kg)", start=10 * i) for i in range(MAX_LINES + 3)]
    texts = _texts(_check(loads_chart(series, "kg")))
    assert f"Lift {MAX_LINES - 1} (kg)" in texts and f"Lift {MAX_LINES} (kg)" not in texts

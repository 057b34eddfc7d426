"""The athlete's own page, opened from the link the coach texts, on a phone-sized screen.

The athlete texts LINK; the coach's reply carries ``<base>/a/<code>``; opening it signs the
phone in and lands on ``/me``: this week, what changed, and three charts (sessions, loads,
weight), all inside the screen. The athlete is onboarded first (so there is a plan and a week)
and texts a weigh-in (so the weight chart has a point).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.browser.conftest import PHONE as PHONE_SIZE
from tests.browser.conftest import Browser, Product, poll

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

PHONE = "+15551239002"
CHARTS = ("#chart-sessions", "#chart-loads", "#chart-weight")


def test_the_texted_link_opens_the_athlete_page_on_a_phone(
    product: Product, browser: Callable[[str], Browser]
) -> None:
    # Onboarded, with a plan (so the page has a week) and one weigh-in (so the weight chart
    # has a point).
    for text in ("hi", "I'm Riley", "build muscle", "3 days", "full gym"):
        assert "coach: " in product.text(PHONE, text)
    # Onboarding is complete once the coach says it is building the plan. The plan's own text
    # waits for the morning when this runs at night in the athlete's zone, so it is not
    # waited for: the test must pass at any hour.
    poll(lambda: any("building your plan" in sms.body for sms in product.sent(PHONE)),
         timeout=60, message=f"onboarding did not finish: {product.sent(PHONE)}")
    assert "82" in product.text(PHONE, "weighed 82kg this morning")
    before = len(product.sent(PHONE))

    answered = product.text(PHONE, "LINK")
    assert "coach: " in answered, answered
    link_text = re.compile(rf"{re.escape(product.base)}/a/[A-Za-z0-9_~.-]+")
    texted = [sms.body for sms in product.wait_for_sent(PHONE, before + 1)[before:]]
    links = [found.group(0) for body in texted for found in link_text.finditer(body)]
    assert links, f"no {product.base}/a/<code> link in the texts answering LINK: {texted}"
    link = links[-1].rstrip(".")

    page = browser("phone")
    page.get(link)
    page.shot("link-opened")
    page.click_through("#open-page")  # showing the link spends nothing; the tap does
    page.wait_for_path("/me")
    width = page.driver.execute_script("return window.innerWidth")
    assert width == PHONE_SIZE[0], f"a phone-sized viewport, not {width}px wide"
    page.find("#this-week")
    page.shot("me-top")
    page.find("#changes", visible=False)

    for chart in CHARTS:
        svg = page.find(f"{chart} svg", visible=False)
        page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", svg)
        page.find(f"{chart} svg")
        box = svg.rect
        assert box["width"] > 0 and box["height"] > 0, (chart, box)
        assert box["x"] >= -1 and box["x"] + box["width"] <= width + 1, (
            f"{chart} is wider than the {width}px screen: {box}")
        page.shot(chart.lstrip("#"))

    weight = page.driver.execute_script(
        "return document.querySelector('#chart-weight svg').textContent")
    assert "82" in weight, f"the texted weigh-in (82 kg) is not on the weight chart: {weight!r}"

    overflow = page.driver.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways on a phone by {overflow}px"

    # The signed-in page survives a reload (the link set a session; it is not needed again).
    page.driver.refresh()
    page.wait_for_path("/me")
    page.find("#this-week")

"""Web sign-up in a real browser on a phone-sized screen: the form filled in, the code read
from the local SMS channel's output, entered, and the coach's first onboarding texts arriving.
Then a second sign-up of the same number says it is already signed up, with no second welcome.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.browser.conftest import PHONE as PHONE_SIZE
from tests.browser.conftest import Browser, Product, poll
from worker.coach.welcome import WELCOME

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

PHONE = "+15552019017"
CODE_TEXT = re.compile(r"^(\d{6}) is your textcoach sign-up code")


def _sign_up(page: Browser, product: Product, typed: str, sent_before: int) -> str:
    """Fill in the form as a person would (their number as they write it); the code texted."""
    page.get(f"{product.base}/signup")
    page.find("#phone").send_keys(typed)
    page.find("#name").send_keys("Riley")
    page.find("#consent").click()
    page.shot("signup-filled")
    page.click_through("#send-code")
    page.wait_for_path("/signup/verify")
    texts = product.wait_for_sent(PHONE, sent_before + 1)[sent_before:]
    codes = [m.group(1) for sms in texts if (m := CODE_TEXT.match(sms.body)) is not None]
    assert codes, f"no code texted: {[sms.body for sms in texts]}"
    return codes[-1]


def test_signing_up_on_a_phone_starts_onboarding_by_text(
    product: Product, browser: Callable[[str], Browser]
) -> None:
    page = browser("phone")
    code = _sign_up(page, product, "(555) 201-9017", 0)
    width = page.driver.execute_script("return window.innerWidth")
    assert width == PHONE_SIZE[0], f"a phone-sized viewport, not {width}px wide"
    page.find("#code").send_keys(code)
    page.shot("code-entered")
    page.click_through("#confirm")
    page.find("#check-texts")
    page.shot("check-your-texts")
    overflow = page.driver.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways on a phone by {overflow}px"

    poll(lambda: any("Riley" in sms.body for sms in product.sent(PHONE)), timeout=60,
         message=f"the coach did not greet Riley: {product.sent(PHONE)}")
    assert [sms.body for sms in product.sent(PHONE)].count(WELCOME) == 1

    again = browser("phone")
    code = _sign_up(again, product, "+1 555 201 9017", len(product.sent(PHONE)))
    again.find("#code").send_keys(code)
    again.click_through("#confirm")
    again.find("#already")
    again.shot("already-signed-up")
    assert [sms.body for sms in product.sent(PHONE)].count(WELCOME) == 1

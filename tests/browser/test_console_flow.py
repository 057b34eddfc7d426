"""An operator made from the CLI takes a conversation over in the console, in a real browser.

Log in, find the athlete by name and by phone, take over (the coach goes silent: a text that
arrives meanwhile is stored and shown, and nothing is sent back), reply as a person (the text
reaches the phone exactly once), hand back (the coach answers the next text again), log out
(the console then sends you to the login page).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest

from tests.browser.conftest import Browser, Product

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

PHONE = "+15551239001"
NAME = "Quinn"
EMAIL = "alex.ops@example.com"
PASSWORD = "a-long-console-passphrase-42"
ATHLETE_URL = re.compile(r"/console/athletes/[0-9a-fA-F-]{36}")
#: With the worker running and a 0.75 s debounce, a coach answer would be out well within this.
SILENCE_S = 4.0


def _login(page: Browser, base: str) -> None:
    page.get(f"{base}/console/login")
    page.find("form#login")
    page.shot("login-page")
    page.find("form#login input[name=email]").send_keys(EMAIL)
    page.find("form#login input[name=password]").send_keys(PASSWORD)
    page.click_through("button#login-submit")
    page.wait_for_path("/console")


def _search(page: Browser, query: str) -> list[str]:
    """Search the inbox; the hrefs of the athlete links in the results."""
    box = page.find("form#search input[name=q]")
    box.clear()
    box.send_keys(query)
    page.click_through("button#search-submit")

    def results(_driver: object) -> list[str] | None:
        links = page.find_all("table#athletes tr.athlete a.athlete-link")
        return [link.get_attribute("href") for link in links] or None

    return page.until(results, f"search results for {query!r} "
                               "(table#athletes tr.athlete a.athlete-link)")


def _thread(page: Browser, direction: str, *, kind: str | None = None) -> list[str]:
    css = f"ol#thread li.message[data-direction={direction}]"
    if kind is not None:
        css += f"[data-kind={kind}]"
    return [item.find_element("css selector", ".body").text
            for item in page.find_all(css)]


def _until_in_thread(page: Browser, text: str, direction: str, *,
                     kind: str | None = None) -> None:
    """Reload the athlete's page until the thread shows ``text`` (an inbound text is stored by
    the webhook before it answers, so this is normally the first load)."""
    css = f"ol#thread li.message[data-direction={direction}]"
    css += f"[data-kind={kind}]" if kind else ""

    def shown(_driver: object) -> object:
        page.driver.refresh()
        page.find("ol#thread", visible=False)
        return next((item for item in page.find_all(css)
                     if text in item.find_element("css selector", ".body").text), None)

    item = page.until(shown, f"{css} .body containing {text!r}")
    # So the step's screenshot shows it.
    page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", item)


def test_operator_takes_over_replies_and_hands_back(
    product: Product, browser: Callable[[str], Browser]
) -> None:
    # An operator account, made the way the README says: from the CLI, password on stdin.
    made = product.cli("operators", "add", EMAIL, "--role", "coach", stdin=f"{PASSWORD}\n")
    assert made.returncode == 0, made.stdout + made.stderr
    assert EMAIL in made.stdout

    # An athlete with a name, answered by the coach.
    welcome = product.text(PHONE, "hi")
    assert "coach: " in welcome
    assert "coach: " in product.text(PHONE, f"I'm {NAME}")
    sent_before = len(product.wait_for_sent(PHONE, 2))

    page = browser("desktop")
    _login(page, product.base)
    badge = page.find("#needs-person-badge", visible=False)
    assert re.fullmatch(r"\d*", badge.text.strip()), badge.text
    page.find("form#logout button#logout-submit")
    page.shot("inbox")

    by_name = _search(page, NAME)
    assert len(by_name) == 1, by_name
    assert ATHLETE_URL.search(by_name[0]), by_name
    page.shot("search-by-name")
    by_phone = _search(page, PHONE)
    assert by_phone == by_name
    page.shot("search-by-phone")

    page.click_through("table#athletes tr.athlete a.athlete-link")
    page.wait_for_path(ATHLETE_URL)
    athlete_page = page.driver.current_url
    page.wait_for_text("#coach-state", "Coach active")
    assert any(NAME in body for body in _thread(page, "inbound")), _thread(page, "inbound")
    assert _thread(page, "outbound"), "the coach's answers are in the thread"
    page.shot("athlete-coach-active")

    # Take over, holding the morning text.
    from selenium.webdriver.support.ui import Select

    Select(page.find("form#takeover select[name=morning]")).select_by_value("hold")
    page.click_through("button#takeover-submit")
    page.wait_for_text("#coach-state", "Paused")
    page.find("form#reply textarea[name=body]")
    page.find("form#handback button#handback-submit")
    assert not page.find_all("button#takeover-submit") or not any(
        button.is_displayed() for button in page.find_all("button#takeover-submit"))
    page.shot("taken-over")

    # The athlete texts while a person has the conversation: stored, shown, not answered.
    waiting = "are you still there? running late today"
    product.post_text(PHONE, waiting)
    time.sleep(SILENCE_S)  # a bounded wait for something that must NOT happen
    assert len(product.sent(PHONE)) == sent_before, (
        f"the coach answered during the takeover: {product.sent(PHONE)[sent_before:]}")
    _until_in_thread(page, waiting, "inbound")
    page.shot("inbound-while-paused")

    # The operator answers as a person: on the phone exactly once, and in the thread.
    reply = "Hi Quinn, Alex here from the coaching team. No rush today, I will call you at 5."
    page.find("form#reply textarea[name=body]").send_keys(reply)
    page.click_through("button#reply-submit")
    page.wait_for_path(ATHLETE_URL)
    texts = product.wait_for_sent(PHONE, sent_before + 1)
    assert [sms.body for sms in texts[sent_before:]] == [reply]
    time.sleep(1.0)  # a second delivery (a retry, a duplicate job) would show by now
    assert product.channel_output().count(reply) == 1, product.sent(PHONE)[sent_before:]
    sent_before += 1
    _until_in_thread(page, reply, "outbound", kind="operator")
    page.wait_for_text("#coach-state", "Paused")
    page.shot("operator-replied")

    # Hand back: the coach is active again and answers the next text.
    page.click_through("button#handback-submit")
    page.wait_for_path(ATHLETE_URL)
    page.wait_for_text("#coach-state", "Coach active")
    page.find("form#takeover button#takeover-submit")
    page.shot("handed-back")
    answered = product.text(PHONE, "what should I do today?")
    assert "coach: " in answered, answered
    coach_texts = product.wait_for_sent(PHONE, sent_before + 1)[sent_before:]
    assert coach_texts, "the coach answered after the hand-back"
    assert product.channel_output().count(reply) == 1
    first_line = coach_texts[-1].body.splitlines()[0].strip()
    page.get(athlete_page)
    _until_in_thread(page, "what should I do today?", "inbound")
    assert any(first_line in " ".join(body.split()) for body in _thread(page, "outbound")), (
        first_line, _thread(page, "outbound"))
    page.shot("coach-answers-again")

    # Log out: the console is closed to this browser until it logs in again.
    page.get(f"{product.base}/console")
    page.click_through("form#logout button#logout-submit")
    page.wait_for_path(re.compile(r"/console/login|/"))
    page.shot("logged-out")
    page.get(f"{product.base}/console")
    page.wait_for_path("/console/login")
    page.find("form#login")
    page.get(athlete_page)
    page.wait_for_path("/console/login")
    page.shot("console-after-logout")

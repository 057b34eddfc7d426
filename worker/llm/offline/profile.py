"""The offline profile extractor: the facts a turn's texts state, read with rules."""

from __future__ import annotations

import re
from typing import Final

from worker.domain.context import AthleteContext
from worker.domain.onboarding import CHOICES, MAX_ASKS
from worker.domain.profile import ProfileUpdate
from worker.llm.offline.read.profile import read_profile
from worker.llm.offline.read.text import CORRECTION
from worker.llm.offline.referral_codes import without_referral
from worker.llm.types import LLMRequest
from worker.photos.save import said

#: The coach's last text set the text time ("Noted: texts at 05:00"), and this one corrects
#: something: "actually 430" is the time, as a model reading the thread would take it.
_TIME_SET: Final = re.compile(r"\btexts? at \d{1,2}:\d{2}\b")


def profile_update(request: LLMRequest) -> ProfileUpdate:
    context = AthleteContext.model_validate(request.variables)
    texts = [without_referral(t) for t in said(context.inbox_texts())]
    asked = list(context.last_asked)
    if (context.last_coach_message and _TIME_SET.search(context.last_coach_message)
            and any(CORRECTION.search(t) for t in texts)):
        asked.append("send_time")
    choices: dict[str, tuple[str, ...]] = {}
    if context.onboarding is not None:
        choices = {f: CHOICES[f] for f in asked if f in CHOICES
                   and context.onboarding.asked_before.get(f, 0) >= MAX_ASKS}
    phone_us = context.athlete.phone_country == "US"
    return read_profile(
        texts, asked=asked, choices=choices,
        country="US" if phone_us else "", today=context.today_date(),
        default_unit="kg" if context.athlete.units == "metric" else "lb",
        on_trip=any(t.active for t in context.athlete.trips), known_name=context.athlete.name)

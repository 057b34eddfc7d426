"""Every fact a turn's texts state about the athlete, as the ProfileUpdate a model would answer.

The texts are prepared once (:func:`.text.statements`: cleaned, their glossary words in
English, questions and other people's things left out); each reader takes what it knows how
to read; the last statement of a single fact wins ("3 days... actually 4"). ``asked`` is the
fields the coach's last question asked for, from the database (never read back from the
reply's wording): it lets a bare "Sam", "3" or "none" answer that question, and "2" pick the
second of the choices offered.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

from worker.domain.onboarding import CHOICE_VALUES
from worker.domain.profile import Injury, ProfileUpdate
from worker.domain.vocabulary import Units
from worker.llm.offline.read.body import read_age, read_avoid, read_body_weight, read_injuries
from worker.llm.offline.read.equipment import read_kit
from worker.llm.offline.read.experience import (
    read_experience,
    read_lifts,
    read_returning,
    read_training_years,
)
from worker.llm.offline.read.goals import read_goal, read_targets
from worker.llm.offline.read.names import read_name
from worker.llm.offline.read.schedule import read_days, read_minutes
from worker.llm.offline.read.text import (
    CI,
    CORRECTION,
    kit_text,
    negated,
    prepare,
    statements,
    turn_languages,
)
from worker.llm.offline.read.times import read_send_time
from worker.llm.offline.read.zones import read_timezone

log = logging.getLogger(__name__)

#: "actually 430": a correction followed by a number.
_CORRECTED_NUMBER: Final = re.compile(CORRECTION.pattern + r"\W+\d", CI)

_METRIC: Final = re.compile(r"\b(?:kgs?|kilos?|kilograms?|metric)\b|\d\s*kgs?\b", CI)
_IMPERIAL: Final = re.compile(r"\b(?:lbs?|pounds|imperial)\b|\d\s*lbs?\b", CI)
_CORRECTION: Final = re.compile(
    r"\b(?:no,? i said|i said|i meant|correction|scratch that|not what i said|that'?s wrong|"
    r"wrong,)\b", CI)
_BARE_CHOICE: Final = re.compile(r"^\W*(?:option\s*)?(\d)\W*$")


#: A workout report: the loads in it are what the gym's machines say, not how the athlete
#: wants to be spoken to (a metric athlete still pulls down "70lbs" on an American stack).
_REPORT: Final = re.compile(r"\b\d+\s*x\s*\d+\b|\bsets? of\b|\b(?:did|done|finished) it\b", CI)
#: What makes a unit in a report still a preference: their body weight, or the units asked for.
_BODY_UNITS: Final = re.compile(r"\b(?:weigh\w*|weight|scale|lose|lost|gain|drop|bw|metric|"
                                r"imperial|in (?=kgs?|lbs?|pounds|kilos))\b", CI)


def _units(text: str) -> Units | None:
    low = text.lower()
    report = bool(_REPORT.search(low))
    hits: list[tuple[int, Units]] = []
    for units, pattern in (("metric", _METRIC), ("imperial", _IMPERIAL)):
        for match in pattern.finditer(low):
            if report and not _BODY_UNITS.search(low[max(0, match.start() - 30):match.end()]):
                continue
            if not negated(low, match.start(), max_words=1):
                hits.append((match.start(), units))  # type: ignore[arg-type]
    return max(hits)[1] if hits else None


def read_profile(
    texts: Sequence[str], *, asked: Sequence[str] = (),
    choices: Mapping[str, Sequence[str]] | None = None, country: str = "US",
    default_unit: str = "lb", today: date | None = None, on_trip: bool = False,
    known_name: str | None = None,
) -> ProfileUpdate:
    """Every profile fact stated in one turn's texts; None for anything not stated. Never
    raises: a reader bug is logged and the turn reads as stating nothing."""
    try:
        return _read(texts, asked=asked, choices=choices or {}, country=country,
                     default_unit=default_unit, today=today or date.today(), on_trip=on_trip,
                     known_name=known_name)
    except Exception:
        log.exception("offline profile reading failed; treating the turn as empty")
        return ProfileUpdate()


def _read(
    texts: Sequence[str], *, asked: Sequence[str], choices: Mapping[str, Sequence[str]],
    country: str, default_unit: str, today: date, on_trip: bool, known_name: str | None,
) -> ProfileUpdate:
    kept = statements(texts, on_trip=on_trip)
    text = "\n".join(k for k in kept if k)
    asked = answered(texts, asked)
    spoken = turn_languages(texts)
    context = "\n".join(prepare(t, spoken) for t in texts if isinstance(t, str))
    facts: dict[str, Any] = {}

    chosen = _choice(texts, choices)
    if chosen is not None:
        facts |= chosen

    name = read_name(kept, asked="name" in asked, known=known_name)
    facts["name"] = name if name != known_name else None
    facts["age"] = read_age(text)
    goal = read_goal(text, asked="primary_goal" in asked)
    if goal is not None:
        facts["primary_goal"], facts["goal_detail"] = goal
    facts["targets"] = read_targets(text, today=today, default_unit=default_unit) or None
    facts["experience"] = read_experience(text, asked="experience" in asked)
    facts["training_years"] = read_training_years(text)
    facts["returning"] = read_returning(text)
    facts["lifts"] = read_lifts(text, default_unit=default_unit) or None

    count, days = read_days(text, asked="days_per_week" in asked)
    facts["days_per_week"] = count
    facts["training_days"] = days.training
    facts["excluded_days"] = days.excluded
    facts["activities"] = days.activities or None
    facts["session_minutes"] = read_minutes(text, asked="session_minutes" in asked)

    kit = read_kit(kit_text(text), asked="equipment" in asked, default_unit=default_unit)
    facts["equipment"] = kit.equipment
    facts["equipment_only"] = kit.only
    facts["equipment_removed"] = kit.removed or None
    facts["load_caps"] = kit.caps or None
    facts["training_location"] = kit.location

    injuries = read_injuries(text, asked="injuries" in asked)
    avoid = read_avoid(text)
    if avoid:
        injuries = _attach_avoid(injuries, avoid)
    facts["injuries"] = injuries
    facts["timezone"] = read_timezone(text, asked="timezone" in asked, country=country)
    facts["send_time"] = read_send_time(text, context=context, asked="send_time" in asked)
    facts["units"] = _units(text)
    facts["body_weight"] = read_body_weight(text, default_unit=(
        "kg" if facts["units"] == "metric" else "lb" if facts["units"] else default_unit))
    if _CORRECTION.search(context):
        facts["correction"] = True
    return ProfileUpdate.model_validate({k: v for k, v in facts.items() if v is not None})


#: A text this short can be a bare answer ("7", "yes 6am", "Sam", "none"): a longer one is
#: read for what it says, not for the question it might answer ("225 would feel like a
#: house", "8 clean pull-ups").
BARE_WORDS = 5
#: Fields whose answers are naturally long, so the question still frames a long reply ("I have
#: two dumbbells and a bench at home", "no injuries, just a stiff neck sometimes").
LONG_ANSWERS = frozenset({"equipment", "injuries", "primary_goal"})


def answered(texts: Sequence[str], asked: Sequence[str]) -> list[str]:
    """The asked fields a turn can be a bare answer to."""
    words = sum(len(re.findall(r"[^\W_]+", t)) for t in texts if isinstance(t, str))
    if words <= BARE_WORDS:
        return list(asked)
    # "actually 430. i roll at 5": a number corrected is still the answer, in a longer text
    corrected = any(_CORRECTED_NUMBER.search(t) for t in texts if isinstance(t, str))
    return [f for f in asked if f in LONG_ANSWERS or (corrected and f == "send_time")]



def _attach_avoid(injuries: list[Injury] | None, avoid: list[str]) -> list[Injury]:
    """Movements that hurt belong to the one injury of the turn, or to the last one known
    (``area`` "unspecified": the domain attaches it)."""
    current = [i for i in injuries or [] if i.status in (None, "current", "replaced")]
    if len(current) == 1:
        merged = sorted({*(current[0].avoid or []), *avoid})
        return [i if i is not current[0] else i.model_copy(update={"avoid": merged})
                for i in injuries or []]
    return [*(injuries or []), Injury(area="unspecified", note="", avoid=avoid)]


def _choice(texts: Sequence[str], choices: Mapping[str, Sequence[str]]) -> dict[str, Any] | None:
    """"2" in answer to a numbered list of choices the coach offered."""
    if not choices or len(texts) != 1:
        return None
    match = _BARE_CHOICE.match(texts[0])
    if match is None:
        return None
    field, options = next(iter(choices.items()))
    index = int(match.group(1)) - 1
    values = CHOICE_VALUES.get(field, ())
    if not 0 <= index < min(len(options), len(values)):
        return None
    value = values[index]
    if field == "equipment":
        return {"equipment": value}
    return {field: value}

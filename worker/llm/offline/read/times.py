"""When the athlete wants their daily text: "6:30am", "around 8", "alle 6.45", "930", "10ish".

A clock time counts only where it is about the text ("send it at", "9am is fine", "text me at"),
not about training ("I lift at 6", "I'm at the gym by 6:45", "I climb at 18:00"); "am not pm"
means the morning. The answer is the athlete's wish; the domain keeps it inside the window.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Final

from worker.llm.offline.read.text import CI, CORRECTION, clause, sentence_bounds
from worker.localtime import parse_clock_time

_TIME_RE: Final = re.compile(
    r"\b(?:(?P<noon>noon|midday)"
    r"|(?P<qp>half|quarter) past (?P<qph>\d{1,2})"
    r"|quarter to (?P<qth>\d{1,2})"
    r"|(?P<h1>\d{1,2})(?:[:.](?P<m1>\d{2}))?\s*(?P<ap>[ap])\.?\s?m\b\.?"
    r"|(?P<h2>\d{1,2}):(?P<m2>\d{2})\b"
    r"|(?P<at>at|around|about|by|before|after|for)\s+(?P<h3>\d{1,2})(?!\d)"
    r"(?:[:.](?P<m3>\d{2}))?"
    r"(?:\s*(?:ish|o'?clock))?\b(?!\s*(?:min|minutes|hours?|hrs?|days?|x\b|times|kg|kilos?|"
    r"lbs?|pounds|k\b|km|miles?|%|/|years?|yrs?|reps?|sets?|weeks?|months?|[.:]\d))"
    r"|(?P<h4>\d{1,2})\s*(?:ish|o'?clock)\b"
    r"|(?P<h5>\d{1,2})(?:[:.](?P<m5>\d{2}))?\s+in the (?P<part>morning|evening|afternoon)"
    r"|(?P<h6>\d{1,2})\s+at night"
    # "like 6.30 for the text", "make that 6.15": the British and European way to write it
    # (not a pace, a split or a weight: "6.10/km", "5.45 per km", "mile in 9.45", "12.50s")
    r"|(?<![\d.,])(?<!\bin )(?P<h7>\d{1,2})\.(?P<m7>[0-5]\d)(?![\d.]|\s*(?:kg|kilos?|lbs?|km|"
    r"k\b|miles?|m\b|cm|%|x\b|reps?|sets?|min|hours?|hrs?|/|per\b|pace|s\b|'?s\b)))",
    CI,
)
_EVENING: Final = re.compile(r"\b(?:evening|evenings|night|tonight|after work|pm|afternoons?|"
                             r"after (?:school|class|practice|my shift)|home from (?:school|work|"
                             r"class|practice)|lunch(?:time)?)\b", CI)
_SEND_WORDS: Final = re.compile(
    r"\b(?:text|texts|texting|txt|sms|send|sent|message|msg|remind|reminder|ping|hit me|notify|"
    r"get it|receive|works|work for me|is good|is best|is fine|is perfect|suits|prefer|ideal|"
    r"would be nice|would be lovely|would be great|early|too early)\b|"
    r"\bmornings?\s+(?:at|around|by)\b",
    CI,
)
_TRAINING_WORDS: Final = re.compile(
    r"\b(?:train|training|workout|work out|lift|lifting|gym|run|running|exercise|session|"
    r"climb\w*|surf\w*|shift|class|go|leave|start work|at work|by)\b(?!\s+(?:text|send))", CI
)
#: "send it at like 930", "545am": a clock time written without its colon.
_COMPACT_TIME: Final = re.compile(r"\b([1-9]|1[0-2])([0-5]\d)(?:\s*(am|pm))?\b(?!\s*(?:kg|lbs?|"
                                  r"m\b|km|cal|min))", CI)


def _time_of(match: re.Match[str], clause: str) -> time | None:
    groups = match.groupdict()
    try:
        if groups["noon"]:
            return time(12, 0)
        if groups["qp"]:
            hour = int(groups["qph"])
            minute = 30 if groups["qp"].lower() == "half" else 15
            return _daytime(hour, minute, clause)
        if groups["qth"]:
            hour = int(groups["qth"]) - 1 or 12
            return _daytime(hour, 45, clause)
        if groups["h1"]:
            spec = f"{groups['h1']}:{groups['m1'] or '00'}{groups['ap'].lower()}m"
            return parse_clock_time(spec)
        if groups["h2"]:
            hour = int(groups["h2"])
            return _daytime(hour, int(groups["m2"]), clause) if hour <= 12 else parse_clock_time(
                f"{hour}:{groups['m2']}")
        if groups["h3"]:
            return _daytime(int(groups["h3"]), int(groups["m3"] or 0), clause)
        if groups["h4"]:
            return _daytime(int(groups["h4"]), 0, clause)
        if groups["h5"]:
            hour = int(groups["h5"])
            minute = int(groups["m5"] or 0)
            if groups["part"].lower() != "morning" and hour < 12:
                hour += 12
            return parse_clock_time(f"{hour}:{minute:02d}")
        if groups["h6"]:
            hour = int(groups["h6"])
            return parse_clock_time(f"{hour + 12 if hour < 12 else hour}:00")
        if groups["h7"]:
            return _daytime(int(groups["h7"]), int(groups["m7"]), clause)
    except ValueError:
        return None
    return None


def _daytime(hour: int, minute: int, clause: str) -> time:
    """A clock time without am/pm: morning unless the athlete says evening (a morning text)."""
    if 1 <= hour <= 11 and _EVENING.search(clause):
        hour += 12
    return parse_clock_time(f"{hour}:{minute:02d}")


def _send_time_hits(low: str, *, asked: bool, about_texts: bool) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for match in _TIME_RE.finditer(low):
        left, right = clause(low, match.start(), match.end())
        words = low[left:right]
        if match.group("at") and match.group("at").lower() in ("for", "before", "after")\
                and not asked:
            continue
        explicit = re.search(r"\b(?:text|txt|send|message|msg|remind|ping)\b", words)
        if not asked:
            corrected = bool(found) and re.search(
                r"\b(?:actually|no wait|wait|sorry|i mean|make it|make that|change it to)\W*$",
                low[max(0, left - 20):match.start()])
            if not (_SEND_WORDS.search(words) or about_texts or corrected):
                continue
            if _TRAINING_WORDS.search(words) and not explicit:
                continue
        when = _time_of(match, words)
        if when is not None:
            found.append((match.start(), f"{when.hour:02d}:{when.minute:02d}"))
    if asked and not found:  # "7" in answer to "what time should I text you?"
        bare = re.fullmatch(r"\W*(\d{1,2})(?:[:.]?(\d{2}))?\s*(ish)?\W*", low)
        if bare:
            try:
                when = _daytime(int(bare.group(1)), int(bare.group(2) or 0), low)
                found.append((0, f"{when.hour:02d}:{when.minute:02d}"))
            except ValueError:
                pass
    return found


# --------------------------------------------------------------------------------------------


_ASKS_FOR_TEXT: Final = re.compile(r"\b(?:send|text|txt|message|msg)\b", CI)


def read_send_time(text: str, *, context: str, asked: bool) -> str | None:
    """The daily-text time asked for; ``context`` is the whole turn (questions included), so
    "What time do you send these? Around 8:30 would be nice" counts."""
    low = text.lower().replace("am not pm", "am")
    low = _COMPACT_TIME.sub(lambda m: f"{m.group(1)}:{m.group(2)}{m.group(3) or ''}", low)
    about_texts = bool(re.search(r"\b(?:send|text|txt|message|msg|texting)\b|\bmornings? (?:is|are)"
                                 r" (?:best|good)\b|\bbest time\b", context.lower()))
    # "actually nah make it 3pm": a clock time corrected is the text's time, the only clock
    # time a profile holds.
    about_texts = about_texts or bool(CORRECTION.search(low) and re.search(
        r"\d\s*(?:am|pm)\b|\bnoon\b|\b\d{1,2}[:.][0-5]\d\b(?!\s*(?:kg|km|lbs?|k\b))", low))
    hits = _send_time_hits(low, asked=asked, about_texts=about_texts)
    # The time a correction names wins over one mentioned after it as the reason ("make it
    # 3pm, noon I'm always in meetings").
    chosen = [hit for hit in hits
              if re.search(r"\b(?:make it|make that|change it to|actually|no wait|wait)\W*$",
                           low[max(0, hit[0] - 25):hit[0]])]
    # "send it around 8? I have class at 10": the time in the sentence that asks for the text
    asked_for = [] if CORRECTION.search(low) or re.search(r"\bwait\b", low) else [
        hit for hit in hits if _ASKS_FOR_TEXT.search(low, *sentence_bounds(low, hit[0]))]
    return max(chosen or asked_for or hits)[1] if hits else None


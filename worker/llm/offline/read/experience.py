"""How experienced the athlete is, and the numbers that show it.

An explicit level ("beginner", "never lifted", "intermediate") is taken as said. Otherwise the
readers collect what a coach would infer from: years of training ("lifting ~3 yrs on and
off"), a long break ("haven't touched a weight in 5 yrs"), and current numbers ("bench 85kg x5",
"8 strict pull-ups", "wall hold 45s"), with past bests kept apart ("squatted 405 senior yr").
The level itself is inferred by the domain (:func:`worker.domain.onboarding.infer_experience`).
"""

from __future__ import annotations

import re
from typing import Final

from worker.domain.profile import Lift
from worker.domain.vocabulary import Experience
from worker.llm.offline.read.text import CI, clause, lower, negated

_EXPERIENCE_PATTERNS: Final[tuple[tuple[Experience, re.Pattern[str]], ...]] = (
    ("beginner", re.compile(
        r"\bbeginners?\b|\bnewbie\b|\bnoob\b|\bnovice\b|\bbrand new\b|\bprincipiante\b"
        r"|\b(?:new|newer|newish) (?:to|at) (?:this|it|lifting|training|working out|the gym|gym|"
        r"exercis\w*|excercis\w*|fitness|weights|strength training|running|all (?:of )?this)\b"
        r"|\bnever (?:really |properly |seriously )?(?:lifted|trained|worked out|exercised|"
        r"been to (?:a|the) gym|done (?:any|much|this)|been (?:athletic|sporty|active)|"
        r"lifted weights|been in a gym|done anything (?:of|like) (?:this|that)(?: sort| kind)?)\b"
        r"|\b(?:just|only) (?:started|starting|begun|beginning)\b"
        r"|\bstarting (?:out|from scratch|from zero)\b|\bfrom scratch\b"
        r"|\bcomplete(?:ly)? (?:new|beginner|novice)\b|\b(?:no|zero|little|very little|not much)"
        r"(?: to no)? experience\b|\bfirst time (?:lifting|training|working out|in a gym)\b"
        r"|\bdon'?t know what i'?m doing\b"
        r"|\bhaven'?t (?:trained|worked out|exercised|lifted) (?:in|for) (?:years|ages|"
        r"a long time|forever|a decade)\b|\bnever (?:really )?(?:been much for|done) "
        r"(?:exercise|exercising|sport)\b|\bnever lifted\b|\bnever really lifted\b"
        r"|\bvery out of shape\b",
        CI)),
    ("intermediate", re.compile(
        r"\bintermediate\b|\bsome experience\b|\bon and off\b|\boff and on\b", CI)),
    ("advanced", re.compile(
        r"\badvanced\b|\b(?:very |fairly |pretty |quite |reasonably )?experienced "
        r"(?:lifter|athlete|runner|trainee|gym|climber)\b"
        r"|\bi'?m (?:very |fairly |pretty |quite |reasonably )?experienced\b"
        r"|\bcompeted\b|\bcompeting\b|\bcompetitive(?:ly)?\b|\bused to compete\b"
        r"|\b(?:a|over a|more than a|about a) decade\b|\bdecades\b|\byears and years\b"
        r"|\bpersonal trainer\b|\bformer (?:athlete|powerlifter|bodybuilder)\b",
        CI)),
)
_YEARS: Final = re.compile(
    r"(?:(?<!\d)(\d{1,2})\s*\+?|\b(a|an|1|a couple(?: of)?|couple(?: of)?|a few|few|several|"
    r"many|over \d{1,2}|more than \d{1,2}|half a))\s*(years?|yrs?|months?|mos?)\b"
    r"(?!\s*(?:old|ago|of age|younger|older|off|break|away|out|of (?:no|not)))(\s*\+)?",
    CI,
)
_TRAINING_CONTEXT: Final = re.compile(
    r"lift|train|gym|work(?:ing|ed)?\s?out|exercis|excercis|experience|been at it|"
    r"doing (?:this|it)|running|ran\b|crossfit|sport|play|athlet|compet|weights|bodybuilding|"
    r"powerlifting|calisthenics|yoga|climb",
    CI,
)
_BARE_EXPERIENCE: Final[tuple[tuple[Experience, re.Pattern[str]], ...]] = (
    ("beginner", re.compile(
        r"^\s*(?:i'?m\s+|im\s+)?(?:new|brand new|none|nothing|zero|no|not much|a little|"
        r"little|never|very little|basically none|pretty new|kinda new|fairly new|total noob)\b"
        # "no injuries" answers another question in the same breath
        r"(?!\s+(?:injur\w*|pain\w*|problems?|issues?|equipment|gym|kit|weights|dumbbells|"
        r"days?|time|thanks))", CI)),
    ("intermediate", re.compile(
        r"^\s*(?:some|a bit|a while|a fair bit|moderate|decent|on and off|a year or 2|"
        r"a year or so|okay|ok)\b", CI)),
    ("advanced", re.compile(
        r"^\s*(?:lots|a lot|loads|tons|forever|ages|years|many years|decades|plenty|heaps)\b",
        CI)),
)


def _years_level(match: re.Match[str]) -> Experience:
    digits, words, unit = match.group(1), (match.group(2) or "").lower(), match.group(3).lower()
    plus = bool(match.group(4)) or "+" in match.group(0)
    if digits:
        amount = float(digits)
    elif words in ("a", "an", "1"):
        amount = 1
    elif "half" in words:
        amount = 0.5
    elif "couple" in words:
        amount = 2
    elif "few" in words or words == "several":
        amount = 3
    elif words == "many":
        amount = 6
    else:
        number = re.search(r"\d+", words)
        amount = float(number.group(0)) + 0.5 if number else 0
    if unit.startswith("m"):
        amount /= 12
    if plus:
        amount += 0.5
    if amount < 1:
        return "beginner"
    if amount < 5:
        return "intermediate"
    return "advanced"


def _experience_hits(low: str, texts: list[tuple[int, str]], asked: bool) -> list[
        tuple[int, Experience]]:
    found: list[tuple[int, Experience]] = []
    for level, pattern in _EXPERIENCE_PATTERNS:
        for match in pattern.finditer(low):
            if not negated(low, match.start(), max_words=3):
                found.append((match.start(), level))
    for match in _YEARS.finditer(low):
        left, right = clause(low, match.start(), match.end())
        context = low[left:right]
        if _BREAK.search(low[max(0, left - 30):right]):
            continue  # "haven't exercised in 10 years" is time off, not ten years of training
        if asked or _TRAINING_CONTEXT.search(context):
            found.append((match.start(), _years_level(match)))
    if asked and not found:
        for offset, text in texts:
            for level, pattern in _BARE_EXPERIENCE:
                if pattern.search(lower(text)):
                    found.append((offset, level))
                    break
    return found


# --------------------------------------------------------------------------------------------


def read_experience(text: str, *, asked: bool) -> Experience | None:
    hits = _experience_hits(text.lower(), [(0, text)], asked)
    return max(hits)[1] if hits else None


_AMOUNT_WORDS: Final = {"a": 1.0, "an": 1.0, "a couple": 2.0, "couple": 2.0, "a few": 3.0,
                        "few": 3.0, "several": 4.0, "many": 8.0}
_TRAINING_YEARS: Final = re.compile(
    r"(?:(?P<num>\d{1,2}(?:\.\d)?)\s*\+?|\b(?P<word>a|an|a couple(?: of)?|couple(?: of)?|a few|"
    r"few|several|many))\s*(?:years?|yrs?)\b(?!\s*(?:old|ago))", CI)
_FOR_YEARS: Final = re.compile(r"\b(?:for|since|from) years\b|\byears and years\b|"
                               r"\bforever\b|\bfor ages\b", CI)
_TRAINED: Final = re.compile(r"lift|train|gym|work(?:ing|ed)?\s?out|exercis|weights|climb|"
                             r"bodybuild|powerlift|calisthenics|crossfit|pilates|musculaç", CI)
_BREAK: Final = re.compile(
    r"\b(?:haven'?t|havent|have not|not)\s+(?:touched a weight|lifted|trained|worked out|"
    r"exercised|done much)(?:[^.,;]{0,30}?\b(?:in|for|since)\s+(?:like\s+|about\s+|over\s+)?"
    r"(?P<gap>\d{1,2}\+?|a few|many|several)?\s*(?:years?|yrs?))?"
    r"|\bused to (?:lift|train|be in (?:way )?better shape|play|compete)"
    r"|\b(?:coming|getting|get) back (?:into|to) (?:it|lifting|training|shape)"
    r"|\b(?:back|returning) (?:from|after) (?:a |an |my )?(?:break|injury|flare|baby|pregnancy)"
    r"|\bhavent done much since|\bnothing since|\bin my (?:20|30)s\b|\bdetrained\b"
    r"|\bnot exercised regularly\b|\bout of shape\b|\bbefore (?:pregnancy|kids)\b"
    r"|\bpre-?kids\b|\blifted in college\b|\bin college\b", CI)


def read_training_years(text: str) -> float | None:
    """Years of training the athlete mentions, if any (the longest)."""
    low = text.lower()
    years: list[float] = []
    for match in _TRAINING_YEARS.finditer(low):
        left, right = clause(low, match.start(), match.end())
        context = low[max(0, left - 30):right]
        if not _TRAINED.search(context) or re.search(
                r"\b(?:ago|since|till|until|time off|off for|break)\b", context):
            continue
        if _BREAK.search(context) or negated(low, max(left, match.start() - 40),
                                             max_words=6):
            continue  # "have not exercised regularly in 10 years": time off, not training
        if match.group("num"):
            years.append(float(match.group("num")))
        else:
            years.append(_AMOUNT_WORDS.get(match.group("word").lower(), 1.0))
    for match in _FOR_YEARS.finditer(low):
        left, right = clause(low, match.start(), match.end())
        if _TRAINED.search(low[max(0, left - 40):right]):
            years.append(5.0)
    return max(years) if years else None


def read_returning(text: str) -> bool | None:
    """True when they trained before but not for a long while."""
    return True if _BREAK.search(text.lower()) else None


_EXERCISES: Final = (r"bench(?: press)?|panca|squats?|back squat|front squat|deadlifts?|dl|"
                     r"ohp|overhead press|press|rdls?|rows?|hip thrusts?|leg press")
_BODYWEIGHT: Final = (r"pull[- ]?ups?|pullups|chin[- ]?ups?|dips|push[- ]?ups?|pushups|"
                      r"muscle[- ]?ups?|pistols?")
_LOADED: Final = re.compile(
    r"\b(?P<ex>" + _EXERCISES + r")\s*(?:is|at|of|~|@)?\s*~?(?P<load>\d{2,3}(?:\.\d)?)\s*"
    r"(?P<unit>kg|kgs|lbs?|pounds)?\s*(?:x|for(?: a)?|×)\s*(?P<reps>\d{1,2}|triple|double|single)"
    r"\b", CI)
_LOAD_FIRST: Final = re.compile(
    r"(?P<load>\d{2,3}(?:\.\d)?)\s*(?P<unit>kg|kgs|lbs?)?\s*(?:x|for)\s*(?P<reps>\d{1,2})\b",
    CI)
_REPS: Final = re.compile(
    r"\b(?P<reps>\d{1,2})\s+(?:strict\s+|clean\s+|good\s+|full\s+|unbroken\s+)?"
    r"(?P<ex>" + _BODYWEIGHT + r")\b"
    r"|\b(?P<ex2>" + _BODYWEIGHT + r")\D{0,20}?(?P<reps2>\d{1,2})\s*(?:strict|clean|saubere|"
    r"reps)\b", CI)
_HOLD: Final = re.compile(
    r"\b(?:hold|holds?)\s+(?:like\s+|about\s+)?(?P<sec>\d{1,3})\s*(?:s|sec|secs|seconds)\b", CI)
_PAST: Final = re.compile(r"\b(?:used to|back then|in college|senior (?:yr|year)|at one point|"
                          r"years ago|when i was|in my (?:20|30)s|pre-?injury|squatted|pulled|"
                          r"benched|deadlifted)\b", CI)
_REP_WORDS: Final = {"triple": 3, "double": 2, "single": 1}
_WEIGHTED: Final = re.compile(r"\+\s*(?P<load>\d{1,3}(?:\.\d)?)\s*(?P<unit>kg|lbs?)\b\D{0,25}?"
                              r"(?P<reps>\d{1,2})\b(?!\s*(?:kg|lbs?|min|sec|s\b))", CI)
_PAST_MAX: Final = re.compile(
    r"\b(?P<verb>squatted|benched|pulled|deadlifted)\s+(?P<load>\d{2,3})\s*(?P<unit>kg|lbs?)?"
    r"(?:\s*for\s+(?:a\s+)?(?P<reps>\d{1,2}|triple|double|single|reps))?", CI)
_VERB_LIFTS: Final = {"squatted": "squat", "benched": "bench press", "pulled": "deadlift",
                      "deadlifted": "deadlift"}
#: "bench 80, deadlift 140": a main lift and a number, nothing else.
_BARE_LIFT: Final = re.compile(
    r"\b(?P<ex>bench(?: press)?|squat|back squat|deadlift|dl|ohp|overhead press)\s+(?:is\s+|at\s+|"
    r"~\s*)?(?P<load>\d{2,3}(?:\.\d)?)\b(?!\s*(?:x\b|reps|for|%|min|kg|kgs|lbs?|pounds|s\b|\d))",
    CI)
_REPORT_WORDS: Final = re.compile(r"\b(?:did|done|today|finished|sets?|logged)\b|\d\s*x\s*\d", CI)
#: "used to bench 100 back in the day, prob 70 now": the best then, and the number now.
_THEN_NOW: Final = re.compile(
    r"\bused to (?P<verb>bench|squat|deadlift|pull|press)\s+(?P<then>\d{2,3})\s*(?P<unit>kg|lbs?)?"
    r"[^.;!?]{0,30}?\b(?:prob(?:ably)?|maybe|like|about|~|around)?\s*(?P<now>\d{2,3})\s*"
    r"(?P<unit2>kg|lbs?)?\s+(?:now|rn|these days|today)\b", CI)
_VERB_NAMES: Final = {"bench": "bench press", "squat": "squat", "deadlift": "deadlift",
                      "pull": "deadlift", "press": "overhead press"}


def read_lifts(text: str, *, default_unit: str) -> list[Lift]:
    """Numbers the athlete can do (or did once): loaded sets, bodyweight reps, holds."""
    low = text.lower()
    found: list[Lift] = []
    # "bench 85kg x5, squat ~120x5 and dl 150x3": a unit said once holds for the text.
    said = re.search(r"\d\s*(kg|kgs|kilos?|lbs?|pounds)\b", low)
    if said is not None:
        default_unit = "lb" if said.group(1).startswith(("lb", "pound")) else "kg"
    for match in _LOADED.finditer(low):
        found.append(_lift(low, match, match.group("ex"), default_unit))
    for match in _LOAD_FIRST.finditer(low):
        if any(f.load == float(match.group("load")) for f in found):
            continue
        before = low[max(0, match.start() - 70):match.start()]
        lifts = list(re.finditer(r"\b(" + _EXERCISES + r")\b", before))
        if not lifts or not re.search(r"\b(?:currently|now|rn|right now|i do|i can|i'?m at|"
                                      r"i am at)\b", before + " "):
            continue
        found.append(_lift(low, match, lifts[-1].group(1), default_unit))
    for match in _THEN_NOW.finditer(low):
        unit_word = match.group("unit2") or match.group("unit") or ""
        unit = "lb" if unit_word.startswith("lb") or (not unit_word and default_unit == "lb") \
            else "kg"
        what = _VERB_NAMES[match.group("verb")]
        found.append(Lift(exercise=what, load=float(match.group("then")), unit=unit,  # type: ignore[arg-type]
                          past=True))
        found.append(Lift(exercise=what, load=float(match.group("now")), unit=unit))  # type: ignore[arg-type]
    if not _REPORT_WORDS.search(low):  # "bench 80, deadlift 140 I think": their numbers now
        for match in _BARE_LIFT.finditer(low):
            load = float(match.group("load"))
            if any(f.load == load for f in found) or _past(low, match.start()):
                continue
            found.append(Lift(exercise=_name(match.group("ex")), load=load,
                              unit="lb" if default_unit == "lb" else "kg"))
    for match in _PAST_MAX.finditer(low):
        reps_text = match.group("reps") or "single"
        reps = 5 if reps_text == "reps" else _REP_WORDS.get(reps_text) or int(reps_text)
        unit = match.group("unit")
        found.append(Lift(exercise=_VERB_LIFTS[match.group("verb")],
                          load=float(match.group("load")),
                          unit="lb" if (unit or "").startswith("lb") or (
                              not unit and default_unit == "lb") else "kg",
                          reps=reps, past=True))
    for match in _REPS.finditer(low):
        exercise = match.group("ex") or match.group("ex2")
        reps = int(match.group("reps") or match.group("reps2"))
        if negated(low, match.start(), max_words=2) or reps < 1:
            continue
        found.append(Lift(exercise=_name(exercise), reps=reps, past=_past(low, match.start())))
    for match in _WEIGHTED.finditer(low):  # "8 pull-ups, with +10kg maybe 3"
        named = list(re.finditer(r"\b(" + _BODYWEIGHT + r")\b", low[:match.start()]))
        if named:
            found.append(Lift(exercise=f"weighted {_name(named[-1].group(1))}",
                              load=float(match.group("load")),
                              unit="lb" if match.group("unit").startswith("lb") else "kg",
                              reps=int(match.group("reps"))))
    for match in _HOLD.finditer(low):
        left, right = clause(low, match.start(), match.end())
        if "wall" in low[left:right] or "handstand" in low[max(0, left - 60):right]:
            what = "wall handstand" if "wall" in low[left:right] else "freestanding handstand"
            found.append(Lift(exercise=what, seconds=int(match.group("sec"))))
    return found


def _lift(low: str, match: re.Match[str], exercise: str, default_unit: str) -> Lift:
    reps_text = match.group("reps")
    reps = _REP_WORDS.get(reps_text) or int(reps_text)
    unit = match.group("unit")
    return Lift(exercise=_name(exercise), load=float(match.group("load")),
                unit=("lb" if unit and unit.startswith(("lb", "pound")) else "kg") if unit
                else default_unit,  # type: ignore[arg-type]
                reps=reps, past=_past(low, match.start()))


def _past(low: str, start: int) -> bool | None:
    left, right = clause(low, start, start)
    return True if _PAST.search(low[max(0, left - 40):right + 30]) else None


def _name(word: str) -> str:
    word = word.lower().replace("-", " ")
    names = {"dl": "deadlift", "deadlifts": "deadlift", "panca": "bench press",
             "bench": "bench press", "ohp": "overhead press", "squats": "squat",
             "pullups": "pull ups", "pushups": "push ups", "rdls": "rdl", "rows": "row"}
    return names.get(word, word)

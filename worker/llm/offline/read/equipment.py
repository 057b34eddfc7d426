"""What the athlete trains with: equipment, whether that is all of it, what they lack, the
heaviest weights they own, and where they train.

"Full commercial gym (goodlife) so barbells, dbs, cables, machines, everything" is a whole gym;
"a gym in my dorm with dumbbells up to 50, a cable machine and a bench, no barbell tho" is
those items (with a 50 lb cap) and no barbell; "2 dumbbells of 10 kg and bands, that's it" is
all they have. Other people's kit never reaches here (see :mod:`.text`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from worker.domain.profile import LoadCap
from worker.domain.vocabulary import GYM_EQUIPMENT, Location, normalize_equipment
from worker.llm.offline.read.names import NAME_PREFIX
from worker.llm.offline.read.text import CI, ONE_OFF, blank, clause, negated, segments

_EQUIPMENT_PATTERNS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (word, re.compile(pattern, CI)) for word, pattern in (
        ("pull_up_bar", r"\b(?:pull|chin)[- ]?up bars?\b|\bdoor(?:way|frame)? (?:pull[- ]?up )?"
                        r"bars?\b|\bpullup bars?\b|\bchinup bars?\b"),
        ("dip_bars", r"\bdip (?:bars?|station|stand)s?\b"),
        ("ez_bar", r"\b(?:ez|e-z|curl)[- ]?bars?\b"),
        ("smith_machine", r"\bsmith(?: machine)?\b"),
        ("cable", r"\bcables?(?: machines?| stations?| stacks?| column)?\b|\bfunctional trainer\b"),
        ("rower", r"\browing machines?\b|\browers?\b|\bconcept ?2\b|\berg\b"),
        ("treadmill", r"\btread ?mills?\b"),
        ("elliptical", r"\belliptical\b|\bcross ?trainer\b|\bstair ?master\b|"
                       r"\bcardio (?:machines?|equipment)\b"),
        ("bike", r"\b(?:an?|my|exercise|stationary|spin|spinning|indoor|assault|air|echo|"
                 r"watt)\s+bikes?\b|\bpelotons?\b"),
        ("machine", r"\bmachines?\b"),
        ("barbell", r"\bbar ?bells?\b|\bbarbel\b|\bolympic bar\b"),
        ("squat_rack", r"\b(?:squat |power |half )?racks?\b|\bsquat stands?\b|\bsquat cage\b"),
        ("dumbbells", r"\bdumb+[- ]?b?el+s?\b|\bdumbels?\b|\bdbs?\b"),
        ("kettlebell", r"\bkettle ?bells?\b|\bkettlebels?\b|\bkbs?\b"),
        ("bench", r"\bbench(?:es)?\b(?!\s*(?:press|pressing|\d))"),
        ("box", r"\b(?:plyo(?:metric)?|jump|step)\s*box(?:es)?\b"),
        ("bands", r"\b(?:resistance|loop|mini|exercise|elastic|therapy|power|pull[- ]?up)?\s*"
                  r"bands?\b"),
        ("rings", r"\b(?:gymnastics?|olympic|wooden)?\s*rings\b"),
        ("trx", r"\btrx\b|\bsuspension (?:trainer|straps?|system)\b"),
        ("parallettes", r"\bparallettes?\b|\bparalettes?\b"),
        ("ab_wheel", r"\bab (?:wheel|roller)s?\b"),
        ("medicine_ball", r"\bmed(?:icine)? balls?\b|\bslam balls?\b|\bwall balls?\b"),
        ("sandbag", r"\bsand ?bags?\b"),
        ("weight_vest", r"\bweight(?:ed)? vests?\b"),
        ("dip_belt", r"\bdip belts?\b"),
        ("rope", r"\b(?:jump|skipping|speed)[- ]?ropes?\b"),
        ("sled", r"\bsleds?\b|\bprowlers?\b"),
        ("pool", r"\b(?:swimming )?pool\b"),
        ("weights", r"\b(?:have|got|own|some|my|few|set of|pair of|free|hand|home|lb|lbs|kg)\s+"
                    r"(?:\w+\s+)?weights\b"),
        ("treadmill", r"\btreadmills?\b"),
    )
)
_HOUSEHOLD: Final = re.compile(
    r"\b(?:yoga )?mat\b|\bchairs?\b|\bcouch\b|\bsofa\b|\bstairs\b|\btowels?\b|\bbackpack\b|"
    r"\bwater bottles?\b|\bsteps\b|\bfloor\b",
    CI,
)
_NO_EQUIPMENT: Final = re.compile(
    r"\bno (?:equipment|gear|kit|weights)\b|\b(?:just|only|purely)\s+(?:my\s+)?body\s?-?weight"
    r"\b|\bbody\s?-?weight\s+only\b|\bdon'?t (?:have|own) (?:any )?(?:equipment|gear|weights)\b"
    r"|\bnothing but (?:my )?body(?:weight)?\b|\bjust my body\b|\bmostly (?:bw|bodyweight)\b"
    r"|\bbw\b(?! ?(?:squats?|rows?))",
    CI,
)
_BARE_NO_EQUIPMENT: Final = re.compile(
    r"^\s*(?:nothing|none|nope|no|nah|nada|zero|n/?a|body\s?-?weight|just me|just my body|"
    r"not much|nothing really|no equipment|not really)\b",
    CI,
)
_GYM: Final = re.compile(
    r"\bgym\b|\bgym membership\b|\bplanet fitness\b|\bla fitness\b|\b24 hour fitness\b"
    r"|\banytime fitness\b|\bequinox\b|\bgold'?s\b|\bymca\b|\bcrunch (?:fitness|gym)\b"
    r"|\bpure ?gym\b"
    r"|\bdavid lloyd\b|\bvirgin active\b|\blife ?time fitness\b|\bthe y\b|\bgoodlife\b"
    r"|\beos\b|\brec center\b|\bfull gym\b"
    r"|\bfitness (?:center|centre|club)\b|\bleisure centre\b|\brec center\b",
    CI,
)
_NOT_A_GYM: Final = re.compile(r"\b(?:home|garage|basement|hotel|apartment)\s*$",
                               CI)
_LOCATION_PATTERNS: Final[tuple[tuple[Location, re.Pattern[str]], ...]] = (
    ("mixed", re.compile(
        r"\bhotel(?: gyms?)?s?\b|\btravel(?:l)?(?:ing|s)?\b(?!\s+time)|\bon the road\b"
        r"|\bmix of\b|\bhome (?:and|&|or) (?:the |a )?gym\b|\bgym (?:and|&|or) (?:at )?home\b"
        r"|\bbit of both\b|\bmixture\b",
        CI)),
    ("home", re.compile(
        r"\bat home\b|\bhome (?:gym|workouts?|training)\b|\b(?<!work )(?<!working )from home\b"
        r"|\b(?:garage|basement) gym\b|\bin (?:my|the) (?:garage|basement|living room|"
        r"apartment|flat|bedroom|house|room|backyard|back yard|yard)\b"
        r"|\bhome\b(?=\s*(?:[.!,]|$|\n))|\bhome\s+(?:w/|with)",
        CI)),
    ("outdoors", re.compile(
        r"\boutside\b(?!\s+(?:of|work|the office|hours))|\boutdoors?\b|\bat the park\b"
        r"|\bin the park\b|\bparks\b|\bat the track\b|\brunning track\b|\bon the beach\b"
        r"|\btrails?\b",
        CI)),
)


def _equipment(low: str, asked: bool) -> tuple[list[str] | None, Location | None]:
    """Equipment words through :func:`normalize_equipment`; a gym means the gym's whole kit."""
    words: list[str] = []
    stated = False
    work = low
    for word, pattern in _EQUIPMENT_PATTERNS:
        for match in list(pattern.finditer(work)):
            work = blank(work, match.start(), match.end())
            if not negated(low, match.start()):
                words.append(word)
    if asked:
        for match in re.finditer(r"\b(?:free )?weights\b", work):
            if not negated(low, match.start()):
                words.append("weights")
    gym = False
    for match in _GYM.finditer(low):
        if _NOT_A_GYM.search(low, max(0, match.start() - 12), match.start()):
            continue
        left, right = clause(low, match.start(), match.end())
        listed = low[left:right].strip(" ,.;:!-") in _GYM_ITEM
        if (not asked and match.group(0) == "gym" and len(low.split()) > SHORT_ANSWER
                and not listed and not _GYM_CONTEXT.search(low[left:right])):
            continue  # "work gym Monday as usual": where, not what they have
        if re.match(r"\s*(?:bag|clothes|shoes|rat|selfie|crush)\b", low[match.end():]):
            continue
        if not negated(low, match.start()):
            gym = True
    if _NO_EQUIPMENT.search(low):
        stated = True
    if asked:
        for line in low.split("\n"):
            if _BARE_NO_EQUIPMENT.match(NAME_PREFIX.sub("", line)) or _HOUSEHOLD.search(line):
                stated = True
    equipment: list[str] | None = None
    items = normalize_equipment(words)
    if gym:
        equipment = sorted(GYM_EQUIPMENT | set(items))
    elif items:
        equipment = items
    elif stated:
        equipment = []
    location = _location(low, gym, asked)
    return equipment, location


#: "4 days a week, 60 min, gym, no injuries": the gym as an item in a list of facts.
_GYM_ITEM: Final = frozenset({"gym", "a gym", "the gym", "at the gym", "at a gym", "gym access"})
#: A reply this short ("home and gym") is an answer about where they train.
SHORT_ANSWER = 4
_GYM_CONTEXT: Final = re.compile(
    r"\b(?:full|commercial|membership|member|go to|train at|train in|lift at|at (?:a|the|my) "
    r"gym|big|normal|regular|has|have|got|with|everything|all the|racks?|machines?|dumbbells?|"
    r"barbells?|dbs|equipment|in my (?:dorm|building)|near|next to|by my|no gym)\b", CI)


def _location(low: str, gym: bool, asked: bool) -> Location | None:
    """Where they train: the last correction segment that says, and "mixed" for several."""
    hits: list[tuple[int, Location]] = []
    for location, pattern in _LOCATION_PATTERNS:
        for match in pattern.finditer(low):
            if location == "home" and match.group(0).strip().lower() == "home" and not asked:
                continue
            if not asked and ONE_OFF.search(low, *clause(low, match.start(), match.end())):
                continue
            if not negated(low, match.start(), max_words=3):
                hits.append((match.start(), location))
    if gym:
        for match in _GYM.finditer(low):
            if not _NOT_A_GYM.search(low, max(0, match.start() - 12), match.start())\
                    and not negated(low, match.start()):
                hits.append((match.start(), "gym"))
    if not hits:
        return None
    chosen: set[Location] = set()
    for seg_start, seg_end in segments(low):
        inside = {loc for pos, loc in hits if seg_start <= pos < seg_end}
        if inside:
            chosen = inside
    if len(chosen) == 1:
        return next(iter(chosen))
    return "mixed"


# --------------------------------------------------------------------------------------------


@dataclass
class Kit:
    equipment: list[str] | None = None
    only: bool | None = None
    removed: list[str] = field(default_factory=list)
    caps: list[LoadCap] = field(default_factory=list)
    location: Location | None = None


_FULL: Final = re.compile(r"\b(?:full(?: commercial)?(?: gym)?|everything|all that|the works|"
                          r"whole gym|commercial gym|big gym|todo|all the machines|"
                          # a regular or chain gym: the items named are examples, not a list
                          r"(?:regular|normal|normales|public|chain|proper|real|local) gym|"
                          r"planet fitness|la fitness|24 ?hour fitness|anytime fitness|"
                          r"gold'?s gym|equinox|ymca|goodlife|puregym|mcfit|lifetime fitness|"
                          r"crunch fitness|university gym|campus gym|rec center)\b", CI)
_ONLY: Final = re.compile(r"\b(?:that'?s it|thats it|that is it|nothing else|only|just|all i "
                          r"have|nada m[aá]s|s[oó] isso)\b", CI)
_REMOVED: Final = re.compile(
    r"\b(?:no|not|without|don'?t have(?: a| an| any)?|no real)\s+(?:real\s+|free\s+)?"
    r"(?P<what>barbells?|bar|rack|squat rack|bench|weights|dumbbells?|dbs|kettlebells?|"
    r"machines?|cables?|pull[- ]?up bar)\b", CI)
_CAP_PATTERNS: Final = (
    re.compile(r"\b(?P<eq>dumbbells?|dumbells?|dbs?|kettlebells?|kbs?|weights|halteres)\b"
               r"[^.;]{0,40}?\b(?:up to|up till|go to|till|til|until)\s+(?P<n>\d{1,3}(?:\.\d+)?)"
               r"\s*(?P<u>kg|kgs|lbs?|pounds)?", CI),
    re.compile(r"\b(?P<n>\d{1,3}(?:\.\d+)?)\s*(?P<u>kg|kgs|lbs?|pounds)\s*(?:adjustable\s+)?"
               r"(?P<eq>dumbbells?|dumbells?|dbs?|kettlebells?|kbs?|hand weights|weights)\b", CI),
    re.compile(r"\b(?P<eq>dumbbells?|dumbells?|kettlebells?|halteres|hand weights)\s+"
               r"(?:of\s+|de\s+)?(?P<n>\d{1,3}(?:\.\d+)?)\s*(?P<u>kg|kgs|lbs?|pounds)\b", CI),
    re.compile(r"\b(?P<eq>dumbbells?|dumbells?|pairs?|halteres|weights)\b\D{0,12}?"
               r"(?P<list>(?:\d{1,3}(?:\.\d+)?\s*(?:lb|lbs|kg)?\s*(?:,|and|&)\s*)+)"
               r"(?P<n>\d{1,3}(?:\.\d+)?)\s*(?P<u>kg|kgs|lbs?|pounds)", CI),
    re.compile(r"\b(?P<n>\d{1,3}(?:\.\d+)?)s are the heaviest\b", CI),
    # "a kettlebell in the cab 35 lb": the bell, a few words, then its weight
    re.compile(r"\b(?P<eq>kettlebells?|kbs?)\b(?P<gap>[^\d.;,]{1,20}?)(?P<n>\d{1,3}(?:\.\d+)?)\s*"
               r"(?P<u>kg|kgs|lbs?|pounds)\b", CI),
)
#: Words between a bell and a number that make the number an exercise's load, not the bell's.
_EXERCISE_GAP: Final = re.compile(r"\b(?:swings?|press\w*|squats?|rows?|cleans?|snatch\w*|"
                                  r"deadlifts?|carr\w+|at|for|x)\b", CI)


#: "i grabbed a 10kg kb", "squats w the 20kg db": a weight used in a session, not the heaviest
#: they own (a gym has heavier ones).
_USED_BEFORE: Final = re.compile(r"\b(?:grabbed|used|using|went with|took|picked up|w/?|with)\s+"
                                 r"(?:a|an|the|my|two|2)?\s*$", CI)


def _cap_equipment(word: str) -> str:
    word = word.lower()
    return "kettlebell" if word.startswith(("kettle", "kb")) else "dumbbell"


def read_caps(text: str, *, default_unit: str) -> list[LoadCap]:
    """The heaviest dumbbell or kettlebell owned, from "up to 24 kg", "16kg kettlebell",
    "pairs of 5, 7.5 and 12.5kg", "3 lb and 5 lb hand weights"."""
    best: dict[str, LoadCap] = {}
    low = text.lower()
    for pattern in _CAP_PATTERNS:
        for match in pattern.finditer(low):
            if _USED_BEFORE.search(low[max(0, match.start() - 20):match.start()]):
                continue
            groups = match.groupdict()
            if _EXERCISE_GAP.search(groups.get("gap") or ""):
                continue
            value = float(groups["n"])
            unit_word = groups.get("u") or ""
            unit = ("lb" if unit_word.startswith(("lb", "pound")) else "kg") if unit_word\
                else default_unit
            equipment = _cap_equipment(groups.get("eq") or "dumbbell")
            numbers = [value, *(float(n) for n in re.findall(r"\d{1,3}(?:\.\d+)?",
                                                             groups.get("list") or ""))]
            cap = LoadCap(equipment=equipment, max_load=max(numbers), unit=unit)  # type: ignore[arg-type]
            known = best.get(equipment)
            if known is None or cap.max_load > known.max_load:
                best[equipment] = cap
    return list(best.values())


def read_kit(text: str, *, asked: bool, default_unit: str) -> Kit:
    low = text.lower()
    equipment, location = _equipment(low, asked)
    kit = Kit(location=location, caps=read_caps(text, default_unit=default_unit))
    if equipment is not None:
        gym = set(GYM_EQUIPMENT) <= set(equipment)
        listed = [e for e in equipment if e not in GYM_EQUIPMENT or not gym]
        if gym and not _FULL.search(low):
            items = normalize_equipment(_listed_words(low))
            if items:
                equipment = items
        kit.equipment = equipment
        kit.only = True if (_ONLY.search(low) and not gym) else None
        del listed
    for match in _REMOVED.finditer(low):
        what = match.group("what").lower()
        if what == "bar":
            what = "barbell"
        if what == "rack":
            what = "squat_rack"
        kit.removed += normalize_equipment([what])
    if kit.removed and kit.equipment is not None:
        kit.equipment = [e for e in kit.equipment if e not in kit.removed]
    return kit


def _listed_words(low: str) -> list[str]:
    words = []
    work = low
    for word, pattern in _EQUIPMENT_PATTERNS:
        for match in list(pattern.finditer(work)):
            work = blank(work, match.start(), match.end())
            if not negated(low, match.start()):
                words.append(word)
    return words

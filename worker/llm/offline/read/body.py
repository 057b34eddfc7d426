"""The athlete's body: injuries and conditions, how they stand and what they rule out, and age.

"Left wrist gets a bit cranky on heavy bench" is a mild, current wrist issue that rules out
nothing but heavy bench; "had my hip replaced last year" is a replaced joint (no jumping);
"tweaked my back last yr but fine now" is history; "osteopenia in my hips and lower spine" and
"6 months postpartum" are conditions the planner respects. "No injuries" is a statement too.
Soreness after training is not an injury.
"""

from __future__ import annotations

import re
from typing import Final

from worker.domain.profile import BodyWeight, Injury
from worker.llm.offline.read.names import NAME_PREFIX
from worker.llm.offline.read.text import (
    CI,
    blank,
    clause,
    negated,
    phrase,
    sentence_bounds,
    tidy,
)

#: Names of conditions that are injuries by themselves ("sciatica", "tennis elbow").
_CONDITIONS: Final[tuple[tuple[str, str], ...]] = (
    ("lower_back", r"\bsciatica\b|\b(?:herniated|slipped|bulging|ruptured|bulged) discs?\b"
                   r"|\bl[345]-?(?:s1|l[45])\b|\bdisc (?:flare|injury|issue)\w*"
                   r"|\bdisc (?:issues?|problems?|herniation)\b|\bsi joint\b"),
    ("shoulder", r"\brotator cuff\b|\bfrozen shoulder\b|\blabrum\b|\bimpingement\b"),
    ("elbow", r"\btennis elbow\b|\bgolfer'?s elbow\b"),
    ("wrist", r"\bcarpal tunnel\b"),
    ("knee", r"\b(?:torn |blown |busted )?(?:acl|mcl|meniscus)\b|\brunner'?s knee\b"
             r"|\bjumper'?s knee\b|\bpatellar tendin\w*\b"),
    ("calf", r"\bshin splints\b"),
    ("ankle", r"\bachilles\b"),
    ("foot", r"\bplantar(?: fasciitis| fascitis)?\b|\bbunions?\b|\bturf toe\b"),
    ("abdomen", r"\bhernia\b|\bdiastasis(?: recti)?\b|\bc-?sections?\b|\bpostpartum\b"
                r"|\bpost-partum\b|\bhad (?:my|a) (?:baby|daughter|son)\b|\bpregnan\w*"),
    ("hip", r"\bosteopenia\b|\bosteoporosis\b"),
    ("hand", r"\bpulley(?: injury)?\b"),
    ("knee", r"\bitb\b|\bit band\b|\biliotibial\b"),
)
_AREAS: Final[tuple[tuple[str, str], ...]] = (
    ("upper_back", r"\bupper[- ]?back\b|\bmid(?:dle)?[- ]?back\b|\bshoulder ?blades?\b"
                   r"|\bthoracic\b|\brhomboids?\b"),
    ("lower_back", r"\blower[- ]?back\b|\blow[- ]?back\b|\blumbar\b|\btailbone\b|\bspine\b"
                   r"|\bback\b"),
    ("neck", r"\bneck\b"),
    ("shoulder", r"\bshoulders?\b|\bac joint\b"),
    ("elbow", r"\belbows?\b"),
    ("wrist", r"\bwrists?\b"),
    ("hand", r"\bhands?\b|\bfingers?\b|\bthumbs?\b|\bknuckles?\b"),
    ("chest", r"\bchest\b|\bpecs?\b|\bpectorals?\b|\bribs?\b"),
    ("abdomen", r"\babdomen\b|\babs\b|\babdominals?\b|\bstomach\b"),
    ("hip", r"\bhips?\b|\bhip flexors?\b|\bglutes?\b"),
    ("groin", r"\bgroin\b|\badductors?\b"),
    ("hamstring", r"\bhamstrings?\b|\bhamstring\b|\bhammys?\b|\bhammies\b"),
    ("knee", r"\bknees?\b|\bkneecaps?\b|\bpatella\b"),
    ("calf", r"\bcal(?:f|ves)\b|\bshins?\b"),
    ("ankle", r"\bankles?\b"),
    ("foot", r"\bfoot\b|\bfeet\b|\bheels?\b|\btoes?\b|\barch(?:es)?\b"),
)
_INJURY_WORD: Final = re.compile(
    r"\b(?:pain(?:s|ful)?|hurts?|hurting|injur\w*|uncomfortable|discomfort|bad|dodgy|tweak\w*|strain\w*|"
    r"sprain\w*|torn|tore|tear|pulled|broke|broken|fractur\w*|surgery|surgeries|operation|"
    r"issues?|problems?|niggles?|niggly|acting up|bother\w*|ach(?:e|es|ed|y|ing)|"
    r"(?:osteo)?arthritis|osteoarthritic|rheumatoid|"
    r"arthritic|tendon\w*|tendin\w*|bursitis|rehab\w*|recover\w*|replace\w*|reconstruct\w*|"
    r"herniat\w*|dislocat\w*|impinge\w*|inflam\w*|swollen|swelling|gave out|gives out|"
    r"grumpy|busted|messed up|jacked up|screwed up|blown|wonky|cranky|clicks|clicking|"
    r"spasms?|stiff|weak|unstable|rolled|twisted|jammed|fused|dolor|lesion|killing|kills|"
    r"flare\w*|playing up|twinge\w*|tender|tendy|pinch\w*|numb\w*|impingement|molest\w*|"
    r"(?:feels?|felt|feeling)\s+(?:off|weird|funny|wrong|strange|not right)|"
    r"bothers?|hurts?|fastidios\w*|beat up|beaten up|banged up|creaky|crunchy|shot|trashed|"
    r"wrecked|iffy|not great)\b",
    CI,
)
_BACK_NOT_BODY: Final = re.compile(
    r"\b(?:get|getting|got|come|coming|came|be|been|i'?m|im|go|going|went|way|years|months|"
    r"weeks|bounce|bouncing|step|fall|fell|set|ease|easing|jump|jumping|start|starting|"
    r"hold|holding|text|call|write|get me|look|looking|head|heading|it'?s)\s*$",
    CI,
)
_BACK_BODY_AFTER: Final = re.compile(
    r"\s*(?:in|into|to|on|at|from|then|home|squats?|day|off|up|out|when|after|and forth)\b",
    CI,
)
_NO_INJURY: Final = re.compile(
    r"\bno (?:current |major |real |serious |known |big )?injur\w*|\binjury[- ]?free\b"
    r"|\bnot injured\b|\bnothing (?:hurts|hurting|injured)\b|\bno (?:aches|pains)\b"
    r"|\b(?:haven'?t|don'?t have|do not have|never had)(?: any)? (?:serious |major )?injur\w*",
    CI,
)
#: A bare "no" to the injury question; "NO SET DAYS" answers something else ("no" + a noun).
_BARE_NO_INJURY: Final = re.compile(
    r"^\s*(?:none|nope|no(?!\s+(?!(?:i|im|i'm|thanks?|thank|nothing|none|all|injur\w*|pains?|"
    r"issues|problems|really|not|sir|mate|ma'am|worries)\b)[a-z])|nah|nothing|n/?a|all good|"
    r"all clear|i'?m (?:good|fine|healthy|ok|okay|all good)"
    r"|im (?:good|fine|healthy|ok|okay)|healthy|fine|good|not really|"
    r"none really|no issues|no pain|no problems|zero|nada|negative|thankfully not|"
    r"luckily not|not that i know)\b",
    CI,
)


def _injuries(text: str, low: str, asked: bool) -> list[Injury] | None:
    """Body areas the athlete says are hurt; [] when they say nothing is."""
    mentions: list[tuple[int, int, str]] = []
    work = low
    for area, pattern in _CONDITIONS:
        for match in list(re.finditer(pattern, work, CI)):
            work = blank(work, match.start(), match.end())
            if not negated(low, match.start(), max_words=3):
                mentions.append((match.start(), match.end(), area))
                if area == "hip":  # "osteopenia in my hips and lower spine": both sites
                    _, right = clause(low, match.start(), match.end())
                    for other, where in _AREAS:
                        site = re.search(where, low[match.end():min(right, match.end() + 40)])
                        if site is not None and other != area:
                            start = match.end() + site.start()
                            mentions.append((start, match.end() + site.end(), other))
    for area, pattern in _AREAS:
        for match in list(re.finditer(pattern, work, CI)):
            work = blank(work, match.start(), match.end())
            if area == "lower_back" and match.group(0).lower() == "back" and not _body_back(
                    low, match.start(), match.end()):
                continue
            if area == "hand" and re.search(r"\b(?:other|second|free)\s*$",
                                            low[max(0, match.start() - 10):match.start()]):
                continue
            if negated(low, match.start(), max_words=3) or not _hurt_near(
                    low, match.start(), match.end()):
                continue
            if _only_sore(low, match.start(), match.end(), area):
                continue  # "calves are absolutely killing me" after a run: soreness
            mentions.append((match.start(), match.end(), area))
    injuries: list[Injury] = []
    seen: set[str] = set()
    for start, end, area in sorted(mentions):
        if area in seen:
            continue
        seen.add(area)
        injuries.append(Injury(area=area, note=_injury_note(text, low, start, end)))
    if injuries:
        return injuries
    if _NO_INJURY.search(low):
        return []
    if asked:
        for line in low.split("\n"):
            if _BARE_NO_INJURY.match(NAME_PREFIX.sub("", line)) or _NO_INJURY.search(line):
                return []
    return None


def _injury_note(text: str, low: str, start: int, end: int) -> str:
    """The athlete's words for one injury: "tweaked wrist" out of "bad knee and tweaked wrist"."""
    left, right = clause(low, start, end)
    part_left, part_right = left, right
    for match in re.finditer(r"\band\b|&|\bplus\b|\balso\b", low[left:right]):
        cut = left + match.start()
        if cut < start:
            part_left = left + match.end()
        elif cut >= end:
            part_right = min(part_right, cut)
    part = low[part_left:part_right]
    has_hurt = _INJURY_WORD.search(part) or any(
        re.search(pattern, part) for _, pattern in _CONDITIONS)
    if has_hurt and (part_left, part_right) != (left, right):
        words = tidy(text[part_left:part_right])
        if words and len(words) <= 60:
            return words
    return phrase(text, start, end)


def _body_back(low: str, start: int, end: int) -> bool:
    """Whether a bare "back" is the body part, not "get back into it" or "back squat"."""
    before = low[max(0, start - 16):start]
    if _BACK_NOT_BODY.search(before):
        return False
    return not (_BACK_BODY_AFTER.match(low, end) and not re.search(
        r"\b(?:my|bad|sore|dodgy|hurt|injured|tweaked|strained|pulled|wonky|lower|weak)\s*$",
        before))


#: Muscles that get sore after training (a joint that "kills" is another matter).
#: (Not the chest or the belly: pain there is never waved off as soreness.)
_MUSCLES: Final = frozenset({"calf", "hamstring", "quad", "quads", "glute"})
#: What people say of the soreness a day or two after a session (DOMS).
_SORE_WORDS: Final = frozenset({"killing", "kills", "stiff", "wrecked", "trashed", "shot",
                                "beat up", "beaten up", "destroyed"})
_SORE_ONLY: Final = re.compile(r"\b(?:so |super |really |absolutely |proper )?sore\b|\bdoms\b",
                               CI)


def _only_sore(low: str, start: int, end: int, area: str) -> bool:
    """A muscle described only as sore ("calves are killing me", "hamstrings wrecked"): the
    soreness of training, not an injury; any word of injury (pain, tweak, sharp) keeps it."""
    if area not in _MUSCLES:
        return False
    # The sentence around it, past commas: "calf is killing me, sharp pain on push-off".
    begin = max((m.end() for m in re.finditer(r"[.!?\n]", low[:start])), default=0)
    stop = next((end + m.start() for m in re.finditer(r"[.!?\n]", low[end:])), len(low))
    part = low[max(begin, start - 45):min(stop, end + 60)]
    words = {m.group(0) for m in _INJURY_WORD.finditer(part)}
    if _FELT_IT_GO.search(part):
        return False  # "calf is killing me, felt it go": a strain, however it is put
    return (bool(words) and words <= _SORE_WORDS) or (not words and bool(_SORE_ONLY.search(part)))


_FELT_IT_GO: Final = re.compile(r"\bfelt (?:it|something) (?:go|pop|tear|snap|twang|give)\b|"
                                r"\b(?:popped|a pop|snapped)\b", CI)


def _hurt_near(low: str, start: int, end: int) -> bool:
    """An injury word within six words of a body part, in the same clause, not negated."""
    left, right = clause(low, start, end)
    window_left = max(left, start - 45)
    window_right = min(right, end + 45)
    for match in _INJURY_WORD.finditer(low, window_left, window_right):
        if not negated(low, match.start(), max_words=2):
            return True
    return False


# --------------------------------------------------------------------------------------------


_REPLACED: Final = re.compile(r"\breplace(?:d|ment)\b|\bnew (?:knee|hip)\b", CI)
_HEALED: Final = re.compile(
    r"\b(?:fine now|ok now|okay now|good now|healed|all good now|doing well|wieder ok|fine again|"
    r"ya est[aá] bien|years ago|last (?:yr|year)|in the past|(?:is|was) fine|back then|"
    r"used to|cleared)\b", CI)
_STILL: Final = re.compile(r"\b(?:still|now|lately|currently|these days|when i|sometimes|"
                           r"gets?|flares?)\b", CI)
_MILD: Final = re.compile(
    r"\b(?:a bit|a little|bit|slight(?:ly)?|sometimes|minor|nothing serious|not bad|cranky|"
    r"tight|achy|twinge|niggle|stiff|tendy|tender|un poco|not serious|nada grave|a veces|"
    r"de vez en cuando|às vezes|parfois|manchmal|"
    r"nothing diagnosed|a touch|kinda|kind of|sorta|nothing torn)\b", CI)
#: The ache stopped the session: whatever the words, it is no mild one.
_STOPPED: Final = re.compile(r"\b(?:n|and|so|then|had to|i)\s+stopped\b|\bhad to stop\b|"
                             r"\bbailed\b|\bcut (?:it|the session|the set) short\b", CI)
_SEVERE: Final = re.compile(r"\b(?:torn|tore|really bad|severe|sharp|can'?t|cannot|surgery "
                            r"(?:next|soon))\b", CI)
_PAINLESS: Final = re.compile(r"\b(?:doesn'?t hurt|doesnt hurt|not painful|painless|no pain|"
                              r"without pain|pain-free)\b", CI)
_AVOID: Final = re.compile(
    r"\b(?P<what>deep lunges?|lunges?|deadlifts?|rdls?|romanian deadlifts?|overhead press(?:ing)?"
    r"|incline (?:press|bench)|step[- ]?ups?"
    r"|ohp|skull ?crushers?|kneel(?:ing)?|jump(?:ing|s)?|handstands?|heavy bench|bench|"
    r"deep squats?|squats?|bend(?:ing)? forward|twist(?:ing)?|running|crimp\w*|hangs?|"
    r"grip(?:ping)?)\b", CI)
_FINE: Final = re.compile(r"\b(?:it'?s fine|its fine|it'?s ok|not bad|nothing serious|no big "
                          r"deal|manageable)\b", CI)
#: "cranky if I do a ton of handstand volume": the dose is the problem, not the movement.
_TOO_MUCH: Final = re.compile(r"\b(?:a ton of|tons of|too much|too many|lots of|a lot of|loads of)"
                              r"\b[^.;]{0,25}\bvolume\b|\btoo much\b", CI)
_CONDITION_WORDS: Final = re.compile(r"osteop\w+|(?:osteo)?arthritis|rheumatoid|postpartum|"
                                     r"post-partum|had (?:my|a) "
                                     r"(?:baby|daughter|son)|pregnan\w*|c-?section", CI)


def _status(sentence: str) -> str | None:
    if _REPLACED.search(sentence):
        return "replaced"
    if _CONDITION_WORDS.search(sentence):
        return "condition"
    if _HEALED.search(sentence) and not re.search(r"\bstill\b|\bbother|\bmolest|\bflare",
                                                   sentence, CI):
        return "past"
    return "current"


def _sentence_around(low: str, start: int) -> str:
    left, right = sentence_bounds(low, start)
    # "... after long runs. nothing serious.": a short sentence after it still describes it
    after = re.match(r"[.!?\n]\s*([^.!?\n]{1,60})(?=[.!?\n]|$)", low[right:])
    # ... or one that goes on about it: "tweaked my lower back. it's fine now, no pain at all"
    if after and (len(after.group(1).split()) <= 3 or re.match(
            r"(?:but |and )?(?:it'?s|its|it is|it was|all good|now)\b", after.group(1))):
        right += after.end()
    return low[left:right]


def read_injuries(text: str, *, asked: bool) -> list[Injury] | None:
    """Injuries and conditions with status, severity and the movements they rule out."""
    low = text.lower()
    found = _injuries(text, low, asked)
    if found is None or not found:
        return found
    said_none = bool(_NO_INJURY.search(low)) and not re.search(
        r"\b(?:apart from|except|besides|other than|aside from|but)\b", low)
    result: list[Injury] = []
    for injury in found:
        index = low.find(injury.note.lower()[:20]) if injury.note else -1
        sentence = _sentence_around(low, max(index, 0)) if index >= 0 else injury.note.lower()
        status = _status(sentence)
        severity = "mild" if _MILD.search(sentence) else (
            "severe" if _SEVERE.search(sentence) else "moderate")
        if severity == "mild" and _STOPPED.search(low):
            severity = "moderate"  # "kinda tweaked... did 2 sets n stopped": it stopped training
        if said_none and status not in ("replaced", "condition"):
            continue  # "nothing injured exactly, back gets stiff": no injury, by their word
        if _PAINLESS.search(sentence) and status == "current":
            continue
        avoid = sorted({m.group("what") for m in _AVOID.finditer(sentence)
                        if not re.search(r"\b(?:ok|okay|fine)\b",
                                         sentence[m.end():m.end() + 20])})
        if severity == "mild" and (_FINE.search(sentence) or _TOO_MUCH.search(sentence)):
            avoid = []  # "achy after handstands sometimes but it's fine": noted, not ruled out
        if status == "replaced":
            avoid = sorted({*avoid, "jumping"})
        if injury.area in GRIP_AREAS and _GRIP_HURTS.search(low):
            avoid = sorted({*avoid, "gripping"})  # "gripping anything for long is painful"
        result.append(Injury(area=injury.area, note=injury.note, status=status,  # type: ignore[arg-type]
                             severity=severity if status == "current" else None,  # type: ignore[arg-type]
                             avoid=avoid or None))
    return result if result else ([] if said_none else None)


#: Where a painful grip rules out long holds (carries, hangs).
GRIP_AREAS: Final = frozenset({"hand", "wrist", "elbow"})
_GRIP_HURTS: Final = re.compile(
    r"\b(?:grip|gripping|holding)\b[^.!?]{0,40}\b(?:painful|hurts?|sore|agony|difficult)\b"
    r"|\b(?:painful|hurts?|sore) to (?:grip|hold)\b", CI)
_HURTS: Final = re.compile(r"\b(?:hurts?|bothers?|bother|flares?|flare up|pinch|molest\w*|"
                           r"i feel it|aggravat\w*|uncomfortable|irritat\w*|fastidios\w*)\b", CI)


#: "squats are ok-ish if i dont go deep": squatting is fine, the depth is not.
_NOT_DEEP: Final = re.compile(
    r"\b(?P<what>squats?|lunges?)\b[^.!?\n]{0,30}\b(?:if|as long as|when|provided)\s+i\s+"
    r"(?:don'?t|dont|do not|never|avoid going)\s+(?:go(?:ing)?\s+)?(?:too\s+|very\s+|real\s+)?"
    r"(?:deep|low|all the way down|below parallel)\b", CI)


def read_avoid(text: str) -> list[str]:
    """Movements the athlete says hurt, even without naming the body part ("deadlifts still
    bother it", "overhead press hurts"), and depths they said to stay above."""
    found: set[str] = {f"deep {m.group('what').rstrip('s')}s" for m in _NOT_DEEP.finditer(text)}
    for sentence in re.split(r"[.!?\n]", text.lower()):
        if not _HURTS.search(sentence):
            continue
        for match in _AVOID.finditer(sentence):
            if not re.search(r"\b(?:ok|okay|fine)\b", sentence[match.end():match.end() + 20]):
                found.add(match.group("what"))
    return sorted(found)


_AGES: Final = (
    re.compile(r"\b(?P<n>\d{2})\s*(?:years? old|yrs? old|y/?o|yo|anni|anos|años|jahre)\b", CI),
    re.compile(r"(?:^|[\s,.(])(?P<n>\d{2})\s*(?:f|m)\b", CI),
    re.compile(r"^\W*(?:hi|hey|hello)?\W*(?:[A-Za-z']+\s+){0,2}[A-Za-z]+\s*,\s*(?P<n>\d{2})"
               r"\s*(?:,|$|\.)", CI),
    # "im a wrestler, 17 but 18 next month": the age now, then the birthday coming
    re.compile(r"\b(?P<n>1[3-9]|[2-9]\d)\s+(?:but|and|turning)\s+(?:turning\s+)?\d{2}\s+"
               r"(?:next|in|this|soon)\b", CI),
    # "Kenji desu. 30, seattle": an age then a place, opening a sentence
    re.compile(r"(?:^|[.!?]\s+)(?P<n>\d{2})\s*,\s*[A-Za-z]{3,}\s*$", CI),
    re.compile(r"\b(?:ich bin|bin|tengo|tenho|j'ai|ho)\s+(?P<n>\d{2})\b(?!\s*(?:kg|kilo|lbs?|"
               r"min|minut|%|tage|d[ií]as|dias|jours|giorni|mal|x\b))", CI),
    re.compile(r"\b(?:here|btw|by the way)\W*(?P<n>\d{2})\b\s*[,.]", CI),
    re.compile(r"^\W*(?:hi|hey|hello|hiya|yo|sup)\W+(?P<n>\d{2})\s*,\s*[a-z]", CI),
    re.compile(r"\b(?:i'?m|im|i am)\s+(?P<n>\d{2})\b(?!\s*(?:kg|lbs?|min|minutes|%|days|weeks|"
               r"reps|rn|now|right now|pounds|kilos))", CI),
)


def read_age(text: str) -> int | None:
    """The athlete's age when they give it ("IM 68", "Priya, 41, Chicago", "31F", "45 anni")."""
    for pattern in _AGES:
        for line in text.split("\n"):
            for match in pattern.finditer(line):
                value = int(match.group("n"))
                if 13 <= value <= 100:
                    return value
    return None


#: "weighed in at 81.5", "scale said 81.3", "im 82 rn": a body weight stated as where they are
#: now, never a goal ("goal weight is 70") and never an age ("I'm 40").
BODY_WEIGHT: Final = re.compile(
    r"\b(?<!goal )(?<!target )(?<!dream )(?:weigh(?:ed|t)?(?: in| myself(?: (?:this|today|"
    r"yesterday)(?: [a-z]+)?)?)?|weight is|scale (?:said|says|"
    r"showed|read))\D{0,12}(?P<v>\d{2,3}(?:\.\d)?)\s*(?P<u>kg|kgs|kilos|lb|lbs|pounds)?"
    r"|\b(?:i'?m|i am)\s+(?:(?:at|walking|walkin|sitting|sittin|hovering|around|about|like)"
    r"\s+){0,2}(?P<v2>\d{2,3}(?:\.\d)?)\s*(?P<u2>kg|kgs|kilos|lb|lbs|pounds)?"
    r"\s*(?:rn|right now|now|currently|atm|at the moment)\b", CI)


def read_body_weight(text: str, *, default_unit: str) -> BodyWeight | None:
    """The athlete's body weight now, in their units when they give none."""
    match = BODY_WEIGHT.search(text)
    if match is None:
        return None
    value = float(match.group("v") or match.group("v2"))
    unit = (match.group("u") or match.group("u2") or default_unit).lower()
    weight = BodyWeight(value=value, unit="kg" if unit.startswith("k") else "lb") \
        if 20 < value < 400 else None
    return weight

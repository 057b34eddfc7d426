"""Read a workout log texted by an athlete ("3x8 pushups, plank 45s, RPE 8", "only got through
half", "did it") into a structured record the coach can store and adapt the plan from.

The failure that hurts is an invented fact: a set nobody did, or a chat message logged as a
workout. So the parser is pure and deterministic, returns exercise names as typed (they are
resolved against the exercise library elsewhere, by a SQL alias lookup), and reports anything
that looks like a log but cannot be read in ``unclear`` instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Final, Literal, NamedTuple

from worker.llm.offline.read.text import sentence_bounds

Completion = Literal["completed", "partial", "skipped"]
Felt = Literal["easy", "ok", "hard"]
LoadUnit = Literal["kg", "lb"]

MAX_REPS: Final = 500
MAX_LOAD: Final = 1000.0
MAX_SECONDS: Final = 7200
MAX_SETS: Final = 50
#: "180x3": a first number above this is a load, not a count of sets.
MAX_SETS_WRITTEN: Final = 20
#: A duration this long describes the whole session ("took 20 min"), not one set.
SESSION_SECONDS: Final = 600
_MAX_CHARS: Final = 2000
_MAX_NAME_WORDS: Final = 4


@dataclass(frozen=True)
class ParsedSet:
    reps: int | None = None
    seconds: int | None = None
    load: float | None = None


@dataclass(frozen=True)
class ParsedExercise:
    name: str
    sets: tuple[ParsedSet, ...]
    load_unit: LoadUnit | None = None
    rpe: float | None = None


@dataclass(frozen=True)
class ParsedLog:
    is_log: bool
    completion: Completion | None
    #: Said in so many words: "did/done/skipped", "3x8", an RPE; not just "2 treadmills".
    explicit: bool = field(default=False, compare=False)
    exercises: tuple[ParsedExercise, ...] = ()
    fraction: float | None = None
    rpe: float | None = None
    rpe_last_set: bool = False
    felt: Felt | None = None
    pain_area: str | None = None
    unclear: tuple[str, ...] = ()
    as_prescribed: bool = False
    #: Prescribed exercises they left out ("skipped the overhead press part"), as typed.
    left_out: tuple[str, ...] = ()


_NOT_A_LOG: Final = ParsedLog(is_log=False, completion=None)

# --- Whole-text phrases ----------------------------------------------------------------------

_QUOTES: Final = str.maketrans({"\u00d7": "x", "\u2715": "x", "\u2716": "x", "\u2018": "'",
                                "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_NON_ASCII: Final = re.compile(r"[^\x00-\x7f]+")
_QUESTION: Final = re.compile(
    r"\?[\s\"')]*$|^\s*(?:(?:what|what's|whats|how|why|when|where|which|who)\b(?!')"
    r"|(?:is|are) (?:it|there|that|this|i)\b"
    r"|(?:can|could|should|shall|do|does|did) (?:i|you|u|we)\b)")
_FUTURE: Final = re.compile(r"\b(?:will|i'?ll|gonna|going to|plan(?:ning)? to|want to|wanna|"
                            r"about to|tomorrow|like to|need to|have to|got to|gotta|"
                            r"hope to|try to)\b")
_NOT_YET: Final = re.compile(r"\b(?:not (?:done|finished|yet)|haven'?t|have not|yet to)\b")
_DONE: Final = re.compile(r"\b(?:did|done|finished|finshed|finsihed|finised|completed?|crushed|"
                          r"smashed|nailed|killed it|"
                          r"knocked (?:it )?out|got it (?:in|done))\b(?!\s+not\b)")
_PARTIAL: Final = re.compile(
    r"\b(?:didn'?t|did not|couldn'?t|could not|wasn'?t able to|unable to|not able to)\s+"
    r"(?:finish|complete|get through)(?: it| the (?:workout|session)| everything)?\b"
    r"|\bcut (?:it |the (?:workout|session) )?short\b|\bran out of (?:time|steam|gas)\b"
    r"|\bpartial(?:ly)?\b|\bstopped early\b|\b(?:most|some|part) of it\b"
    r"|\b(?:and|n|then|so i) stopped\b"
    r"|\bonly\b(?=\s+(?:did|got|managed|made))")
_SKIP: Final = re.compile(
    r"\b(?:skipped|missed)\b(?: it| today(?:'s)?(?: workout| session)?)?"
    r"|\b(?:didn'?t|did not|couldn'?t|could not|wasn'?t able to|never)\s+(?:get to\s+)?"
    r"(?:train|work ?out|exercise|lift|go(?! (?:too|as|that|so|very|all the way)\b)|make it|"
    r"do (?:it|the|my|today|anything))\b"
    r"(?: today)?|\bno (?:workout|training|session|gym|exercise)\b(?: today)?")
#: One exercise left out of a session that was otherwise done: "skipped the overhead press
#: part", "left out the lunges", "didn't do the swings cause my back". Not the session itself.
_LEFT_OUT: Final = re.compile(
    r"\b(?:skipped|skipping|missed|left out|leaving out|dropped|didn'?t do|did not do|"
    r"passed on|bailed on)\s+(?:on\s+)?(?:the|my|all the)\s+"
    r"(?P<what>(?!(?:whole|entire|workout|session|gym|training|class|run|rest|last|first|"
    r"second|final|day)\b)[a-z][a-z' -]{2,30}?)"
    r"(?:\s+(?:part|bit|exercise|one|ones|portion|sets?|stuff|section))?"
    r"(?=\s*(?:[.,;!)]|$|\s+(?:because|cause|cuz|coz|bc|as|since|but|and|today|though|"
    r"this time)\b))")
#: A short closing question after a report: "that bad?", "is that ok?", "normal?".
_ASIDE_QUESTION: Final = re.compile(r"[.!]\s+[a-z' ]{1,24}\?+\s*$")
_FRACTION_WORDS: Final = {"half": 0.5, "halfway": 0.5, "half way": 0.5, "two thirds": 0.67,
                          "a third": 0.33, "one third": 0.33, "three quarters": 0.75,
                          "a quarter": 0.25, "one quarter": 0.25}
# "half" followed by another word is only a fraction before words like these ("half squats").
_FRACTION: Final = re.compile(
    r"\b(?:two[- ]thirds|(?:a|one)[- ]third|three[- ]quarters|(?:a|one)[- ]quarter"
    r"|half(?:[- ]?way)?)"
    r"\b(?!\s+(?!(?:of|the|it|my|way|through|done|and|but|then|before|today|workout|session)\b)"
    r"[a-z])")
_N_OF_M: Final = re.compile(r"(?<![\w.])(\d{1,2}) (?:out )?of (?:the |my )?(\d{1,2})\b"
                            r"(?: (?:exercises?|sets?|rounds?|moves?|circuits?|parts?))?")
_FELT: Final[tuple[tuple[Felt, re.Pattern[str]], ...]] = (
    ("ok", re.compile(r"\bnot (?:too |that |so |very )?(?:hard|bad|tough)\b")),
    ("hard", re.compile(r"\bnot (?:too |that |so |very )?easy\b")),
    ("ok", re.compile(r"\b(?:felt|was|were|went) (?:ok|okay|fine|good|alright|decent|solid)\b"
                      r"|\bgood (?:session|workout|one)\b|\b(?:manageable|moderate)\b")),
    ("easy", re.compile(r"\b(?:(?:too|very|really|pretty|super|felt|was) )?(?:easy|easier)\b"
                        r"|\b(?:a )?breeze\b|\bpiece of cake\b")),
    ("hard", re.compile(r"\b(?:brutal|tough|hard|harder|killed me|destroyed me|wrecked me|"
                        r"exhausting|struggled|difficult|challenging|rough|savage)\b")),
)
_LAST_SET: Final = re.compile(r"\b(?:(?:on|for|in) )?(?:the |my )?(?:last|final) set\b")
_PER_SIDE: Final = re.compile(r"\b(?:per|each|a) (?:side|leg|arm)\b")
_NO_PAIN: Final = re.compile(r"\b(?:no|not|didn'?t|without|zero|free)\b")
_PAIN: Final = re.compile(r"\b(?:hurt\w*|pain\w*|sore\w*|twing\w*|tweak\w*|ach(?:e|es|ed|ing|y)|"
                          r"niggl\w*|pinch\w*|strain\w*|pulled|flared?|tender|injur\w*)\b")
_AREAS: Final = (
    ("upper_back", r"upper[- ]?back|mid(?:dle)?[- ]?back|shoulder ?blades?|traps?"),
    ("lower_back", r"lower[- ]?back|low[- ]?back|back"), ("neck", r"neck"),
    ("shoulder", r"shoulders?|rotator cuff"), ("elbow", r"elbows?"), ("wrist", r"wrists?"),
    ("hand", r"hands?|fingers?|thumbs?"), ("chest", r"chest|pecs?"),
    ("abdomen", r"abs|abdomen|stomach|core"), ("groin", r"groin|adductors?"),
    ("hip", r"hips?|glutes?"), ("hamstring", r"hamstrings?|hammys?"), ("knee", r"knees?"),
    ("calf", r"calf|calves|shins?"), ("ankle", r"ankles?|achilles"),
    ("foot", r"foot|feet|heels?|toes?"),
)
_AREA: Final = re.compile("|".join(rf"(?P<{area}>\b(?:{words})\b)" for area, words in _AREAS))

# --- Segments and tokens ---------------------------------------------------------------------

_SEPARATOR: Final = re.compile(
    r"\s*(;|\n|!|\?|\.(?=\s|$)|(?<!\d),|,(?=\s)|\s(?:and|but|then|plus|&|\+)\s)\s*")
_LIST_SEPARATORS: Final = frozenset({",", "and", "then", "plus", "&", "+"})
_NUMBER_LIST: Final = re.compile(r"\d+(?:\.\d+)?(?:\s*[,/]\s*\d+(?:\.\d+)?)*")
_TOKEN: Final = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)|(?P<word>[a-z]+(?:'[a-z]+)*(?:-[a-z]+)*)|(?P<sym>[,/:@%=-])")
_LOAD_UNITS: Final[dict[str, LoadUnit]] = {"kg": "kg", "kgs": "kg", "kilo": "kg", "kilos": "kg",
                                           "lb": "lb", "lbs": "lb", "pound": "lb", "pounds": "lb"}
_TIME_UNITS: Final = {"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
                      "min": 60, "mins": 60, "minute": 60, "minutes": 60}
_REPS: Final = frozenset({"rep", "reps"})
_SETS: Final = frozenset({"set", "sets", "round", "rounds"})
_CLOCK_WORDS: Final = frozenset({"at", "by", "around", "until", "before", "after", "from"})
#: Words before a bare number that make it the weight used.
_LOAD_VERBS: Final = frozenset({"guessed", "guesed", "guess", "used", "using", "loaded", "put",
                                "grabbed", "tried"})
_NUMBER_SUFFIXES: Final = frozenset({"am", "pm", "st", "nd", "rd", "th"})
_RPE_GLUE: Final = frozenset({"of", "at", "a", "an", "was", "is", "around", "about", "like",
                              ":", "="})


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Words dropped from exercise names ("did the squats" -> "squats").
_FILLER: Final = _word_set(
    "i i've ive did done finished completed complete just only also then so but and the a an "
    "some my "
    "of with at for on in each total about around roughly another extra more it workout "
    "session training today today's tonight yesterday morning evening again got crushed "
    "smashed nailed killed knocked out x rpe legs arms everything all ok okay them they "
    "monday's tuesday's wednesday's thursday's friday's saturday's sunday's yesterday's monday "
    "tuesday wednesday thursday friday saturday sunday one ones hotel gym home park w belt "
    "straps chalk shift work guessed guesed guess used using tried loaded before after standup "
    "class lunch break")
#: Words that mean a segment is chat, not an exercise ("I weigh 80kg", "3 days").
_BLOCK: Final = _word_set(
    "i'm im me you your we us weigh weight want need have has had train days day week weeks "
    "exercise exercises moves things circuits "
    "hour hours year years old am is are was were be been felt feel feels feeling like that "
    "what how why when where should can could would text call send thanks thank thx ty coach "
    "hi hey hello ok okay yes no yeah yep took spent lasted time because move later great "
    "changed switched swapped "
    "nice awesome cool love fun lol haha tired")
_LIST_VERBS: Final = frozenset({"did", "finished", "completed"})
_LEAD: Final = frozenset({"i", "just", "also", "then", "so", "only"})


class _Token(NamedTuple):
    kind: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class _Spec:
    """One numeric phrase: sets (reps or seconds), a load, an RPE, or numbers that make no sense."""

    kind: Literal["sets", "load", "rpe", "bad"]
    values: tuple[float, ...] = ()
    seconds: bool = False
    strong: bool = False  # only makes sense as a workout ("3x8"), unlike "35", "45 min", "7,4,8"
    unit: LoadUnit | None = None


@dataclass
class _Body:
    exercises: list[ParsedExercise] = field(default_factory=list)
    unclear: list[str] = field(default_factory=list)
    rpe: float | None = None
    rpe_last_set: bool = False
    pain: str | None = None
    strong: bool = False


@dataclass(frozen=True)
class _Segment:
    exercise: ParsedExercise | None = None
    name_only: str | None = None  # an exercise named without numbers ("did pushups")
    opens_list: bool = False  # the name follows a done verb, so it really was done
    unclear: str | None = None
    strong: bool = False
    rpe: float | None = None


#: "1 in the tank", "2 reps in reserve": an effort rating in reps left (RPE = 10 - reps).
_IN_RESERVE: Final = re.compile(r"\b(?:maybe |about |like |~)?(\d)\s+(?:reps? )?(?:left )?"
                                r"(?:in the tank|in reserve|left)\b")
#: "last set i only got 7": the last set's reps, lower than prescribed.
_SHORT_LAST: Final = re.compile(r"\b(?:the )?last (?:set|one)\s*(?:i\s+)?(?:(?:only\s+)?(?:got|did|"
                                r"managed|hit)|only|was(?: only)?)\s+(\d{1,2})\b")
#: Weights held in the hand, as athletes name them.
_HAND_KIT: Final = r"dbs?|dumbbells?|kbs?|kettlebells?"
#: "did db press + rows w the 25s, 4x12 each": one set scheme (and load) for every name listed.
_NAME: Final = r"(?:[a-z]+ ){0,2}[a-z]+"
_EACH: Final = re.compile(
    rf"\b(?P<list>{_NAME}(?:\s*(?:\+|&|,|\band\b)\s*{_NAME})+)\s*(?:w(?:/|ith)?\s+(?:the\s+)?"
    r"(?P<load>\d+(?:\.\d+)?)s?\s*(?P<unit>kg|kgs|lbs?)?\s*,?\s*)?(?:for\s+)?"
    r"(?P<sets>\d+\s*x\s*\d+)\s+each\b")
#: "dbs only up to 25": what the gym has, not a set of 25.
_KIT_UP_TO: Final = re.compile(
    rf"\b(?:{_HAND_KIT}|weights|plates)\s+(?:only\s+)?(?:go\s+)?"
    r"(?:up to|till|until)\s+\d+(?:\.\d+)?\s*(?:kg|kgs|lbs?)?")
#: "bench 70x8 x3": a load x reps, then "x3" apart: three sets of them.
_LOAD_REPS_TIMES: Final = re.compile(
    r"\b(\d{2,3}(?:\.\d)?)\s*x\s*(\d{1,2})\s+x\s?([1-9])\b(?!\s*x)")
#: "incline db 22.5s for 10s": the dumbbells held, for sets of ten.
_HELD_FOR: Final = re.compile(r"\b(\d{1,3}(?:\.\d)?)s for (\d{1,2})s?\b(?!\s*(?:sec|s\b))")
#: "160x3x3": a load, then sets x reps.
_LOAD_SETS_REPS: Final = re.compile(r"\b(\d{2,3}(?:\.\d)?)\s*x\s*(\d{1,2})\s*x\s*(\d{1,2})\b")
#: "squat 135 3x5": a load, then sets x reps (the unit, if any, stays with the load).
_LOAD_THEN_SETS: Final = re.compile(
    r"(?<=[a-z] )(\d{2,3}(?:\.\d)?)(\s*(?:kg|kgs|lbs?|pounds))?\s+(\d{1,2})\s*x\s*(\d{1,2})\b")
_VERBS: Final = frozenset({"went", "felt", "was", "were", "moved"})
#: "3x5 @ 135 felt like a warmup honestly": what follows the numbers is a comment on them.
_TRAILING_COMMENT: Final = re.compile(
    r"(\d\s*(?:kg|kgs|lbs?)?)\s+(?:felt|feels|was|were|is|are|moved|went)\b[^,;.\n]*")
#: Words that describe how a set went, never an exercise ("last set grindy but clean").
_COMMENT: Final = frozenset((
    "grindy", "clean", "fast", "slow", "heavy", "light", "easy", "hard", "tough", "rough",
    "smooth", "solid", "good", "great", "humbling", "brutal", "ok", "okay", "fine", "strong",
    "weak", "shaky", "sloppy", "crisp", "perfect", "nice", "moved", "went", "felt", "was",
    "were", "but", "pretty", "kinda", "very", "super", "really", "bit", "little", "quick",
    "explosive", "tired", "short", "long", "i", "think", "guess", "maybe", "probably", "ngl",
    "tbh", "lol"
))
#: "went up to the 45s on bench": a pair of 45s is a load.
_THE_NUMBER_S: Final = re.compile(r"\bthe (\d{1,3}(?:\.\d)?)s\b")
#: "goblet squats 3x8 w/ the 50 lb db", "db rows w the 50s": the load is the weight held.
_HELD: Final = re.compile(
    r"\bw(?:/|ith)?\s+(?:the\s+|a\s+|2\s+|two\s+)?(?P<n>\d+(?:\.\d+)?)\s*(?P<u>lbs?|kgs?|kg)?\s*"
    r"(?:s\b|dbs?\b|dumbbells?\b|kbs?\b|kettlebells?\b|bells?\b"
    r"|(?=\s*(?:felt|was|were|went|,|;|\.|$|and\b|but\b)))")
#: "plank 30s x3": three holds of 30 seconds.
_HOLD_TIMES: Final = re.compile(r"\b(\d{1,3})\s*(s|sec|secs|seconds)\s*x\s*(\d{1,2})\b(?!\s*x)")
#: "freestanding best was 6 sec", "plank max: 70s": a best effort is that exercise's set.
_BEST: Final = re.compile(r"\b(?:best|max|pb|pr|record)(?: (?:hold|set|effort))?"
                          r"\s*(?:was|is|of|=|:)?\s*(?:like |about |around |~)?(?=\d)")
#: "the chair stands were fine": in a done report, an exercise named with how it went was done.
_NAMED_HOW: Final = re.compile(
    r"\b(?:the|my) ((?:[a-z]+[ -]){0,2}[a-z]+)(?: (?:from|on|with|at|in|off) (?:the|my|a) "
    r"(?:[a-z]+ ){0,2}[a-z]+)? (?=(?:felt|were|was|went) (?:(?:really|pretty|"
    r"very|super|a bit|quite) )?(?:ok|okay|fine|good|great|alright|decent|solid|easy|easier|"
    r"hard|harder|tough|brutal)\b)")
_NOT_NAMES: Final = frozenset({"warm up", "warmup", "warm-up", "cool down", "cooldown", "last set",
                               "first set", "last one", "session", "workout", "weights", "rest",
                               "rest of it", "others", "other ones"})
#: "what weight for the goblet squats? i grabbed a 10kg kb": the weight used, for the exercise
#: the same text names.
#: "holding the 4 kg weights for the carrying exercise" too.
_USED: Final = re.compile(
    r"\b(?:i (?:grabbed|used|went with|took|picked up|held|was holding|was using)|holding|"
    r"using)\s+(?:a |an |the |my )?(?P<n>\d+(?:\.\d+)?)\s*"
    rf"(?P<u>kgs?|lbs?|pounds)\s*(?P<kit>{_HAND_KIT}|bells?|weights?)?\b")
_REFERRED: Final = re.compile(r"\b(?:for|on|with) (?:the|my) (?P<name>(?:[a-z]+ ){0,2}?[a-z]+?)"
                              r"(?= next time| today| tomorrow|\?|,|\.|$"
                              r"| (?:exercises?|part|bit|one|ones|drill)\b)")
#: "the carrying exercise": the exercise by its verb.
_GERUNDS: Final = {"carrying": "carry", "squatting": "squat", "pressing": "press",
                   "rowing": "row", "lunging": "lunge", "hanging": "hang",
                   "balancing": "balance", "bridging": "bridge", "stepping": "step-up"}
#: "incline db 80s x10,9,8": the dumbbells held, then the reps.
_DB_NUMBER_S: Final = re.compile(r"\b(dbs?|kbs?) (\d{1,3}(?:\.\d)?)s\b(?=\s*x\s*\d)")


#: "we won 2-1!!!": a score, not a set.
_SCORE: Final = re.compile(r"\b(?:won|lost|drew|win|loss|score[d]?|beat (?:them|us)|victory)\b"
                           r"[^.!?]{0,15}?\b\d{1,2}\s*[-:]\s*\d{1,2}\b")


#: "Tirada larga 20k done", "ran 5k": a run outside the plan, not a session of it to log.
_DISTANCE: Final = re.compile(r"\b\d{1,3}(?:\.\d)?\s*(?:k|km|kms|mi|miles?)\b")


def parse_log(text: str) -> ParsedLog:
    """What an athlete's text reports about a workout; ``is_log`` False for anything else."""
    low = _NON_ASCII.sub(" ", text[:_MAX_CHARS].translate(_QUOTES).lower())
    if _DISTANCE.search(low) and not _SET_SPEC.search(low):
        return _NOT_A_LOG
    low = _SCORE.sub(" ; ", low)
    # "...did 2 sets n stopped. that bad?": a short question after the report asks about it;
    # the report stands.
    if (aside := _ASIDE_QUESTION.search(low)) is not None and aside.start() > 0:
        low = low[:aside.start() + 1]
    used = _USED.search(low)
    referred = used and (_REFERRED.search(low, used.end(), sentence_bounds(low, used.end())[1])
                         or _REFERRED.search(low))
    if used and referred:
        kit = used.group("kit") or ""
        held = "db " if kit.startswith("d") else "kb " if kit.startswith("k") else ""
        name = " ".join(_GERUNDS.get(w, w) for w in referred.group("name").split())
        held = "" if held.strip() in name.split() else held
        low = (f"{low[:used.start()]} ; {held}{name} {used.group('n')} "
               f"{used.group('u')} ; {low[used.end():]}")
    low = _IN_RESERVE.sub(lambda m: f" rpe {10 - int(m.group(1))} ", low)
    low = _KIT_UP_TO.sub(" ; ", low)
    low = _EACH.sub(_each, low)
    low = _LOAD_REPS_TIMES.sub(lambda m: f"{m.group(3)}x{m.group(2)} @ {m.group(1)}", low)
    low = _HELD_FOR.sub(lambda m: f"@ {m.group(1)} {m.group(2)} reps", low)
    low = _LOAD_SETS_REPS.sub(lambda m: f"{m.group(2)}x{m.group(3)} @ {m.group(1)}", low)
    low = _LOAD_THEN_SETS.sub(
        lambda m: f"{m.group(3)}x{m.group(4)} @ {m.group(1)}{m.group(2) or ''}", low)
    low = _HELD.sub(lambda m: f" @ {m.group('n')} {m.group('u') or ''} ", low)
    low = _THE_NUMBER_S.sub(lambda m: f" @ {m.group(1)} ", low)
    low = _DB_NUMBER_S.sub(lambda m: f"{m.group(1)} @ {m.group(2)} ", low)
    low = _HOLD_TIMES.sub(lambda m: f"{m.group(3)}x{m.group(1)}s", low)
    low = _BEST.sub(" ", low)
    low = _split_runs(low)
    short_last = _SHORT_LAST.search(low)
    if short_last:
        low = low[:short_last.start()] + " ; " + low[short_last.end():]
    done, skipped = _done_said(low), bool(_SKIP.search(low))
    if done:
        low = _NAMED_HOW.sub(lambda m: m.group() if _AREA.fullmatch(m.group(1)) or m.group(1)
                             in _NOT_NAMES else f" ; did {m.group(1)} ; ", low)
    left_out = tuple(m.group("what").strip() for m in _LEFT_OUT.finditer(low))
    low = _LEFT_OUT.sub(" ; ", low)
    rest, fraction = _take_fraction(low)
    partial = fraction is not None or bool(_PARTIAL.search(low)) or bool(left_out)
    rest, felt = _take_felt(rest)
    rest = _TRAILING_COMMENT.sub(r"\1 ; ", rest)
    for pattern in (_PARTIAL, _SKIP):
        rest = pattern.sub(" ; ", rest)
    rest = _PER_SIDE.sub(" ", rest)  # "3x10 each leg w the 12.5s": the load still belongs
    body = _read_body(rest)
    body.exercises = [e for e in body.exercises if e.sets or e.name not in _NOT_NAMES]
    has_sets = any(exercise.sets for exercise in body.exercises)
    reported = done or skipped or partial or bool(body.exercises) or body.strong
    if (not (reported or body.rpe is not None)
            or (_QUESTION.search(low) and not (done and (has_sets or _opens_with_done(low))))
            or (_NOT_YET.search(low) and not has_sets)
            or (_FUTURE.search(low) and not (done or skipped or partial))):
        return _NOT_A_LOG
    completion: Completion | None = None
    if partial or (skipped and (done or has_sets)):
        # "skipped the press part, rest was ok": the session happened, one piece of it did not.
        completion = "partial"
    elif skipped:
        completion = "skipped"
    elif done or body.exercises or body.rpe is not None:
        completion = "completed"
    if short_last and body.exercises and body.exercises[-1].sets:
        # "3x10, last set I only got 7": the last set fell short.
        last = body.exercises[-1]
        sets = (*last.sets[:-1], ParsedSet(reps=int(short_last.group(1)), load=last.sets[-1].load))
        body.exercises[-1] = ParsedExercise(last.name, sets, last.load_unit, last.rpe)
    body.exercises = _carry_units(body.exercises)
    return ParsedLog(
        is_log=True, completion=completion,
        explicit=done or skipped or partial or body.strong or body.rpe is not None
        or any(len(e.sets) > 1 for e in body.exercises),
        exercises=tuple(body.exercises), fraction=fraction,
        rpe=body.rpe, rpe_last_set=body.rpe_last_set, felt=felt,
        pain_area=body.pain, unclear=tuple(body.unclear), left_out=left_out,
        as_prescribed=(completion == "completed" and done and not body.exercises
                       and not body.unclear))


#: The implement a listed exercise names first ("db press"), which the others share.
_KIT_FIRST: Final = re.compile(
    r"(?:did |done |then )*(db|kb|bb|dumbbell|kettlebell|barbell|cable) ")


def _each(match: re.Match[str]) -> str:
    load = f" @ {match.group('load')}{match.group('unit') or ''}" if match.group("load") else ""
    names = [n for n in re.split(r"\s*(?:\+|&|,|\band\b)\s*", match.group("list")) if n]
    kit = _KIT_FIRST.match(names[0])
    if kit:  # "db press + rows": dumbbell rows too
        names = [names[0]] + [n if _KIT_FIRST.match(n) else f"{kit.group(1)} {n}"
                              for n in names[1:]]
    return " , ".join(f"{name} {match.group('sets')}{load}" for name in names)


def _carry_units(exercises: list[ParsedExercise]) -> list[ParsedExercise]:
    """Loads without a unit take the unit said last before them ("rows 20 kg, goblet squat w
    16"; "pulldown 70lbs, db bench w the 15s"), or the one unit of the text when none came
    before."""
    units = {e.load_unit for e in exercises if e.load_unit}
    last: LoadUnit | None = next(iter(units)) if len(units) == 1 else None
    out = []
    for e in exercises:
        if e.load_unit:
            last = e.load_unit
        elif last is not None and any(s.load for s in e.sets):
            e = ParsedExercise(e.name, e.sets, last, e.rpe)
        out.append(e)
    return out


def _done_said(low: str) -> bool:
    """A "done" that reports, not one that intends ("I like to get it done before the kids
    are up" asks for an early text; it logs nothing)."""
    return any(not _FUTURE.search(low[max(0, m.start() - 25):m.start()])
               for m in _DONE.finditer(low))


def _opens_with_done(low: str) -> bool:
    """"Finished. The squats felt easier, is that ok?": a report first, then a question."""
    first = re.split(r"[.!\n]", low, maxsplit=1)[0]
    return bool(_DONE.search(first)) and "?" not in first and not _QUESTION.search(first)


_SET_SPEC: Final = re.compile(r"\b\d+\s*x\s*\d+(?:\s*(?:reps?|s|secs?|sec))?\b")


def _split_runs(text: str) -> str:
    """"pushups 4x15 pullups 4x6": name-first exercises run together get a comma each."""
    out = []
    for chunk in re.split(r"(,|;|\n|\.\s)", text):
        stripped = chunk.strip()
        specs = list(_SET_SPEC.finditer(chunk))
        if len(specs) >= 2 and stripped[:1].isalpha():
            pieces, last = [], 0
            for spec, after in pairwise(specs):
                if re.search(r"[a-z]", chunk[spec.end():after.start()]):  # a name follows
                    pieces.append(chunk[last:spec.end()])
                    last = spec.end()
            pieces.append(chunk[last:])
            chunk = ",".join(pieces)
        out.append(chunk)
    return "".join(out)


def _read_body(text: str) -> _Body:
    """The exercises, session RPE, pain and unreadable fragments, clause by clause."""
    body = _Body()
    listing = False  # the previous clause named an exercise, so "and squats" continues it
    for segment, listed in _segments(text):
        if _PAIN.search(segment):
            area = None if _NO_PAIN.search(segment) else _AREA.search(segment)
            body.pain = body.pain or (area.lastgroup if area else None)
            listing = False
            continue
        got = _read(_LAST_SET.sub(" ", segment))
        body.strong = body.strong or got.strong
        body.unclear += [got.unclear] if got.unclear else []
        if body.rpe is None and got.rpe is not None:  # "RPE 9 on the last set"
            body.rpe, body.rpe_last_set = got.rpe, bool(_LAST_SET.search(segment))
        named = got.name_only if got.opens_list or (listing and listed) else None
        if got.exercise or named:
            body.exercises.append(got.exercise or ParsedExercise(named or "", ()))
        listing = bool(got.exercise or named)
    return body


def _take_felt(text: str) -> tuple[str, Felt | None]:
    felt: Felt | None = None
    for kind, pattern in _FELT:
        if felt is None and pattern.search(text):
            felt = kind
        text = pattern.sub(" ; ", text)
    return text, felt


def _take_fraction(text: str) -> tuple[str, float | None]:
    """The text without its "how much got done" phrases, and the fraction they state ("changed
    to the 2 kg ones halfway through" is when, not how much)."""
    found: list[float] = []

    def words(match: re.Match[str]) -> str:
        if re.search(r"\b(?:changed|switched|swapped|moved|dropped)\b[^.;!?]*$",
                     text[max(0, match.start() - 40):match.start()]):
            return match.group()
        found.append(_FRACTION_WORDS[re.sub(r"[- ]+", " ", match.group())])
        return " ; "

    def numbers(match: re.Match[str]) -> str:
        done, total = int(match.group(1)), int(match.group(2))
        if not 0 < done <= total:
            return match.group()
        found.extend([round(done / total, 2)] if done < total else [])  # "4 of 4": all of it
        return " ; "

    text = _N_OF_M.sub(numbers, _FRACTION.sub(words, text))
    return text, (found[0] if found else None)


def _segments(text: str) -> list[tuple[str, bool]]:
    """Clauses of the text, each with whether it continues a list ("pushups and squats")."""
    parts = _SEPARATOR.split(text)
    out: list[tuple[str, bool]] = []
    for k in range(0, len(parts), 2):
        part, sep = parts[k].strip(), parts[k - 1].strip() if k else ""
        if not part:
            continue
        if out and sep == "," and _continues(out[-1][0], part):  # "pushups 8, 8, 7"
            out[-1] = (f"{out[-1][0]},{part}", out[-1][1])
        else:
            out.append((part, sep in _LIST_SEPARATORS))
    return out


def _continues(before: str, after: str) -> bool:
    return ((before[-1].isdigit() and bool(_NUMBER_LIST.fullmatch(after)))
            or (after[0].isdigit() and bool(_NUMBER_LIST.fullmatch(before))))


def _read(segment: str) -> _Segment:
    """One clause: an exercise with its sets, an RPE, or a fragment that cannot be read."""
    toks = [_Token(m.lastgroup or "", m.group(), m.start(), m.end())
            for m in _TOKEN.finditer(segment)]
    words: list[str] = []
    names: list[list[str]] = [[]]  # runs of name words between numeric phrases
    specs: list[_Spec] = []
    i = 0
    while i < len(toks):
        spec, after = _spec_at(toks, i)
        if after > i:
            if spec is not None:
                specs.append(spec)
                names.append([])
            i = after
            continue
        if toks[i].kind == "word":
            words.append(toks[i].text)
            if toks[i].text not in _FILLER:
                names[-1].append(toks[i].text)
        i += 1
    return _judge(segment, words, [name for name in names if name], specs)


def _judge(segment: str, words: list[str], names: list[list[str]], specs: list[_Spec]) -> _Segment:
    names = [name for name in names if not set(name) <= _COMMENT and not set(name) & _VERBS]
    if len(names) > 1 and names[-1][0] in _COMMENT:  # "bench 3x5 @ 80 felt fast"
        names = names[:-1]
    words = [w for w in words if w not in _COMMENT] or words
    rpes = [spec.values[0] for spec in specs if spec.kind == "rpe"]
    numbers = [spec for spec in specs if spec.kind != "rpe"]
    blocked = any(w in _BLOCK for w in words) or sum(map(len, names)) > _MAX_NAME_WORDS
    if not numbers:
        if rpes:
            return _Segment(rpe=rpes[0]) if 1 <= rpes[0] <= 10 else _Segment(unclear=segment,
                                                                           strong=True)
        if blocked or len(names) != 1:
            return _Segment()
        first = next((w for w in words if w not in _LEAD), None)
        return _Segment(name_only=" ".join(names[0]), opens_list=first in _LIST_VERBS)
    strong = any(spec.strong for spec in numbers)
    if blocked:
        return _Segment(unclear=segment, strong=True) if strong else _Segment()
    if not names:
        return _Segment(unclear=segment, strong=strong)
    exercise = _exercise(" ".join(names[0]), numbers, rpes) if len(names) == 1 else None
    return _Segment(exercise=exercise) if exercise else _Segment(unclear=segment, strong=True)


def _exercise(name: str, numbers: list[_Spec], rpes: list[float]) -> ParsedExercise | None:
    """The exercise these numbers describe, or None when they are garbled or impossible."""
    loads = [spec for spec in numbers if spec.kind == "load"]
    load = loads[0].values[0] if loads else None
    rpe = rpes[0] if rpes else None
    if (any(spec.kind == "bad" for spec in numbers) or len(loads) > 1
            or (load is not None and not 0 < load <= MAX_LOAD)
            or (rpe is not None and not 1 <= rpe <= 10)):
        return None
    sets: list[ParsedSet] = []
    for spec in numbers:
        for value in spec.values if spec.kind == "sets" else ():
            limit = MAX_SECONDS if spec.seconds else MAX_REPS
            if not 1 <= value <= limit or not (spec.seconds or value.is_integer()):
                return None
            count = round(value)
            sets.append(ParsedSet(reps=None if spec.seconds else count,
                                  seconds=count if spec.seconds else None, load=load))
    if len(sets) > MAX_SETS:
        return None
    return ParsedExercise(name, tuple(sets) or (ParsedSet(load=load),),
                          loads[0].unit if loads else None, rpe)


def _at(toks: list[_Token], j: int, kind: str) -> str | None:
    return toks[j].text if j < len(toks) and toks[j].kind == kind else None


def _num(toks: list[_Token], j: int) -> float | None:
    text = _at(toks, j, "num")
    return None if text is None else float(text)


def _spec_at(toks: list[_Token], i: int) -> tuple[_Spec | None, int]:
    """The numeric phrase starting at token i and the index after it; index i when none."""
    tok = toks[i]
    if tok.kind == "num":
        return _number_spec(toks, i, float(tok.text))
    if tok.text == "x" and (value := _num(toks, i + 1)) is not None:  # "140 kg x 5"
        seconds, scale, end = _unit_after(toks, i + 2)
        return _Spec("sets", (value * scale,), seconds), end
    if tok.text == "rpe":
        j = i + 1
        while j < len(toks) and toks[j].text in _RPE_GLUE:
            j += 1
        if (value := _num(toks, j)) is None:
            return None, i
        ten = _at(toks, j + 1, "sym") == "/" and _at(toks, j + 2, "num") == "10"
        return _Spec("rpe", (value,)), j + (3 if ten else 1)
    if tok.text == "@":
        value = _num(toks, i + 1)
        if value is None or _at(toks, i + 2, "word") in _LOAD_UNITS:
            return None, i + 1  # "@ 60kg", "@ rpe 8": the next token says what it is
        # "3x5 @ 80": a load in the athlete's units; "@ 8": an RPE.
        return (_Spec("rpe", (value,)) if value <= 10 else _Spec("load", (value,))), i + 2
    return None, (i + 1 if tok.kind == "sym" else i)


def _number_spec(toks: list[_Token], i: int, value: float) -> tuple[_Spec | None, int]:
    word, sym = _at(toks, i + 1, "word"), _at(toks, i + 1, "sym")
    if sym == ":" and _num(toks, i + 2) is not None:
        return None, i + 3  # a clock time
    if sym == "%":
        return None, i + 2  # "back 100%": how something feels
    if word in _LOAD_UNITS:
        return _Spec("load", (value,), unit=_LOAD_UNITS[word]), i + 2
    if word in _TIME_UNITS:
        if SESSION_SECONDS <= value * _TIME_UNITS[word] <= MAX_SECONDS:
            return None, i + 2  # "20 min on the dot": how long the session took
        return _Spec("sets", (value * _TIME_UNITS[word],), seconds=True), i + 2
    if word == "x" or word in _SETS:
        return _multiplied(toks, i, value)
    if word in _REPS:
        return _Spec("sets", (value,)), i + 2
    if sym in (",", "/") and _num(toks, i + 2) is not None:
        return _listed(toks, i, separated=True)
    if _num(toks, i + 1) is not None:
        return _listed(toks, i, separated=False)
    if sym == "-" and _num(toks, i + 2) is not None:
        return _Spec("bad", strong=True), i + 3  # a range: which was it?
    if word is not None and toks[i + 1].start == toks[i].end:
        if word in _NUMBER_SUFFIXES:
            return None, i + 2
        if len(word) <= 3:
            return _Spec("bad"), i + 2  # "5km", "3k": a unit this parser does not know
    if i and toks[i - 1].text in _LOAD_VERBS and value > MAX_SETS_WRITTEN:
        return _Spec("load", (value,)), i + 1  # "leg press i just guessed 180": the weight
    if i and toks[i - 1].text in _CLOCK_WORDS:
        if toks[i - 1].text == "at" and value > 24:  # "RDLs at 95": a load, not a time
            return _Spec("load", (value,)), i + 1
        return None, i + 1
    return _Spec("sets", (value,)), i + 1


def _multiplied(toks: list[_Token], i: int, count: float) -> tuple[_Spec, int]:
    """ "3x8", "2 x 40 seconds", "3 sets of 8 reps"."""
    j = i + 2
    if _at(toks, i + 1, "word") in _SETS and _at(toks, j, "word") in ("of", "x"):
        j += 1
    per = _num(toks, j)
    if per is None:
        return _Spec("bad", strong=True), j
    seconds, scale, end = _unit_after(toks, j + 1)
    named = i > 0 and toks[i - 1].kind == "word" and toks[i - 1].text not in _FILLER
    if named and count > MAX_SETS_WRITTEN and per <= MAX_SETS_WRITTEN and not seconds:
        # "DL 180x3": a lifter's load x reps, one set.
        return _Spec("load", (count,)), i + 1  # the "x3" after it is read next
    if not (count.is_integer() and 1 <= count <= MAX_SETS):
        return _Spec("bad", strong=True), end
    return _Spec("sets", (per * scale,) * int(count), seconds, strong=True), end


def _listed(toks: list[_Token], i: int, *, separated: bool) -> tuple[_Spec, int]:
    """ "5,5,4", "8/8/7", "8 8 7": weak without a name, as a check-in answer looks the same."""
    values, j, step = [float(toks[i].text)], i, 2 if separated else 1  # j: the last number
    while ((not separated or _at(toks, j + 1, "sym") in (",", "/"))
           and (value := _num(toks, j + step)) is not None):
        values.append(value)
        j += step
    seconds, scale, end = _unit_after(toks, j + 1)
    return _Spec("sets", tuple(v * scale for v in values), seconds), end


def _unit_after(toks: list[_Token], j: int) -> tuple[bool, float, int]:
    word = _at(toks, j, "word")
    if word in _TIME_UNITS:
        return True, float(_TIME_UNITS[word]), j + 1
    return False, 1.0, j + (1 if word in _REPS else 0)

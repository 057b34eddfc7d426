"""What an athlete's profile rules out, as rules every plan writer and the rubric share.

The library's contraindications keep load off an injured area. Beyond that, people tell a coach
what their body will not do, and a coach keeps those promises whatever the exercise is called:

- after a joint replacement: no impact (jumping, running), no deep knee flexion, no kneeling on
  a replaced knee;
- a cranky lower back (a disc, "deadlifts still bother it"): no loaded spinal flexion and no
  bar on the back; hinges only the ones that spare the spine (bridges, hip thrusts), or none;
- osteopenia or osteoporosis, postpartum core recovery: no loaded spinal flexion;
- "deep lunges bother my knee", "no overhead pressing", "no kneeling": the movements they named,
  matched by tag or by name.

Each rule carries the reason a coach would give, so the plan can say why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from worker.domain.profile import Injury, LoadCap, Profile
from worker.domain.workouts import Unit

_UNITS: dict[str, Unit] = {"reps": "reps", "seconds": "seconds", "distance": "distance"}


@dataclass(frozen=True)
class Candidate:
    """A library exercise as the planner reads it."""

    slug: str
    name: str
    pattern: str
    equipment: frozenset[str]
    difficulty: int
    unit: Unit
    default_min: int
    default_max: int
    tags: frozenset[str] = frozenset()
    contraindications: frozenset[str] = frozenset()
    unilateral: bool = False

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Candidate:
        low = int(row.get("default_min") or 8)
        return cls(
            slug=str(row["slug"]), name=str(row.get("name") or row["slug"]),
            pattern=str(row["pattern"]), equipment=frozenset(row.get("equipment") or ()),
            difficulty=int(row.get("difficulty") or 3),
            unit=_UNITS.get(str(row.get("unit")), "reps"),
            default_min=low, default_max=max(low, int(row.get("default_max") or low)),
            tags=frozenset(row.get("tags") or ()),
            contraindications=frozenset(row.get("contraindications") or ()),
            unilateral=bool(row.get("is_unilateral")),
        )


@dataclass(frozen=True)
class Rule:
    """One promise: exercises with any of ``tags`` or a name matching ``words`` are out."""

    why: str
    tags: frozenset[str] = frozenset()
    words: tuple[str, ...] = ()
    #: Exercises carrying one of these tags are exempt (practising getting up from the floor
    #: is the point for an older athlete, kneeling on the other knee).
    unless: frozenset[str] = frozenset()

    def forbids(self, exercise: Candidate) -> bool:
        if exercise.tags & self.unless:
            return False
        if exercise.tags & self.tags:
            return True
        text = f"{exercise.slug.replace('_', ' ')} {exercise.name.lower()}"
        return any(re.search(rf"\b{re.escape(w)}", text) for w in self.words)


#: Hinges that keep the spine out of it, for a back that dislikes deadlifts.
SPINE_SPARING_HINGES = frozenset({"glute_bridge", "single_leg_glute_bridge", "hip_thrust",
                                  "banded_hip_thrust", "elevated_glute_bridge",
                                  "cable_pull_through", "leg_curl", "hip_abduction_machine"})

#: Movements athletes name, as tags and words of exercise names.
_AVOID_WORDS: tuple[tuple[re.Pattern[str], frozenset[str], tuple[str, ...]], ...] = tuple(
    (re.compile(pattern, re.I), frozenset(tags), words) for pattern, tags, words in (
        (r"jump|hop|impact|plyo|running|run\b|sprint", {"impact"}, ()),
        (r"kneel", {"kneeling"}, ()),
        (r"overhead|above (?:my|the) head|ohp", {"overhead"}, ()),
        (r"deadlift|dl\b|rdl|hinge|good morning", set(), ("deadlift", "rdl", "good morning")),
        (r"deep lunge|deep squat|deep knee|lunges? (?:deep|low)|pistol", {"deep_knee_flexion"},
         ()),
        (r"\blunge", {"deep_knee_flexion"}, ("lunge",)),
        (r"crunch|sit-?ups?|flexion|curl(?:ing)? up|v-?ups?", {"spinal_flexion"}, ()),
        (r"burpee", set(), ("burpee",)),
        (r"push-?ups?|press-?ups?", set(), ("push up",)),
        (r"pull-?ups?|chin-?ups?", set(), ("pull up", "chin up")),
        (r"\bdips?\b", set(), ("dip",)),
        (r"bench(?: press)?", set(), ("bench press",)),
        (r"squat", set(), ("squat",)),
        # "gripping anything for long is painful": carries and hangs are long grips
        (r"grip", set(), ("carry", "hang", "towel", "fingertip", "farmer")),
    )
)


@dataclass(frozen=True)
class Constraints:
    """Everything a plan for this athlete must not contain, with the reasons."""

    rules: tuple[Rule, ...] = ()
    caps: Mapping[str, LoadCap] = field(default_factory=dict)
    #: Hinges are limited to spine-sparing ones (a back that dislikes deadlifts).
    spine_sparing_hinges: bool = False

    def forbids(self, exercise: Candidate) -> Rule | None:
        if self.spine_sparing_hinges and exercise.pattern == "hinge" \
                and exercise.slug not in SPINE_SPARING_HINGES:
            return Rule("hip hinges are kept to ones that spare the lower back")
        return next((r for r in self.rules if r.forbids(exercise)), None)

    def allows(self, exercise: Candidate) -> bool:
        return self.forbids(exercise) is None

    def filter(self, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """The rows of library candidates this athlete may be given."""
        return [dict(r) for r in rows if self.allows(Candidate.of(r))]

    def reasons(self) -> list[str]:
        found = [r.why for r in self.rules]
        if self.spine_sparing_hinges:
            found.append("hip hinges are kept to ones that spare the lower back")
        return list(dict.fromkeys(found))


def constraints_for(profile: Profile) -> Constraints:
    rules: list[Rule] = []
    spine = False
    for injury in profile.injuries:
        if injury.status == "past" and not injury.avoid:
            continue
        rules += _injury_rules(injury)
        if injury.area == "lower_back" and injury.status in (None, "current") and (
                injury.severity in ("moderate", "severe") or _mentions(injury, "disc|hernia|"
                                                                        "sciatica|bulg")
                or any(re.search("deadlift|rdl|hinge", a, re.I) for a in injury.avoid or [])):
            spine = True
        for avoided in injury.avoid or []:
            rules += _avoid_rules(avoided, injury)
    kept: list[Rule] = []
    for rule in dict.fromkeys(rules):  # a rule another already covers says nothing new
        if not any(other is not rule and rule.tags <= other.tags and set(rule.words) <= set(
                other.words) and not other.unless for other in rules if other.tags):
            kept.append(rule)
    return Constraints(rules=tuple(kept),
                       caps={c.equipment: c for c in profile.load_caps},
                       spine_sparing_hinges=spine)


def _mentions(injury: Injury, pattern: str) -> bool:
    return bool(re.search(pattern, injury.note or "", re.I))


def _injury_rules(injury: Injury) -> list[Rule]:
    area = injury.area.replace("_", " ")
    if injury.status == "replaced":
        rules = [Rule(f"no jumping, running or deep bending after your {area} replacement",
                      frozenset({"impact", "deep_knee_flexion"}))]
        if injury.area == "knee":
            rules.append(Rule("no kneeling on your new knee", frozenset({"kneeling"}),
                              unless=frozenset({"functional"})))
        return rules
    if injury.status == "condition":
        if _mentions(injury, "osteop|bone dens|osteoporo") or injury.area in ("lower_back",):
            return [Rule("no loaded bending or twisting of the spine for your bones",
                         frozenset({"spinal_flexion"}),
                         ("good morning", "twist", "woodchop", "windmill", "jefferson"))]
        if _mentions(injury, "postpartum|pregnan|diastasis|c-section|birth") or \
                injury.area == "abdomen":
            return [Rule("no crunch-type moves while your core recovers",
                         frozenset({"spinal_flexion"}))]
        return []
    if injury.area == "lower_back" and injury.status in (None, "current"):
        return [Rule("nothing that curls or loads your lower back",
                     frozenset({"spinal_flexion", "axial_load"}))]
    if injury.area == "knee" and injury.status in (None, "current") \
            and injury.severity in ("moderate", "severe"):
        return [Rule("no jumping or deep knee bends for your knee",
                     frozenset({"impact", "deep_knee_flexion"}))]
    if injury.area == "shoulder" and injury.status in (None, "current") \
            and injury.severity in ("moderate", "severe"):
        return [Rule("no overhead work for your shoulder", frozenset({"overhead"}))]
    return []


def _avoid_rules(avoided: str, injury: Injury) -> list[Rule]:
    found: list[Rule] = []
    area = injury.area.replace("_", " ")
    for pattern, tags, words in _AVOID_WORDS:
        if pattern.search(avoided):
            if words == ("squat",) and injury.area == "lower_back":
                # "squats bother my back": the bar on the back, not every squat.
                tags, words = frozenset({"axial_load"}), ()
            unless: frozenset[str] = frozenset()
            if tags == {"kneeling"}:
                # Kneeling that hurts still leaves getting down to and up from the floor,
                # practised with a cushion under the knee: what a fall at home asks of them.
                unless = frozenset({"functional"})
            found.append(Rule(f"no {avoided} (your {area})", tags, words, unless))
            break
    else:
        word = avoided.strip().lower()
        if 3 <= len(word) <= 30:
            found.append(Rule(f"no {avoided} (your {area})", frozenset(), (word,)))
    return found

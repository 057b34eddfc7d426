"""Programmes by goal: what a session holds, how the week balances, how it progresses.

An archetype is a coach's template for a kind of athlete. Each says its session structure
(skill practice first, then the main lifts, accessories, conditioning), which movement patterns
each session covers (every full-body session has a push, a pull and a lower-body pattern), how
often the main lifts come round, the rep ranges and effort of each role, and how the athlete
progresses. The engine fills the slots from the exercises this athlete may do; a model-written
week is repaired towards the same template; the rubric scores against it.

Numbers follow the sources in reference/training.md: ACSM 2009 (novice 8-12 RM, 2-3 days full
body; intermediate 3-4; advanced 4-5), Schoenfeld 2017 (10-20 hard sets per muscle a week for
size), NSCA (strength at 1-6 reps, 2-5 min rests), the r/bodyweightfitness routine (skills
first, strength pairs 3x5-8), concurrent-training practice for runners (two short sessions,
48 h clear of the long run, lower-body volume kept low) and guidance for older adults
(functional strength, balance every session, no impact after a joint replacement).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from worker.domain.profile import Profile
from worker.domain.programs import Role

LOWER = frozenset({"squat", "hinge"})
PUSH = frozenset({"horizontal_push", "vertical_push"})
PULL = frozenset({"horizontal_pull", "vertical_pull"})


@dataclass(frozen=True)
class Dose:
    """Sets, reps (None: the exercise's own range), effort and rest for one role."""

    sets: int
    reps: tuple[int, int] | None
    rir_offset: int
    rest: int
    max_sets: int


@dataclass(frozen=True)
class Slot:
    """One exercise of a session: its role and the patterns it may come from, best first."""

    role: Role
    patterns: tuple[str, ...]
    #: Prefer exercises carrying one of these tags (functional, skill...).
    prefer: frozenset[str] = frozenset()
    #: Only exercises carrying one of these tags fit the slot.
    require: frozenset[str] = frozenset()
    #: Exercises an author wants here, best first (a programme's slot); any the athlete may
    #: do come before the patterns' other options.
    exercises: tuple[str, ...] = ()
    #: Minutes of steady conditioning this slot holds (a programme's run-walk), or None.
    minutes: int | None = None
    #: (week of the programme, what to do) pairs: that week's note on the slot's exercise.
    notes_by_week: tuple[tuple[int, str], ...] = ()

    def notes_for(self, week: int) -> str | None:
        """The note of the latest week given at or before ``week``."""
        known = [note for start, note in self.notes_by_week if start <= week]
        return known[-1] if known else None


@dataclass(frozen=True)
class Session:
    title: str
    slots: tuple[Slot, ...]
    #: Whether the session trains the whole body (push, pull and lower required).
    full_body: bool = True


@dataclass(frozen=True)
class Archetype:
    key: str
    name: str
    #: One line for the athlete: what the programme does.
    summary: str
    doses: dict[Role, Dose]
    #: Sessions for each number of training days (a rotation, Monday first).
    weeks: dict[int, tuple[Session, ...]]
    #: Slots added, in order, when a session has time left (never unrelated padding).
    extras: tuple[Slot, ...]
    #: Difficulty aimed at, by level (library difficulty 1-10).
    levels: dict[str, int] = field(default_factory=lambda: {
        "beginner": 3, "intermediate": 5, "advanced": 7})
    #: Lifters with loadable equipment lift it rather than do bodyweight variations.
    prefer_loaded: bool = True
    #: Tags no exercise of this programme carries, for everyone following it.
    forbid: frozenset[str] = frozenset()
    #: Hard sets per pattern a week this programme aims for (lower, upper).
    weekly_sets: tuple[int, int] = (6, 16)
    #: How the athlete moves on.
    progression: str = ("double progression: fill the rep range on every set, then add load "
                        "or move one rung harder")
    #: Roles a session never trims to fit the time (a programme's run-walk is the point).
    protected: frozenset[Role] = frozenset()
    #: The conditioning block comes first (a couch-to-5k's run, then its strength).
    conditioning_first: bool = False


def _slot(role: Role, *patterns: str, prefer: frozenset[str] = frozenset(),
          require: frozenset[str] = frozenset()) -> Slot:
    return Slot(role, patterns, prefer, require)


SQUAT = _slot("main", "squat")
HINGE = _slot("main", "hinge")
H_PUSH = _slot("main", "horizontal_push")
V_PUSH = _slot("main", "vertical_push")
H_PULL = _slot("main", "horizontal_pull")
V_PULL = _slot("main", "vertical_pull", "horizontal_pull")
CORE = _slot("core", "core_stability", "anti_rotation")
CARRY = _slot("accessory", "carry", "grip")
ROTATION = _slot("core", "anti_rotation", "rotation", "core_stability")
INTERVALS = _slot("conditioning", "locomotion", "ballistic", prefer=frozenset({"conditioning"}))


def _acc(*patterns: str, prefer: frozenset[str] = frozenset()) -> Slot:
    return _slot("accessory", *patterns, prefer=prefer)


ISOLATION = frozenset({"isolation"})

FULL_A = Session("Full body A", (SQUAT, H_PUSH, H_PULL, _acc("hinge"), CORE))
FULL_B = Session("Full body B", (HINGE, V_PUSH, V_PULL, _acc("squat"), ROTATION))
FULL_C = Session("Full body C", (SQUAT, V_PUSH, H_PULL, _acc("hinge"), CORE))
UPPER = Session("Upper body", (H_PUSH, H_PULL, V_PUSH, V_PULL, CORE), full_body=False)
LOWER_S = Session("Lower body", (SQUAT, HINGE, _acc("squat"), _acc("hinge"), CORE),
                  full_body=False)
UPPER_B = Session("Upper body B", (V_PUSH, V_PULL, H_PUSH, H_PULL, ROTATION), full_body=False)
LOWER_B = Session("Lower body B", (HINGE, SQUAT, _acc("hinge"), _acc("squat"), ROTATION),
                  full_body=False)
PUSH_S = Session("Push", (H_PUSH, V_PUSH, _acc("horizontal_push", prefer=ISOLATION),
                          _acc("vertical_push", prefer=ISOLATION), CORE), full_body=False)
PULL_S = Session("Pull", (V_PULL, H_PULL, _acc("horizontal_pull"), _acc("vertical_pull",
                          prefer=ISOLATION), CARRY), full_body=False)
LEGS_S = Session("Legs", (SQUAT, HINGE, _acc("squat"), _acc("hinge"), CORE), full_body=False)

FULL_BODY_WEEKS: dict[int, tuple[Session, ...]] = {
    1: (FULL_A,), 2: (FULL_A, FULL_B), 3: (FULL_A, FULL_B, FULL_C),
    4: (UPPER, LOWER_S, UPPER_B, LOWER_B),
    5: (UPPER, LOWER_S, PUSH_S, PULL_S, LEGS_S),
    6: (PUSH_S, PULL_S, LEGS_S, PUSH_S, PULL_S, LEGS_S),
    7: (PUSH_S, PULL_S, LEGS_S, UPPER, LOWER_S, UPPER_B, LOWER_B),
}

GENERAL = Archetype(
    key="general", name="General fitness",
    summary="full-body strength with a little conditioning, three patterns every session",
    doses={"main": Dose(3, None, 0, 90, 4), "accessory": Dose(2, None, 0, 60, 3),
           "core": Dose(2, None, 0, 45, 3), "conditioning": Dose(4, None, 0, 60, 8),
           "skill": Dose(3, None, 1, 60, 4), "function": Dose(2, None, 0, 60, 3),
           "balance": Dose(2, None, 0, 30, 3)},
    weeks=FULL_BODY_WEEKS,
    extras=(CARRY, INTERVALS, _acc("vertical_pull", "horizontal_pull"), _acc("squat")),
)

FAT_LOSS = Archetype(
    key="fat_loss", name="Fat loss",
    summary=("full-body strength circuits with short rests and an interval finisher, to keep "
             "muscle while you lose fat"),
    doses={"main": Dose(3, (8, 12), 0, 60, 4), "accessory": Dose(2, (10, 15), 0, 45, 3),
           "core": Dose(2, None, 0, 30, 3), "conditioning": Dose(6, None, 0, 60, 10),
           "skill": Dose(2, None, 1, 60, 3), "function": Dose(2, None, 0, 45, 3),
           "balance": Dose(2, None, 0, 30, 3)},
    weeks={n: tuple(Session(s.title, (*s.slots, INTERVALS), s.full_body) for s in sessions)
           for n, sessions in FULL_BODY_WEEKS.items()},
    extras=(CARRY, _acc("squat"), _acc("horizontal_pull", "vertical_pull"), INTERVALS),
    progression=("double progression on the lifts; intervals get longer or denser week to "
                 "week"),
)

HYPERTROPHY = Archetype(
    key="hypertrophy", name="Hypertrophy",
    summary="10-20 hard sets per muscle a week, each muscle twice a week, close to failure",
    doses={"main": Dose(3, (6, 12), -1, 120, 5), "accessory": Dose(3, (10, 15), -1, 75, 4),
           "core": Dose(2, None, 0, 45, 3), "conditioning": Dose(4, None, 0, 60, 6),
           "skill": Dose(2, None, 1, 60, 3), "function": Dose(2, None, 0, 60, 3),
           "balance": Dose(2, None, 0, 30, 3)},
    weeks={
        1: (FULL_A,), 2: (FULL_A, FULL_B), 3: (FULL_A, FULL_B, FULL_C),
        **{n: FULL_BODY_WEEKS[n] for n in (4, 5, 6, 7)},
    },
    extras=(_acc("vertical_pull", prefer=ISOLATION), _acc("vertical_push", prefer=ISOLATION),
            _acc("horizontal_push", prefer=ISOLATION), _acc("squat", prefer=ISOLATION),
            _acc("hinge")),
    weekly_sets=(10, 20),
    progression=("double progression in the 6-12 (accessories 10-15) range, sets held 1-2 reps "
                 "short of failure, volume up across the block"),
)

#: A strength session: the target lift first and heavy, then the rest of the body.
STRENGTH_WEEKS: dict[int, tuple[Session, ...]] = {
    1: (FULL_A,), 2: (FULL_A, FULL_B), 3: (FULL_A, FULL_B, FULL_C),
    4: (UPPER, LOWER_S, UPPER_B, LOWER_B), 5: FULL_BODY_WEEKS[5], 6: FULL_BODY_WEEKS[6],
    7: FULL_BODY_WEEKS[7],
}
STRENGTH = Archetype(
    key="strength", name="Strength",
    summary="heavy main lifts at 3-6 reps with long rests, any lift you're chasing first",
    doses={"main": Dose(4, (3, 6), 0, 180, 5), "accessory": Dose(3, (6, 10), 0, 90, 4),
           "core": Dose(2, None, 0, 45, 3), "conditioning": Dose(4, None, 0, 60, 6),
           "skill": Dose(3, None, 1, 60, 4), "function": Dose(2, None, 0, 60, 3),
           "balance": Dose(2, None, 0, 30, 3)},
    weeks=STRENGTH_WEEKS,
    extras=(_acc("horizontal_pull", "vertical_pull"), _acc("hinge"), CARRY, _acc("squat")),
    progression=("loads from your numbers (estimated max, sets at 2-3 reps in reserve); add "
                 "2.5-5% when every set is done, the target lift's pace set by your date"),
)

SKILL_PRACTICE = _slot("skill", "handstand", "static_holds", "dynamic_skills",
                       require=frozenset({"skill"}))
SKILL = Archetype(
    key="skill", name="Calisthenics skills",
    summary=("skill practice first while you're fresh, then strength pairs (3x5-8) that feed "
             "the skills, then core"),
    doses={"skill": Dose(4, None, 1, 90, 5), "main": Dose(3, (5, 8), 0, 120, 4),
           "accessory": Dose(3, (6, 10), 0, 90, 3), "core": Dose(3, (8, 12), 0, 60, 3),
           "conditioning": Dose(4, None, 0, 60, 6), "function": Dose(2, None, 0, 60, 3),
           "balance": Dose(2, None, 0, 30, 3)},
    weeks={n: tuple(Session(s.title, (SKILL_PRACTICE, SKILL_PRACTICE, *s.slots[:4]),
                            s.full_body) for s in sessions)
           for n, sessions in FULL_BODY_WEEKS.items()},
    extras=(_slot("core", "core_stability", "static_holds"), _acc("vertical_pull"),
            _acc("squat"), SKILL_PRACTICE),
    prefer_loaded=False,
    progression=("skills: hold time, then the next rung of the ladder; strength pairs: 3x5 to "
                 "3x8, then one rung harder and back to 3x5"),
)

#: A runner's strength: one leg at a time (a stride is single-leg), hinges, and the calves.
SINGLE_LEG = frozenset({"unilateral"})
RUNNER_LOWER = _slot("main", "squat", prefer=SINGLE_LEG)
RUNNER_HINGE = _slot("accessory", "hinge", prefer=SINGLE_LEG)
RUNNER_SPLIT = _slot("accessory", "squat", prefer=SINGLE_LEG)
CALVES = _slot("accessory", "squat", require=frozenset({"calves"}))
ENDURANCE = Archetype(
    key="endurance", name="Strength for runners",
    summary=("short full-body sessions away from your key runs: single-leg strength, "
             "hinges and calves, lower-body volume kept low so your legs stay fresh"),
    doses={"main": Dose(3, (5, 8), 1, 120, 3), "accessory": Dose(2, (8, 12), 1, 60, 3),
           "core": Dose(2, None, 0, 45, 3), "conditioning": Dose(3, None, 0, 60, 4),
           "skill": Dose(2, None, 1, 60, 3), "function": Dose(2, None, 0, 60, 3),
           "balance": Dose(2, None, 0, 30, 3)},
    weeks={
        1: (Session("Runner strength A", (RUNNER_LOWER, H_PUSH, H_PULL, RUNNER_HINGE, CALVES,
                                          CORE)),),
        2: (Session("Runner strength A", (RUNNER_LOWER, H_PUSH, H_PULL, RUNNER_HINGE, CALVES,
                                          CORE)),
            Session("Runner strength B", (HINGE, V_PULL, V_PUSH, RUNNER_SPLIT, CALVES,
                                          ROTATION))),
        3: (Session("Runner strength A", (RUNNER_LOWER, H_PUSH, H_PULL, RUNNER_HINGE, CALVES,
                                          CORE)),
            Session("Runner strength B", (HINGE, V_PULL, V_PUSH, RUNNER_SPLIT, CALVES,
                                          ROTATION)),
            Session("Runner strength C", (H_PUSH, H_PULL, RUNNER_SPLIT, CALVES, CORE,
                                          ROTATION))),
        **{n: FULL_BODY_WEEKS[n] for n in (4, 5, 6, 7)},
    },
    extras=(CORE, _acc("horizontal_pull", "vertical_pull"), _slot("balance", "balance")),
    forbid=frozenset({"impact"}),
    weekly_sets=(4, 12),
    progression=("load goes up slowly on the main lifts; in race weeks volume drops and "
                 "intensity stays"),
)

FUNCTION = frozenset({"functional"})
GENTLE_LOWER = _slot("function", "squat", prefer=FUNCTION)
GENTLE_HINGE = _slot("function", "hinge", prefer=FUNCTION)
GENTLE_PUSH = _slot("main", "horizontal_push", "vertical_push", prefer=FUNCTION)
GENTLE_PULL = _slot("main", "horizontal_pull", "vertical_pull")
BALANCE = _slot("balance", "balance")
EVERYDAY = _slot("function", "carry", "flow", prefer=FUNCTION)
GENTLE = Archetype(
    key="gentle", name="Everyday strength",
    summary=("everyday movements (standing up, steps, carrying, getting up from the floor) "
             "and balance, at an easy effort"),
    doses={"function": Dose(2, (8, 12), 1, 75, 3), "main": Dose(2, (8, 12), 1, 75, 3),
           "accessory": Dose(2, (8, 12), 1, 60, 3), "core": Dose(2, None, 1, 45, 3),
           "balance": Dose(2, None, 0, 30, 3), "conditioning": Dose(3, None, 1, 60, 4),
           "skill": Dose(2, None, 1, 60, 3)},
    weeks={n: tuple(
        Session(f"Everyday strength {'ABC'[i % 3]}",
                (GENTLE_LOWER, GENTLE_PUSH, GENTLE_PULL, GENTLE_HINGE, BALANCE, EVERYDAY))
        for i in range(n)) for n in range(1, 8)},
    extras=(_slot("core", "core_stability"), BALANCE, EVERYDAY),
    levels={"beginner": 1, "intermediate": 3, "advanced": 4},
    prefer_loaded=False,
    forbid=frozenset({"impact", "axial_load"}),
    weekly_sets=(4, 12),
    progression="more reps first, then a slightly harder version; balance drills get longer",
)

RETURN = Archetype(
    key="return", name="Return from injury",
    summary=("pain-free versions of each pattern at an easy effort, the injured area spared "
             "and built back gradually"),
    doses={"main": Dose(2, (8, 12), 0, 90, 3), "accessory": Dose(2, (10, 15), 0, 60, 3),
           "core": Dose(3, None, 0, 45, 3), "balance": Dose(2, None, 0, 30, 3),
           "conditioning": Dose(3, None, 1, 60, 4), "function": Dose(2, (8, 12), 1, 60, 3),
           "skill": Dose(2, None, 1, 60, 3)},
    weeks={n: tuple((FULL_A, FULL_B, FULL_C)[i % 3] for i in range(n)) for n in range(1, 8)},
    extras=(_slot("core", "core_stability", "anti_rotation"), CARRY,
            _acc("horizontal_pull"), _slot("balance", "balance")),
    weekly_sets=(4, 12),
    progression=("reps first, then load in small steps, only while the area stays quiet; any "
                 "flare-up and we step back"),
)

ARCHETYPES: dict[str, Archetype] = {a.key: a for a in (
    GENERAL, FAT_LOSS, HYPERTROPHY, STRENGTH, SKILL, ENDURANCE, GENTLE, RETURN)}

#: Words of a skill target ("a muscle-up", "freestanding handstand") -> the library chain.
SKILL_CHAINS: dict[str, str] = {
    "muscle": "muscle_up", "handstand push": "hspu", "hspu": "hspu", "handstand": "handstand",
    "front lever": "front_lever", "back lever": "back_lever", "planche": "planche",
    "l-sit": "l_sit", "l sit": "l_sit", "lsit": "l_sit", "pistol": "pistol",
    "one arm push": "one_arm_push_up", "one-arm push": "one_arm_push_up",
    "one arm pull": "one_arm_pull_up", "one-arm pull": "one_arm_pull_up",
}
OLDER = 60
#: Injuries to these areas, when serious, make the whole programme a return from injury; a
#: finger or a mild ache is a constraint on exercise choice instead.
RETURN_AREAS = frozenset({"lower_back", "upper_back", "neck", "knee", "hip", "shoulder",
                          "ankle"})


#: Everyday movements an athlete names as the goal, and the exercises that practise them.
GOAL_MOVES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"\bfloor\b|\bfall(?:s|ing)?\b|\bget(?:ting)? (?:myself )?up\b", re.I),
     ("floor_transfer",)),
    (re.compile(r"\bstairs?\b|\bsteps\b|\bcurbs?\b|\bkerbs?\b", re.I),
     ("supported_step_up", "step_up")),
    (re.compile(r"\bcarry\w*\b|\bgroceries\b|\bshopping\b|\bbags\b|\bsuitcase\b", re.I),
     ("farmer_carry", "bag_carry", "suitcase_carry")),
    (re.compile(r"\bchairs?\b|\bstand(?:ing)? up\b|\btoilet\b|\bcouch\b|\bsofa\b", re.I),
     ("sit_to_stand",)),
)


#: Prehab a coach adds for a current, non-serious complaint: the side plank's hip abductors
#: steady a knee or an ITB that flares after long runs, and a hip that aches.
PREHAB: dict[str, tuple[str, ...]] = {"knee": ("side_plank",), "hip": ("side_plank",)}

#: The strength a skill is built on, by library chain: the dip and the high pull of a
#: muscle-up, the overhead press of a handstand push-up.
SKILL_FEEDERS: dict[str, tuple[tuple[str, ...], ...]] = {
    "muscle_up": (("ring_dip", "parallel_bar_dip"), ("chest_to_bar_pull_up",)),
    "hspu": (("pike_push_up", "partial_wall_handstand_push_up"),),
    "handstand": (("pike_push_up",),),
}
#: Each exercise asked for -> the exercises that practise the same thing (one a week is enough
#: to count it as practised).
GOAL_MOVE_GROUPS: dict[str, tuple[str, ...]] = {
    slug: slugs for _, slugs in GOAL_MOVES for slug in slugs} | {
    slug: group for groups in SKILL_FEEDERS.values() for group in groups for slug in group}


def goal_moves(profile: Profile) -> tuple[str, ...]:
    """The exercises that practise what the athlete said they want to be able to do ("get up
    off the floor", "the stairs at church", "carry my groceries"), in the order they said it,
    then the strength their skills rest on and the prehab a current ache calls for."""
    text = " ".join([*profile.goals, *(t.what for t in profile.targets)])
    found = sorted(((m.start(), slugs) for pattern, slugs in GOAL_MOVES
                    if (m := pattern.search(text)) is not None), key=lambda hit: hit[0])
    feeders = [slug for chain in skill_chains(profile) for group in SKILL_FEEDERS.get(chain, ())
               for slug in group]
    prehab = [slug for injury in profile.injuries if injury.status in (None, "current")
              and injury.severity != "severe" for slug in PREHAB.get(injury.area, ())]
    return tuple(dict.fromkeys([*(slug for _, slugs in found for slug in slugs), *feeders,
                                *prehab]))


def skill_chains(profile: Profile) -> list[str]:
    """The library chains of the skills the athlete is aiming for, in the order they said."""
    found: list[str] = []
    texts = [t.what for t in profile.targets] + [*profile.goals]
    for text in texts:
        low = text.lower()
        for words, chain in SKILL_CHAINS.items():
            if words in low and chain not in found:
                found.append(chain)
                break
    return found


def archetype_for(profile: Profile) -> Archetype:
    """The programme a coach would pick for this athlete."""
    current = [i for i in profile.current_injuries() if i.status in (None, "current")]
    if any(i.status == "replaced" for i in profile.injuries) or (profile.age or 0) >= OLDER \
            or (profile.returning and profile.experience in (None, "beginner")
                and (profile.age or 0) >= 50):
        return GENTLE
    if any(i.area in RETURN_AREAS and (i.severity == "severe" or re.search(
            r"disc|hernia|sciatica|surgery|torn|tear|rehab|fracture", i.note or "", re.I))
            for i in current):
        return RETURN
    goal = profile.primary_goal
    if goal == "skill" or (skill_chains(profile) and goal in (None, "general_fitness")):
        return SKILL
    if goal == "endurance" or (goal in (None, "general_fitness") and any(
            "run" in a.what.lower() for a in profile.activities if a.hard)):
        return ENDURANCE
    if goal == "strength":
        return STRENGTH
    if goal == "hypertrophy":
        return HYPERTROPHY
    if goal == "fat_loss":
        return FAT_LOSS
    return GENERAL

"""Score the plans the engine writes for a grid of athletes, and time each build.

Every combination of goal, equipment and injury (or promise) is one athlete, with their days,
session length, level, age, dumbbell cap, stated lifts and a long-run day cycling through
realistic values, so at least 200 different people are planned for. For each the script runs
what writing a plan runs without the database or a model: the outline, week 1 from the
engine, the repair pass a model-written week would get, and the programme rubric. It prints the
score distribution, the hard violations found (there should be none), the median by programme
and the slowest build. Pure Python: no PostgreSQL, no Redis.

    .venv/bin/python bench/plans.py            # the grid (504 athletes)
    .venv/bin/python bench/plans.py --worst 5  # and the five lowest-scoring weeks, written out
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from collections import Counter, defaultdict
from functools import cache
from typing import Any

from common import heading, line, machine_line, ms

from worker.agents.plans import planning_profile
from worker.domain.profile import Activity, Injury, Lift, LoadCap, Profile
from worker.library.seed import load_library_file
from worker.planning.candidates import injured_areas
from worker.planning.constraints import Candidate
from worker.planning.engine import Plan, build_week
from worker.planning.outline import draft_outline
from worker.planning.repair import repair_week
from worker.planning.rubric import Score, score_week

GOALS = ("strength", "hypertrophy", "fat_loss", "endurance", "general_fitness", "skill",
         "mobility", "sport")
KITS: tuple[tuple[str, ...], ...] = (
    (), ("dumbbell",), ("dumbbell", "bench"), ("kettlebell",), ("bands", "pull_up_bar"),
    ("barbell", "squat_rack", "bench", "dumbbell", "cable", "machine", "pull_up_bar"),
    ("pull_up_bar", "parallel_bars", "rings"), ("dumbbell", "kettlebell", "bands"),
    ("treadmill", "bike", "dumbbell", "bench"),
)
INJURIES: tuple[tuple[Injury, ...], ...] = (
    (),
    (Injury(area="knee", note="sore knee", status="current", severity="moderate"),),
    (Injury(area="lower_back", note="disc bulge", status="current", severity="moderate",
            avoid=["deadlift"]),),
    (Injury(area="knee", note="knee replacement", status="replaced"),),
    (Injury(area="shoulder", note="cranky shoulder", status="current", severity="mild",
            avoid=["overhead press"]),),
    (Injury(area="abdomen", note="postpartum diastasis", status="condition"),),
    (Injury(area="knee", note="old meniscus", status="past", avoid=["deep lunges"]),),
)
DAYS = ([1, 3, 5], [2, 4], [1, 2, 4, 5], [1, 3, 5, 6, 7], [6], [1, 2, 3, 4, 5, 6], [2, 4, 6])
MINUTES = (20, 30, 40, 45, 60, 75, 90)
LEVELS = ("beginner", "intermediate", "advanced")
AGES = (None, 24, 38, 52, 67, 78)


@cache
def library() -> dict[str, dict[str, Any]]:
    return {e.slug: {"slug": e.slug, "name": e.name, "pattern": e.pattern,
                     "equipment": list(e.equipment),
                     "contraindications": list(e.contraindications),
                     "difficulty": e.difficulty, "unit": e.unit, "default_min": e.default_min,
                     "default_max": e.default_max, "tags": list(e.tags),
                     "is_unilateral": e.is_unilateral}
            for e in load_library_file().exercises}


def athletes() -> list[Profile]:
    found = []
    for i, (goal, kit, injuries) in enumerate(itertools.product(GOALS, KITS, INJURIES)):
        found.append(Profile(
            primary_goal=goal, equipment=list(kit), injuries=list(injuries),  # type: ignore[arg-type]
            training_days=DAYS[i % len(DAYS)], days_per_week=len(DAYS[i % len(DAYS)]),
            session_minutes=MINUTES[i % len(MINUTES)], experience=LEVELS[i % len(LEVELS)],
            age=AGES[i % len(AGES)],
            load_caps=[LoadCap(equipment="dumbbell", max_load=12.5, unit="kg")]
            if i % 5 == 0 else [],
            lifts=[Lift(exercise="deadlift", load=180, unit="kg", reps=3),
                   Lift(exercise="bench", load=85, unit="kg", reps=5)] if i % 4 == 0 else [],
            activities=[Activity(weekday=7, what="long run", hard=True)] if i % 6 == 0 else [],
        ))
    return found


def variables(profile: Profile) -> dict[str, Any]:
    planning = planning_profile(profile)
    injured = set(injured_areas(profile.current_injuries()))
    candidates = [e for e in library().values() if set(e["equipment"]) <= set(profile.equipment)
                  and not set(e["contraindications"]) & injured]
    return {"profile": planning, "candidates": candidates, "last_week_logs": [],
            "week": {"index": 1, "week_in_phase": 1, "is_deload": False,
                     "start_date": "2026-03-02", "training_days": planning["training_days"]}}


def plan_one(profile: Profile, typed: dict[str, Candidate]) -> tuple[float, Score, Plan]:
    """Outline, week 1, the repair pass and the rubric: what writing a plan computes."""
    started = time.perf_counter()
    v = variables(profile)
    draft_outline(profile, v["profile"]["training_days"], v["profile"]["session_minutes"])
    week = build_week(v)
    repaired, _ = repair_week(week, v, library())
    plan = Plan.from_variables(v)
    score = score_week(repaired, plan, typed)
    return time.perf_counter() - started, score, plan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worst", type=int, default=0, metavar="N",
                        help="print the N lowest-scoring athletes with their rubric reasons")
    args = parser.parse_args(argv)
    typed = {slug: Candidate.of(row) for slug, row in library().items()}
    people = athletes()
    heading(f"plans: {len(people)} athletes (every goal x equipment x injury)")
    machine_line()
    plan_one(people[0], typed)  # the library and its caches, outside the timings
    results = []
    for profile in people:
        seconds, score, plan = plan_one(profile, typed)
        results.append((score.total, seconds, profile, score, plan.archetype.key))
    scores = sorted(r[0] for r in results)
    times = sorted(r[1] for r in results)
    violations = Counter(v.rule for r in results for v in r[3].violations)
    line("rubric score", f"median {statistics.median(scores):.0f}, p10 "
         f"{scores[len(scores) // 10]}, min {scores[0]}, max {scores[-1]}")
    buckets = Counter(min(90, s // 10 * 10) for s in scores)
    line("score distribution", ", ".join(f"{b}-{b + 9 if b < 90 else 100}: {buckets[b]}"
                                         for b in sorted(buckets)))
    line("hard violations", ", ".join(f"{k} {n}" for k, n in violations.most_common())
         or "none")
    by_archetype: dict[str, list[int]] = defaultdict(list)
    for total, _, _, _, key in results:
        by_archetype[key].append(total)
    line("median by programme", ", ".join(
        f"{k} {statistics.median(v):.0f} ({len(v)})" for k, v in sorted(by_archetype.items())))
    dimensions: dict[str, list[float]] = defaultdict(list)
    for r in results:
        for name, dim in r[3].dimensions.items():
            dimensions[name].append(dim.score)
    line("dimension means", ", ".join(f"{k} {statistics.mean(v):.2f}"
                                      for k, v in dimensions.items()))
    line("build time", f"median {ms(statistics.median(times))}, p90 "
         f"{ms(times[int(len(times) * 0.9)])}")
    slowest = max(results, key=lambda r: r[1])
    line("slowest build", f"{ms(slowest[1])}: {slowest[4]}, "
         f"{slowest[2].primary_goal}, {len(slowest[2].training_days)} days, "
         f"{slowest[2].session_minutes} min, kit {slowest[2].equipment or 'none'}")
    for total, _, profile, score, key in sorted(results, key=lambda r: r[0])[:args.worst]:
        print(f"\n  {total}/100 {key}: {profile.primary_goal}, {profile.experience}, "
              f"{profile.session_minutes} min, kit {profile.equipment or 'none'}, "
              f"injuries {[i.note for i in profile.injuries] or 'none'}")
        for text in score.lines()[1:]:
            print(f"    {text}")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())

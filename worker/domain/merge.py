"""How what an athlete says changes their profile: one set of rules for every provider.

An update states facts; merging decides what they mean for the profile:

* single facts (goal, days a week, session length, level) take the newest value;
* equipment is replaced only on an explicit "that's all I have" (``equipment_only``), a
  correction, or "no equipment"; otherwise new items are added, and "no barbell" removes one;
* lifts, targets, load caps, activities and injuries merge by what they are about (a new bench
  number replaces the old bench number, a second knee note updates the knee);
* every changed field records the text it came from, and stops being an assumption.

It is pure: the caller reads the profile, merges, and writes the new version if anything
changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from worker.domain.profile import Injury, Profile, ProfileUpdate, Source
from worker.domain.vocabulary import BODY_AREAS, GYM_EQUIPMENT, normalize_equipment

#: Fields that live on ``users`` rather than in the profile.
IDENTITY_FIELDS = ("name", "timezone", "send_time", "units")

_T = TypeVar("_T")


@dataclass
class Merged:
    profile: Profile
    changed: list[str] = field(default_factory=list)
    identity: dict[str, Any] = field(default_factory=dict)

    @property
    def profile_changed(self) -> bool:
        return bool(set(self.changed) - set(IDENTITY_FIELDS))


def _merge_by(old: Sequence[_T], new: Sequence[_T], key: Callable[[_T], Any]) -> list[_T]:
    """``old`` with every item of ``new`` replacing the one with the same key (or added)."""
    merged = {key(item): item for item in old}
    for item in new:
        merged[key(item)] = item
    return list(merged.values())


def _merge_injury(old: Injury, new: Injury) -> Injury:
    avoid = sorted({*(old.avoid or []), *(new.avoid or [])}) or None
    note = new.note if new.note and new.note not in old.note else old.note
    if new.note and new.note not in old.note and old.note:
        note = f"{old.note}; {new.note}"[:200]
    # A replaced joint stays replaced, and a lasting condition (arthritis, osteopenia) stays a
    # condition when a day's stiffness is mentioned: only "healed" (past) changes it.
    lasting = old.status == "replaced" or (old.status == "condition" and new.status != "past")
    status = old.status if new.status is None or lasting else new.status
    severity = None if status == "condition" else (new.severity or old.severity)
    return Injury(area=old.area, note=note, status=status or new.status,
                  severity=severity, avoid=avoid)


#: What a sport athlete trains for inside their sport: "get stronger up top + gas tank" from
#: a wrestler is what sport training gives, kept in their words, not a new plan. A correction
#: ("no, my goal is strength") or another aim (fat loss, a skill) still changes the goal.
SPORT_PARTS: Final = frozenset({"strength", "endurance", "hypertrophy", "general_fitness"})


def merge(profile: Profile, update: ProfileUpdate, source: Source) -> Merged:
    """The profile after ``update``, what changed, and the identity fields to set on users."""
    data = profile.model_copy(deep=True)
    result = Merged(data)
    stated = set(data.stated)
    correcting = bool(update.correction)

    def put(name: str, value: Any) -> None:
        if value is not None and getattr(data, name) != value:
            setattr(data, name, value)
            result.changed.append(name)

    for name in ("age", "experience", "training_years", "session_minutes",
                 "training_location"):
        put(name, getattr(update, name))
    if not (data.primary_goal == "sport" and update.primary_goal in SPORT_PARTS
            and not correcting):
        put("primary_goal", update.primary_goal)
    if update.returning is not None:
        put("returning", update.returning)
    if update.goal_detail and update.goal_detail not in data.goals:
        data.goals = [*data.goals, update.goal_detail][-5:]
        result.changed.append("goals")

    days = sorted({d for d in update.training_days or [] if 1 <= d <= 7})
    if days:
        put("training_days", days)
    count = update.days_per_week or (len(days) if days and not update.days_per_week else None)
    put("days_per_week", count)
    if update.excluded_days is not None:
        excluded = sorted({d for d in update.excluded_days if 1 <= d <= 7} |
                          (set() if correcting else set(data.excluded_days)))
        put("excluded_days", excluded)
        if data.training_days and set(data.training_days) & set(excluded) and not days:
            put("training_days", [d for d in data.training_days if d not in excluded])

    _merge_equipment(data, update, result, stated)

    if update.load_caps:
        put("load_caps", _merge_by(data.load_caps, update.load_caps, lambda c: c.equipment))
    if update.lifts:
        put("lifts", _merge_by(data.lifts, update.lifts,
                               lambda lift: (lift.exercise.lower(), bool(lift.past))))
    if update.targets:
        put("targets", _merge_by(data.targets, update.targets, lambda t: t.what.lower()))
    if update.activities:
        put("activities", _merge_by([] if correcting else data.activities, update.activities,
                                    lambda a: a.weekday))
    if update.injuries is not None:
        if "injuries" not in stated:
            stated.add("injuries")
            result.changed.append("injuries_stated")
        if update.injuries:
            injuries = {} if correcting else {i.area: i for i in data.injuries}
            for injury in update.injuries:
                if injury.area not in BODY_AREAS:
                    # "deadlifts still bother it": the movements belong to the injury they
                    # last told us about.
                    last = next((i for i in reversed(list(injuries.values()))
                                 if i.status != "past"), None)
                    if last is not None and injury.avoid:
                        injuries[last.area] = _merge_injury(last, injury)
                    continue
                known = injuries.get(injury.area)
                injuries[injury.area] = _merge_injury(known, injury) if known else injury
            put("injuries", list(injuries.values()))

    for name in ("primary_goal", "days_per_week", "session_minutes", "experience"):
        if getattr(update, name) is not None:
            stated.add(name)
    for name in ("name", "timezone", "send_time", "units"):
        value = getattr(update, name)
        if value is not None:
            result.identity[name] = value
            stated.add(name)
    data.stated = sorted(stated)
    touched = {*result.changed, *result.identity, *update.facts()}
    data.assumed = [f for f in data.assumed if f not in touched]
    for name in set(result.changed) - {"injuries_stated", "equipment_stated"}:
        data.sources[name] = source
    return result


def _merge_equipment(data: Profile, update: ProfileUpdate, result: Merged,
                     stated: set[str]) -> None:
    given = normalize_equipment(update.equipment) if update.equipment is not None else None
    if given is not None and update.training_location == "gym" and not given:
        given = sorted(GYM_EQUIPMENT)
    if given is None and update.training_location == "gym" and not data.equipment:
        given = sorted(GYM_EQUIPMENT)
    current = set(data.equipment)
    new = set(current)
    if given is not None:
        replace = (bool(update.equipment_only) or bool(update.correction) or not given
                   or "equipment" not in stated)
        new = set(given) if replace else current | set(given)
    removed = set(normalize_equipment(update.equipment_removed or []))
    new -= removed
    if given is not None and "equipment" not in stated:
        stated.add("equipment")
        result.changed.append("equipment_stated")
    if new != current:
        data.equipment = sorted(new)
        result.changed.append("equipment")

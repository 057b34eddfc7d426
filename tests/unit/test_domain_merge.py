"""Merging what an athlete says into their profile: facts add up, nothing is overwritten by
accident, corrections correct, and every change keeps its source."""

from __future__ import annotations

from worker.domain.merge import merge
from worker.domain.profile import Injury, Profile, ProfileUpdate, Source
from worker.domain.vocabulary import GYM_EQUIPMENT

SOURCE = Source(message_id="m1", text="the text")


def test_equipment_is_added_to_unless_it_is_all_they_have() -> None:
    profile = Profile(equipment=["dumbbell", "bench"], stated=["equipment"])
    added = merge(profile, ProfileUpdate(equipment=["kettlebell"]), SOURCE).profile
    assert added.equipment == ["bench", "dumbbell", "kettlebell"]
    only = merge(profile, ProfileUpdate(equipment=["bands"], equipment_only=True), SOURCE)
    assert only.profile.equipment == ["bands"]
    removed = merge(profile, ProfileUpdate(equipment_removed=["bench"]), SOURCE).profile
    assert removed.equipment == ["dumbbell"]


def test_a_correction_replaces_the_last_statement() -> None:
    profile = Profile(equipment=["dumbbell"], stated=["equipment"])
    fixed = merge(profile, ProfileUpdate(equipment=["gym"], correction=True), SOURCE).profile
    assert set(fixed.equipment) == GYM_EQUIPMENT


def test_injuries_merge_by_area_and_movements_join_the_last_injury() -> None:
    knee = Injury(area="knee", note="meniscus", status="current", severity="mild",
                  avoid=["deep lunges"])
    profile = Profile(injuries=[knee])
    again = merge(profile, ProfileUpdate(injuries=[
        Injury(area="knee", note="ached after step-ups", severity="mild",
               avoid=["step-ups"])]), SOURCE).profile
    assert len(again.injuries) == 1
    assert again.injuries[0].avoid == ["deep lunges", "step-ups"]
    unspecified = merge(profile, ProfileUpdate(injuries=[
        Injury(area="unspecified", note="", avoid=["deadlifts"])]), SOURCE).profile
    assert unspecified.injuries[0].avoid == ["deadlifts", "deep lunges"]
    none = merge(Profile(), ProfileUpdate(injuries=[]), SOURCE).profile
    assert none.injuries == [] and "injuries" in none.stated


def test_every_change_keeps_its_source_and_stops_being_an_assumption() -> None:
    profile = Profile(days_per_week=3, assumed=["days_per_week"])
    merged = merge(profile, ProfileUpdate(days_per_week=4), SOURCE)
    assert merged.profile.days_per_week == 4
    assert merged.profile.sources["days_per_week"] == SOURCE
    assert merged.profile.assumed == []
    assert merged.changed == ["days_per_week"]


def test_named_days_set_the_count_and_identity_goes_to_users() -> None:
    merged = merge(Profile(), ProfileUpdate(training_days=[1, 3, 5], name="Ana",
                                            send_time="06:30"), SOURCE)
    assert merged.profile.days_per_week == 3
    assert merged.identity == {"name": "Ana", "send_time": "06:30"}
    assert not set(merged.changed) & {"name", "send_time"}


def test_a_lasting_condition_stays_one_when_a_stiff_day_is_mentioned() -> None:
    from worker.domain.merge import merge
    from worker.domain.profile import Injury, Profile, ProfileUpdate, Source

    before = Profile(injuries=[Injury(area="hand", note="osteoarthritis", status="condition")])
    stiff = ProfileUpdate(injuries=[Injury(area="hand", note="stiff this morning",
                                           status="current", severity="mild")])
    (after,) = merge(before, stiff, Source(text="stiff")).profile.injuries
    assert (after.status, after.severity) == ("condition", None)


def test_a_sport_athlete_wanting_strength_and_a_gas_tank_keeps_the_sport_goal() -> None:
    """"goal = get stronger up top + gas tank" from a wrestler is what sport training gives;
    said as a correction, it changes the goal."""
    wrestler = Profile(primary_goal="sport")
    stronger = ProfileUpdate(primary_goal="strength", goal_detail="get stronger up top")
    kept = merge(wrestler, stronger, Source(text="goal = get stronger"))
    assert kept.profile.primary_goal == "sport" and "primary_goal" not in kept.changed
    assert kept.profile.goals == ["get stronger up top"]
    corrected = merge(wrestler, stronger.model_copy(update={"correction": True}),
                      Source(text="no, my goal is strength"))
    assert corrected.profile.primary_goal == "strength"

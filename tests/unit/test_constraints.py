"""What an injury rules out of a plan, checked on library-shaped candidates."""

from __future__ import annotations

from worker.domain.profile import Injury, Profile
from worker.planning.constraints import Candidate, constraints_for


def _candidate(slug: str, pattern: str, equipment: tuple[str, ...] = ()) -> Candidate:
    return Candidate.of({"slug": slug, "name": slug.replace("_", " ").capitalize(),
                         "pattern": pattern, "equipment": list(equipment)})


def test_a_painful_grip_rules_out_carries_and_hangs_not_pushing() -> None:
    hands = Profile(injuries=[Injury(area="hand", note="osteoarthritis in both hands",
                                     status="condition", avoid=["gripping"])])
    rules = constraints_for(hands)
    assert not rules.allows(_candidate("farmer_carry", "carry", ("dumbbell",)))
    assert not rules.allows(_candidate("dead_hang", "vertical_pull", ("pull_up_bar",)))
    assert rules.allows(_candidate("wall_push_up", "horizontal_push"))
    assert rules.allows(_candidate("sit_to_stand", "squat"))


def test_a_hand_condition_without_grip_pain_keeps_carries() -> None:
    hands = Profile(injuries=[Injury(area="hand", note="arthritis", status="condition")])
    assert constraints_for(hands).allows(_candidate("farmer_carry", "carry", ("dumbbell",)))

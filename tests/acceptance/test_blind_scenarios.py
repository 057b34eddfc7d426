"""Athletes written blind, replayed: every expectation that fails is a known, listed gap.

The scenarios under ``blind/``, ``archetypes/`` and ``heldout/`` were written from a short
description of a person, before anyone read the code that reads them, and their expectations
come from what a coach would conclude (the drafts' notes are kept as comments at the bottom of
each file). They are not tuned to pass. ``known_gaps.json`` lists, per scenario, the
expectations the coach still misses; this test fails when a new one fails (a regression) and
when a listed one passes (the list only shrinks: remove it). ``TEXTCOACH_RECORD_GAPS=1`` rewrites
the list from a run, for a reviewed change.
"""

from __future__ import annotations

import json
import os
import re

import pytest

from tests.acceptance.replaying import SCENARIOS, run_replay

SETS = ("blind", "archetypes", "heldout")
GAPS = SCENARIOS / "known_gaps.json"
#: Thirty scenarios, one after another on the embedded services (each replay flushes Redis, so
#: they cannot run side by side): about ten minutes on two cores.
REPLAY_TIMEOUT_S = 1800


#: What was found, in each kind of failure message: dropped, so a gap is what was expected.
FOUND = (
    (re.compile(r"\s*\((?:has|logged): .*\)$"), ""),
    (re.compile(r" is .*?, (expected|has) "), r" \1 "),
    (re.compile(r": \d+ sessions,"), ": sessions,"),
    (re.compile(r"sessions on \[.*?\],"), "sessions on,"),
    (re.compile(r"sessions of \[.*?\] min,"), "session minutes,"),
    (re.compile(r"^(step \d+: )\d+ exercise logs,"), r"\1exercise logs,"),
    (re.compile(r"\(logged: .*\)"), ""),
)


def gap_key(failure: str) -> str:
    """A failed expectation without the values found, so the list names what is expected
    and missed, not today's wrong answer."""
    for pattern, replacement in FOUND:
        failure = pattern.sub(replacement, failure)
    return failure.strip()


@pytest.mark.timeout(REPLAY_TIMEOUT_S + 60)
def test_blind_athletes_fail_only_their_known_gaps() -> None:
    files = sorted(str(p) for name in SETS for p in (SCENARIOS / name).glob("*.yaml"))
    assert len(files) >= 30
    result = run_replay("--json", *files, timeout=REPLAY_TIMEOUT_S)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    report = json.loads(result.stdout)
    found = {r["name"]: sorted({gap_key(f) for f in r["failures"]}) for r in report}
    found = {name: keys for name, keys in found.items() if keys}
    if os.environ.get("TEXTCOACH_RECORD_GAPS"):
        GAPS.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    known: dict[str, list[str]] = json.loads(GAPS.read_text(encoding="utf-8"))
    new = {n: sorted(set(k) - set(known.get(n, []))) for n, k in found.items()}
    fixed = {n: sorted(set(k) - set(found.get(n, []))) for n, k in known.items()}
    new = {n: k for n, k in new.items() if k}
    fixed = {n: k for n, k in fixed.items() if k}
    passed = sum(1 for r in report if r["ok"])
    print(f"{passed}/{len(report)} blind scenarios pass every expectation; "
          f"{sum(map(len, found.values()))} known gaps")
    assert not new, f"expectations that now fail (regressions): {new}"
    assert not fixed, f"gaps now closed, remove them from {GAPS.name}: {fixed}"


def test_gap_keys_drop_the_values_found() -> None:
    assert gap_key("step 14: profile.age is None, expected 44") == \
        "step 14: profile.age expected 44"
    assert gap_key("step 19: exercise_log leg_press: load is None, expected 180.0") == \
        "step 19: exercise_log leg_press: load expected 180.0"
    assert gap_key("step 12: week from Mon 20 Apr: 1 sessions, expected 4") == \
        "step 12: week from Mon 20 Apr: sessions, expected 4"
    assert gap_key("step 14: week from Mon 16 Mar has none of ['plank'] (has: ['row'])") == \
        "step 14: week from Mon 16 Mar has none of ['plank']"
    assert gap_key("step 20: 0 exercise logs, expected at least 1") == \
        "step 20: exercise logs, expected at least 1"

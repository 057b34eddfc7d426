"""One session's shape: cutting it to the time the athlete has today."""

from __future__ import annotations

from typing import Any


def shorten_blocks(
    blocks: list[dict[str, Any]], estimated: int | None, minutes: int
) -> tuple[list[dict[str, Any]], int]:
    """Fit a session into ``minutes``: keep the warm-up and main work, cut sets, then extras.

    Strength blocks keep their first exercises and lose a set each before anything is dropped,
    because the main lifts are what the week's progression depends on.
    """
    estimated = estimated or max(minutes, 45)
    if estimated <= minutes:
        return blocks, estimated
    ratio = minutes / estimated
    kept: list[dict[str, Any]] = []
    for block in blocks:
        if block.get("kind") in ("cooldown", "conditioning") and ratio < 0.8:
            continue
        exercises = list(block.get("exercises") or [])
        if ratio < 0.6 and block.get("kind") not in ("warmup",):
            exercises = exercises[: max(1, round(len(exercises) * ratio + 0.5))]
        trimmed = []
        for exercise in exercises:
            item = dict(exercise)
            if block.get("kind") not in ("warmup",):
                item["sets"] = max(1, round(int(item.get("sets", 1)) * max(ratio, 0.5)))
            trimmed.append(item)
        if trimmed:
            kept.append({**block, "exercises": trimmed})
    return kept, minutes

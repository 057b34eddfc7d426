"""Layers import downward only: jobs -> agents/coach -> planning -> db, and the domain below.

Each top-level part of ``worker`` has a rank; a module may import its own part and parts of a
lower rank, never a higher one nor a different part of the same rank. This test reads every
module's imports (no code is run) and names each import that breaks the rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

WORKER = Path(__file__).resolve().parents[2] / "worker"

#: Rank of each part of the package; higher may import lower.
RANKS: dict[str, float] = {
    "constants": 0, "errors": 0, "clock": 0, "paths": 0, "localtime": 0, "tokens": 0,
    "settings": 1,
    "domain": 2,
    "lua": 2.5,
    "db": 3, "sms": 3, "embedded": 3, "queue": 3,
    "timezones": 4, "library": 4, "outbox": 4, "schedule": 4,
    "photos": 4.5,  # progress photos: media references, fetch, strip, store
    "planning": 5,
    "coach": 6,
    "staff": 6.5,  # the operators' side: accounts, takeovers, help requests, audit
    "llm": 7,
    "agents": 8,
    "inbound": 9, "bootstrap": 9,
    "inbound_buffer": 9.5,  # keeps what inbound cannot store yet, and stores it through it
    "web": 10, "jobs": 10,
    "replay": 11,
    "cli": 12,
    "__main__": 13,
}


def _part(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 else module


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("worker."):
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("worker.")]
    return found


def test_every_part_has_a_rank() -> None:
    parts = {p.stem if p.is_file() else p.name for p in WORKER.iterdir()
             if p.name != "__pycache__" and (p.suffix == ".py" or p.is_dir())}
    assert parts - {"__init__"} <= set(RANKS), sorted(parts - set(RANKS) - {"__init__"})


def test_layers_import_downward_only() -> None:
    problems = []
    for path in sorted(WORKER.rglob("*.py")):
        relative = path.relative_to(WORKER.parent).with_suffix("")
        own = relative.parts[1] if len(relative.parts) > 1 else relative.parts[0]
        if own == "__init__":
            continue
        for module in _imports(path):
            other = _part(module)
            if other == own:
                continue
            if RANKS[other] >= RANKS[own]:
                problems.append(f"{relative}: {own} (rank {RANKS[own]}) imports {module} "
                                f"({other}, rank {RANKS[other]})")
    assert not problems, "\n".join(problems)

"""Every table the migrations create is read or written by the product: a table nothing uses is
a stub. This reads the migrations for CREATE TABLE and looks for each name in the named queries
and the code (queries built with pypika or inline SQL included); the integration tests then
exercise those queries against real PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _created_tables() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "migrations").glob("*.sql"):
        up = path.read_text(encoding="utf-8").split("-- migrate:down")[0]
        # A partition (agent_logs_default) is read through its parent.
        found |= {name for name, rest in re.findall(
            r"CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)\s*([^;]*)", up)
            if "PARTITION OF" not in rest.upper()}
    return found


def _product_text() -> str:
    parts = [p.read_text(encoding="utf-8") for p in (ROOT / "sql" / "queries").glob("*.sql")]
    parts += [p.read_text(encoding="utf-8") for p in (ROOT / "worker").rglob("*.py")]
    return "\n".join(parts)


def test_every_table_in_the_migrations_is_used_by_the_product() -> None:
    text = _product_text()
    unused = sorted(t for t in _created_tables()
                    if not re.search(rf"\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+{t}\b|"
                                     rf"Table\(\"{t}\"\)", text, re.IGNORECASE))
    assert unused == [], f"tables no query reads or writes: {unused}"

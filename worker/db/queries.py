"""Named SQL queries, read from ``sql/queries/*.sql``.

A file holds several queries, each introduced by a ``-- name: some_name`` line; the comment
lines right after it say what the query is for. Queries use asyncpg's ``$1`` placeholders and
are looked up by name, so the SQL stays reviewable SQL and every value travels as a parameter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from worker.paths import SQL_DIR

_NAME = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)
_ANY_NAME = re.compile(r"^--\s*name:.*$", re.MULTILINE)


def parse(text: str, source: str = "<sql>") -> dict[str, str]:
    """Split one file's text into ``{name: sql}``; a duplicate name is an error."""
    found: dict[str, str] = {}
    for line in _ANY_NAME.findall(text):
        if not _NAME.match(line):
            raise ValueError(f"{source}: {line.strip()!r} is not a valid query name (snake_case)")
    matches = list(_NAME.finditer(text))
    preamble = text[: matches[0].start()] if matches else text
    if any(ln.strip() and not ln.lstrip().startswith("--") for ln in preamble.splitlines()):
        raise ValueError(f"{source}: SQL before the first '-- name:' line belongs to no query")
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        body = text[match.end() : end].strip()
        name = match.group(1)
        if name in found:
            raise ValueError(f"{source}: query {name!r} is defined twice")
        if not body:
            raise ValueError(f"{source}: query {name!r} is empty")
        found[name] = body
    return found


@cache
def load(directory: Path = SQL_DIR / "queries") -> Mapping[str, str]:
    queries: dict[str, str] = {}
    for path in sorted(directory.glob("*.sql")):
        for name, body in parse(path.read_text(encoding="utf-8"), path.name).items():
            if name in queries:
                raise ValueError(f"{path.name}: query {name!r} is defined in another file too")
            queries[name] = body
    return queries


def sql(name: str) -> str:
    """The text of the named query."""
    try:
        return load()[name]
    except KeyError:
        raise KeyError(f"no SQL query named {name!r} in sql/queries/") from None

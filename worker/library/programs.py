"""Programmes as reviewed files: ``programs/*.yaml`` checked, then synced into PostgreSQL.

A programme is authored like an agent: a file in review, synced into versioned rows. Sync is
idempotent: an unchanged file writes nothing, a changed one updates its draft or, when the
newest version is already published (and so immutable), becomes the next version, a draft
until someone publishes it. Enrolled athletes keep the version they joined, so nothing synced
or published ever rewrites their plan.

Files are checked against the exercise library as well as the content model: an exercise,
pattern, tag or ladder the library lacks is a problem named by file, all listed at once.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from worker.db.pool import Conn
from worker.db.queries import sql
from worker.domain.programs import ProgramContent, ProgramRef
from worker.domain.vocabulary import BODY_AREAS, EXERCISE_TAGS
from worker.errors import ConfigError
from worker.library.seed import Library, load_library_file
from worker.paths import PROGRAMS_DIR

#: Tags a slot may prefer beyond the library's: one-sided exercises are marked by a column.
SLOT_TAGS = frozenset(EXERCISE_TAGS) | {"unilateral"}


class ProgramFileError(ConfigError, ValueError):
    """Programme files that cannot be synced; one line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__("\n".join(
            [f"{count} problem{'s' if count != 1 else ''} in the programme files",
             *self.problems]))


@dataclass(frozen=True)
class SyncResult:
    slug: str
    version: int
    #: "new", "updated" (a draft changed), "version" (a new draft after a published one) or
    #: "unchanged".
    change: str


def _check(content: ProgramContent, library: Library, source: str) -> list[str]:
    slugs = {e.slug for e in library.exercises}
    patterns = {p.slug for p in library.patterns}
    chains = {c.chain for c in library.progressions}
    problems = [f"{source}: unknown exercise {e!r}" for e in sorted(content.exercises() - slugs)]
    problems += [f"{source}: unknown pattern {p!r}"
                 for p in sorted(content.patterns() - patterns)]
    tags = {t for s in content.sessions for slot in s.slots for t in (*slot.prefer,
                                                                         *slot.require)}
    problems += [f"{source}: unknown tag {t!r}" for t in sorted(tags - SLOT_TAGS)]
    problems += [f"{source}: unknown tag {t!r} in forbid"
                 for t in sorted(set(content.forbid) - set(EXERCISE_TAGS))]
    problems += [f"{source}: unknown ladder {c!r}" for c in content.chains if c not in chains]
    problems += [f"{source}: unknown body area {a!r}"
                 for a in content.audience.not_for_injuries if a not in BODY_AREAS]
    return problems


def load_program_files(directory: Path = PROGRAMS_DIR,
                       library: Library | None = None) -> list[ProgramContent]:
    """Every programme file, validated; raises :class:`ProgramFileError` listing all problems."""
    library = library or load_library_file()
    problems: list[str] = []
    found: list[ProgramContent] = []
    for path in sorted(directory.glob("*.yaml")):
        source = path.name
        try:
            content = ProgramContent.model_validate(yaml.safe_load(path.read_text("utf-8")))
        except yaml.YAMLError as exc:
            problems.append(f"{source}: not valid YAML: {exc}")
            continue
        except ValidationError as exc:
            problems += [f"{source}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                         for e in exc.errors()]
            continue
        problems += _check(content, library, source)
        found.append(content)
    for field in ("slug", "keyword"):
        values = [getattr(c, field) for c in found]
        problems += [f"{field} {v!r} is used by two programmes" for v in sorted(set(values))
                     if values.count(v) > 1]
    if problems:
        raise ProgramFileError(problems)
    return found


def _stored(content: ProgramContent) -> dict[str, Any]:
    return content.model_dump(mode="json")


async def sync_program(conn: Conn, content: ProgramContent) -> SyncResult:
    """One programme's rows from its file (call inside a transaction)."""
    owner_id = await conn.fetchval(sql("upsert_program_owner"), content.owner.slug,
                                   content.owner.name, content.owner.contact)
    family_id = await conn.fetchval(sql("upsert_program_family"), owner_id,
                                    content.family.slug, content.family.name,
                                    content.family.description)
    program_id = await conn.fetchval(
        sql("upsert_program"), family_id, owner_id, content.slug, content.name,
        content.description or None, content.level, content.days.recommended, content.weeks,
        content.keyword)
    latest = await conn.fetchrow(sql("latest_program_version"), program_id)
    body = _stored(content)
    if latest is None:
        await conn.execute(sql("insert_program_version"), program_id, 1, body,
                           content.changelog or None)
        return SyncResult(content.slug, 1, "new")
    if latest["content"] == body:
        return SyncResult(content.slug, latest["version"], "unchanged")
    if latest["published_at"] is None:
        await conn.execute(sql("update_draft_version"), latest["id"], body,
                           content.changelog or None)
        return SyncResult(content.slug, latest["version"], "updated")
    version = int(latest["version"]) + 1
    await conn.execute(sql("insert_program_version"), program_id, version, body,
                       content.changelog or None)
    return SyncResult(content.slug, version, "version")


async def sync_programs(conn: Conn, directory: Path = PROGRAMS_DIR, *, only_new: bool = False
                        ) -> list[SyncResult]:
    """Every programme file synced in one transaction: all of them, or none on a problem.

    ``only_new`` (a starting process): programmes the database has never seen, nothing else;
    an edited file waits for ``textcoach programs sync``, as an edited agent does."""
    contents = load_program_files(directory)
    async with conn.transaction():
        await conn.execute(sql("lock_programs"))
        if only_new:
            known = {r["slug"] for r in await conn.fetch(sql("program_slugs"))}
            contents = [c for c in contents if c.slug not in known]
        return [await sync_program(conn, content) for content in contents]


async def publish(conn: Conn, slug: str, version: int | None, at: datetime) -> int:
    """Make a version (default the newest) the one new enrolments get; returns its number."""
    row = await conn.fetchrow(sql("program_version_content"), slug, version)
    if row is None:
        raise ConfigError(f"no programme {slug!r}" + (f" version {version}" if version else ""))
    published = await conn.fetchval(sql("publish_program_version"), slug, row["version"], at)
    assert published is not None
    return int(row["version"])


async def publish_first_versions(conn: Conn, slugs: list[str], at: datetime) -> list[str]:
    """The programmes a start just added (``slugs``) are published: a fresh install offers what
    it ships. A draft an author synced to review is not one of them; it waits for
    ``programs publish``, as anything published once does."""
    async with conn.transaction():
        await conn.execute(sql("lock_programs"))
        rows = await conn.fetch(sql("unpublished_programs"), slugs)
        for row in rows:
            await conn.fetchval(sql("publish_program_version"), row["slug"], row["version"], at)
    return [str(r["slug"]) for r in rows]


async def published_programs(conn: Conn) -> list[ProgramRef]:
    """The programmes athletes can join now, each at its current version."""
    return [ProgramRef(slug=r["slug"], keyword=r["keyword"], name=r["name"],
                       summary=r["content"]["summary"], version=r["version"],
                       content=ProgramContent.model_validate(r["content"]))
            for r in await conn.fetch(sql("published_programs"))]


def content_diff(old: dict[str, Any], new: dict[str, Any], old_name: str, new_name: str
                 ) -> str:
    """What changed between two versions, as a unified diff of their YAML."""
    def lines(content: dict[str, Any]) -> list[str]:
        text = yaml.safe_dump(json.loads(json.dumps(content)), sort_keys=False,
                              allow_unicode=True, width=100)
        return text.splitlines(keepends=True)

    return "".join(difflib.unified_diff(lines(old), lines(new), old_name, new_name))

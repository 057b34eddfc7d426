"""Load the reviewed exercise library (sql/seed/exercise_library.yaml) and upsert it.

The YAML file is the source of truth for the library: people review it like code, and
:func:`seed_library` makes the database match it. Validation happens in Python first, all of it
at once, so a reviewer fixing the file sees every problem in one run rather than one database
error at a time; the database CHECKs stay as the last line of defence.

Seeding is idempotent and cheap to repeat (every process may run it on start): each table is
written with one set-based statement, rows are only rewritten when a column really changed, and a
second run reports zero changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import asyncpg
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from worker.db.pool import Conn
from worker.db.queries import sql
from worker.domain.vocabulary import BODY_AREAS, EQUIPMENT_NAMES, EXERCISE_TAGS
from worker.errors import ConfigError
from worker.paths import SQL_DIR
from worker.sms.segments import encoding_of

__all__ = [
    "BODY_AREAS",
    "DEFAULT_LIBRARY_FILE",
    "EQUIPMENT_NAMES",
    "Chain",
    "Exercise",
    "Library",
    "LibraryError",
    "Pattern",
    "SeedReport",
    "TableChanges",
    "load_library_file",
    "normalize_alias",
    "parse_library",
    "resolve_exercise",
    "seed_library",
]

DEFAULT_LIBRARY_FILE = SQL_DIR / "seed" / "exercise_library.yaml"



#: Longest cue accepted: a cue rides inside a workout text, so it must stay a short line.
MAX_CUE_LENGTH = 100

#: libyaml's safe loader when PyYAML was built with it (about 8x faster on this file).
_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_M = TypeVar("_M", bound=BaseModel)

Slug = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z0-9]+(_[a-z0-9]+)*$")]
Text = Annotated[str, StringConstraints(strict=True, strip_whitespace=True, min_length=1)]


def normalize_alias(text: str) -> str:
    """Python twin of SQL normalize_exercise_alias(): lower case, letters and digits only.

    Used to find clashes before they reach the UNIQUE index; aliases are restricted to ASCII so
    both sides agree on what lower() means.
    """
    return _NOT_ALNUM.sub("", text.lower())


def _sms_safe(value: str, what: str) -> str:
    """Text that goes out by SMS must be one ASCII, GSM-7 line (a curly quote forces UCS-2)."""
    if "\n" in value or "\r" in value:
        raise ValueError(f"{what} must be one line")
    if not value.isascii() or encoding_of(value) != "GSM-7":
        raise ValueError(f"{what} must be plain ASCII that encodes as GSM-7: {value!r}")
    return value


def _vocabulary(values: tuple[str, ...], allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValueError(f"unknown {what}: {', '.join(map(repr, unknown))}")
    if len(set(values)) != len(values):
        raise ValueError(f"{what} listed twice")
    return values


class Pattern(BaseModel):
    """One of CaliFlow's movement patterns; every exercise belongs to exactly one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: Slug
    name: Text
    category: Literal["strength", "core", "power", "conditioning", "skill", "mobility"]
    description: Text


class Exercise(BaseModel):
    """An exercise as the plan generator and the coach need it; see the YAML header."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: Slug
    name: Text
    pattern: Slug
    description: Text | None = None
    equipment: tuple[str, ...]
    difficulty: StrictInt = Field(ge=1, le=10)
    unit: Literal["reps", "seconds", "distance"]
    default_min: StrictInt = Field(gt=0)
    default_max: StrictInt = Field(gt=0)
    is_unilateral: StrictBool
    contraindications: tuple[str, ...]
    tags: tuple[str, ...] = ()
    cue: Text = Field(max_length=MAX_CUE_LENGTH)
    aliases: tuple[StrictStr, ...] = ()

    @field_validator("equipment")
    @classmethod
    def _known_equipment(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _vocabulary(value, EQUIPMENT_NAMES, "equipment")

    @field_validator("contraindications")
    @classmethod
    def _known_areas(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _vocabulary(value, BODY_AREAS, "body area")

    @field_validator("tags")
    @classmethod
    def _known_tags(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _vocabulary(value, EXERCISE_TAGS, "tag")

    @field_validator("name")
    @classmethod
    def _name_sms_safe(cls, value: str) -> str:
        return _sms_safe(value, "name")

    @field_validator("cue")
    @classmethod
    def _cue_sms_safe(cls, value: str) -> str:
        return _sms_safe(value, "cue")

    @field_validator("aliases")
    @classmethod
    def _aliases_matchable(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for alias in value:
            if not alias.isascii() or not normalize_alias(alias):
                raise ValueError(f"alias {alias!r} must be ASCII with at least one letter or digit")
        return value

    @model_validator(mode="after")
    def _range_in_order(self) -> Exercise:
        if self.default_min > self.default_max:
            raise ValueError(f"default_min {self.default_min} > default_max {self.default_max}")
        return self


class Chain(BaseModel):
    """A progression ladder: rungs from easier to harder, each an exercise slug."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    chain: Slug
    rungs: tuple[Slug, ...] = Field(min_length=2)


class Library(BaseModel):
    """The whole validated file. Build it with :func:`load_library_file` or :func:`parse_library`,
    which also check what one model cannot see (references, clashes between exercises)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    patterns: tuple[Pattern, ...]
    exercises: tuple[Exercise, ...]
    progressions: tuple[Chain, ...]

    def exercise(self, slug: str) -> Exercise:
        """The exercise with this slug (KeyError if there is none)."""
        for exercise in self.exercises:
            if exercise.slug == slug:
                return exercise
        raise KeyError(slug)


class LibraryError(ConfigError, ValueError):
    """The file is not a valid library; ``problems`` holds one line per problem."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        header = f"{source}: {count} problem{'s' if count != 1 else ''} in the exercise library"
        super().__init__("\n".join([header, *self.problems]))


def load_library_file(path: Path = DEFAULT_LIBRARY_FILE) -> Library:
    """Read and validate a library file; raises :class:`LibraryError` listing every problem."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)  # noqa: S506
    except yaml.YAMLError as exc:
        raise LibraryError(str(path), [f"not valid YAML: {exc}"]) from None
    return parse_library(data, source=str(path))


def parse_library(data: object, source: str = "<library>") -> Library:
    """Validate already-parsed YAML. Every item is checked on its own and then against the
    others, so one broken exercise does not hide the problems of the rest."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise LibraryError(
            source, ["the file must be a mapping with patterns, exercises and progressions"]
        )
    sections = ("patterns", "exercises", "progressions")
    problems += [f"unknown top-level key {key!r}" for key in data if key not in sections]
    patterns = _items(data, "patterns", Pattern, "slug", problems)
    exercises = _items(data, "exercises", Exercise, "slug", problems)
    chains = _items(data, "progressions", Chain, "chain", problems)
    problems += _cross_check(patterns, exercises, chains)
    if problems:
        raise LibraryError(source, problems)
    return Library(patterns=tuple(patterns), exercises=tuple(exercises), progressions=tuple(chains))


def _items(
    data: Mapping[str, Any], section: str, model: type[_M], key: str, problems: list[str]
) -> list[_M]:
    raw = data.get(section)
    if not isinstance(raw, list):
        problems.append(f"{section}: must be a list")
        return []
    parsed: list[_M] = []
    for index, item in enumerate(raw):
        label = f"{section}[{index}]"
        if isinstance(item, dict) and isinstance(item.get(key), str):
            label += f" {item[key]}"
        try:
            parsed.append(model.model_validate(item))
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(part) for part in error["loc"])
                message = error["msg"].removeprefix("Value error, ")
                problems.append(f"{label}: {where + ': ' if where else ''}{message}")
    return parsed


def _duplicates(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


def _cross_check(
    patterns: Sequence[Pattern], exercises: Sequence[Exercise], chains: Sequence[Chain]
) -> list[str]:
    """What no single item can know: references resolve and no two exercises share a key."""
    problems = [
        f"patterns: slug {s!r} is used twice" for s in _duplicates(p.slug for p in patterns)
    ]
    problems += [
        f"exercises: slug {s!r} is used twice" for s in _duplicates(e.slug for e in exercises)
    ]
    known_patterns = {p.slug for p in patterns}
    problems += [
        f"exercises {e.slug}: unknown pattern {e.pattern!r}"
        for e in exercises
        if e.pattern not in known_patterns
    ]

    # resolve_exercise matches slugs, names and aliases after normalization: each key must lead
    # to one exercise, or what an athlete texts could silently mean two things.
    owner: dict[str, tuple[str, str]] = {}
    for exercise in exercises:
        for kind, value in (("slug", exercise.slug), ("name", exercise.name)):
            key = normalize_alias(value)
            other = owner.setdefault(key, (exercise.slug, kind))
            if other[0] != exercise.slug:
                problems.append(
                    f"exercises {exercise.slug}: {kind} {value!r} normalizes to {key!r}, "
                    f"the {other[1]} of {other[0]}"
                )
    alias_owner: dict[str, tuple[str, str]] = {}
    for exercise in exercises:
        for alias in exercise.aliases:
            key = normalize_alias(alias)
            if key in alias_owner:
                slug, first = alias_owner[key]
                problems.append(
                    f"exercises {exercise.slug}: alias {alias!r} normalizes to {key!r}, "
                    f"already the alias {first!r} of {slug}"
                )
                continue
            alias_owner[key] = (exercise.slug, alias)
            if key in owner and owner[key][0] != exercise.slug:
                slug, kind = owner[key]
                problems.append(
                    f"exercises {exercise.slug}: alias {alias!r} normalizes to {key!r}, "
                    f"the {kind} of {slug}"
                )

    difficulty = {e.slug: e.difficulty for e in exercises}
    problems += [
        f"progressions: chain {c!r} is listed twice" for c in _duplicates(c.chain for c in chains)
    ]
    for chain in chains:
        label = f"progressions {chain.chain}"
        problems += [f"{label}: rung {s!r} appears twice" for s in _duplicates(chain.rungs)]
        problems += [f"{label}: unknown exercise {s!r}" for s in chain.rungs if s not in difficulty]
        known = [s for s in chain.rungs if s in difficulty]
        for easier, harder in pairwise(known):
            if difficulty[harder] < difficulty[easier]:
                problems.append(
                    f"{label}: {harder} (difficulty {difficulty[harder]}) comes after "
                    f"{easier} (difficulty {difficulty[easier]}); a chain never gets easier"
                )
    return problems


@dataclass(frozen=True)
class TableChanges:
    """Rows one table gained, had rewritten, or lost in a seed run."""

    inserted: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def changed(self) -> int:
        return self.inserted + self.updated + self.deleted


@dataclass(frozen=True)
class SeedReport:
    """What :func:`seed_library` changed, per table; all zero when the database already matched."""

    movement_patterns: TableChanges
    exercises: TableChanges
    exercise_aliases: TableChanges
    exercise_progressions: TableChanges

    @property
    def changed(self) -> int:
        return sum(t.changed for t in self.tables().values())

    def tables(self) -> dict[str, TableChanges]:
        return {
            "movement_patterns": self.movement_patterns,
            "exercises": self.exercises,
            "exercise_aliases": self.exercise_aliases,
            "exercise_progressions": self.exercise_progressions,
        }

    def __str__(self) -> str:
        return "; ".join(
            f"{name}: +{t.inserted} ~{t.updated} -{t.deleted}" for name, t in self.tables().items()
        )


def _upserted(rows: Sequence[asyncpg.Record]) -> TableChanges:
    inserted = sum(1 for row in rows if row["inserted"])
    return TableChanges(inserted=inserted, updated=len(rows) - inserted)


async def seed_library(conn: Conn, library: Library | None = None) -> SeedReport:
    """Make the library tables match ``library`` (default: the reviewed file), in one transaction.

    Patterns, exercises and aliases are upserted; aliases the file dropped from its exercises are
    deleted; each chain in the file is made exactly its rungs. Exercises and patterns missing from
    the file are left alone, since logs and plans may still point at them. A transaction-scoped
    advisory lock makes concurrent seeders take turns instead of deadlocking.
    """
    lib = library if library is not None else load_library_file()
    exercises = lib.exercises
    alias_pairs = [(e.slug, alias) for e in exercises for alias in e.aliases]
    rungs = [(c.chain, i, slug) for c in lib.progressions for i, slug in enumerate(c.rungs, 1)]
    chain_args = ([r[0] for r in rungs], [r[1] for r in rungs], [r[2] for r in rungs])

    async with conn.transaction():
        await conn.execute(sql("lock_exercise_library"))
        patterns = await conn.fetch(
            sql("upsert_movement_patterns"),
            [p.slug for p in lib.patterns],
            [p.name for p in lib.patterns],
            [p.category for p in lib.patterns],
            [p.description for p in lib.patterns],
        )
        exercise_rows = await conn.fetch(
            sql("upsert_exercises"),
            [e.slug for e in exercises],
            [e.name for e in exercises],
            [e.pattern for e in exercises],
            [e.description for e in exercises],
            [",".join(e.equipment) for e in exercises],
            [e.difficulty for e in exercises],
            [e.unit for e in exercises],
            [e.default_min for e in exercises],
            [e.default_max for e in exercises],
            [e.cue for e in exercises],
            [e.is_unilateral for e in exercises],
            [",".join(e.contraindications) for e in exercises],
            [",".join(e.tags) for e in exercises],
        )
        aliases = await conn.fetch(
            sql("upsert_exercise_aliases"),
            [slug for slug, _ in alias_pairs],
            [alias for _, alias in alias_pairs],
        )
        pruned_aliases = await conn.fetch(
            sql("prune_exercise_aliases"),
            [e.slug for e in exercises],
            [alias for _, alias in alias_pairs],
        )
        pruned_rungs = await conn.fetch(sql("prune_exercise_progressions"), *chain_args)
        new_rungs = await conn.fetch(sql("insert_exercise_progressions"), *chain_args)

    alias_changes = _upserted(aliases)
    return SeedReport(
        movement_patterns=_upserted(patterns),
        exercises=_upserted(exercise_rows),
        exercise_aliases=TableChanges(
            inserted=alias_changes.inserted,
            updated=alias_changes.updated,
            deleted=len(pruned_aliases),
        ),
        exercise_progressions=TableChanges(inserted=len(new_rungs), deleted=len(pruned_rungs)),
    )


async def resolve_exercise(conn: Conn, text: str) -> asyncpg.Record | None:
    """The exercise an athlete means by ``text`` ("pushups", "Push ups", "RDL"), or None.

    One query matching slug, name (case-insensitive), alias, or normalized name/slug, in that
    order; columns are the exercise's, ``pattern`` (its slug) and ``matched_by``.
    """
    row: asyncpg.Record | None = await conn.fetchrow(sql("resolve_exercise"), text)
    return row

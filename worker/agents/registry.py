"""Agents in the database: sync from files, list, show, diff, activate (rollback).

Every change an operator makes here is written to ``admin_activity_logs``. Sync is idempotent:
a file whose content is already the latest version writes nothing; content matching an older
version re-activates that version rather than duplicating it.
"""

from __future__ import annotations

import difflib
import getpass
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

from worker.agents.definitions import (
    Source,
    TemplateFile,
    content_sha,
    definition_content,
    read_source,
    split_ref,
)
from worker.db.pool import Conn
from worker.db.queries import sql
from worker.errors import ConfigError

Kind = Literal["prompt", "context_template", "agent"]


def kind_of(name: str) -> Kind:
    """Agents are bare names; templates are paths: ``system/...`` prompts, others context."""
    if "/" not in name:
        return "agent"
    return "prompt" if name.startswith("system/") else "context_template"


def actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli"


@dataclass
class SyncReport:
    changes: list[str] = field(default_factory=list)
    unchanged: int = 0


async def sync(
    conn: Conn, source: Source | None = None, *, who: str | None = None, bootstrap: bool = False
) -> SyncReport:
    """Write a new version of every changed template and definition, in one transaction.

    ``bootstrap`` (used when a process starts) only adds agents and templates the database has
    never seen, so starting a worker never overrides an edit or a rollback made in the database.
    """
    try:
        source = source or read_source()
    except ValueError as exc:
        raise ConfigError(f"agents and prompts have problems:\n{exc}") from None
    who = who or actor()
    report = SyncReport()
    async with conn.transaction():
        await conn.execute(sql("sync_lock"))
        pinned: dict[str, int] = {}
        for template in source.templates.values():
            pinned[template.name] = await _sync_template(conn, template, who, report, bootstrap)
        for agent, _path in source.agents:
            content = definition_content(agent, pinned)
            digest = content_sha(content)
            kind: Kind = "agent"
            latest = await conn.fetchrow(sql("agent_latest"), agent.name)
            if latest is not None and (bootstrap or latest["source_sha256"] == digest):
                report.unchanged += 1
                continue
            existing = await conn.fetchval(sql("agent_version_by_sha"), agent.name, digest)
            if existing is not None:
                await _activate(conn, kind, agent.name, existing, who, "sync reactivated")
                report.changes.append(f"agent {agent.name}: reactivated v{existing}")
                continue
            version = (latest["version"] if latest else 0) + 1
            await conn.execute(
                sql("agent_insert"), agent.name, version, content["description"],
                content["model"], content["temperature"], content["max_output_tokens"],
                content["system_prompt"], content["context_templates"], content["output_schema"],
                content["tools"], content["examples"], content["max_tool_iterations"],
                content["timeout_seconds"], content["fallback"], digest, who,
            )
            await _activate(conn, kind, agent.name, version, who, "sync")
            report.changes.append(f"agent {agent.name}: v{version}")
    return report


async def _sync_template(
    conn: Conn, template: TemplateFile, who: str, report: SyncReport, bootstrap: bool
) -> int:
    kind: Kind = "prompt" if template.is_system else "context_template"
    latest = await conn.fetchrow(sql(f"{kind}_latest"), template.name)
    if latest is not None and (bootstrap or latest["content_sha256"] == template.sha256):
        report.unchanged += 1
        return int(latest["version"])
    existing = await conn.fetchval(
        sql(f"{kind}_version_by_sha"), template.name, template.sha256
    )
    if existing is not None:
        await _activate(conn, kind, template.name, existing, who, "sync reactivated")
        report.changes.append(f"{kind} {template.name}: reactivated v{existing}")
        return int(existing)
    version = (latest["version"] if latest else 0) + 1
    await conn.execute(
        sql(f"{kind}_insert"), template.name, version, template.content, template.sha256, who
    )
    await _activate(conn, kind, template.name, version, who, "sync")
    report.changes.append(f"{kind} {template.name}: v{version}")
    return version


async def _activate(conn: Conn, kind: Kind, name: str, version: int, who: str, why: str) -> None:
    previous = await conn.fetchval(sql(f"{kind}_deactivate"), name)
    activated = await conn.fetchval(sql(f"{kind}_activate"), name, version)
    if activated is None:
        raise ConfigError(f"{name} has no version {version}")
    await conn.execute(
        sql("admin_log"), who, "activate", kind, name,
        {"version": version, "previous": previous, "reason": why},
    )


async def activate(conn: Conn, name: str, version: int, *, who: str | None = None) -> int | None:
    """Make ``version`` of an agent (or a template) the one that runs; return the previous."""
    kind = kind_of(name)
    async with conn.transaction():
        await conn.execute(sql("sync_lock"))
        previous: int | None = await conn.fetchval(sql(f"{kind}_deactivate"), name)
        if await conn.fetchval(sql(f"{kind}_activate"), name, version) is None:
            raise ConfigError(f"{name} has no version {version}")
        await conn.execute(
            sql("admin_log"), who or actor(), "activate", kind, name,
            {"version": version, "previous": previous, "reason": "operator"},
        )
    return previous


async def describe(conn: Conn, name: str, version: int | None = None) -> dict[str, Any]:
    """An agent version as a dict, with its pinned system prompt and templates expanded."""
    if version is None:
        row = await conn.fetchrow(sql("agent_active"), name)
    else:
        row = await conn.fetchrow(sql("agent_version"), name, version)
    if row is None:
        which = f"version {version}" if version is not None else "an active version"
        raise ConfigError(f"agent {name!r} has no {which}")
    data = dict(row)
    data.pop("id", None)
    data["temperature"] = float(data["temperature"]) if data["temperature"] is not None else None
    data["timeout_seconds"] = float(data["timeout_seconds"])
    data["templates"] = await template_texts(
        conn, data["system_prompt"], list(data["context_templates"])
    )
    return data


async def template_texts(conn: Conn, system: str, context: list[str]) -> dict[str, str]:
    """``{"name@version": text}`` for an agent's system prompt and context templates."""
    texts: dict[str, str] = {}
    for query, refs in (("prompts_by_ref", [system]), ("context_templates_by_ref", context)):
        names = [split_ref(r)[0] for r in refs]
        versions = [split_ref(r)[1] for r in refs]
        for row in await conn.fetch(sql(query), names, versions):
            texts[f"{row['name']}@{row['version']}"] = row["content"]
    return texts


async def diff(conn: Conn, name: str, old: int, new: int) -> str:
    """A unified diff of two versions, prompts and templates included."""
    before = _as_text(await describe(conn, name, old))
    after = _as_text(await describe(conn, name, new))
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True),
        fromfile=f"{name} v{old}", tofile=f"{name} v{new}",
    )
    return "".join(lines) or f"{name} v{old} and v{new} are identical\n"


def _as_text(data: dict[str, Any]) -> str:
    shown = {k: v for k, v in data.items()
             if k not in ("templates", "version", "is_active", "created_at", "created_by")}
    text = yaml.safe_dump(shown, sort_keys=True, allow_unicode=True, width=100)
    for ref, body in sorted(data["templates"].items()):
        text += f"\n--- template {ref.split('@')[0]} ---\n{body}\n"
    return text


def show_text(data: dict[str, Any]) -> str:
    status = "active" if data.get("is_active", True) else "inactive"
    header = f"{data['name']} v{data['version']} ({status})\n"
    return header + _as_text(data)


async def list_rows(conn: Conn) -> list[dict[str, Any]]:
    return [dict(r) for r in await conn.fetch(sql("agent_list"))]

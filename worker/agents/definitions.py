"""Agent definitions and templates as files: ``agents/*.yaml`` and ``prompts/**/*.j2``.

The files are the reviewed source; the database is what runs. A template's name is its path under
``prompts/`` without ``.j2`` (``system/coach``, ``context/athlete``): ``system/`` holds system
prompts (table ``prompts``), everything else is a context template (``context_templates``).
Synced definitions pin the exact template versions they were written with (``system/coach@3``),
so activating an old agent version brings back the prompts it had, too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from jinja2 import TemplateSyntaxError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from worker.agents.render import environment
from worker.agents.schemas import SCHEMAS
from worker.agents.tools import TOOLS
from worker.paths import AGENTS_DIR, PROMPTS_DIR

SYSTEM_PREFIX = "system/"


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user: str = Field(description="What the model is shown (e.g. a rendered context).")
    assistant: dict[str, Any] = Field(description="The answer, valid against the schema.")


class AgentFile(BaseModel):
    """One ``agents/NAME.yaml``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9]+(_[a-z0-9]+)*$")
    description: str
    model: str
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_output_tokens: int = Field(default=1024, gt=0, le=32000)
    system_prompt: str
    context_templates: list[str] = Field(default_factory=list)
    output_schema: str
    tools: list[str] = Field(default_factory=list)
    examples: list[Example] = Field(default_factory=list)
    max_tool_iterations: int = Field(default=3, ge=0, le=20)
    timeout_seconds: float = Field(default=30, gt=0, le=600)
    fallback: Literal["offline"] = "offline"


@dataclass(frozen=True)
class TemplateFile:
    name: str
    content: str
    path: Path

    @property
    def is_system(self) -> bool:
        return self.name.startswith(SYSTEM_PREFIX)

    @property
    def sha256(self) -> str:
        return sha256(self.content)


@dataclass(frozen=True)
class Source:
    agents: list[tuple[AgentFile, Path]]
    templates: dict[str, TemplateFile]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_ref(ref: str) -> tuple[str, int | None]:
    """``system/coach@3`` -> (``system/coach``, 3); an unpinned name -> (name, None)."""
    name, _, version = ref.partition("@")
    return name, int(version) if version else None


def read_source(agents_dir: Path = AGENTS_DIR, prompts_dir: Path = PROMPTS_DIR) -> Source:
    """Read and check every file; raise ValueError listing every problem, one per line."""
    problems: list[str] = []
    templates: dict[str, TemplateFile] = {}
    env = environment()
    for path in sorted(prompts_dir.rglob("*.j2")):
        name = path.relative_to(prompts_dir).with_suffix("").as_posix()
        content = path.read_text(encoding="utf-8")
        try:
            env.parse(content)
        except TemplateSyntaxError as exc:
            problems.append(f"prompts/{name}.j2 line {exc.lineno}: {exc.message}")
        templates[name] = TemplateFile(name, content, path)

    agents: list[tuple[AgentFile, Path]] = []
    for path in sorted(agents_dir.glob("*.yaml")):
        where = f"agents/{path.name}"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            agent = AgentFile.model_validate(data)
        except yaml.YAMLError as exc:
            problems.append(f"{where}: not valid YAML ({exc})")
            continue
        except ValidationError as exc:
            for error in exc.errors():
                field = ".".join(str(p) for p in error["loc"]) or "file"
                problems.append(f"{where}: {field}: {error['msg']}")
            continue
        if agent.name != path.stem:
            problems.append(f"{where}: name {agent.name!r} differs from the file name")
        problems.extend(f"{where}: {p}" for p in check_agent(agent, templates))
        agents.append((agent, path))
    if problems:
        raise ValueError("\n".join(problems))
    return Source(agents, templates)


def check_agent(agent: AgentFile, templates: dict[str, TemplateFile]) -> list[str]:
    """Everything an agent names must exist: schema, tools, templates; examples must validate."""
    problems: list[str] = []
    schema = SCHEMAS.get(agent.output_schema)
    if schema is None:
        problems.append(
            f"unknown output_schema {agent.output_schema!r} (known: {', '.join(sorted(SCHEMAS))})"
        )
    for tool in agent.tools:
        if tool not in TOOLS:
            problems.append(f"unknown tool {tool!r} (known: {', '.join(sorted(TOOLS))})")
    if not agent.system_prompt.startswith(SYSTEM_PREFIX) or agent.system_prompt not in templates:
        problems.append(f"unknown system_prompt {agent.system_prompt!r} "
                        f"(expected prompts/{agent.system_prompt}.j2 under prompts/system/)")
    for name in agent.context_templates:
        if name.startswith(SYSTEM_PREFIX) or name not in templates:
            problems.append(f"unknown context template {name!r} (expected prompts/{name}.j2)")
    if schema is not None:
        for index, example in enumerate(agent.examples, start=1):
            try:
                schema.model_validate(example.assistant)
            except ValidationError as exc:
                problems.append(f"example {index} does not match {agent.output_schema}: "
                                f"{exc.errors()[0]['msg']}")
    return problems


def definition_content(agent: AgentFile, pinned: dict[str, int]) -> dict[str, Any]:
    """The agent as stored: its fields, with template names pinned to versions."""
    return {
        "description": agent.description,
        "model": agent.model,
        "temperature": agent.temperature,
        "max_output_tokens": agent.max_output_tokens,
        "system_prompt": f"{agent.system_prompt}@{pinned[agent.system_prompt]}",
        "context_templates": [f"{n}@{pinned[n]}" for n in agent.context_templates],
        "output_schema": agent.output_schema,
        "tools": list(agent.tools),
        "examples": [e.model_dump() for e in agent.examples],
        "max_tool_iterations": agent.max_tool_iterations,
        "timeout_seconds": agent.timeout_seconds,
        "fallback": agent.fallback,
    }


def content_sha(content: dict[str, Any]) -> str:
    """A stable hash of a stored definition, so an unchanged one is recognised."""
    return sha256(json.dumps(content, sort_keys=True, default=str))

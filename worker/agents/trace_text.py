"""Agent calls as people read them: one line per call for a tail, a full block for a trace.

Shared by ``textcoach logs`` and the operator console's trace view, so both show a call the
same way.
"""

from __future__ import annotations

import json
from typing import Any


def tail_line(row: dict[str, Any]) -> str:
    tokens = ""
    if row.get("prompt_tokens") is not None:
        tokens = f" {row['prompt_tokens']}+{row.get('completion_tokens') or 0} tok"
    tools = ",".join(c.get("name", "?") for c in row.get("tool_calls") or [])
    said = ""
    if row.get("parsed_output"):
        said = " " + json.dumps(row["parsed_output"], ensure_ascii=False)[:120]
    error = f" !! {row['error']}" if row.get("error") else ""
    return (f"{row['created_at']:%H:%M:%S} {row['trace_id']} {row['agent_name']} "
            f"v{row['agent_version']} {row['provider']} {row['status']} "
            f"{row.get('latency_ms') or 0}ms{tokens}"
            f"{' tools=' + tools if tools else ''}{said}{error}")


def format_call(index: int, row: dict[str, Any]) -> str:
    tokens = (f"tokens {row['prompt_tokens']} in / {row['completion_tokens']} out"
              f" / {row['cached_tokens'] or 0} cached"
              if row.get("prompt_tokens") is not None else "tokens n/a")
    lines = [
        f"=== call {index}: {row['agent_name']} v{row['agent_version']} "
        f"[{row['status']}] {row['provider']}/{row['model']} attempt {row['attempt']} "
        f"{row['latency_ms']}ms {tokens}",
        f"    at {row['created_at']:%Y-%m-%d %H:%M:%S%z}  athlete {row['user_id']}  "
        f"log {row['id']}" + (f"  parent {row['parent_id']}" if row.get("parent_id") else ""),
        f"    templates: {json.dumps(row['template_versions'])}",
    ]
    for message in row["rendered_messages"] or []:
        content = message.get("content")
        if content is None and message.get("tool_calls"):
            content = json.dumps(message["tool_calls"], ensure_ascii=False)
        text = str(content).replace("\n", "\n        ")
        lines.append(f"  [{message.get('role')}] {text}")
    for call in row["tool_calls"] or []:
        lines.append(f"  tool {call.get('name')}({json.dumps(call.get('arguments'))})")
        if "result" in call:
            lines.append(f"    -> {json.dumps(call['result'], default=str)}")
    if row.get("parsed_output") is not None:
        lines.append(f"  output: {json.dumps(row['parsed_output'], ensure_ascii=False)}")
    elif row.get("raw_output"):
        lines.append(f"  raw: {row['raw_output']}")
    if row.get("error"):
        lines.append(f"  error: {row['error']}")
    return "\n".join(lines)

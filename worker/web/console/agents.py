"""Agent versions in the console: list, diff, activate and roll back.

The operations are the CLI's own (``worker.agents.registry``), so a version activated here is
recorded in admin_activity_logs exactly as ``textcoach agents activate`` records it, with the
operator as the actor. Changing what runs needs the admin role.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from worker.agents import registry
from worker.db.queries import sql
from worker.errors import ConfigError
from worker.web.console.access import authorise, field, page, signed_in, to_login
from worker.web.deps import deps_of

MAX_NAME_CHARS = 100


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdecimal() and len(value) < 7 else None


async def agents_page(request: Request) -> Response:
    who = await signed_in(request)
    if who is None:
        return to_login(request)
    async with deps_of(request).pool.acquire() as conn:
        rows = await registry.list_rows(conn)
    return await page(request, "console/agents.html", who, agents=rows)


async def agent_page(request: Request) -> Response:
    who = await signed_in(request)
    if who is None:
        return to_login(request)
    name = str(request.path_params["name"])[:MAX_NAME_CHARS]
    old, new = _int(request.query_params.get("old")), _int(request.query_params.get("new"))
    async with deps_of(request).pool.acquire() as conn:
        versions = await conn.fetch(sql("agent_versions"), name)
        if not versions:
            return PlainTextResponse("no such agent", status_code=404)
        latest = versions[0]["version"]
        new = new or latest
        old = old or (new - 1 if new > 1 else new)
        try:
            diff = await registry.diff(conn, name, old, new)
        except ConfigError as exc:
            diff = str(exc)
    return await page(request, "console/agent.html", who, name=name, versions=versions,
                  old=old, new=new, diff=diff, done=request.query_params.get("done"))


async def activate_action(request: Request) -> Response:
    allowed = await authorise(request, "admin")
    if isinstance(allowed, Response):
        return allowed
    who, form = allowed
    name = str(request.path_params["name"])[:MAX_NAME_CHARS]
    version = _int(field(form, "version", 10))
    if version is None:
        return PlainTextResponse("version must be a number", status_code=400)
    async with deps_of(request).pool.acquire() as conn:
        try:
            await registry.activate(conn, name, version, who=f"console:{who.operator.email}")
        except ConfigError as exc:
            return PlainTextResponse(str(exc), status_code=400)
    return RedirectResponse(f"/console/agents/{name}?done={version}", status_code=303)

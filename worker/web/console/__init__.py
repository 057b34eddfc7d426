"""The operator console at /console: server-rendered pages, forms that POST and redirect."""

from __future__ import annotations

from starlette.routing import Mount, Route

from worker.web.console import agents, conversation, health, inbox, login

console = Mount("/console", routes=[
    Route("/", inbox.inbox_page, methods=["GET"]),
    Route("/login", login.login_page, methods=["GET"]),
    Route("/login", login.login, methods=["POST"]),
    Route("/logout", login.logout, methods=["POST"]),
    Route("/health", health.health_page, methods=["GET"]),
    Route("/agents", agents.agents_page, methods=["GET"]),
    Route("/agents/{name}", agents.agent_page, methods=["GET"]),
    Route("/agents/{name}/activate", agents.activate_action, methods=["POST"]),
    Route("/athletes/{user_id}", conversation.athlete_page, methods=["GET"]),
    Route("/athletes/{user_id}/photos/{photo_id}", conversation.photo, methods=["GET"]),
    Route("/athletes/{user_id}/traces/{trace_id}", conversation.trace_page, methods=["GET"]),
    Route("/athletes/{user_id}/takeover", conversation.take_over_action, methods=["POST"]),
    Route("/athletes/{user_id}/reply", conversation.reply_action, methods=["POST"]),
    Route("/athletes/{user_id}/handback", conversation.hand_back_action, methods=["POST"]),
    Route("/athletes/{user_id}/resolve", conversation.resolve_action, methods=["POST"]),
])

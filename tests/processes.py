"""What tests that start the real product as a process share: a free port and a clean env."""

from __future__ import annotations

import os
import socket


def free_port() -> int:
    """A TCP port on loopback nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any of the product's settings (so a developer's
    exported TWILIO_* or DATABASE_URL never leaks into a test), plus ``extra``."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TWILIO_", "OPENAI_", "TEXTCOACH_"))
           and key not in {"DATABASE_URL", "REDIS_URL"}}
    return env | extra

"""TEXTCOACH_LOG_FORMAT=json: one parseable object per line, tracebacks included."""

from __future__ import annotations

import json
import logging
import sys

from worker.cli.logformat import JsonFormatter, formatter_for


def _record(message: str, *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("boom")
        except ValueError:
            exc_info = sys.exc_info()
    return logging.LogRecord("worker.jobs.send", logging.WARNING, __file__, 1, message, args,
                             exc_info)


def test_a_record_is_one_json_object_with_the_same_keys() -> None:
    line = JsonFormatter().format(_record("message %s: %s", "m1", "held \"for\" STOP\nok"))
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["level"] == "WARNING" and parsed["logger"] == "worker.jobs.send"
    assert parsed["message"] == 'message m1: held "for" STOP\nok'
    assert parsed["time"].endswith("+00:00") and "exception" not in parsed


def test_a_traceback_travels_inside_the_object() -> None:
    parsed = json.loads(JsonFormatter().format(_record("failed", exc=True)))
    assert "ValueError: boom" in parsed["exception"]


def test_text_stays_the_default_format() -> None:
    assert not isinstance(formatter_for("text"), JsonFormatter)
    assert isinstance(formatter_for("json"), JsonFormatter)

"""worker/settings.py: defaults, the environment variables read, and bad values as one line.

Every test starts from an environment scrubbed of the variables textcoach reads, so the machine
running the tests cannot leak its own configuration in. The CLI tests run ``python -m worker``
in a subprocess to check what an operator sees: one line on stderr, exit status 2.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from worker.errors import ConfigError
from worker.settings import LOCAL_AUTH_TOKEN, LOCAL_FROM_NUMBER, Settings, load_settings

SERVICE_VARS = (
    "DATABASE_URL",
    "REDIS_URL",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_FROM_NUMBER",
    "TWILIO_MESSAGING_SERVICE_SID",
)
SID = "AC" + "1" * 32


def _scrubbed(environ: dict[str, str]) -> dict[str, str]:
    return {
        key: value
        for key, value in environ.items()
        if key.upper() not in SERVICE_VARS and not key.upper().startswith("TEXTCOACH_")
    }


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper() in SERVICE_VARS or name.upper().startswith("TEXTCOACH_"):
            monkeypatch.delenv(name, raising=False)


def test_defaults_are_a_local_developer_machine() -> None:
    settings = load_settings()
    assert settings.web_port == 8000
    assert settings.web_host == "127.0.0.1"
    assert settings.data_dir == Path(".textcoach")
    assert settings.database_url is None
    assert settings.redis_url is None
    assert settings.uses_twilio is False
    assert settings.webhook_auth_token == LOCAL_AUTH_TOKEN
    assert settings.coach_number == LOCAL_FROM_NUMBER
    assert settings.base_url == "http://127.0.0.1:8000"
    assert settings.default_timezone == "America/New_York"


def test_service_variables_keep_their_usual_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db.internal:5432/textcoach")
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/0")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "twilio-secret")
    monkeypatch.setenv("TWILIO_FROM_NUMBER", "+15550009999")
    settings = load_settings()
    assert settings.database_url == "postgresql://u:p@db.internal:5432/textcoach"
    assert settings.redis_url == "redis://cache.internal:6379/0"
    assert settings.twilio_account_sid == SID
    assert settings.twilio_auth_token == "twilio-secret"
    assert settings.twilio_from_number == "+15550009999"
    assert settings.uses_twilio is True
    assert settings.webhook_auth_token == "twilio-secret"
    assert settings.coach_number == "+15550009999"


def test_messaging_service_sid_can_stand_in_for_the_from_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "twilio-secret")
    monkeypatch.setenv("TWILIO_MESSAGING_SERVICE_SID", "MG" + "2" * 32)
    settings = load_settings()
    assert settings.uses_twilio is True
    assert settings.twilio_messaging_service_sid == "MG" + "2" * 32


def test_product_knobs_are_prefixed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TEXTCOACH_WEB_PORT", "9123")
    monkeypatch.setenv("TEXTCOACH_PUBLIC_BASE_URL", "https://coach.example.com/")
    monkeypatch.setenv("TEXTCOACH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TEXTCOACH_DEFAULT_TIMEZONE", "Europe/Berlin")
    settings = load_settings()
    assert settings.web_port == 9123
    assert settings.public_base_url == "https://coach.example.com"
    assert settings.base_url == "https://coach.example.com"
    assert settings.data_dir == tmp_path
    assert settings.default_timezone == "Europe/Berlin"


def test_unprefixed_product_knobs_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_PORT", "9999")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://wrong.example.com")
    settings = load_settings()
    assert settings.web_port == 8000
    assert settings.public_base_url is None


def test_empty_service_urls_mean_embedded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "")
    monkeypatch.setenv("REDIS_URL", "")
    settings = load_settings()
    assert settings.database_url is None
    assert settings.redis_url is None


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TEXTCOACH_WEB_PORT", "abc"),
        ("TEXTCOACH_WEB_PORT", "70000"),
        ("TEXTCOACH_DEFAULT_TIMEZONE", "Mars/Olympus"),
        ("TEXTCOACH_PUBLIC_BASE_URL", "coach.example.com"),
        ("TEXTCOACH_LOG_LEVEL", "CHATTY"),
        ("DATABASE_URL", "mysql://x"),
        ("REDIS_URL", "http://x"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{variable}="), message
    assert repr(value) in message


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        (
            {"TWILIO_ACCOUNT_SID": SID},
            ["TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID"],
        ),
        (
            {"TWILIO_AUTH_TOKEN": "twilio-secret", "TWILIO_FROM_NUMBER": "+15550009999"},
            ["TWILIO_ACCOUNT_SID"],
        ),
        (
            {"TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": "twilio-secret"},
            ["TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID"],
        ),
    ],
)
def test_half_configured_twilio_names_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, given: dict[str, str], missing: list[str]
) -> None:
    for name, value in given.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert "\n" not in message
    assert message == f"Twilio is half-configured: set {', '.join(missing)} as well"


def test_settings_accept_field_names_as_keywords() -> None:
    settings = Settings(
        twilio_account_sid=SID,
        twilio_auth_token="twilio-secret",
        twilio_from_number="+15550009999",
        public_base_url="https://coach.example.com/",
    )
    assert settings.uses_twilio is True
    assert settings.public_base_url == "https://coach.example.com"


def _cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = _scrubbed(dict(os.environ))
    environ["TEXTCOACH_DATA_DIR"] = str(tmp_path / "data")
    environ.update(env)
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "worker", *args],
        env=environ,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("variable", "value"), [("TEXTCOACH_WEB_PORT", "abc"), ("DATABASE_URL", "mysql://x")]
)
def test_cli_reports_a_bad_variable_in_one_line(
    tmp_path: Path, variable: str, value: str
) -> None:
    done = _cli(tmp_path, "db", "status", **{variable: value})
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"textcoach: {variable}="), lines[0]
    assert done.stdout == ""
    assert not (tmp_path / "data").exists()


def test_cli_text_refuses_a_bad_phone_before_connecting_anywhere(tmp_path: Path) -> None:
    # DATABASE_URL points at a port nothing listens on: reaching it would be a different error.
    done = _cli(
        tmp_path, "text", "notaphone", "hi",
        DATABASE_URL="postgresql://nobody@127.0.0.1:9/none",
        TEXTCOACH_WEB_PORT="9",
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("textcoach: 'notaphone' is not an E.164 number"), lines[0]
    assert not (tmp_path / "data").exists()


def test_agent_log_retention_is_six_months_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().agent_log_retention_months == 6
    monkeypatch.setenv("TEXTCOACH_AGENT_LOG_RETENTION_MONTHS", "0")  # keep forever
    assert load_settings().agent_log_retention_months == 0
    monkeypatch.setenv("TEXTCOACH_AGENT_LOG_RETENTION_MONTHS", "-1")
    with pytest.raises(ConfigError, match=r"^TEXTCOACH_AGENT_LOG_RETENTION_MONTHS='-1'"):
        load_settings()

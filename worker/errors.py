"""Every exception textcoach raises on purpose, as one tree.

    TextcoachError                  anything of ours
    ├── ConfigError                 an operator must fix something: a bad env var, an unknown
    │   │                           agent, an unreachable service, an edited migration; the CLI
    │   │                           prints it as one readable line
    │   └── LibraryError            (worker.library.seed) the exercise library file is invalid
    ├── BadRequest                  a webhook request we refuse (status and detail for the reply)
    ├── ChannelError                the SMS provider refused or failed a send
    ├── ProviderError               a model call produced no usable answer
    │   └── LLMFailure              (worker.llm.types) with its kind: transient, invalid, fatal
    ├── ToolError                   a tool could not do what the model asked; the message goes
    │                               back to the model
    ├── ProfileIncomplete           a plan was asked for before the essentials were known
    ├── WeekChanged                 a week changed while its workouts were being written
    └── TurnRaced                   another worker answered some of a turn's texts first

Errors that mean "try again later" are retried by the job that hit them; everything else is
either answered (a fallback reply, a 4xx) or printed for the operator.
"""

from __future__ import annotations


class TextcoachError(Exception):
    """The root of every exception textcoach raises on purpose."""


class ConfigError(TextcoachError):
    """A mistake in configuration or operation that the operator must fix."""


class BadRequest(TextcoachError):
    """A webhook request we refuse, with the HTTP status and a short reason."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class ChannelError(TextcoachError):
    """The provider refused or failed a send.

    ``retryable`` is True only when the provider certainly did not send (rate limited,
    connection refused, a 5xx it reports as not processed): retrying then cannot deliver twice.
    ``ambiguous`` means the request may have been delivered (a timeout mid-request): never
    resend; a later status callback may still settle it.
    """

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        status: int | None = None,
        retryable: bool = False,
        ambiguous: bool = False,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.retryable = retryable
        self.ambiguous = ambiguous


class ProviderError(TextcoachError):
    """A model call that produced no usable answer (see ``worker.llm.types.LLMFailure``)."""


class ToolError(TextcoachError):
    """The tool could not do what was asked; the message goes back to the model."""


class ProfileIncomplete(TextcoachError):
    """The coach still needs answers before a plan can be written."""


class WeekChanged(TextcoachError):
    """New training days reached the week while its workouts were being written."""


class TurnRaced(TextcoachError):
    """Another worker marked some of the drained rows first; this turn's writes were undone."""

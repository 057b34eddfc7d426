"""Errors an operator can act on.

Anything raised as :class:`ConfigError` is printed by the CLI as one readable line (no
traceback): a bad environment variable, an unreachable service, an edited migration.
"""


class ConfigError(Exception):
    """A mistake in configuration or operation that the operator must fix."""

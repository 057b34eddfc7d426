"""The coach: what to say back to an athlete."""

"""Replaying whole conversations from scripts, with a controllable clock and golden transcripts."""

"""Training plans: the deterministic engine behind plan, week and workout generation."""

"""SMS-specific helpers: encoding, segment counting, splitting and channel plumbing."""

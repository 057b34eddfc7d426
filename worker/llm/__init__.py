"""LLM providers: an OpenAI-compatible endpoint, and the deterministic offline coach."""

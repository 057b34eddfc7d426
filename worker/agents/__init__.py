"""Database-defined agents: definitions, templates, tools, schemas and the runtime."""

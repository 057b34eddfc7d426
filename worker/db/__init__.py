"""PostgreSQL access: the pool, named queries from ``sql/`` and the migration runner."""

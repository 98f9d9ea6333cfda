"""PostgreSQL adapters of the SHU engine: event streams, query tables, read views."""

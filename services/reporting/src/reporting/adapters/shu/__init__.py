"""The SHU engine in PostgreSQL: its event streams and query tables (public schema), the
contracts it publishes, and its facts from the live read model (``bases``)."""

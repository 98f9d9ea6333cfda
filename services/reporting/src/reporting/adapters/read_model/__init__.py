"""The read model: its tables (one PostgreSQL schema per version), the versions and
the live one."""

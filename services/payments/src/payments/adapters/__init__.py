"""Adapters: the only code of the payments service that talks to PostgreSQL."""

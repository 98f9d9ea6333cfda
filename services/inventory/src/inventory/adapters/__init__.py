"""Adapters: the only code of the service that talks to PostgreSQL."""

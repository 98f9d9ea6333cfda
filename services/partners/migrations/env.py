"""Alembic environment: run on the connection that gotong_platform.migrations passes in."""

from alembic import context

from gotong_platform.migrations import run_migrations_in_env

run_migrations_in_env(context)

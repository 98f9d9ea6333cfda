"""Adapters: the only code of the members service that talks to PostgreSQL or crypto."""

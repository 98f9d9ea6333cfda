"""Adapters: the only code of the members service that talks to PostgreSQL or crypto.

Repositories implement the application's ports; ``publishing`` maps domain events to
the contracts the outbox publishes; ``queries`` holds every read the API serves.
"""

"""The members service."""

"""Test support: fixtures that start the real stack through the project's own code."""

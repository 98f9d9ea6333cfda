"""Entry points: the HTTP API (routes per concern), the offline sync handlers."""

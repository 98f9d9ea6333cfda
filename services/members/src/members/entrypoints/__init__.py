"""Entry points: the HTTP API and the process commands (api, relay, migrate)."""

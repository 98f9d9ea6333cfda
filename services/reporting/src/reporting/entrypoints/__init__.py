"""Entry points: the report API and the process commands (api, consumer, rebuild)."""

"""Entrypoints: the HTTP routes (module-level routers) and the consumer's handler."""

"""Entrypoints: the HTTP API (the relay and the consumer start in ``__main__``)."""

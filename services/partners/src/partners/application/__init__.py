"""Application layer: async use cases that load, decide with the domain, and store through
small ports (``ports``), never through a concrete adapter."""

"""Application layer: async use cases that load, decide with the domain, and store."""

"""The federation read model: tables, the event handler, and version management."""

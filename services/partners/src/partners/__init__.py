"""The partner gateway: partners, the cooperatives' consents, and the only way data leaves
the platform (minimised partner events in a per-partner feed)."""

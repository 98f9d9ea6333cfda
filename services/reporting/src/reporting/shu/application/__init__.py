"""SHU use cases (adopt a policy, draft, approve) and the mapping to published contracts."""

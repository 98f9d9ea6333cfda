"""Adapters: the only asyncpg code of the gateway (repositories, the feed and its archive,
the API's reads) and the mapping of internal contracts to partner contracts."""

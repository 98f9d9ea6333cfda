"""The local copy of the members directory (``gotong_platform.directory``), read on the
caller's connection, so a use case sees it as of its own transaction."""

from __future__ import annotations

from gotong_platform.db import DbConnection
from gotong_platform.directory import CooperativeFacts, Directory, MemberFacts

__all__ = ["LocalDirectory"]


class LocalDirectory:
    """What payments knows of cooperatives and members, fed by the members events."""

    async def cooperative(self, conn: DbConnection, cooperative_id: str
                          ) -> CooperativeFacts | None:
        return await Directory(conn).cooperative(cooperative_id)

    async def member(self, conn: DbConnection, member_id: str) -> MemberFacts | None:
        return await Directory(conn).member(member_id)

"""The members directory as inventory's use cases read it: the local copy
(``gotong_platform.directory``, fed by the consumer), in the caller's transaction."""

from __future__ import annotations

from gotong_platform.db import DbConnection
from gotong_platform.directory import CooperativeFacts, Directory, MemberFacts

__all__ = ["LocalDirectory"]


class LocalDirectory:
    """The ``MembersDirectory`` port (``inventory.application.ports``)."""

    async def member(self, conn: DbConnection, member_id: str) -> MemberFacts | None:
        return await Directory(conn).member(member_id)

    async def cooperative(self, conn: DbConnection, cooperative_id: str
                          ) -> CooperativeFacts | None:
        return await Directory(conn).cooperative(cooperative_id)

    async def time_zone(self, conn: DbConnection, cooperative_id: str) -> str | None:
        place = await Directory(conn).place_of(cooperative_id)
        return None if place is None else place.time_zone

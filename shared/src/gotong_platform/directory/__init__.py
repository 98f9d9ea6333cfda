"""A local copy of the members service's directory, for services that need it.

Inventory and payments must know a cooperative's time zone, region and loop
(closed: members only) and whether a buyer or borrower is an admitted member.
They may not read the members database, so each keeps this copy, fed by the
members events through its own consumer (same transaction as the position).
"""

from gotong_platform.directory.store import (
    DIRECTORY_DDL,
    CooperativeFacts,
    CooperativePlace,
    Directory,
    MemberFacts,
    apply_members_event,
)

__all__ = [
    "DIRECTORY_DDL",
    "CooperativeFacts",
    "CooperativePlace",
    "Directory",
    "MemberFacts",
    "apply_members_event",
]

"""``python -m inventory api|relay|consumer|migrate|rebuild-snapshots|dead-letters``: one
process per role, and the operator's commands."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from gotong_platform.cli import Command, run_service_cli
from gotong_platform.consumer.operator import consumer_command, dead_letters_command
from inventory.settings import InventorySettings

if TYPE_CHECKING:
    from gotong_platform.consumer import Handler

CONSUMER = "inventory-reactions"


def _reactions(settings: InventorySettings) -> Handler:
    """The members directory and the reactions to sale payments, in one consumer."""
    from inventory.main import build_services

    return build_services(settings).reactions.handler()


async def _rebuild_snapshots(settings: InventorySettings, args: argparse.Namespace) -> None:
    """Replay every product and ledger stream and rewrite its snapshot and query rows."""
    from gotong_platform.db import create_pool
    from gotong_platform.migrations import upgrade
    from inventory.main import rebuild

    await upgrade(settings.database_url, settings.migrations_dir)
    pool = await create_pool(settings.database_url, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            count = await rebuild(settings, conn)
    finally:
        await pool.close()
    print(f"rebuilt the snapshots of {count} streams")


def main() -> None:
    raise SystemExit(run_service_cli(service="inventory", port=8002, settings=InventorySettings,
                                     commands=[
        consumer_command("inventory", CONSUMER, _reactions,
                         "keep the members directory; react to sale payments"),
        Command("rebuild-snapshots",
                "replay product and ledger streams; rewrite snapshots and query rows",
                _rebuild_snapshots),
        dead_letters_command(CONSUMER),
    ]))


if __name__ == "__main__":
    main()

"""``python -m payments api|relay|consumer|migrate|rebuild-savings|dead-letters``: one
process per role, as in production, and the operator's commands."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from gotong_platform.cli import Argument, Command, run_service_cli
from gotong_platform.consumer.operator import consumer_command, dead_letters_command
from payments.settings import PaymentsSettings

if TYPE_CHECKING:
    from gotong_platform.consumer import Handler

CONSUMER = "payments-reactions"


def _reactions(settings: PaymentsSettings) -> Handler:
    """The reactions: members and inventory events into payments' own store and outbox."""
    from payments.main import build_services

    return build_services(settings).reactions.handler()


async def _rebuild_savings(settings: PaymentsSettings, args: argparse.Namespace) -> None:
    """Rewrite savings query rows and snapshots from the events (all accounts by default)."""
    from gotong_platform.db import create_pool
    from gotong_platform.migrations import upgrade
    from payments.main import build_services

    await upgrade(settings.database_url, settings.migrations_dir)
    repo = build_services(settings).savings_accounts
    pool = await create_pool(settings.database_url, max_size=2)
    try:
        async with pool.acquire() as conn:
            ids = args.accounts or await repo.account_ids(conn)
            for account_id in ids:
                # One transaction per account; a concurrent writer waits on the row.
                async with conn.transaction():
                    await conn.execute("SELECT 1 FROM savings_accounts WHERE account_id = $1 "
                                       "FOR UPDATE", account_id)
                    await repo.rebuild(conn, account_id)
        print(f"rebuilt {len(ids)} savings accounts")
    finally:
        await pool.close()


def main() -> None:
    raise SystemExit(run_service_cli(service="payments", port=8003, settings=PaymentsSettings,
                                     commands=[
        consumer_command("payments", CONSUMER, _reactions,
                         "react to members and inventory events"),
        Command("rebuild-savings",
                "rewrite savings query rows and snapshots from the events, then exit",
                _rebuild_savings,
                [Argument(("accounts",), {"nargs": "*",
                                          "help": "account ids (default: every account)"})]),
        dead_letters_command(CONSUMER),
    ]))


if __name__ == "__main__":
    main()

"""What PostgreSQL sessions of one database are doing, sampled every 50 ms.

``pg_stat_activity`` of the bench database: per sample, each session is either running
(``active`` without a wait event), waiting (``wait_event_type:wait_event``, e.g.
``Lock:transactionid`` when it waits for another transaction's row lock, ``IO:WALSync``
at commit), or idle inside a transaction (``idle in transaction``: the client holds the
transaction open while it computes). The shares say where a session's time goes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from dataclasses import dataclass, field

import asyncpg

__all__ = ["WaitSampler"]

_SAMPLE = """
SELECT state, wait_event_type, wait_event FROM pg_stat_activity
WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'
"""


@dataclass
class WaitSampler:
    dsn: str
    database: str
    interval_s: float = 0.05
    counts: Counter[str] = field(default_factory=Counter)
    samples: int = 0
    _task: asyncio.Task[None] | None = None
    _conn: asyncpg.Connection | None = None

    async def start(self) -> None:
        self._conn = await asyncpg.connect(self.dsn)
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        conn = self._conn
        if conn is None:
            return
        while True:
            for row in await conn.fetch(_SAMPLE, self.database):
                state = row["state"] or "?"
                if state == "idle":
                    continue  # pooled connections nobody uses right now
                if row["wait_event_type"] and state == "active":
                    what = f"{row['wait_event_type']}:{row['wait_event']}"
                elif state == "active":
                    what = "running (CPU)"
                else:
                    what = state
                self.counts[what] += 1
            self.samples += 1
            await asyncio.sleep(self.interval_s)

    async def stop(self) -> dict[str, float]:
        """Average number of sessions in each state (busy sessions only)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._conn is not None:
            await self._conn.close()
        if not self.samples:
            return {}
        return {k: round(v / self.samples, 2) for k, v in self.counts.most_common(8)}

"""One cooperative never breaks a report for everyone.

A report's queries run for all its cooperatives at once (one statement each: the
federation report of a thousand cooperatives stays fast). When such a step fails on
what one cooperative recorded (a value no computation accepts, a row that breaks the
read model's own vocabulary), the step is run again one cooperative at a time, each
in its own savepoint: the cooperatives whose figures cannot be computed are left out
of every figure of the report and listed in its ``unavailable`` section, and each
failure is logged with the request's trace id. Errors of the database connection or
of the server are not a cooperative's and still fail the request.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TypeVar

import asyncpg

from gotong_platform.db import DbConnection
from gotong_platform.telemetry.tracing import current_trace_ids
from reporting.domain.reports.unavailable import Unavailable, Unavailables

__all__ = ["FACTS_CHUNK", "FIGURE_ERRORS", "per_cooperative", "record"]

# The name operators filter on (the README, the tests): kept when this module moved
# from ``reporting/reports/`` into the adapters.
log = logging.getLogger("reporting.reports.isolation")

# What one cooperative's rows can cause: a value PostgreSQL cannot compute with (class 22,
# e.g. numeric out of range), or a value the Python side does not know (an unknown
# category or savings type, a time zone that does not exist, a date out of range).
FIGURE_ERRORS: tuple[type[Exception], ...] = (
    asyncpg.DataError, ArithmeticError, LookupError, ValueError, TypeError)

T = TypeVar("T")

# Cooperatives a computation from the facts takes at once: its queries read the facts
# themselves (wajib compliance: every bill and deposit of the members billed), about
# 0.7 MB a cooperative-year at the peak, so a first federation request over 1,000
# cooperatives in one pass held ~700 MB; in chunks the peak follows the chunk. Their
# queries read by cooperative and member (indexes), so a small chunk costs no more time:
# 200 cooperatives' first report took 9.1 s in chunks of 10, 11.5 s of 25, 13.9 s in one.
FACTS_CHUNK = 10


async def per_cooperative(
    conn: DbConnection, ids: Sequence[str], step: str,
    compute: Callable[[Sequence[str]], Awaitable[Mapping[str, T]]],
    unavailable: Unavailables, *, chunk: int | None = None,
) -> dict[str, T]:
    """``compute(ids)`` (its results by cooperative) for the cooperatives not yet
    unavailable. When it fails, each half is computed on its own, down to single
    cooperatives: those it still fails for are recorded in ``unavailable`` (one among a
    thousand costs about twenty tries). ``conn`` is in a transaction (savepoints).

    ``chunk``: at most that many cooperatives a call, for a computation whose rows grow
    with the cooperatives' history (the facts themselves): the memory it holds at once
    then follows the chunk, not the federation."""
    todo = [i for i in ids if i not in unavailable]
    size = chunk or max(len(todo), 1)
    out: dict[str, T] = {}
    for start in range(0, len(todo), size):
        out |= await _bisected(conn, todo[start:start + size], step, compute, unavailable)
    return out


async def _bisected(
    conn: DbConnection, ids: Sequence[str], step: str,
    compute: Callable[[Sequence[str]], Awaitable[Mapping[str, T]]],
    unavailable: Unavailables,
) -> dict[str, T]:
    if not ids:
        return {}
    try:
        async with conn.transaction():  # a savepoint: a failed statement spoils nothing
            return dict(await compute(ids))
    except FIGURE_ERRORS as exc:
        if len(ids) == 1:
            record(ids[0], step, exc, unavailable)
            return {}
    half = len(ids) // 2
    first = await _bisected(conn, ids[:half], step, compute, unavailable)
    return first | await _bisected(conn, ids[half:], step, compute, unavailable)


def record(cooperative_id: str, step: str, error: Exception, unavailable: Unavailables) -> None:
    """Log the failure being handled (call it in the ``except`` block: the log line
    carries the traceback and the trace id) and flag the cooperative."""
    trace_id, _ = current_trace_ids()
    log.exception("the figures of cooperative %s cannot be computed (%s); the report "
                  "leaves it out", cooperative_id, step,
                  extra={"fields": {"cooperative_id": cooperative_id, "step": step,
                                    "trace_id": trace_id}})
    unavailable[cooperative_id] = Unavailable(
        cooperative_id=cooperative_id, step=step, error=type(error).__name__,
        trace_id=trace_id)

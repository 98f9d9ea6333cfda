"""A route's command, run once per Idempotency-Key in one transaction: ``Runner``.

Every command route of every service has the same shape::

    @router.post("/things", status_code=201)
    async def record_thing(body: ThingIn, run: Runner, ctx: Ctx) -> JSONResponse:
        return await run(lambda conn, provenance: ctx.things.record(conn, ..., provenance))

``Runner`` is a FastAPI dependency: it checks the Idempotency-Key header, builds the
command's ``Provenance`` (who, which flow, which trace) and runs ``work`` with
``gotong_platform.commands.execute_command``, which owns the transaction, the key and
the stored answer. ``work`` returns the status and the JSON body.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Header, Request
from starlette.responses import JSONResponse

from gotong_platform.auth import Principal
from gotong_platform.commands import execute_command
from gotong_platform.db import DbConnection
from gotong_platform.http.idempotency import IdempotencyRequest, idempotency_key
from gotong_platform.http.security import PrincipalDep
from gotong_platform.provenance import CommandMeta, Provenance

__all__ = ["CommandRunner", "Correlation", "Runner", "Work", "command_runner"]

Work = Callable[[DbConnection, Provenance], Awaitable[tuple[int, Any]]]
Correlation = Annotated[str | None, Header(alias="X-Correlation-Id")]


@dataclasses.dataclass(frozen=True, slots=True)
class CommandRunner:
    """Runs one request's command (``__call__``) at most once per Idempotency-Key."""

    pool: asyncpg.Pool
    principal: Principal
    idempotency: IdempotencyRequest
    provenance: Provenance

    async def __call__(self, work: Work) -> JSONResponse:
        provenance = self.provenance

        async def in_transaction(conn: DbConnection) -> tuple[int, Any]:
            return await work(conn, provenance)

        # Keys are scoped per principal: two clerks may send the same key.
        return await execute_command(self.pool, scope=self.principal.subject,
                                     idempotency=self.idempotency, work=in_transaction)


async def command_runner(
    request: Request, principal: PrincipalDep,
    idempotency: Annotated[IdempotencyRequest, Depends(idempotency_key)],
    correlation: Correlation = None,
) -> CommandRunner:
    """The request's ``CommandRunner``, on the pool ``install_platform`` was given."""
    pool: asyncpg.Pool = request.app.state.command_pool()
    meta = CommandMeta.current(actor=principal.subject, command_id=idempotency.key,
                               correlation=correlation)
    return CommandRunner(pool, principal, idempotency, Provenance(meta))


Runner = Annotated[CommandRunner, Depends(command_runner)]

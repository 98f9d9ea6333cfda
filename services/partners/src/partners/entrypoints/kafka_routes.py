"""Rotating the password of a partner's Kafka user (``KAFKA`` subscriptions).

``POST /partner/kafka/password``: the partner itself (its token or signed request);
``POST /partners/{id}/kafka/password``: the federation admin, for a partner who lost it
or whose password leaked. Both answer the new password once (it is never stored by the
gateway: the broker keeps a salted hash) and the old one stops working at once; the
rotation is an event of the partner's stream naming who did it. Refused with 404
``kafka-user-not-found`` before the partner's first KAFKA subscription, and 409
``kafka-credentials-declared`` where the federation office declares the users (Strimzi).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.responses import JSONResponse

from gotong_platform.auth import Action
from gotong_platform.db import DbConnection
from gotong_platform.http import require_action
from gotong_platform.http.runner import Runner
from gotong_platform.provenance import Provenance
from partners.application.subscriptions import KafkaCredentials
from partners.entrypoints import schemas as s
from partners.entrypoints.deps import NOT_FOUND, AppContext, Ctx
from partners.entrypoints.partner_auth import PartnerCallDep, PartnerRunnerDep, partner_call

__all__ = ["federation_router", "partner_router"]

partner_router = APIRouter(prefix="/partner/kafka", tags=["partner subscriptions"],
                           responses=NOT_FOUND, dependencies=[Depends(partner_call)])
federation_router = APIRouter(prefix="/partners", tags=["partners"], responses=NOT_FOUND)


def _out(ctx: AppContext, credentials: KafkaCredentials) -> dict[str, Any]:
    access = credentials.access
    return s.KafkaAccessOut(
        bootstrap=ctx.kafka_partner_bootstrap,
        security_protocol=ctx.kafka_partner_security_protocol,
        sasl_mechanism="SCRAM-SHA-512", topic=access.topic, username=access.username,
        password=credentials.password, group_prefix=access.group_prefix,
    ).model_dump(mode="json")


@partner_router.post("/password", status_code=201, response_model=s.KafkaAccessOut)
async def rotate_own(call: PartnerCallDep, run: PartnerRunnerDep, ctx: Ctx) -> JSONResponse:
    """A new password for your Kafka user, shown this once; the old one stops working."""

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        rotated = await ctx.subscriptions.rotate_kafka_password(
            conn, call.principal.subject, provenance)
        return 201, _out(ctx, rotated)

    return await run(work)


@federation_router.post("/{partner_id}/kafka/password", status_code=201,
                        response_model=s.KafkaAccessOut,
                        dependencies=[Depends(require_action(Action.REGISTER_PARTNER))])
async def rotate(partner_id: str, run: Runner, ctx: Ctx) -> JSONResponse:
    """A new password for the partner's Kafka user (federation admin), shown this once
    (hand it to the partner); the old one stops working."""

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        return 201, _out(ctx, await ctx.subscriptions.rotate_kafka_password(
            conn, partner_id, provenance))

    return await run(work)

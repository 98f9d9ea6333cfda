"""A partner's subscriptions, as the CloudEvents Subscriptions API's HTTP binding sketches
them: ``POST``/``GET /partner/subscriptions``, ``GET``/``PUT``/``DELETE
/partner/subscriptions/{id}``, and the secret's rotation of an HTTP subscription.

The caller's token (role ``partner``) or its signed request names the partner: a
partner sees and changes only its own subscriptions (another's id is "not found").
Every command takes an ``Idempotency-Key`` (a signed request's X-EXTERNAL-ID). What a
subscription selects is always within what the consents let the partner receive
(``partners.domain.subscription``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.responses import JSONResponse

from gotong_platform.db import DbConnection
from gotong_platform.http import HTTPProblem
from gotong_platform.provenance import Provenance
from partners.domain import DeliveryProtocol, SubscriptionRequest
from partners.entrypoints import schemas as s
from partners.entrypoints.deps import NOT_FOUND, Ctx
from partners.entrypoints.partner_auth import PartnerCallDep, PartnerRunnerDep, partner_call

__all__ = ["router"]

router = APIRouter(prefix="/partner/subscriptions", tags=["partner subscriptions"],
                   responses=NOT_FOUND, dependencies=[Depends(partner_call)])


def _request(body: s.SubscriptionIn) -> SubscriptionRequest:
    return SubscriptionRequest(protocol=body.protocol, sink=body.sink, source=body.source,
                               types=tuple(body.types), filters=tuple(body.filters),
                               config=body.config, protocolsettings=body.protocolsettings)


def _not_found() -> HTTPProblem:
    return HTTPProblem(404, "Not Found", "You have no subscription with this id.",
                       "subscription-not-found")


@router.post("", status_code=201, response_model=s.SubscriptionCreatedOut)
async def create(body: s.SubscriptionIn, call: PartnerCallDep, run: PartnerRunnerDep,
                 ctx: Ctx) -> JSONResponse:
    """Subscribe: an HTTP subscription answers its signing secret, once; the first KAFKA
    subscription the password of the partner's Kafka user, once."""
    request = _request(body)

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        created = await ctx.subscriptions.create(conn, call.principal.subject, request,
                                                 provenance)
        delivery = None
        if created.subscription.protocol is not DeliveryProtocol.PULL:
            delivery = s.SubscriptionDeliveryOut(enabled=True, delivered_position=0,
                                                 failures=0, next_attempt_at=None,
                                                 last_error=None)
        out = s.SubscriptionOut.of(created.subscription, created.version,
                                   ctx.public_base_url, delivery)
        kafka = None
        if created.kafka is not None:
            access = created.kafka.access
            kafka = s.KafkaAccessOut(
                bootstrap=ctx.kafka_partner_bootstrap,
                security_protocol=ctx.kafka_partner_security_protocol,
                sasl_mechanism="SCRAM-SHA-512", topic=access.topic, username=access.username,
                password=created.kafka.password, group_prefix=access.group_prefix)
        return 201, s.SubscriptionCreatedOut(**out.model_dump(), secret=created.secret,
                                             kafka=kafka).model_dump(mode="json")

    return await run(work)


@router.get("", response_model=list[s.SubscriptionOut])
async def list_subscriptions(call: PartnerCallDep, ctx: Ctx) -> list[dict[str, Any]]:
    """The partner's subscriptions, the oldest first."""
    return [s.subscription_json(row, ctx.public_base_url)
            for row in await ctx.queries.subscriptions(call.principal.subject)]


@router.get("/{subscription_id}", response_model=s.SubscriptionOut)
async def get_subscription(subscription_id: str, call: PartnerCallDep, ctx: Ctx
                           ) -> dict[str, Any]:
    row = await ctx.queries.subscription(call.principal.subject, subscription_id)
    if row is None:
        raise _not_found()
    return s.subscription_json(row, ctx.public_base_url)


@router.put("/{subscription_id}", response_model=s.SubscriptionOut)
async def update(subscription_id: str, body: s.SubscriptionIn, call: PartnerCallDep,
                 run: PartnerRunnerDep, ctx: Ctx) -> JSONResponse:
    """Replace the subscription (not its protocol); a pushed one (HTTP, KAFKA) keeps its
    secret and position, and is re-enabled."""
    if body.id is not None and body.id != subscription_id:
        raise HTTPProblem(422, "Invalid request", "The body's id is not the path's.",
                          "subscription-id-mismatch")
    request = _request(body)

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        await ctx.subscriptions.update(conn, call.principal.subject, subscription_id,
                                       request, provenance)
        # As GET answers it, with where its delivery stands, read in this transaction.
        row = await ctx.queries.subscription(call.principal.subject, subscription_id, conn)
        if row is None:
            raise RuntimeError("the updated subscription was not found")
        return 200, s.SubscriptionOut.model_validate(
            s.subscription_json(row, ctx.public_base_url)).model_dump(mode="json")

    return await run(work)


@router.delete("/{subscription_id}", response_model=s.SubscriptionOut)
async def delete(subscription_id: str, call: PartnerCallDep, run: PartnerRunnerDep,
                 ctx: Ctx) -> JSONResponse:
    """End the subscription: nothing more is delivered by it. Answers it as it was."""

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        saved, version = await ctx.subscriptions.delete(conn, call.principal.subject,
                                                        subscription_id, provenance)
        return 200, s.SubscriptionOut.of(saved, version,
                                         ctx.public_base_url).model_dump(mode="json")

    return await run(work)


@router.post("/{subscription_id}/secret", status_code=201, response_model=s.WebhookSecretOut)
async def rotate_secret(subscription_id: str, call: PartnerCallDep, run: PartnerRunnerDep,
                        ctx: Ctx) -> JSONResponse:
    """An HTTP subscription's new signing secret; for a day every request is signed with
    the old one too."""

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        endpoint = await ctx.webhooks.rotate_secret(conn, call.principal.subject,
                                                    subscription_id)
        return 201, s.WebhookSecretOut.of(endpoint).model_dump(mode="json")

    return await run(work)

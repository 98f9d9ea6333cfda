"""A lender receives a cooperative's published months (``monthly_kpis``) and reads its
profile, on real Kafka and PostgreSQL, by token and by signed request; a partner without
that consent, or after its revocation, gets nothing; bad requests are problem+json.

Reporting's ``MonthlyKpisPublished`` events are published on the reporting topic as its
relay publishes them, and consumed by the gateway's real consumer runner.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import jsonschema
import pytest
from partners_support import AFTER_GRANT, BEFORE_GRANT, Gateway, consumed, grant, register
from partners_support import registered as coop_registered
from test_partners_snap import a_bank

from gotong_platform.consumer import ConsumedEvent
from gotong_platform.contracts import reporting as rep
from gotong_platform.ids import new_id

pytestmark = pytest.mark.integration

KPIS = "gotong.partner.monthly_kpis.MonthlyKpis.v1"


def published(coop: str, month: str, last_day: int, revision: int, *, omzet: int,
              recorded: datetime) -> ConsumedEvent:
    """Reporting's ``MonthlyKpisPublished`` of ``month``, as its relay publishes it."""
    end = date(int(month[:4]), int(month[5:]), last_day)
    contract = rep.MonthlyKpisPublishedV1(
        cooperative_id=coop, month=month, revision=revision, month_end=end,
        known_at=recorded, omzet_idr=omzet, savings_balance_idr=312_500_000,
        loans_outstanding_idr=187_000_000, par30_idr=9_350_000, par30_bp=500,
        active_members=214, last_recorded_at=datetime(2026, 10, 30, 9, 0, tzinfo=UTC),
        last_business_date=date(2026, 10, 30), last_activity_date=date(2026, 10, 29),
        stale=False, idle=False)
    return consumed(contract, stream_id=f"monthly-kpis-{coop}-{month}", version=revision,
                    business_date=end, recorded_at=recorded, actor="federation-office")


async def profile(gateway: Gateway, partner: str, coop: str, **params: Any) -> Any:
    token = gateway.api.token("partner", subject=partner)
    return await gateway.api.client.get(f"/partner/cooperatives/{coop}/profile",
                                        params=params, headers=token)


async def test_a_consented_lender_gets_the_months_and_the_profile_until_revoked(
    gateway: Gateway,
) -> None:
    api = gateway.api
    coop, other = new_id("cooperative"), new_id("cooperative")
    await gateway.send(consumed(coop_registered(coop), stream_id=coop),
                       consumed(coop_registered(other), stream_id=other))
    bank = await a_bank(api)
    buyer = await register(api, "Kopi Flores Trading", "buyer")
    # September and October, published before the consents.
    await gateway.send(
        published(coop, "2026-09", 30, 1, omzet=41_000_000, recorded=BEFORE_GRANT),
        published(coop, "2026-10", 31, 1, omzet=48_250_000, recorded=BEFORE_GRANT),
        published(other, "2026-10", 31, 1, omzet=9_000_000, recorded=BEFORE_GRANT))
    consent = await grant(api, coop, bank.partner_id, ["monthly_kpis"], history=True)
    await grant(api, coop, buyer, ["produce", "sales"], history=True)

    # The history is delivered at once; October's revision 2 (a late upload) follows.
    await gateway.send(published(coop, "2026-10", 31, 2, omzet=48_325_000,
                                 recorded=AFTER_GRANT))
    items = (await gateway.feed(bank.partner_id))["items"]
    assert [(i["type"], i["data"]["month"], i["data"]["revision"]) for i in items] == [
        (KPIS, "2026-09", 1), (KPIS, "2026-10", 1), (KPIS, "2026-10", 2)]
    assert {i["cooperativeid"] for i in items} == {coop}
    assert [i["businessdate"] for i in items] == ["2026-09-30", "2026-10-31", "2026-10-31"]
    schema = (await api.client.get(items[0]["dataschema"].removeprefix(
        api.settings.public_base_url))).json()
    for item in items:
        jsonschema.Draft202012Validator(schema).validate(item["data"])
        assert {"par30_idr", "stale", "last_business_date"}.isdisjoint(item["data"])
    assert (await gateway.feed(buyer))["items"] == []

    # The profile, by token: October's latest revision, September before it.
    answer = await profile(gateway, bank.partner_id, coop, months=12)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["from_month"], body["to_month"], body["months_requested"]) == (
        "2025-11", "2026-10", 12)
    assert [(m["month"], m["revision"], m["omzet_idr"]) for m in body["months"]] == [
        ("2026-09", 1, 41_000_000), ("2026-10", 2, 48_325_000)]
    assert body["months"][-1] | {"known_at": None} == {
        "month": "2026-10", "revision": 2, "omzet_idr": 48_325_000,
        "savings_balance_idr": 312_500_000, "loans_outstanding_idr": 187_000_000,
        "par30_bp": 500, "active_members": 214, "known_at": None}
    assert body["freshness"]["latest_month"] == "2026-10"
    assert body["freshness"]["last_recorded_at"] == "2026-10-30T09:00:00Z"
    assert body["freshness"]["last_activity_date"] == "2026-10-29"
    assert body["consent_ids"] == [consent]
    one = (await profile(gateway, bank.partner_id, coop, months=1)).json()
    assert [m["month"] for m in one["months"]] == ["2026-10"]

    # The same profile by signed request (SNAP), no token.
    signed = await bank.get(f"/partner/cooperatives/{coop}/profile?months=12")
    assert signed.status_code == 200, signed.text
    assert signed.json() == body

    # Without a monthly_kpis consent, of another cooperative, of none: the same 404.
    refusals = [await profile(gateway, buyer, coop),
                await profile(gateway, bank.partner_id, other),
                await profile(gateway, bank.partner_id, new_id("cooperative"))]
    for refused in refusals:
        assert refused.status_code == 404
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert (refused.json()["code"], refused.json()["detail"]) == (
            "cooperative-not-found", refusals[0].json()["detail"])

    # Revoked: no profile, and nothing of the consent is served or delivered any more.
    revoked = await api.post(f"/cooperatives/{coop}/consents/{consent}/revoke",
                             {"reason": "credit assessment done"},
                             api.token("coop_admin", cooperative_id=coop))
    assert revoked.status_code == 200, revoked.text
    await gateway.send(published(coop, "2026-11", 30, 1, omzet=50_000_000,
                                 recorded=AFTER_GRANT))
    assert (await profile(gateway, bank.partner_id, coop)).status_code == 404
    assert (await gateway.feed(bank.partner_id))["items"] == []
    stored = await api.rows("SELECT count(*) AS n FROM partner_feed WHERE partner_id = $1",
                            bank.partner_id)
    assert stored[0]["n"] == 3


async def test_a_bad_profile_request_is_a_problem(gateway: Gateway) -> None:
    api = gateway.api
    coop = new_id("cooperative")
    await gateway.send(consumed(coop_registered(coop), stream_id=coop))
    bank = await register(api, "Bank NTT", "bank")
    await grant(api, coop, bank, ["monthly_kpis"], history=True)
    await gateway.send(published(coop, "2026-10", 31, 1, omzet=1_000, recorded=AFTER_GRANT))
    before = await api.rows("SELECT count(*) AS n FROM partner_feed")

    for months in ("0", "37", "-1", "twelve", "1e3"):
        answer = await profile(gateway, bank, coop, months=months)
        assert answer.status_code == 422, (months, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
    long_id = await profile(gateway, bank, "c" * 101)
    assert long_id.status_code == 422
    clerk = await api.client.get(f"/partner/cooperatives/{coop}/profile",
                                 headers=api.token("coop_admin", cooperative_id=coop))
    assert (clerk.status_code, clerk.json()["code"]) == (403, "forbidden")
    anonymous = await api.client.get(f"/partner/cooperatives/{coop}/profile")
    assert anonymous.status_code == 401
    assert await api.rows("SELECT count(*) AS n FROM partner_feed") == before
    assert (await profile(gateway, bank, coop, months=36)).status_code == 200

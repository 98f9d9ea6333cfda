"""The economy seeder's dealings with the APIs (gotong_devstack.economy_seed), on a fake API."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import pytest

from gotong_devstack import demo, economy, economy_seed
from gotong_devstack.demo import ApiError, Reply

pytestmark = pytest.mark.unit

TODAY = date(2026, 12, 7)
Handler = Callable[[str, str, Mapping[str, Any] | None, str | None], Reply]


def coop(slug: str) -> tuple[economy.CoopEconomy, demo.DemoCoop]:
    federation = demo.build_demo(TODAY)
    found = next(c for c in federation if c.spec.slug == slug)
    return next(e for e in economy.build_economy(federation, TODAY) if e.slug == slug), found


def seeder(slug: str, monkeypatch: pytest.MonkeyPatch, handler: Handler,
           ) -> economy_seed._CoopSeeder:
    def fake_call(base_url: str, method: str, path: str, *, token: str | None = None,
                  body: Mapping[str, Any] | None = None, key: str | None = None,
                  timeout: float = 30.0, raw: tuple[bytes, str] | None = None) -> Reply:
        assert token
        if raw is not None:  # an upload: the handler sees its bytes and media type
            body = {"raw": raw}
        return handler(method, path, body, key)

    monkeypatch.setattr(economy_seed, "call", fake_call)
    monkeypatch.setattr(time, "sleep", lambda _: None)
    e, members = coop(slug)
    record = economy_seed.CoopRecord(
        name=slug, economy=e, cooperative_id="coop-1",
        member_ids={a.seq: f"member-{a.seq}" for a in members.applicants
                    if a.outcome == "admitted"})
    endpoints = economy_seed.Endpoints(inventory="http://inv", payments="http://pay")
    tokens = economy_seed.Tokens(lambda role, subject, coop_id: f"{role}:{subject}")
    return economy_seed._CoopSeeder(record, endpoints, tokens, economy_seed.Counts())


def problem(status: int, code: str) -> ApiError:
    return ApiError("POST", "http://inv/x", status,
                    json.dumps({"status": status, "code": code, "detail": code}))


def test_a_price_list_already_in_use_asks_for_a_fresh_start(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def handler(method: str, path: str, body: Mapping[str, Any] | None,
                key: str | None) -> Reply:
        if path.endswith("/prices"):
            assert body is not None
            assert body["effective_from"] == "2026-09-24"  # a week before October
            raise problem(422, "price-backdated")
        if path.endswith("/warehouses"):
            return Reply(201, True, {"warehouse_id": f"wh-{key}"})
        return Reply(201, True, {"product_id": f"p-{key}"})

    s = seeder("tenun-lambanapu", monkeypatch, handler)
    with pytest.raises(economy_seed.EconomyError) as caught:
        s.inventory()
    message = str(caught.value)
    assert "cannot be backdated" in message
    assert economy_seed.START_AFRESH in message
    assert "make stop && make down && rm -rf .stack && make run" in message


def test_another_refusal_of_a_price_is_not_taken_for_an_old_database(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def handler(method: str, path: str, body: Mapping[str, Any] | None,
                key: str | None) -> Reply:
        if path.endswith("/prices"):
            raise problem(422, "price-not-positive")
        return Reply(201, False, {"warehouse_id": "w", "product_id": "p"})

    with pytest.raises(ApiError):
        seeder("tenun-lambanapu", monkeypatch, handler).inventory()


def test_members_are_probed_until_inventory_knows_them_and_nothing_is_sold(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, int] = {}

    def handler(method: str, path: str, body: Mapping[str, Any] | None,
                key: str | None) -> Reply:
        assert (method, path) == ("POST", "/cooperatives/coop-1/sales")
        assert body is not None
        assert key is not None
        assert body["lines"][0]["qty"] == economy_seed.PROBE_QTY
        assert sum(p["amount_idr"] for p in body["payments"]) <= 1_000_000_000_000
        seen[body["member_id"]] = seen.get(body["member_id"], 0) + 1
        if seen[body["member_id"]] == 1:
            raise problem(422, "not-an-active-member")
        raise problem(409, "insufficient-stock")

    s = seeder("kopi-wewewa", monkeypatch, handler)
    product_ids = {p.sku: f"p-{p.sku}" for p in s.e.products}
    s.wait_for_members("shop-1", product_ids)
    buyers = {sale.member_seq for sale in s.e.sales if sale.member_seq is not None}
    suppliers = {p.member_seq for p in s.e.produce}
    assert seen == {f"member-{seq}": 2 for seq in buyers | suppliers}
    assert s.counts.created == s.counts.replayed == 0


def test_an_upload_takes_the_first_answer_of_a_duplicate(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def handler(method: str, path: str, body: Mapping[str, Any] | None,
                key: str | None) -> Reply:
        assert path == "/cooperatives/coop-1/sync"
        assert key is None
        assert body is not None
        results = []
        for item in body["items"]:
            first = {"sale_id": f"sale-{item['device_seq']}", "total_idr": 1}
            if item["device_seq"] % 2:
                results.append({"client_id": item["client_id"], "status": "accepted",
                                "result": first, "flags": ["late_upload"]})
            else:
                results.append({"client_id": item["client_id"], "status": "duplicate",
                                "result": {"status": "accepted", "code": None,
                                           "result": first},
                                "flags": ["late_upload", "went_negative"]})
        return Reply(200, False, {"results": results})

    s = seeder("ksp-nusa-kenari", monkeypatch, handler)
    items = [{"client_id": f"c{n}", "device_seq": n} for n in range(1, 6)]
    results = s._upload("inventory", "till", items)
    assert [r["sale_id"] for r in results] == [f"sale-{n}" for n in range(1, 6)]
    assert (s.counts.accepted, s.counts.duplicates) == (3, 2)
    assert s.r.flags == {"late_upload": 5, "went_negative": 2}


def test_a_refused_offline_fact_stops_the_seeding(monkeypatch: pytest.MonkeyPatch) -> None:
    def handler(method: str, path: str, body: Mapping[str, Any] | None,
                key: str | None) -> Reply:
        assert body is not None
        return Reply(200, False, {"results": [
            {"client_id": i["client_id"], "status": "rejected", "code": "no-price-on-date",
             "detail": "no price"} for i in body["items"]]})

    s = seeder("ksp-nusa-kenari", monkeypatch, handler)
    with pytest.raises(economy_seed.EconomyError, match="no-price-on-date"):
        s._upload("inventory", "till", [{"client_id": "c1", "device_seq": 1}])


def test_the_catalogue_is_seeded_with_a_picture_per_listing_and_the_story(
        monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[tuple[str, Mapping[str, Any] | None, str | None]] = []

    def handler(method: str, path: str, body: Mapping[str, Any] | None,
                key: str | None) -> Reply:
        sent.append((path, body, key))
        if path.endswith("/catalogue-images"):
            return Reply(201, False, {"path": f"/gambar/image-{len(sent)}"})
        return Reply(201, False, {"product_id": f"product-{key}"})

    s = seeder("kdkmp-kilwaru", monkeypatch, handler)
    s._catalogue({"shop": "warehouse-shop"}, {})
    paths = [path.removeprefix("/cooperatives/coop-1") for path, _, _ in sent]
    assert paths == ["/products", "/warehouses/warehouse-shop/goods-receipts",
                     "/catalogue-images", "/listings", "/storefront"]
    image, listing = sent[2][1], sent[3][1]
    assert image is not None
    assert image["raw"][1] == "image/svg+xml"
    assert listing is not None
    assert listing["photos"] == ["/gambar/image-3"]
    assert listing["product_id"] == "product-demo-v1-product-kdkmp-kilwaru-PALA-BIJI-KERING"
    assert listing["origin"] == {"regency": "Seram Bagian Timur", "village": "Kilwaru"}
    # fixed keys: a second run replays every request
    assert [key for _, _, key in sent][2:] == [
        "demo-v1-image-kdkmp-kilwaru-PALA-BIJI-KERING",
        "demo-v1-listing-kdkmp-kilwaru-PALA-BIJI-KERING", "demo-v1-storefront-kdkmp-kilwaru"]

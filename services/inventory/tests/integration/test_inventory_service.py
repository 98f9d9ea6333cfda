"""The service's process surface: probes, metrics, OpenAPI, migrations on a fresh database."""

from __future__ import annotations

import pytest
from inventory_api_support import Api, a_shop, receive

pytestmark = pytest.mark.integration


async def test_probes_and_the_outbox_backlog_metric(api: Api) -> None:
    assert (await api.client.get("/health")).json() == {"status": "ok"}
    ready = await api.client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"postgres": "ok"}
    shop = await a_shop(api)
    await receive(api, shop, shop.rice, 1000, 12_000)
    waiting = len(await api.outbox())
    metrics = (await api.client.get("/metrics")).text
    assert f'gotong_outbox_backlog_events{{service="inventory"}} {float(waiting)}' in metrics


async def test_every_post_documents_its_idempotency_key_but_sync(api: Api) -> None:
    spec = (await api.client.get("/openapi.json")).json()
    posts = {path: op["post"] for path, op in spec["paths"].items() if "post" in op}
    assert len(posts) == 22  # 11, the public catalogue's 5 and the 6 of orders
    for path, op in posts.items():
        headers = {p["name"] for p in op.get("parameters", []) if p["in"] == "header"}
        assert ("Idempotency-Key" in headers) is (not path.endswith("/sync")), path
    assert "examples" in spec["components"]["schemas"]["SaleIn"]


async def test_unauthenticated_callers_get_401(api: Api) -> None:
    shop = await a_shop(api)
    answer = await api.client.get(shop.path("/products"))
    assert answer.status_code == 401

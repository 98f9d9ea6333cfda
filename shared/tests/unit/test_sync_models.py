"""The offline sync API models: validation of a batch (no database)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import ValidationError

from gotong_platform.http import install_problem_handlers
from gotong_platform.sync import (
    MAX_BATCH_ITEMS,
    SyncBatch,
    SyncBatchResult,
    SyncItem,
    SyncItemResult,
)

pytestmark = pytest.mark.unit

WITA = timezone(timedelta(hours=8))


def an_item(seq: int, **overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "client_id": f"01JD3Q8Z6X4T9KQ2M7V5R1B{seq:03d}",
        "device_seq": seq,
        "type": "sale",
        "occurred_at": "2026-11-28T09:15:00+08:00",
        "business_date": "2026-11-28",
        "payload": {"amount_idr": 150000},
    }
    item.update(overrides)
    return item


def a_batch(*items: dict[str, Any], device_id: str = "hp-03") -> dict[str, Any]:
    return {"device_id": device_id, "items": list(items)}


def test_a_valid_batch_parses_from_json() -> None:
    batch = SyncBatch.model_validate(a_batch(an_item(1), an_item(2), an_item(7)))
    assert [i.device_seq for i in batch.items] == [1, 2, 7]
    first = batch.items[0]
    assert first.occurred_at == datetime(2026, 11, 28, 9, 15, tzinfo=WITA)
    assert first.occurred_at.utcoffset() == timedelta(hours=8)
    assert first.business_date == date(2026, 11, 28)
    assert first.payload == {"amount_idr": 150000}


@pytest.mark.parametrize("model", [SyncItem, SyncBatch, SyncItemResult, SyncBatchResult])
def test_the_openapi_examples_are_valid(model: type[SyncItem]) -> None:
    extra = model.model_config.get("json_schema_extra")
    assert isinstance(extra, dict)
    examples = extra["examples"]
    assert isinstance(examples, list)
    assert examples
    for example in examples:
        model.model_validate(example)


@pytest.mark.parametrize("seqs", [[2, 1], [1, 1], [1, 3, 2], [5, 6, 6]])
def test_device_seq_must_strictly_increase(seqs: list[int]) -> None:
    items = [an_item(s, client_id=f"c-{n}") for n, s in enumerate(seqs)]
    with pytest.raises(ValidationError, match="strictly increasing"):
        SyncBatch.model_validate(a_batch(*items))


def test_client_ids_must_be_unique_within_a_batch() -> None:
    with pytest.raises(ValidationError, match="more than once"):
        SyncBatch.model_validate(a_batch(an_item(1, client_id="x"), an_item(2, client_id="x")))


@pytest.mark.parametrize("when", ["2026-11-28T09:15:00", "2026-11-28T09:15:00.123"])
def test_occurred_at_must_carry_a_time_zone(when: str) -> None:
    with pytest.raises(ValidationError, match="timezone"):
        SyncItem.model_validate(an_item(1, occurred_at=when))


def test_a_naive_datetime_object_is_refused_too() -> None:
    with pytest.raises(ValidationError):
        SyncItem.model_validate(an_item(1, occurred_at=datetime(2026, 11, 28, 9, 15)))
    assert SyncItem.model_validate(an_item(1, occurred_at=datetime(2026, 11, 28, tzinfo=UTC)))


def test_a_batch_holds_1_to_500_items() -> None:
    with pytest.raises(ValidationError, match="at least 1 item"):
        SyncBatch.model_validate(a_batch())
    full = [an_item(s) for s in range(1, MAX_BATCH_ITEMS + 1)]
    assert len(SyncBatch.model_validate(a_batch(*full)).items) == MAX_BATCH_ITEMS
    with pytest.raises(ValidationError, match="at most 500 items"):
        SyncBatch.model_validate(a_batch(*full, an_item(MAX_BATCH_ITEMS + 1)))


@pytest.mark.parametrize(
    "client_id", ["", "x" * 101, "with space", "tab\there", "caf\u00e9", "nul\x00"],
    ids=["empty", "too long", "space", "tab", "non-ascii", "nul"],
)
def test_client_id_is_1_to_100_printable_characters(client_id: str) -> None:
    with pytest.raises(ValidationError, match="client_id"):
        SyncItem.model_validate(an_item(1, client_id=client_id))


def test_client_id_accepts_uuids_and_ulids_up_to_100_characters() -> None:
    for client_id in ("0193a6c2-7b1e-7c3a-9f2d-5e8b1a4c6d20", "01JD3Q8Z6X4T9KQ2M7V5R1B8NC",
                      "x" * 100):
        assert SyncItem.model_validate(an_item(1, client_id=client_id)).client_id == client_id


@pytest.mark.parametrize("device_id", ["", "d" * 101, "hp 03"])
def test_device_id_is_1_to_100_printable_characters(device_id: str) -> None:
    with pytest.raises(ValidationError, match="device_id"):
        SyncBatch.model_validate(a_batch(an_item(1), device_id=device_id))


@pytest.mark.parametrize("seq", [0, -1, 2**63, True, "3", 1.5])
def test_device_seq_is_a_positive_bigint(seq: object) -> None:
    with pytest.raises(ValidationError, match="device_seq"):
        SyncItem.model_validate(an_item(1, device_seq=seq))


def test_device_seq_as_a_json_string_is_refused() -> None:
    with pytest.raises(ValidationError, match="device_seq"):
        SyncItem.model_validate_json(
            '{"client_id": "c", "device_seq": "3", "type": "sale", '
            '"occurred_at": "2026-11-28T09:15:00Z", "business_date": "2026-11-28", '
            '"payload": {}}'
        )


@pytest.mark.parametrize("fact_type", ["", "Sale", "sale receipt", "1sale", "x" * 65])
def test_type_is_a_snake_case_name(fact_type: str) -> None:
    with pytest.raises(ValidationError, match="type"):
        SyncItem.model_validate(an_item(1, type=fact_type))


@pytest.mark.parametrize("missing", ["client_id", "device_seq", "type", "occurred_at",
                                     "business_date", "payload"])
def test_every_item_field_is_required(missing: str) -> None:
    item = an_item(1)
    del item[missing]
    with pytest.raises(ValidationError, match=missing):
        SyncItem.model_validate(item)


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError, match="extra"):
        SyncItem.model_validate(an_item(1, recorded_at="2026-11-28T09:15:00Z"))
    with pytest.raises(ValidationError, match="extra"):
        SyncBatch.model_validate({**a_batch(an_item(1)), "cooperative_id": "kop-b"})


def test_the_result_serialises_gaps_as_pairs() -> None:
    result = SyncBatchResult(
        device_id="hp-03",
        results=[SyncItemResult(client_id="c1", device_seq=5, status="accepted",
                                result={"receipt_no": "R-5"})],
        gaps=[(3, 4)], highest_seq=5,
    )
    assert result.model_dump(mode="json") == {
        "device_id": "hp-03",
        "results": [{"client_id": "c1", "device_seq": 5, "status": "accepted", "code": None,
                     "detail": None, "result": {"receipt_no": "R-5"}, "flags": []}],
        "gaps": [[3, 4]],
        "highest_seq": 5,
    }


def test_an_item_status_outside_the_three_is_refused() -> None:
    with pytest.raises(ValidationError, match="status"):
        SyncItemResult(client_id="c", device_seq=1, status="pending")


# --- at the HTTP edge: a bad batch is a 422 problem, the whole batch refused ---------------

@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/cooperatives/{cooperative_id}/sync")
    async def sync(cooperative_id: str, batch: SyncBatch) -> dict[str, int]:
        return {"items": len(batch.items)}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


URL = "/cooperatives/kop-a/sync"


async def test_a_valid_batch_reaches_the_route(client: httpx.AsyncClient) -> None:
    response = await client.post(URL, json=a_batch(an_item(1), an_item(2)))
    assert response.status_code == 200
    assert response.json() == {"items": 2}


@pytest.mark.parametrize(
    "body",
    [
        a_batch(an_item(2), an_item(1, client_id="other")),
        a_batch(an_item(1, client_id="same"), an_item(2, client_id="same")),
        a_batch(an_item(1, occurred_at="2026-11-28T09:15:00")),
        a_batch(),
    ],
    ids=["seq not increasing", "client_id repeated", "naive occurred_at", "empty"],
)
async def test_an_invalid_batch_is_422(client: httpx.AsyncClient, body: dict[str, Any]) -> None:
    response = await client.post(URL, json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "invalid-request"

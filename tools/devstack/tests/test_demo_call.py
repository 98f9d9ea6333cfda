"""The demo's HTTP client waits out the APIs' per-principal rate limit (429 Retry-After)."""

from __future__ import annotations

import email.message
import io
import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from gotong_devstack import demo
from gotong_devstack.demo import ApiError

pytestmark = pytest.mark.unit

LIMITED = json.dumps({"status": 429, "code": "rate-limited"}).encode()


class FakeResponse:
    status = 201
    headers: dict[str, str] = {}

    def __enter__(self) -> FakeResponse:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def read(self) -> bytes:
        return b'{"member_id": "member-1"}'


def rate_limited(retry_after: str) -> urllib.error.HTTPError:
    headers = email.message.Message()
    headers["Retry-After"] = retry_after
    return urllib.error.HTTPError("http://api/x", 429, "Too Many Requests", headers,
                                  io.BytesIO(LIMITED))


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr(demo, "sleep", waits.append)
    return waits


def answering(monkeypatch: pytest.MonkeyPatch, *answers: Any) -> None:
    pending = list(answers)

    def urlopen(request: urllib.request.Request, timeout: float) -> FakeResponse:
        answer = pending.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return FakeResponse()

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)


def test_a_429_is_waited_out_as_retry_after_says(monkeypatch: pytest.MonkeyPatch,
                                                 slept: list[float]) -> None:
    answering(monkeypatch, rate_limited("3"), rate_limited("not-a-number"), FakeResponse())
    reply = demo.call("http://api", "POST", "/x", token="t", body={"a": 1}, key="k-1")
    assert reply.status == 201
    assert reply.data == {"member_id": "member-1"}
    assert slept == [3.0, 1.0]


def test_a_long_retry_after_is_capped(monkeypatch: pytest.MonkeyPatch,
                                      slept: list[float]) -> None:
    answering(monkeypatch, rate_limited("3600"), FakeResponse())
    demo.call("http://api", "GET", "/x")
    assert slept == [demo.MAX_RATE_LIMIT_WAIT_S]


def test_a_limit_that_never_lifts_is_an_api_error(monkeypatch: pytest.MonkeyPatch,
                                                  slept: list[float]) -> None:
    monkeypatch.setattr(demo, "RATE_LIMITED_TRIES", 3)
    answering(monkeypatch, *(rate_limited("1") for _ in range(3)))
    with pytest.raises(ApiError) as refused:
        demo.call("http://api", "GET", "/x")
    assert refused.value.status == 429
    assert len(slept) == 2

"""The webhook's rules: where events may be pushed, and how failures are retried."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partners.domain import (
    ROTATION_OVERLAP,
    InvalidWebhookUrl,
    SendOutcome,
    WebhookEndpoint,
    after_failure,
    retry_delay,
    sink_url,
)
from partners.domain.webhook import LONGEST_RETRY, RETRY_FOR

pytestmark = pytest.mark.unit

START = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)


def endpoint(failures: int = 0, since: datetime | None = None) -> WebhookEndpoint:
    return WebhookEndpoint(subscription_id="subscription-1", partner_id="partner-1",
                           url="https://bank.example/hook",
                           secret="whsec_x", delivered_position=0, failures=failures,
                           failing_since=since)


@given(failures=st.integers(min_value=1, max_value=10_000))
def test_retries_double_from_a_second_up_to_an_hour(failures: int) -> None:
    delay = retry_delay(failures)
    assert timedelta(seconds=1) <= delay <= LONGEST_RETRY
    assert retry_delay(failures + 1) in (delay * 2, LONGEST_RETRY)
    assert retry_delay(failures + 1) >= delay


@given(failures=st.integers(min_value=0, max_value=500),
       failing_for=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10)))
def test_an_endpoint_is_disabled_exactly_when_it_has_failed_for_three_days(
    failures: int, failing_for: timedelta,
) -> None:
    since = None if failures == 0 else START
    now = START + (failing_for if since else timedelta(0))
    after = after_failure(endpoint(failures, since), now)

    assert after.failures == failures + 1
    assert after.failing_since == (since or now)  # the first failure of the streak
    assert after.next_attempt_at == now + retry_delay(failures + 1)
    assert after.disabled is (now - after.failing_since >= RETRY_FOR)


def test_only_a_2xx_answer_is_accepted() -> None:
    assert [SendOutcome(status=s).accepted for s in (200, 204, 299, 300, 410, 500)] == [
        True, True, True, False, False, False]
    assert not SendOutcome(status=None, error="ConnectError").accepted


@pytest.mark.parametrize("url", [
    "http://bank.example/hook", "ftp://bank.example/hook", "https:///hook", "bank.example/hook",
    "https://user:pw@bank.example/hook", "https://bank.example/" + "x" * 2000,
])
def test_a_sink_must_be_an_absolute_https_url_without_credentials(url: str) -> None:
    with pytest.raises(InvalidWebhookUrl) as refused:
        sink_url(url, allow_http=False)
    assert refused.value.detail.endswith(".")


def test_plain_http_only_in_development() -> None:
    assert sink_url(" http://127.0.0.1:9000/hook ", allow_http=True) == (
        "http://127.0.0.1:9000/hook")
    assert sink_url("https://bank.example/hook", allow_http=False) == (
        "https://bank.example/hook")


def test_a_rotation_signs_with_both_secrets_until_its_overlap_ends() -> None:
    rotated_at = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
    endpoint = WebhookEndpoint(subscription_id="s", partner_id="p", url="https://bank.example/hook",
                               secret="whsec_NEW",
                               delivered_position=0, failures=0, failing_since=None,
                               previous_secret="whsec_OLD",
                               previous_until=rotated_at + ROTATION_OVERLAP)
    assert endpoint.signing_secrets(rotated_at) == ("whsec_NEW", "whsec_OLD")
    last = rotated_at + ROTATION_OVERLAP - timedelta(microseconds=1)
    assert endpoint.signing_secrets(last) == ("whsec_NEW", "whsec_OLD")
    assert endpoint.signing_secrets(rotated_at + ROTATION_OVERLAP) == ("whsec_NEW",)
    never_rotated = dataclasses.replace(endpoint, previous_secret=None, previous_until=None)
    assert never_rotated.signing_secrets(rotated_at) == ("whsec_NEW",)
    assert "whsec_" not in repr(endpoint)  # secrets are never logged

"""schemathesis over every service's OpenAPI document, against the services themselves.

Each service's ASGI app runs in-process over its own fresh PostgreSQL database, with
its relay and consumer on real Kafka (``platform_support``), so the tenancy checks
pass for the cooperative seeded first through the APIs. Every operation of every
document then gets generated requests (schemathesis's positive mode: what the
document says is valid, and the document's own examples first), sent with a valid
bearer token, and each answer must pass four checks:

- ``not_a_server_error``: no 5xx for anything a client can send;
- ``status_code_conformance``: the status is one the document declares;
- ``content_type_conformance``: the Content-Type is the one declared for that status
  (``application/problem+json`` for every error);
- ``response_schema_conformance``: the body matches the declared schema.

Bounded and repeatable: ``MAX_EXAMPLES`` per operation, derandomized generation (the
same examples on every run, whatever the day) and no example database. Path
parameters that name the seeded cooperative, member, loan, warehouse and product are
fixed, so requests reach the routes' own logic instead of stopping at a 404; the rest
are generated. Each operation calls as its own principal (the rate limit is per
principal, and its default burst covers ``MAX_EXAMPLES``), with a fresh
Idempotency-Key per request. The log line of each run gives its requests, statuses
and duration.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from platform_support import SERVICES, Platform, Service
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from gotong_platform.auth import Role

pytestmark = [
    pytest.mark.e2e,
    # schemathesis's own strategies use ``random``; nothing this test can change.
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning"),
]

MAX_EXAMPLES = 50
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
REQUEST_TIMEOUT_S = 30.0

logger = logging.getLogger(__name__)


def _fuzz(platform: Platform, service: Service, loop: asyncio.AbstractEventLoop
          ) -> tuple[list[str], Counter[int]]:
    """Every operation's examples, run in this worker thread (requests go to ``loop``).
    Returns the failures (one per operation, shrunk by hypothesis) and the statuses."""
    schema = schemathesis.openapi.from_dict(service.document)
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        names = {parameter.name for parameter in operation.path_parameters}
        token = _token(platform, operation)
        strategy = operation.as_strategy(
            path_parameters={name: value for name, value in platform.ids.items()
                             if name in names})

        def call(case: schemathesis.Case, token: str = token) -> httpx.Response:
            response = _send(service, case, token, loop)
            statuses[response.status_code] += 1
            return response

        try:
            _run_examples(strategy, call)
        except (Exception, FailureGroup) as exc:  # a check failed: report it, go on
            failures.append(f"{service.name} {operation.label}:\n{exc}")
    return failures, statuses


def _token(platform: Platform, operation: schemathesis.APIOperation) -> str:
    """A coop_admin of the seeded cooperative under its path, the seeded partner on its
    own feed, else a federation admin; one subject per operation, so no operation's
    requests rate-limit another's."""
    subject = f"oa-{operation.method}-{operation.path}"
    if operation.path.startswith("/partner/"):
        return platform.token(Role.PARTNER, platform.ids["partner_id"])
    if "{cooperative_id}" in operation.path:
        return platform.token(Role.COOP_ADMIN, subject)
    return platform.token(Role.FEDERATION_ADMIN, subject)


def _run_examples(strategy: Any, call: Callable[[schemathesis.Case], httpx.Response]) -> None:
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def examples(case: schemathesis.Case) -> None:
        case.validate_response(call(case), checks=CHECKS)

    examples()


def _send(service: Service, case: schemathesis.Case, token: str,
          loop: asyncio.AbstractEventLoop) -> httpx.Response:
    kwargs = case.as_transport_kwargs(base_url=f"http://{service.name}")
    headers = dict(kwargs.get("headers") or {})
    headers["Authorization"] = f"Bearer {token}"
    if "Idempotency-Key" in headers:
        headers["Idempotency-Key"] = uuid.uuid4().hex  # a new command every time
    request = service.client.request(
        kwargs["method"], kwargs["url"], headers=headers, params=kwargs.get("params"),
        json=kwargs.get("json"), content=kwargs.get("data"))
    return asyncio.run_coroutine_threadsafe(request, loop).result(REQUEST_TIMEOUT_S)


@pytest.mark.parametrize("name", SERVICES)
async def test_service_answers_as_its_openapi_document_says(platform: Platform, name: str
                                                            ) -> None:
    started = time.monotonic()
    # Hypothesis runs synchronously: in a worker thread, while this loop serves the apps.
    failures, statuses = await asyncio.to_thread(
        _fuzz, platform, platform.services[name], asyncio.get_running_loop())
    logger.warning("schemathesis %s: %d requests in %.1f s (statuses %s), %d failing operations",
                   name, statuses.total(), time.monotonic() - started,
                   dict(sorted(statuses.items())), len(failures))
    assert not failures, "\n\n".join(failures)

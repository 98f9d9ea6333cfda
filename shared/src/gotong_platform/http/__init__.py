"""The HTTP edge every service shares: problem+json errors, authentication,
central tenancy enforcement, Idempotency-Key handling and health probes.

A service's ``create_app`` sets ``app.state.cooperative_directory`` in its lifespan and
ends with ``gotong_platform.http.service.install_platform`` (token verifier, problem+json
errors, health probes, its routers, ``/metrics``, the request's trace context).
"""

from gotong_platform.http.health import ReadinessCheck, health_router
from gotong_platform.http.idempotency import (
    IDEMPOTENCY_DDL,
    IDEMPOTENCY_KEY_HEADER,
    REPLAYED_HEADER,
    IdempotencyKeyReused,
    IdempotencyRequest,
    StoredResponse,
    begin,
    complete,
    idempotency_key,
    replay_response,
    request_hash,
)
from gotong_platform.http.problems import install_problem_handlers
from gotong_platform.http.responses import (
    PROBLEM_MEDIA_TYPE,
    PROBLEM_TYPE_BASE,
    HTTPProblem,
    problem_response,
)
from gotong_platform.http.security import PrincipalDep, current_principal
from gotong_platform.http.tenancy import (
    COOPERATIVE_PREFIX,
    CooperativeDirectory,
    CooperativeScopeDep,
    Scope,
    cooperative_router,
    cooperative_scope,
    require_action,
)
from gotong_platform.http.unhandled import UnhandledErrorMiddleware, trace_id_of

__all__ = [
    "COOPERATIVE_PREFIX",
    "IDEMPOTENCY_DDL",
    "IDEMPOTENCY_KEY_HEADER",
    "PROBLEM_MEDIA_TYPE",
    "PROBLEM_TYPE_BASE",
    "REPLAYED_HEADER",
    "CooperativeDirectory",
    "CooperativeScopeDep",
    "HTTPProblem",
    "IdempotencyKeyReused",
    "IdempotencyRequest",
    "PrincipalDep",
    "ReadinessCheck",
    "Scope",
    "StoredResponse",
    "UnhandledErrorMiddleware",
    "begin",
    "complete",
    "cooperative_router",
    "cooperative_scope",
    "current_principal",
    "health_router",
    "idempotency_key",
    "install_problem_handlers",
    "problem_response",
    "replay_response",
    "request_hash",
    "require_action",
    "trace_id_of",
]

"""Every error an API can produce, translated to an RFC 9457 problem.

``install_problem_handlers(app)`` maps, at the edge and nowhere else:

- ``DomainError`` kinds: InvalidInput 422, RuleViolated 409, NotFound 404,
  ConcurrencyConflict 409 (``code`` = the error's slug);
- request validation (including malformed JSON) to 422, naming the invalid
  fields but never echoing their values;
- ``HTTPException`` (and ``HTTPProblem``) to a problem with its status;
- asyncpg refusing to encode a query argument because an integer does not fit its
  column (``OverflowError``: "value out of int32 range") to 422 ``number-out-of-range``:
  such an integer can only have come from the client (the request guard refuses JSON
  integers beyond 64 bits; this catches smaller columns, numeric strings and ``1e19``
  taken by a lax ``int`` field), and the command's transaction rolls back;
- anything else to a 500 with a trace id (see ``unhandled``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any, TypeVar

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from gotong_platform.domain import (
    ConcurrencyConflict,
    DomainError,
    InvalidInput,
    NotFound,
    RuleViolated,
)
from gotong_platform.http.responses import (
    PROBLEM_MEDIA_TYPE,
    PROBLEM_TYPE_BASE,
    HTTPProblem,
    problem_response,
)
from gotong_platform.http.unhandled import UnhandledErrorMiddleware

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "PROBLEM_TYPE_BASE",
    "HTTPProblem",
    "install_problem_handlers",
    "problem_response",
]

_E = TypeVar("_E", bound=Exception)
_Handler = Callable[[Request, Exception], Awaitable[Response]]

# Checked in order; a subclass names its own ``code`` but keeps its kind's status.
_DOMAIN_KINDS: tuple[tuple[type[DomainError], int, str], ...] = (
    (InvalidInput, 422, "Invalid input"),
    (RuleViolated, 409, "Rule violated"),
    (NotFound, 404, "Not found"),
    (ConcurrencyConflict, 409, "Concurrency conflict"),
)


def install_problem_handlers(app: FastAPI) -> None:
    """Make every error response of ``app`` a problem; call before the app starts."""
    app.add_exception_handler(DomainError, _handler(DomainError, _domain_problem))
    app.add_exception_handler(RequestValidationError, _handler(RequestValidationError, _invalid))
    app.add_exception_handler(HTTPProblem, _handler(HTTPProblem, HTTPProblem.to_response))
    app.add_exception_handler(HTTPException, _handler(HTTPException, _http_problem))
    app.add_exception_handler(asyncpg.DataError, _handler(asyncpg.DataError, _out_of_range))
    app.add_middleware(UnhandledErrorMiddleware)


def _handler(kind: type[_E], render: Callable[[_E], Response]) -> _Handler:
    # Starlette types every handler as taking ``Exception``; it dispatches by
    # class, so the isinstance check only narrows the type for mypy.
    async def handle(request: Request, exc: Exception) -> Response:
        if not isinstance(exc, kind):
            raise exc
        return render(exc)

    return handle


def _domain_problem(exc: DomainError) -> Response:
    for kind, status, title in _DOMAIN_KINDS:
        if isinstance(exc, kind):
            return problem_response(status, title, exc.detail, exc.code)
    # A DomainError outside the four kinds is still a refused command, not a
    # server fault: answer 400 rather than let it become a 500.
    return problem_response(400, "Command refused", exc.detail, exc.code)


def _invalid(exc: RequestValidationError) -> Response:
    # Only where and what: pydantic's ``input`` and ``ctx`` carry the submitted
    # values (a NIK, a phone number), which must not come back in the body or
    # reach whatever logs responses. Custom validators must keep values out of
    # their messages for the same reason.
    errors = [_field_error(error) for error in exc.errors()]
    return problem_response(
        422, "Invalid request", "the request failed validation", "invalid-request", errors=errors
    )


def _field_error(error: Any) -> dict[str, Any]:
    return {
        "loc": list(error.get("loc", ())),
        "msg": error.get("msg", ""),
        "type": error.get("type", ""),
    }


def _out_of_range(exc: asyncpg.DataError) -> Response:
    if not isinstance(exc.__cause__, OverflowError):
        # Any other data error (a wrong type, a sum that overflows in PostgreSQL) is the
        # server's fault: the unhandled-error middleware answers 500 and logs it.
        raise exc
    # asyncpg's message quotes the value; the answer must not.
    return problem_response(
        422, "Invalid request", "a number is too large for the field it was given for",
        "number-out-of-range")


def _http_problem(exc: HTTPException) -> Response:
    if exc.status_code in {204, 304}:  # these statuses must not carry a body
        return Response(status_code=exc.status_code, headers=exc.headers)
    title = _phrase(exc.status_code)
    return problem_response(
        exc.status_code, title, str(exc.detail), _slug(title), headers=exc.headers
    )


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _slug(title: str) -> str:
    return "-".join(title.lower().replace("'", "").split())

"""The OpenAPI document says what the platform's edge does, for every operation.

FastAPI documents each route from its own signature, which misses what the shared
edge adds around it. ``document_platform(app)`` completes the generated document:

- every error answer is ``application/problem+json`` with the ``Problem`` schema
  (FastAPI declares ``application/json`` and its own validation-error shape);
- ``Idempotency-Key`` is required on the operations that take it (the dependency
  answers its own 400 problem when it is missing, so FastAPI sees it as optional);
- the statuses the edge can answer are declared where they can happen: 400, 413, 422
  and 431 on every operation (the request guard screens every request); 503 on all but
  liveness (they may find the database away); 401, 403 and 429 on authenticated ones;
  404 where the path names something; 409 on commands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from gotong_platform.http.idempotency import IDEMPOTENCY_KEY_HEADER
from gotong_platform.http.responses import PROBLEM_MEDIA_TYPE

__all__ = ["PROBLEM_SCHEMA", "complete_document", "document_platform"]

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; ``code`` repeats the last segment of ``type``.",
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "the invalid fields: where and what, never the value sent",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array",
                            "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
        "trace_id": {"type": "string", "description": "on a 500: quote it when reporting"},
    },
    "additionalProperties": True,
}
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_IDEMPOTENCY_KEY_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 255,
                           "pattern": "^[ -~]+$"}
_COMMAND_METHODS = frozenset({"post", "put", "patch", "delete"})

_EVERY_OPERATION = {
    "400": "malformed request: a NUL character in the URL, a body that is not JSON, "
           "or a missing or invalid Idempotency-Key",
    "413": "the body is larger than the limit (larger for /sync uploads)",
    "422": "the request failed validation (the fields in ``errors``), or holds a value no "
           "service can store (a NUL character, a number beyond 64 bits)",
    "431": "the request headers are larger than the limit",
}
# Every operation but liveness reads or writes the database, which may be away.
_USES_DATABASE = {"503": "the database cannot be reached right now (nothing was changed): "
                         "retry after ``Retry-After`` seconds"}
_LIVENESS_PATHS = frozenset({"/health", "/metrics"})
_AUTHENTICATED = {
    "401": "no bearer token, or one that is invalid, expired or lives too long",
    "403": "the caller's role may not do this here",
    "429": "too many requests from this caller: wait ``Retry-After`` seconds",
}
_NAMED_BY_PATH = {"404": "not found, or not visible to the caller"}
_COMMAND = {"409": "refused by a business rule, or a concurrent change won"}
_HEADERS: dict[str, dict[str, Any]] = {
    "401": {"WWW-Authenticate": {"description": "the bearer challenge (RFC 6750)",
                                 "schema": {"type": "string"}}},
    "429": {"Retry-After": {"description": "seconds until a request is allowed again",
                            "schema": {"type": "integer", "minimum": 1}}},
    "503": {"Retry-After": {"description": "seconds to wait before retrying",
                            "schema": {"type": "integer", "minimum": 1}}},
}
_FASTAPI_ERROR_SCHEMAS = ("HTTPValidationError", "ValidationError")


def document_platform(app: FastAPI) -> None:
    """Complete ``app``'s OpenAPI document once, when it is first asked for."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete_document(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete_document(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the platform's edge declared (changed in place and returned)."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_ERROR_SCHEMAS:
        schemas.pop(name, None)
    schemas["Problem"] = PROBLEM_SCHEMA
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            _complete_operation(path, method, operation)
    return document


def _complete_operation(path: str, method: str, operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "header" and parameter["name"] == IDEMPOTENCY_KEY_HEADER:
            parameter["required"] = True
            parameter["schema"] = {**_IDEMPOTENCY_KEY_SCHEMA,
                                   "description": parameter.get("description", "")}
    statuses = dict(_EVERY_OPERATION)
    if path not in _LIVENESS_PATHS:
        statuses |= _USES_DATABASE
    if operation.get("security"):
        statuses |= _AUTHENTICATED
    if "{" in path:
        statuses |= _NAMED_BY_PATH
    if method in _COMMAND_METHODS:
        statuses |= _COMMAND
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status, description in statuses.items():
        responses.setdefault(status, {"description": description})
    for status, response in responses.items():
        if status.isdigit() and int(status) >= 400:
            _as_problem(status, response)


def _as_problem(status: str, response: dict[str, Any]) -> None:
    if response.get("description") == "Validation Error":  # FastAPI's own 422 entry
        response["description"] = _EVERY_OPERATION["422"]
    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}}
    if status in _HEADERS:
        response["headers"] = _HEADERS[status]

"""The request guard: what is refused before any route, dependency or parser runs.

In this order, each a problem+json answer:

- 431 when the request's headers add up to more than ``max_header_bytes`` (an 8 MB
  ``Authorization`` header was otherwise decoded and verified);
- 400 when the path or the query string holds a NUL character (``%00``): PostgreSQL
  text cannot hold one, so a path parameter such as ``/cooperatives/%00/loans`` used
  to end in a 500;
- 413 when the body is larger than ``max_body_bytes`` (``max_sync_body_bytes`` for a
  POST to a path ending in ``/sync``, the offline batch uploads), said by
  ``Content-Length`` or counted while reading;
- 422 when a JSON body holds a value no service can store (``json_guard``).

The body is read here once, bounded by its limit, and handed on unchanged: routes,
the Idempotency-Key hash and FastAPI's parser see exactly the bytes that were sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import unquote_to_bytes

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gotong_platform.http.json_guard import find_unsafe_json
from gotong_platform.http.responses import problem_response
from gotong_platform.settings import EdgeLimits

__all__ = ["RequestGuard"]

_NUL_IN_URL = "the URL holds a NUL character (%00), which no path or query parameter accepts"


class RequestGuard:
    """Pure ASGI middleware (no ``BaseHTTPMiddleware``: that would copy every body)."""

    def __init__(self, app: ASGIApp, limits: EdgeLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refuse_head(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        limit = self._body_limit(scope)
        if _declared_length(scope["headers"]) > limit:
            await _too_large(limit)(scope, receive, send)
            return
        try:
            body = await _read_body(receive, limit)
        except _Disconnected:
            return  # the client went away mid-body: no one to answer, nothing to run
        refusal = _too_large(limit) if body is None else _refuse_body(scope, body)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, _replay(body or b"", receive), send)

    def _refuse_head(self, scope: Scope) -> Response | None:
        headers: Sequence[tuple[bytes, bytes]] = scope["headers"]
        size = sum(len(name) + len(value) for name, value in headers)
        if size > self.limits.max_header_bytes:
            return problem_response(
                431, "Request Header Fields Too Large",
                f"the request headers add up to more than {self.limits.max_header_bytes} bytes",
                "request-headers-too-large")
        if "\x00" in scope["path"] or b"\x00" in unquote_to_bytes(scope["query_string"]):
            return problem_response(400, "Bad Request", _NUL_IN_URL, "nul-character")
        return None

    def _body_limit(self, scope: Scope) -> int:
        if scope["method"] == "POST" and scope["path"].endswith(self.limits.sync_path_suffix):
            return self.limits.max_sync_body_bytes
        return self.limits.max_body_bytes


def _declared_length(headers: Sequence[tuple[bytes, bytes]]) -> int:
    for name, value in headers:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0  # the server refuses a malformed length before the app sees it
    return 0


class _Disconnected(Exception):
    pass


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise _Disconnected
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # after the body: the disconnect, when it comes
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _parsed_as_json(headers: Sequence[tuple[bytes, bytes]]) -> bool:
    """Whether FastAPI would parse this body as JSON: no Content-Type at all, or
    ``application/json`` or ``application/<anything>+json`` (with any parameters)."""
    for name, value in headers:
        if name == b"content-type":
            media = value.split(b";", 1)[0].strip().lower()
            return media == b"application/json" or (
                media.startswith(b"application/") and media.endswith(b"+json"))
    return True


def _too_large(limit: int) -> Response:
    return problem_response(413, "Content Too Large",
                            f"the body is larger than {limit} bytes", "body-too-large")


def _refuse_body(scope: Scope, body: bytes) -> Response | None:
    if not body or not _parsed_as_json(scope["headers"]):
        return None
    unsafe = find_unsafe_json(body)
    if unsafe is None:
        return None
    error = {"loc": list(unsafe.loc), "msg": unsafe.detail, "type": unsafe.code}
    return problem_response(422, "Invalid request", unsafe.detail, unsafe.code,
                            errors=[error])

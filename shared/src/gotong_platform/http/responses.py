"""RFC 9457 problem details: the one error body every Gotong API returns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

__all__ = ["PROBLEM_MEDIA_TYPE", "PROBLEM_TYPE_BASE", "HTTPProblem", "problem_response"]

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://gotong.id/problems/"


def problem_response(
    status: int,
    title: str,
    detail: str,
    type_slug: str,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem+json response; ``code`` repeats ``type_slug`` for clients that switch on it.

    ``extra`` adds extension members; it cannot override the standard ones.
    """
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + type_slug,
        "title": title,
        "status": status,
        "detail": detail,
        "code": type_slug,
    }
    body.update((name, value) for name, value in extra.items() if name not in body)
    return JSONResponse(
        body, status_code=status, headers=dict(headers or {}), media_type=PROBLEM_MEDIA_TYPE
    )


class HTTPProblem(HTTPException):
    """Raised by dependencies to answer with a problem (they cannot return a response).

    It is an ``HTTPException`` so that even an app without the problem handlers
    still answers with the right status instead of a 500.
    """

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        type_slug: str,
        *,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(status_code=status, detail=detail, headers=dict(headers or {}))
        self.title = title
        self.type_slug = type_slug
        self.extra = extra

    def to_response(self) -> JSONResponse:
        return problem_response(
            self.status_code,
            self.title,
            self.detail,
            self.type_slug,
            headers=self.headers,
            **self.extra,
        )

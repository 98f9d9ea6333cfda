"""A page's static files: package data, read once each, served with an ETag.

Only the files a ``StaticFiles`` names exist (no path from a request reaches the disk);
each carries its media type and an ETag of its content, so a browser revalidates and a
new release shows at once. The regional dashboard (reporting) and the member's page
(payments) serve theirs through it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import Response

__all__ = ["Asset", "StaticFiles"]


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    media_type: str
    etag: str


class StaticFiles:
    """The files ``files`` (name -> media type) of ``package``'s ``static/`` folder."""

    def __init__(self, package: str, files: Mapping[str, str]) -> None:
        self.package = package
        self.files = dict(files)
        self.asset = cache(self._load)

    def __contains__(self, name: object) -> bool:
        return name in self.files

    def _load(self, name: str) -> Asset:
        """The file ``name`` (KeyError for a name not in ``files``)."""
        media_type = self.files[name]
        body = resources.files(self.package).joinpath("static", name).read_bytes()
        return Asset(body, media_type, f'"{hashlib.sha256(body).hexdigest()[:32]}"')

    def response(self, request: Request, name: str, headers: Mapping[str, str]) -> Response:
        """``name`` with ``headers`` and its ETag; 304 when the browser has it already."""
        file = self.asset(name)
        sent = {**headers, "ETag": file.etag}
        if request.headers.get("if-none-match") == file.etag:
            return Response(status_code=304, headers=sent)
        return Response(file.body, media_type=file.media_type, headers=sent)

"""The dashboard's static files: package data in ``static/``, read once each.

Only the files named in ``ASSETS`` exist (no path from a request reaches the disk);
each carries its media type and an ETag of its content, so a browser revalidates
and a new release shows at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["ASSETS", "Asset", "asset"]

# name -> media type: the only files served
ASSETS = {
    "index.html": "text/html; charset=utf-8",
    "dashboard.css": "text/css; charset=utf-8",
    "charts.js": "text/javascript; charset=utf-8",
    "dashboard.js": "text/javascript; charset=utf-8",
    "partners.js": "text/javascript; charset=utf-8",
}


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    media_type: str
    etag: str


@cache
def asset(name: str) -> Asset:
    """The file ``name`` of ``ASSETS`` (KeyError for any other name)."""
    media_type = ASSETS[name]
    body = resources.files(__package__).joinpath("static", name).read_bytes()
    digest = hashlib.sha256(body).hexdigest()[:32]
    return Asset(body, media_type, f'"{digest}"')

"""The member's page's static files: package data in ``static/``, read once each.

Only the files named in ``ASSETS`` exist (no path from a request reaches the disk);
each carries its media type and an ETag of its content.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["ASSETS", "Asset", "asset"]

ASSETS = {
    "index.html": "text/html; charset=utf-8",
    "anggota.css": "text/css; charset=utf-8",
    "anggota.js": "text/javascript; charset=utf-8",
    "sw.js": "text/javascript; charset=utf-8",
    "manifest.webmanifest": "application/manifest+json",
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
    return Asset(body, media_type, f'"{hashlib.sha256(body).hexdigest()[:32]}"')

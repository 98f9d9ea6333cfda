"""The member's page's static files (``static/``), served by ``gotong_platform.http.static``."""

from __future__ import annotations

from gotong_platform.http.static import StaticFiles

__all__ = ["ASSETS"]

# name -> media type: the only files served
ASSETS = StaticFiles(__package__ or "payments.entrypoints.member_page", {
    "index.html": "text/html; charset=utf-8",
    "anggota.css": "text/css; charset=utf-8",
    "anggota.js": "text/javascript; charset=utf-8",
    "sw.js": "text/javascript; charset=utf-8",
    "manifest.webmanifest": "application/manifest+json",
})

"""The dashboard's static files (``static/``), served by ``gotong_platform.http.static``."""

from __future__ import annotations

from gotong_platform.http.static import StaticFiles

__all__ = ["ASSETS"]

# name -> media type: the only files served
ASSETS = StaticFiles(__package__ or "reporting.adapters.dashboard", {
    "index.html": "text/html; charset=utf-8",
    "dashboard.css": "text/css; charset=utf-8",
    "charts.js": "text/javascript; charset=utf-8",
    "dashboard.js": "text/javascript; charset=utf-8",
    "partners.js": "text/javascript; charset=utf-8",
})

"""The regional office's dashboard: one static page over the monthly report API."""

from reporting.dashboard.routes import build_dashboard_router

__all__ = ["build_dashboard_router"]

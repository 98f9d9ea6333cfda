"""The HTTP API of the partner gateway: its routers, in the order they are served."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["routers"]

routers: tuple[APIRouter, ...] = ()

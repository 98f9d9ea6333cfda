"""Who may read which region, and what a region code looks like."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from gotong_platform.auth import Principal, Role
from gotong_platform.http import HTTPProblem

__all__ = ["RegionCode", "may_read_region", "only_its_region", "only_the_federation_office"]

RegionCode = Annotated[str, Path(pattern=r"^\d{2}(\d{2})?$", examples=["53", "5302"])]


def may_read_region(principal: Principal, region: str) -> bool:
    if principal.role is Role.FEDERATION_ADMIN:
        return True
    return (principal.role is Role.REGIONAL_OFFICER and principal.region is not None
            and region.startswith(principal.region))


def only_the_federation_office(principal: Principal) -> None:
    """403 unless the federation office asks (the federation view)."""
    if principal.role is not Role.FEDERATION_ADMIN:
        raise HTTPProblem(403, "Forbidden", "the federation view is for the federation "
                          "office; use your region or cooperative", "forbidden")


def only_its_region(principal: Principal, region: str) -> None:
    """404 for a region the caller may not read, as for one that does not exist."""
    if not may_read_region(principal, region):
        raise HTTPProblem(404, "Not Found", "region not found", "region-not-found")

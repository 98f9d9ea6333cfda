"""The partner contracts' JSON Schemas, at the URLs their ``$id`` and every partner
event's ``dataschema`` name. Public: a schema is no data, and a partner's validator
must be able to fetch it without credentials."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import JSONResponse

from gotong_platform.contracts.partner_feed import (
    PARTNER_CONTRACTS,
    partner_schema,
    schema_url,
)
from gotong_platform.http import HTTPProblem
from partners.entrypoints.deps import Ctx

__all__ = ["router"]

router = APIRouter(prefix="/schemas/partner", tags=["schemas"])
_BY_NAME = {cls.schema_name(): cls for cls in PARTNER_CONTRACTS.values()}
SCHEMA_MEDIA_TYPE = "application/schema+json"


@router.get("", responses={200: {"description": "every partner contract and its schema URL"}})
async def index(ctx: Ctx) -> list[dict[str, Any]]:
    """The partner contracts: category, CloudEvents type, and where its schema is."""
    return [{"category": cls.category, "type": cls.ce_type(), "name": name,
             "schema": schema_url(ctx.public_base_url, cls)}
            for name, cls in sorted(_BY_NAME.items())]


@router.get("/{name}.json", responses={
    200: {"content": {SCHEMA_MEDIA_TYPE: {}}, "description": "a JSON Schema (2020-12)"},
    404: {"description": "no partner contract has this name"}})
async def schema(name: str, ctx: Ctx) -> JSONResponse:
    cls = _BY_NAME.get(name)
    if cls is None:
        raise HTTPProblem(404, "Not Found", "no partner contract has this name",
                          "schema-not-found")
    return JSONResponse(partner_schema(cls, ctx.public_base_url), media_type=SCHEMA_MEDIA_TYPE)

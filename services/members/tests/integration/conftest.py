"""A members app on a fresh real PostgreSQL database, driven over ASGI."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest_asyncio

from gotong_platform.auth import TokenIssuer
from gotong_testing.api import ApiClient, serving
from members.main import create_app
from members.settings import MembersSettings

JWT_KEY = "k" * 48


@dataclass
class Api(ApiClient):
    settings: MembersSettings


@pytest_asyncio.fixture
async def api(database_factory, clock) -> AsyncIterator[Api]:  # type: ignore[no-untyped-def]
    dsn = await database_factory("members")
    settings = MembersSettings(database_url=dsn, nik_key=base64.b64encode(os.urandom(32)).decode(),
                               jwt_key=JWT_KEY)
    async with serving(create_app(settings, clock=clock), "members") as client:
        yield Api(client, TokenIssuer(JWT_KEY.encode()), settings)


def a_cooperative(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Koperasi Tani Makmur", "legal_registration_number": f"AHU-{uuid.uuid4().hex[:10]}",
        "coop_type": "producer", "province_code": "53", "regency_code": "5312",
        "time_zone": "WITA", "fiscal_year_start_month": 1, "registered_on": "2020-01-15",
    }
    body.update(overrides)
    return body


def nik_for(birth: date, gender: str, regency: str = "5312", seq: int = 1) -> str:
    day = birth.day + (40 if gender == "P" else 0)
    return f"{regency}01{day:02d}{birth.month:02d}{birth.year % 100:02d}{seq:04d}"


def an_application(**overrides: Any) -> dict[str, Any]:
    birth = date.fromisoformat(overrides.pop("birth_date", "1990-03-05"))
    gender = overrides.pop("gender", "P")
    body: dict[str, Any] = {
        "full_name": "Maria Ndapa", "nik": nik_for(birth, gender, seq=overrides.pop("seq", 1)),
        "gender": gender, "birth_date": birth.isoformat(), "village_code": "5312010001",
        "occupation": "petani kopi", "applied_on": "2026-01-10",
    }
    body.update(overrides)
    return body

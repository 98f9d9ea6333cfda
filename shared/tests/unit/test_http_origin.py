"""A setting that names another service's browser-facing origin."""

from __future__ import annotations

import pytest

from gotong_platform.settings import http_origin

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("given", "origin"), [
    (None, None), ("", None),
    ("https://partners.gotong.example", "https://partners.gotong.example"),
    ("http://127.0.0.1:8005/", "http://127.0.0.1:8005"),
])
def test_an_origin_is_kept_without_its_slash(given: str | None, origin: str | None) -> None:
    assert http_origin(given, "partners_api_url") == origin


@pytest.mark.parametrize("given", [
    "ftp://host", "https://", "https://host/api", "https://host?x=1", "https://host#top",
    "host:8005"])
def test_anything_else_is_refused_by_the_setting_s_name(given: str) -> None:
    with pytest.raises(ValueError, match="members_api_url is an origin"):
        http_origin(given, "members_api_url")

"""Sign-in end to end: the local OpenID Connect issuer (its own process) and the members
service, whose verifier reads the issuer's JWKS over HTTP.

A federation admin signs in with authorization code + PKCE and reads the cooperatives;
the issuer rotates its key: a token signed with the new key is accepted at once (its
unknown kid makes the service read the JWKS again) and one signed with the old key still
is, through the rotation window; once the issuer drops the old key, its tokens are
refused at the service's next read. PKCE is held to: the wrong verifier, a code used
twice and the "plain" method are all refused.
"""

from __future__ import annotations

import asyncio
import base64
import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from gotong_platform.auth import Principal, Role, TokenIssuer
from gotong_testing.api import serving
from gotong_testing.oidc import code_of, local_issuer, pkce_pair
from members.main import create_app
from members.settings import MembersSettings

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

USERS = {
    "clients": [{"client_id": "gotong-dashboard",
                 "redirect_uris": ["http://127.0.0.1:8004/dashboard"]}],
    "users": [
        {"username": "ayu", "password": "rahasia-ayu", "name": "Ayu", "role": "federation_admin"},
        {"username": "yohanes", "password": "rahasia-yo", "name": "Yohanes",
         "role": "regional_officer", "region": "53"},
    ],
}


def kid_of(token: str) -> str:
    kid: str = jwt.get_unverified_header(token)["kid"]
    return kid


async def test_a_rotated_key_is_taken_at_once_and_the_old_one_through_its_window(
        tmp_path: Path, database_factory) -> None:  # type: ignore[no-untyped-def]
    async with local_issuer(tmp_path / "issuer", USERS) as issuer:
        settings = MembersSettings(
            database_url=await database_factory("members"),
            nik_key=base64.b64encode(os.urandom(32)).decode(), jwt_key="k" * 48,
            oidc_issuer=issuer.url, oidc_jwks_url=issuer.jwks_url,
            # Read again on every unknown kid and after half a second: the test's pace.
            jwks_min_refresh_s=0, jwks_max_age_s=0.5)
        async with serving(create_app(settings), "members") as members:
            async def cooperatives(token: str) -> int:
                answer = await members.get("/cooperatives",
                                           headers={"Authorization": f"Bearer {token}"})
                return answer.status_code

            first = (await issuer.sign_in("ayu", "rahasia-ayu"))["access_token"]
            claims = jwt.decode(first, options={"verify_signature": False})
            assert (claims["iss"], claims["aud"], claims["role"]) == (
                issuer.url, "gotong-api", "federation_admin")
            assert await cooperatives(first) == 200

            rotated = await issuer.rotate()  # the previous key stays published
            assert rotated["published"] == [kid_of(first), rotated["current_kid"]]
            second = (await issuer.sign_in("ayu", "rahasia-ayu"))["access_token"]
            assert kid_of(second) == rotated["current_kid"] != kid_of(first)
            assert await cooperatives(second) == 200
            assert await cooperatives(first) == 200  # the rotation window

            dropped = await issuer.rotate(window_s=0)  # the window ends (or the key leaked)
            assert dropped["published"] == [dropped["current_kid"]]
            await asyncio.sleep(0.6)  # the service's copy of the JWKS is stale
            assert await cooperatives(first) == 401
            assert await cooperatives(second) == 401
            third = (await issuer.sign_in("ayu", "rahasia-ayu"))["access_token"]
            assert await cooperatives(third) == 200
            # The development HS256 key still verifies gotong-token's tokens beside it.
            dev = TokenIssuer(("k" * 48).encode()).issue(
                Principal(subject="dev", role=Role.FEDERATION_ADMIN))
            assert await cooperatives(dev) == 200


async def test_the_issuer_holds_the_client_to_pkce(tmp_path: Path) -> None:
    async with local_issuer(tmp_path / "issuer", USERS) as issuer:
        verifier, challenge = pkce_pair()
        answer = await issuer.authorize("yohanes", "rahasia-yo", challenge=challenge)
        assert answer.status_code == 303
        code = code_of(answer.headers["location"])
        wrong, _ = pkce_pair()
        refused = await issuer.redeem(code, wrong)
        assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")
        # The code was spent by the failed attempt: the right verifier is now too late.
        late = await issuer.redeem(code, verifier)
        assert (late.status_code, late.json()["error"]) == (400, "invalid_grant")

        answer = await issuer.authorize("yohanes", "rahasia-yo", challenge=challenge)
        code = code_of(answer.headers["location"])
        tokens = await issuer.redeem(code, verifier)
        assert tokens.status_code == 200
        access = jwt.decode(tokens.json()["access_token"], options={"verify_signature": False})
        assert (access["role"], access["region"]) == ("regional_officer", "53")
        identity = jwt.decode(tokens.json()["id_token"], options={"verify_signature": False})
        assert (identity["aud"], identity["nonce"]) == ("gotong-dashboard", "n")
        again = await issuer.redeem(code, verifier)
        assert again.status_code == 400

        wrong_password = await issuer.authorize("yohanes", "tebakan", challenge=challenge)
        assert wrong_password.status_code == 401
        plain = await issuer.http.get(f"{issuer.url}/authorize", params={
            "response_type": "code", "client_id": "gotong-dashboard", "scope": "openid",
            "redirect_uri": issuer.redirect_uri, "state": "s", "code_challenge": verifier,
            "code_challenge_method": "plain"})
        assert plain.status_code == 303
        assert parse_qs(urlsplit(plain.headers["location"]).query)["error"] == [
            "invalid_request"]
        # An unregistered redirect URI is never redirected to.
        elsewhere = await issuer.http.get(f"{issuer.url}/authorize", params={
            "response_type": "code", "client_id": "gotong-dashboard", "scope": "openid",
            "redirect_uri": "https://evil.example/cb", "code_challenge": challenge,
            "code_challenge_method": "S256"})
        assert elsewhere.status_code == 400

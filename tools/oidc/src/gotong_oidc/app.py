"""The issuer's HTTP endpoints (see the package's docstring).

    GET  /.well-known/openid-configuration   discovery
    GET  /jwks                               the published keys
    GET  /authorize                          the sign-in form (authorization code + PKCE)
    POST /authorize                          the form's answer: a code, back to the client
    POST /token                              code + PKCE verifier -> access and ID tokens
    POST /dev/rotate                         a new signing key (JSON {"window_s": N})

Errors before the client and its redirect URI are known are shown here (never
redirected: an open redirector otherwise); after that they go back to the client as
``error=...`` (RFC 6749 §4.1.2.1). The token endpoint answers RFC 6749 §5.2's errors.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import jwt
from fastapi import FastAPI, Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from gotong_oidc.directory import Client, Directory, User
from gotong_oidc.keyring import KeyRing

__all__ = ["IssuerConfig", "create_app"]

_CODE_TTL_S = 60.0
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")  # RFC 7636 §4.1
_CHALLENGE = re.compile(r"[A-Za-z0-9\-_]{43}")  # base64url of a SHA-256, no padding
_PAGE_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                 "form-action 'self' http: https:; frame-ancestors 'none'",
                 "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
_AUTH_PARAMS = ("response_type", "client_id", "redirect_uri", "scope", "state", "nonce",
                "code_challenge", "code_challenge_method")


@dataclass(frozen=True)
class IssuerConfig:
    issuer: str  # its identifier, the tokens' iss: http://127.0.0.1:8010 locally
    audience: str = "gotong-api"
    token_ttl_s: int = 3600
    # How long a replaced key stays published: the longest a token it signed can live,
    # and a minute for clocks and caches.
    rotation_window_s: float = 3660.0


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str | None
    scope: str
    user: User
    expires: float


@dataclass
class _State:
    codes: dict[str, _Grant] = field(default_factory=dict)


class _AuthError(Exception):
    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def create_app(config: IssuerConfig, directory: Directory, keys: KeyRing) -> FastAPI:
    app = FastAPI(title="Gotong local OpenID Connect issuer (development only)",
                  docs_url=None, redoc_url=None, openapi_url=None)
    state = _State()
    base = config.issuer.rstrip("/")

    @app.get("/.well-known/openid-configuration")
    async def discovery() -> Response:
        return _public_json({
            "issuer": config.issuer,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "jwks_uri": f"{base}/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "code_challenge_methods_supported": ["S256"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["none"],
            "scopes_supported": ["openid", "profile"],
            "claims_supported": ["sub", "name", "role", "coop", "region"],
        })

    @app.get("/jwks")
    async def jwks() -> Response:
        return _public_json({"keys": [key.jwk() for key in keys.published()]})

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok", "current_kid": keys.current.kid}

    @app.get("/authorize")
    async def authorize_form(request: Request) -> Response:
        params = dict(request.query_params)
        client = _client(directory, params)
        if isinstance(client, Response):
            return client
        try:
            _check_request(params)
        except _AuthError as exc:
            return _back(params, {"error": exc.error, "error_description": exc.description})
        return _form(params, directory, None)

    @app.post("/authorize")
    async def authorize(request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        params = {name: form[name] for name in _AUTH_PARAMS if name in form}
        client = _client(directory, params)
        if isinstance(client, Response):
            return client
        try:
            _check_request(params)
        except _AuthError as exc:
            return _back(params, {"error": exc.error, "error_description": exc.description})
        if form.get("action") == "deny":
            return _back(params, {"error": "access_denied",
                                  "error_description": "the user declined"})
        try:
            user = directory.authenticate(form.get("username", ""), form.get("password", ""))
        except ValueError as exc:
            return _form(params, directory, str(exc), status=409)
        if user is None:
            return _form(params, directory, "Nama pengguna atau kata sandi salah.", status=401)
        code = secrets.token_urlsafe(32)
        now = time.time()
        state.codes = {c: g for c, g in state.codes.items() if g.expires > now}
        state.codes[code] = _Grant(client.client_id, params["redirect_uri"],
                                   params["code_challenge"], params.get("nonce"),
                                   params.get("scope", "openid"), user, now + _CODE_TTL_S)
        return _back(params, {"code": code})

    @app.options("/token")
    async def token_preflight(request: Request) -> Response:
        return Response(status_code=204, headers=_cors(request, directory) | {
            "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": "Content-Type", "Access-Control-Max-Age": "600"})

    @app.post("/token")
    async def token(request: Request) -> Response:
        cors = _cors(request, directory)
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        try:
            grant = _redeem(state, form)
        except _AuthError as exc:
            return JSONResponse({"error": exc.error, "error_description": exc.description},
                                status_code=400, headers=cors | {"Cache-Control": "no-store"})
        return JSONResponse(_tokens(config, keys, grant), headers=cors | {
            "Cache-Control": "no-store", "Pragma": "no-cache"})

    @app.post("/dev/rotate")
    async def rotate(request: Request) -> dict[str, Any]:
        body = await request.body()
        asked = (await request.json()) if body else {}
        window = float(asked.get("window_s", config.rotation_window_s))
        current = keys.rotate(max(window, 0.0))
        return {"current_kid": current.kid, "published": [k.kid for k in keys.published()]}

    return app


def _public_json(body: dict[str, Any]) -> Response:
    return JSONResponse(body, headers={"Access-Control-Allow-Origin": "*",
                                       "Cache-Control": "public, max-age=60"})


def _cors(request: Request, directory: Directory) -> dict[str, str]:
    origin = request.headers.get("origin")
    if origin and any(c.allows_origin(origin) for c in directory.clients()):
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    return {}


def _client(directory: Directory, params: dict[str, str]) -> Client | Response:
    client = directory.client(params.get("client_id", ""))
    if client is None:
        return _error_page("Aplikasi (client_id) tidak dikenal.")
    if not client.allows(params.get("redirect_uri", "")):
        return _error_page("Alamat kembali (redirect_uri) tidak terdaftar untuk aplikasi ini.")
    return client


def _check_request(params: dict[str, str]) -> None:
    if params.get("response_type") != "code":
        raise _AuthError("unsupported_response_type", "only response_type=code")
    if "openid" not in params.get("scope", "").split():
        raise _AuthError("invalid_scope", "the scope must include openid")
    if params.get("code_challenge_method") != "S256":
        raise _AuthError("invalid_request", "PKCE with code_challenge_method=S256 is required")
    if not _CHALLENGE.fullmatch(params.get("code_challenge", "")):
        raise _AuthError("invalid_request", "code_challenge must be base64url of a SHA-256")


def _back(params: dict[str, str], answer: dict[str, str]) -> Response:
    extra = {"state": params["state"]} if "state" in params else {}
    separator = "&" if "?" in params["redirect_uri"] else "?"
    return RedirectResponse(f"{params['redirect_uri']}{separator}{urlencode(answer | extra)}",
                            status_code=303, headers={"Cache-Control": "no-store"})


def _redeem(state: _State, form: dict[str, str]) -> _Grant:
    if form.get("grant_type") != "authorization_code":
        raise _AuthError("unsupported_grant_type", "only authorization_code")
    grant = state.codes.pop(form.get("code", ""), None)  # once only, whatever follows
    if grant is None or grant.expires <= time.time():
        raise _AuthError("invalid_grant", "unknown, used or expired code")
    if form.get("client_id") != grant.client_id or form.get("redirect_uri") != grant.redirect_uri:
        raise _AuthError("invalid_grant", "client_id or redirect_uri differ from the request's")
    verifier = form.get("code_verifier", "")
    if not _VERIFIER.fullmatch(verifier):
        raise _AuthError("invalid_request", "code_verifier: 43 to 128 unreserved characters")
    if not secrets.compare_digest(_s256(verifier), grant.challenge):
        raise _AuthError("invalid_grant", "the code_verifier does not match the challenge")
    return grant


def _tokens(config: IssuerConfig, keys: KeyRing, grant: _Grant) -> dict[str, Any]:
    now = int(time.time())
    key = keys.current
    headers = {"kid": key.kid, "typ": "JWT"}
    common = {"iss": config.issuer, "sub": grant.user.username, "iat": now,
              "exp": now + config.token_ttl_s}
    access = common | grant.user.claims | {"aud": config.audience, "scope": grant.scope,
                                           "client_id": grant.client_id}
    identity = common | {"aud": grant.client_id, "name": grant.user.name}
    if grant.nonce is not None:
        identity["nonce"] = grant.nonce
    return {
        "access_token": jwt.encode(access, key.private, algorithm="RS256", headers=headers),
        "id_token": jwt.encode(identity, key.private, algorithm="RS256", headers=headers),
        "token_type": "Bearer", "expires_in": config.token_ttl_s, "scope": grant.scope,
    }


def _error_page(message: str) -> Response:
    return HTMLResponse(_page("Permintaan masuk ditolak", f"<p>{html.escape(message)}</p>"),
                        status_code=400, headers=_PAGE_HEADERS)


def _form(params: dict[str, str], directory: Directory, error: str | None,
          status: int = 200) -> Response:
    hidden = "".join(f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
                     for name, value in params.items() if name in _AUTH_PARAMS)
    users = "".join(f"<li><code>{html.escape(u)}</code> {html.escape(n)}</li>"
                    for u, n in directory.usernames())
    problem = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    body = f"""{problem}
<form method="post" action="authorize">{hidden}
<label>Nama pengguna <input id="username" name="username" autocomplete="username" required></label>
<label>Kata sandi <input id="password" name="password" type="password"
  autocomplete="current-password" required></label>
<button id="sign-in" name="action" value="sign-in" type="submit">Masuk</button>
<button id="deny" name="action" value="deny" type="submit" formnovalidate>Batal</button>
</form>
<details><summary>Pengguna pengembangan</summary><ul>{users}</ul></details>"""
    return HTMLResponse(_page("Masuk ke Gotong", body), status_code=status, headers=_PAGE_HEADERS)


def _page(title: str, body: str) -> str:
    return f"""<!doctype html><html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · penerbit lokal</title>
<style>body{{font-family:sans-serif;max-width:26rem;margin:2rem auto;padding:0 1rem}}
label{{display:block;margin:.6rem 0}}input{{display:block;width:100%;padding:.4rem}}
.error{{color:#a30}}</style></head>
<body><h1>{html.escape(title)}</h1>
<p><small>Penerbit OpenID Connect lokal (pengembangan)</small></p>
{body}</body></html>"""

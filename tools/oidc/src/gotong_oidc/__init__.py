"""The local OpenID Connect issuer of development and the tests.

A small provider in one process: the discovery document, a JWKS whose keys rotate (the
previous key stays published through a rotation window), the authorization endpoint (a
sign-in form for the users of a development file) and the token endpoint, which gives
an authorization code's tokens only to the holder of its PKCE verifier (S256; "plain"
is refused). The access tokens carry Gotong's role claims (``role``, ``coop``,
``region``), as the federation's real issuer is configured to.

It is what ``make run`` starts for the dashboard's sign-in and what the tests sign in
at; it is never shipped with a service (see docs/operations.md, "Sign-in").
"""

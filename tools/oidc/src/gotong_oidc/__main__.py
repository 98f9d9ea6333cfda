"""``python -m gotong_oidc``: the local issuer, or a rotation of its keys.

    python -m gotong_oidc serve [--host H] [--port 8010] [--issuer URL]
                                [--users FILE] [--state-dir DIR]
    python -m gotong_oidc rotate [--url http://127.0.0.1:8010] [--window-s S]

``serve`` keeps its keys in ``<state-dir>/keys.json`` and reads the seeded cooperatives'
ids from ``<state-dir>/cooperatives.json``; ``rotate`` asks a running issuer for a new
signing key (the previous ones stay published ``--window-s``, by default the issuer's
rotation window; 0 drops them at once).
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from gotong_oidc.app import IssuerConfig, create_app
from gotong_oidc.directory import Directory
from gotong_oidc.keyring import KeyRing

__all__ = ["main"]

DEFAULT_USERS = Path(__file__).resolve().parents[2] / "dev-users.json"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gotong_oidc")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the issuer")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8010)
    serve.add_argument("--issuer", help="its identifier (default: http://HOST:PORT)")
    serve.add_argument("--users", type=Path, default=DEFAULT_USERS)
    serve.add_argument("--state-dir", type=Path, default=Path(".stack/oidc"))
    serve.add_argument("--token-ttl-s", type=int, default=3600)
    rotate = commands.add_parser("rotate", help="a new signing key on a running issuer")
    rotate.add_argument("--url", default="http://127.0.0.1:8010")
    rotate.add_argument("--window-s", type=float)
    args = parser.parse_args(argv)
    if args.command == "rotate":
        body = json.dumps({} if args.window_s is None else {"window_s": args.window_s})
        request = urllib.request.Request(  # noqa: S310 - the operator's own URL
            f"{args.url.rstrip('/')}/dev/rotate", data=body.encode(), method="POST",
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            print(response.read().decode())
        return 0
    issuer = args.issuer or f"http://{args.host}:{args.port}"
    config = IssuerConfig(issuer=issuer, token_ttl_s=args.token_ttl_s,
                          rotation_window_s=args.token_ttl_s + 60.0)
    app = create_app(config, Directory(args.users, args.state_dir / "cooperatives.json"),
                     KeyRing(args.state_dir / "keys.json"))
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())

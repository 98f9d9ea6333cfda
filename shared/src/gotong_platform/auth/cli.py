"""``gotong-token``: create the development key and mint tokens with it.

    gotong-token init-key [--key-file PATH]
    gotong-token mint --role R [--cooperative ID] [--region CODE]
                      [--cooperatives ID,ID] [--subject S] [--ttl-hours N] [--key-file PATH]

The key file defaults to ``$GOTONG_JWT_KEY_FILE`` or ``.stack/dev-jwt.key``
(relative to the current directory). Errors are one line on stderr, exit code 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import NoReturn

from gotong_platform.auth.keys import KeyFileError, create_key_file, read_key_file
from gotong_platform.auth.principal import InvalidPrincipal, Principal, Role
from gotong_platform.auth.tokens import TokenIssuer

__all__ = ["main"]

_PROG = "gotong-token"
_EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    # argparse prints the whole usage block before the error; one line is
    # easier to read in a make target's output, and --help is one flag away.
    def error(self, message: str) -> NoReturn:
        self.exit(_EXIT_USAGE, f"{_PROG}: error: {message} (see --help)\n")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "init-key":
            return _init_key(args.key_file)
        return _mint(args)
    except (KeyFileError, InvalidPrincipal, ValueError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{exc.strerror or type(exc).__name__}: {exc.filename or args.key_file}")


def _init_key(path: Path) -> int:
    created = create_key_file(path)
    print(f"{'created' if created else 'kept existing'} key file {path}")
    return 0


def _mint(args: argparse.Namespace) -> int:
    role = Role(args.role)
    principal = Principal(
        subject=args.subject or f"dev-{role}",
        role=role,
        cooperative_id=args.cooperative,
        region=args.region,
        cooperatives=frozenset(args.cooperatives),
    )
    issuer = TokenIssuer(read_key_file(args.key_file))
    print(issuer.issue(principal, ttl=timedelta(hours=args.ttl_hours)))
    return 0


def _fail(message: str) -> int:
    print(f"{_PROG}: error: {message}", file=sys.stderr)
    return _EXIT_USAGE


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=_PROG, description="Development keys and tokens for Gotong.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    init_key = commands.add_parser("init-key", help="create the key file if it is missing")
    _add_key_file(init_key)
    mint = commands.add_parser("mint", help="print a signed token")
    mint.add_argument("--role", required=True, choices=[role.value for role in Role])
    mint.add_argument("--cooperative", help="cooperative id (coop_admin, coop_clerk)")
    mint.add_argument("--region", help="province or regency code (regional_officer)")
    mint.add_argument(
        "--cooperatives", type=_id_list, default=[], help="subscribed ids, comma separated"
    )
    mint.add_argument("--subject", help="token subject (default: dev-<role>)")
    mint.add_argument("--ttl-hours", type=_positive_int, default=8,
                      help="lifetime (default 8; the services refuse tokens that live longer "
                           "than their maximum, 24 by default)")
    _add_key_file(mint)
    return parser


def _add_key_file(parser: argparse.ArgumentParser) -> None:
    default = Path(os.environ.get("GOTONG_JWT_KEY_FILE") or ".stack/dev-jwt.key")
    parser.add_argument("--key-file", type=Path, default=default, help=f"default: {default}")


def _id_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


if __name__ == "__main__":
    sys.exit(main())

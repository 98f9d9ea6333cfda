"""``python -m members api|relay|migrate``: one process per role, as in production."""

from __future__ import annotations

from gotong_platform.cli import run_service_cli
from members.settings import MembersSettings


def main() -> None:
    raise SystemExit(run_service_cli(service="members", port=8001, settings=MembersSettings))


if __name__ == "__main__":
    main()

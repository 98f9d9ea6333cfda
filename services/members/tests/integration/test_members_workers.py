"""``python -m members api --workers 2``: two processes serve one port, each migrated safely."""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


async def test_two_workers_serve_the_api_after_one_migration(database_factory) -> None:  # type: ignore[no-untyped-def]
    dsn = await database_factory("members_workers")
    port = _free_port()
    env = {**os.environ, "GOTONG_MEMBERS_DATABASE_URL": dsn,
           "GOTONG_MEMBERS_NIK_KEY": base64.b64encode(os.urandom(32)).decode(),
           "GOTONG_MEMBERS_JWT_KEY": "k" * 48}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "members", "api", "--port", str(port), "--workers", "2",
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            async with asyncio.timeout(60):
                while True:
                    assert proc.returncode is None, "the API exited"
                    try:
                        if (await client.get("/ready")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.2)
            answers = [(await client.get("/ready")).status_code for _ in range(20)]
        assert answers == [200] * 20
        assert len(_children(proc.pid)) >= 2  # the supervisor and its two workers
    finally:
        proc.send_signal(signal.SIGTERM)
        async with asyncio.timeout(20):
            await proc.wait()

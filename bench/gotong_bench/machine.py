"""The machine and the versions the figures were measured on."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import asyncpg

from gotong_bench.procs import cmdline, kafka_pids
from gotong_devstack.settings import KAFKA_VERSION

__all__ = ["code_version", "describe"]

_REPO = Path(__file__).resolve().parents[2]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def _kafka_version() -> str:
    for pid in kafka_pids():
        for arg in cmdline(pid):
            match = re.search(r"kafka_2\.\d+-(\d+\.\d+\.\d+)\.jar", arg)
            if match:
                return match.group(1)
    return os.environ.get("GOTONG_KAFKA_VERSION") or KAFKA_VERSION


def _package(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _bench_venv_package(python: Path, name: str) -> str:
    code = f"from importlib.metadata import version; print(version({name!r}))"
    try:
        out = subprocess.run(  # noqa: S603 - fixed argv
            [str(python), "-c", code],
            capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return "not installed"
    return out.stdout.strip() or "not installed"


def code_version(repo: Path) -> dict[str, Any]:
    """The commit measured, and which files under services/ and shared/ differ from it."""
    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", *args], cwd=repo, capture_output=True,  # noqa: S603,S607
                                  text=True, timeout=30, check=False)
        except OSError:
            return ""
        return done.stdout.strip()

    return {"commit": git("rev-parse", "--short", "HEAD"),
            "uncommitted": git("status", "--porcelain", "--", "services", "shared",
                               "tools").splitlines()}


async def describe(admin_dsn: str, bench_python: Path) -> dict[str, Any]:
    conn = await asyncpg.connect(admin_dsn)
    try:
        pg_version = await conn.fetchval("SHOW server_version")
        pg_settings = {name: await conn.fetchval(f"SHOW {name}") for name in (
            "shared_buffers", "max_connections", "fsync", "synchronous_commit", "wal_level")}
    finally:
        await conn.close()
    return {
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gib": round(_memory_gib() or 0.0, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": pg_version,
        "postgresql_settings": pg_settings,
        "kafka": _kafka_version(),
        "aiokafka": _package("aiokafka"),
        "asyncpg": _package("asyncpg"),
        "fastapi": _package("fastapi"),
        "uvicorn": _package("uvicorn"),
        "pydantic": _package("pydantic"),
        "httpx": _package("httpx"),
        "orjson": _package("orjson"),
        "eventsourcing": _bench_venv_package(bench_python, "eventsourcing"),
        "psycopg": _bench_venv_package(bench_python, "psycopg"),
        "py-spy": _bench_venv_package(bench_python, "py-spy"),
        "code": code_version(_REPO),
    }

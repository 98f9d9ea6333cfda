"""`make chaos`, short: the whole run (its own stack, the platform, load, a nemesis, the
checker) with a 60-second load and the faults that matter most, so that the chaos run
itself cannot rot and a regression of the guarantees it checks fails `make test`.

It runs on ports of its own (PostgreSQL 56460, Kafka 60160, APIs 8161-8165, consumers
9262-9265): never the suite's stack, never `make chaos`'s defaults. The figures of a
full run are in docs/reliability.md ("make chaos")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

FAULTS = "kill_consumer,pg_immediate,kafka_kill,kill_relay,kafka_stall"


@pytest.mark.timeout(900)
def test_a_short_chaos_run_loses_nothing_and_applies_nothing_twice(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "gotong_chaos", "--duration", "60", "--rate", "15",
         "--faults", FAULTS, "--min-gap", "2", "--max-gap", "4", "--seed", "14",
         "--pg-port", "56460", "--kafka-port", "60160", "--port-offset", "160",
         "--results", str(tmp_path)],
        capture_output=True, text=True, timeout=840, check=False)
    reports = list(tmp_path.glob("*/report.json"))
    assert reports, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(reports[0].read_text())
    figures = report["figures"]
    assert report["failures"] == [], result.stdout[-3000:]
    assert result.returncode == 0
    assert figures["commands acknowledged"] > 100
    assert figures["acknowledged commands lost"] == 0
    assert figures["commands or reactions applied twice"] == 0
    assert figures["events in a store but not on Kafka"] == 0
    assert figures["reactions applied zero times"] == 0
    assert figures["balance and stock mismatches"] == 0
    assert figures["dead letters (tables)"] == 0
    assert figures["dead letters (topics)"] == 0
    assert figures["500 answers (ever)"] == 0
    assert figures["read model == rebuild"] is True
    assert figures["processes that needed a restart from outside"] == 0
    # the nemesis did strike: at least a kill and the database's crash
    kinds = {f["kind"] for f in report["faults"]}
    assert {"kill_consumer", "pg_immediate"} <= kinds, kinds

"""The scenarios of issue 5, run against the real stack; see docs/performance.md.

Every scenario repeats ``scale.reps`` times; inside each repetition a figure and its
baseline run back to back, so a ratio never mixes two moments of a noisy machine.
Every run is bounded (a duration, a count with a timeout) and stops by itself.

One module per scenario, each with ``run(bench)``; ``SCENARIOS`` lists them in the order
``make bench`` runs them, after ``SETUP``; ``record_memory`` reads the peak memory of
everything that ran, at the end. ``Bench`` holds the run's state and shared helpers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from gotong_bench.scenarios import (
    batch_ingest,
    commands,
    cooperatives,
    federation,
    freshness,
    partner_delivery,
    profile,
    rebuild,
    relay,
    scale_out,
    setup,
    stream_length,
    what_if,
)
from gotong_bench.scenarios.bench import Bench
from gotong_bench.scenarios.memory import record_memory
from gotong_bench.scenarios.scale import Scale

__all__ = ["SCENARIOS", "SETUP", "Bench", "Scale", "Scenario", "record_memory"]


@dataclass(frozen=True)
class Scenario:
    """A step of the run: its ``--only`` key, the title it prints, and what it runs;
    ``opt_in``: left out unless named (``--only``) or asked for by its option."""

    key: str
    title: str
    run: Callable[[Bench], Awaitable[None]]
    opt_in: bool = False


SETUP = Scenario("setup", "set-up (databases, services, seeding)", setup.run)

# In the order they run: each later one finds what the earlier ones left (the relay's
# topic for the scale-out, the grown streams for the what-ifs).
SCENARIOS: tuple[Scenario, ...] = (
    Scenario("commands", "1+2 commands over HTTP, raw asyncpg, eventsourcing anchor",
             commands.run),
    Scenario("batch_ingest", "3 batch ingest", batch_ingest.run),
    Scenario("relay", "5 outbox relay", relay.run),
    Scenario("rebuild", "6 rebuild", rebuild.run),
    Scenario("scale_out", "8 consumer instances", scale_out.run),
    Scenario("freshness", "4 freshness", freshness.run),
    # Right after the freshness runs: their relay left the payments outbox empty. Opt-in
    # (``--partners``): at today's delivery rate it takes several minutes (see its module).
    Scenario("partners", "11 partner delivery", partner_delivery.run, opt_in=True),
    Scenario("cooperatives", "8 cooperatives", cooperatives.run),
    Scenario("stream_length", "8 stream length", stream_length.run),
    Scenario("profile", "profiles", profile.run),
    Scenario("what_if", "9 what-if: one change each, bench-side", what_if.run),
    Scenario("federation", "10 federation view at scale", federation.run),
)

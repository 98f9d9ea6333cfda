"""How big each scenario is."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Scale:
    """How big each scenario is; ``make bench`` uses the defaults (about 16 minutes, 5 of
    them scenario 10's load and requests)."""

    reps: int = 3
    warmup_s: float = 1.0
    duration_s: float = 4.0
    concurrencies: tuple[int, ...] = (1, 16, 64)
    anchor_concurrencies: tuple[int, ...] = (1, 16)
    coops: int = 10
    members_per_coop: int = 100
    products_per_coop: int = 8  # per repetition: every repetition sells from fresh ledgers
    big_coops: int = 1000
    sync_devices: int = 4
    sync_batch: int = 500
    sync_duration_s: float = 5.0
    fresh_rate: float = 200.0
    fresh_duration_s: float = 60.0
    relay_events: int = 40_000
    rebuild_events: int = 1_000_000  # published by the real relay into a topic of its own
    instances: tuple[int, ...] = (1, 2, 4)
    scale_out_events: int = 8_000  # a prefix of the rebuild topic, split over its partitions
    partitions: int = 4
    profile_s: int = 5
    whatif_duration_s: float = 3.0
    # scenario 10: synthetic federations of these sizes (cooperatives x 12 months), and
    # requests per report and size; ``--scale`` adds 1,000 cooperatives
    federation_sizes: tuple[int, ...] = (10, 100)
    federation_requests: int = 15
    # scenario 11 (partner delivery): deposits of one cooperative at a fixed rate, measured
    # at the partner's topic and webhook; then a run of its own in which the consent is
    # revoked after ``partner_revoke_after_s``; then the gateway's consumer over a backlog
    partner_rate: float = 200.0
    partner_duration_s: float = 30.0
    partner_members: int = 400
    partner_revoke_run_s: float = 8.0
    partner_revoke_after_s: float = 4.0
    partner_backlog_events: int = 20_000

    @classmethod
    def quick(cls) -> Scale:
        """A smoke run of every scenario (about 3 minutes): for developing the bench."""
        return cls(reps=1, duration_s=2.0, members_per_coop=100, products_per_coop=7,
                   big_coops=100, sync_duration_s=2.0, fresh_duration_s=5.0,
                   relay_events=5_000, rebuild_events=20_000, scale_out_events=4_000,
                   profile_s=3, federation_sizes=(2, 10), federation_requests=3,
                   partner_duration_s=5.0, partner_revoke_run_s=6.0,
                   partner_revoke_after_s=3.0, partner_backlog_events=5_000)

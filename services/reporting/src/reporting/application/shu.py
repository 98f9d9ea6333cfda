"""Use cases of the SHU engine. Each: load, decide (pure domain), save.

The caller runs each in a command's transaction (the routes' ``Runner``, which owns
it and the Idempotency-Key) and passes its connection and ``Provenance``. The read
model supplies the cooperative's profile and the fiscal year's facts; the decision
and the events are written to the reporting database's own event store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gotong_platform.calendar import Clock, today_in
from gotong_platform.db import DbConnection
from gotong_platform.provenance import Provenance
from reporting.application.errors import CooperativeUnknown
from reporting.application.ports import ShuReadModel, ShuRepository
from reporting.domain.shu import (
    SUGGESTED_TRANSACTION_BASIS,
    AdoptShuPolicy,
    ApproveShuCalculation,
    CalculationNotFound,
    CooperativeProfile,
    DraftShuCalculation,
    PolicyNotFound,
    ShuCalculation,
    ShuPolicy,
    TransactionKind,
    adopt_shu_policy,
    approve_shu_calculation,
    calculation_id,
    draft_shu_calculation,
    fiscal_period,
)

__all__ = ["ShuService"]


@dataclass(frozen=True)
class ShuService:
    repo: ShuRepository
    read_model: ShuReadModel
    clock: Clock  # the service's: "today" of a cooperative is its business date now

    async def suggested_transaction_basis(self, cooperative_id: str
                                          ) -> tuple[TransactionKind, ...]:
        """Handbook §5.3 by cooperative type; all three when the type is unknown."""
        profile = await self._profile(cooperative_id)
        return SUGGESTED_TRANSACTION_BASIS.get(profile.coop_type or "multi_purpose",
                                               SUGGESTED_TRANSACTION_BASIS["multi_purpose"])

    async def adopt_policy(self, conn: DbConnection, cooperative_id: str,
                           command: AdoptShuPolicy, provenance: Provenance) -> ShuPolicy:
        profile = await self._profile(cooperative_id)
        versions = len(await self.repo.load_policies(conn, cooperative_id))
        events = adopt_shu_policy(versions, command, cooperative_id=cooperative_id,
                                  today=self._today(profile))
        await self.repo.save_policy(conn, versions, events, provenance)
        return events[-1].policy

    async def draft(self, conn: DbConnection, cooperative_id: str,
                    command: DraftShuCalculation, provenance: Provenance) -> ShuCalculation:
        profile = await self._profile(cooperative_id)
        policy = await self._policy(conn, cooperative_id, command.policy_version)
        period = fiscal_period(command.fiscal_year, profile.fiscal_year_start_month)
        calc_id = calculation_id(cooperative_id, command.fiscal_year, policy.policy_version)
        state, version = await self.repo.load_calculation(conn, calc_id)
        events = draft_shu_calculation(
            state, command, policy,
            await self.read_model.shu_facts(cooperative_id, period, policy),
            drafted_by=provenance.meta.actor, today=self._today(profile),
            approved_in_year=await self.repo.approved_in_year(conn, cooperative_id,
                                                              command.fiscal_year))
        return await self.repo.save_calculation(conn, state, version, events, provenance)

    async def approve(self, conn: DbConnection, cooperative_id: str, calc_id: str,
                      command: ApproveShuCalculation, provenance: Provenance
                      ) -> ShuCalculation:
        profile = await self._profile(cooperative_id)
        state, version = await self.repo.load_calculation(conn, calc_id)
        if state is None or state.cooperative_id != cooperative_id:
            raise CalculationNotFound("No SHU calculation under this id in this cooperative.")
        events = approve_shu_calculation(
            state, command, approved_by=provenance.meta.actor, today=self._today(profile),
            approved_in_year=await self.repo.approved_in_year(conn, cooperative_id,
                                                              state.fiscal_year))
        return await self.repo.save_calculation(conn, state, version, events, provenance)

    def _today(self, profile: CooperativeProfile) -> date:
        """The cooperative's business date now, on the service's clock."""
        return today_in(self.clock, profile.time_zone)

    async def _profile(self, cooperative_id: str) -> CooperativeProfile:
        profile = await self.read_model.cooperative(cooperative_id)
        if profile is None:
            raise CooperativeUnknown("The read model does not know this cooperative yet.")
        return profile

    async def _policy(self, conn: DbConnection, cooperative_id: str, version: int
                      ) -> ShuPolicy:
        for policy in await self.repo.load_policies(conn, cooperative_id):
            if policy.policy_version == version:
                return policy
        raise PolicyNotFound(f"The cooperative has no SHU policy version {version}.")

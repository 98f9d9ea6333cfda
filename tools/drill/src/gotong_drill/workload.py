"""What the drill records and reads: the payments service's own API, in process over ASGI,
on whatever database it is given (the origin, then the restored one).

The members directory copy that payments keeps (who is an admitted member of which
cooperative) is fed by the service's consumer handler, with the events the members service
would have published, exactly as the consumer applies them from Kafka; everything else is a
command over HTTP with a token and an Idempotency-Key. The service runs on a fixed clock
(``DRILL_NOW``), so the same commands give the same events and the same answers on every run.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import httpx

from gotong_platform.auth import Principal, Role, TokenIssuer
from gotong_platform.calendar import FixedClock
from gotong_platform.consumer import ConsumedEvent
from gotong_platform.contracts import EventContract
from gotong_platform.contracts import members as mem
from gotong_platform.envelope import Envelope
from gotong_platform.ids import uuid7
from payments.main import build_services, create_app
from payments.settings import PaymentsSettings

# 10:00 WITA on Monday 15 June 2026: the service's today (business dates, days past due).
DRILL_NOW = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)
COOPERATIVE = "cooperative-drill-koperasi-tani-makmur"
ADMITTED_ON = date(2026, 1, 2)
WAJIB_PERIODS = ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05")
POLICY = {"pokok_idr": 50_000, "wajib_idr": 10_000, "wajib_due_day": 10}
LOAN = {"principal_idr": 1_000_000, "term_months": 10, "interest_rate_bp_per_month": 150,
        "method": "flat", "penalty_bp_per_month": 100, "first_due_date": "2026-03-06",
        "applied_on": "2026-02-02", "purpose": "modal_tani"}
REPAYMENT_IDR = 25_000

# The events table as COPY writes it (rows of text) in the order of the log: what
# "identical" is held to.
EVENTS_DUMP = "SELECT * FROM events ORDER BY global_position"


class DrillError(RuntimeError):
    """The drill found a difference, or the service refused a command it should take."""


@dataclass
class Ledger:
    """What the drill knows it has recorded, to choose commands the service accepts."""

    members: list[str] = field(default_factory=list)
    sukarela: dict[str, int] = field(default_factory=dict)
    loans: dict[str, str] = field(default_factory=dict)  # member -> loan
    commands: int = 0


def member_id(n: int) -> str:
    return f"member-drill-{n:05d}"


def consumed(contract: EventContract, *, stream_id: str, version: int) -> ConsumedEvent:
    """A members event as the consumer hands it to the payments handler."""
    data = contract.model_dump(mode="json")
    envelope = Envelope(
        event_id=uuid7(), event_type=contract.event_type, schema_version=contract.schema_version,
        source=contract.source, stream_id=stream_id, stream_version=version,
        cooperative_id=data["cooperative_id"], occurred_at=DRILL_NOW,
        business_date=DRILL_NOW.date(), recorded_at=DRILL_NOW, correlation_id=uuid7(),
        actor="members-drill")
    return ConsumedEvent(envelope=envelope, data=data, topic="gotong.members.events",
                         partition=0, offset=0)


class Payments:
    """The payments API on one database: commands, reads, and the events table."""

    def __init__(self, client: httpx.AsyncClient, settings: PaymentsSettings,
                 pool: asyncpg.Pool, issuer: TokenIssuer, clock: FixedClock) -> None:
        self.client = client
        self.settings = settings
        self.pool = pool
        self.clock = clock
        self.handler = build_services(settings, clock).reactions.handler()
        self.clerk = self._token("clerk-drill", Role.COOP_CLERK, issuer)
        self.chair = self._token("chair-drill", Role.COOP_ADMIN, issuer)

    @staticmethod
    def _token(subject: str, role: Role, issuer: TokenIssuer) -> dict[str, str]:
        principal = Principal(subject=subject, role=role, cooperative_id=COOPERATIVE)
        return {"Authorization": f"Bearer {issuer.issue(principal)}"}

    # -- recording --------------------------------------------------------------------

    async def deliver(self, contract: EventContract, stream_id: str, version: int) -> None:
        """One members event through the consumer's handler, in one transaction."""
        async with self.pool.acquire() as conn, conn.transaction():
            await self.handler(conn, consumed(contract, stream_id=stream_id, version=version))

    async def command(self, path: str, body: dict[str, Any], headers: dict[str, str],
                      ledger: Ledger) -> dict[str, Any]:
        response = await self.client.post(
            f"/cooperatives/{COOPERATIVE}{path}", json=body,
            headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
        if response.status_code not in (200, 201):
            raise DrillError(f"POST {path} answered {response.status_code}: {response.text}")
        ledger.commands += 1
        answer: dict[str, Any] = response.json()
        return answer

    async def setup(self, members: int, ledger: Ledger) -> None:
        """The cooperative and its admitted members (the directory), its savings policy,
        every member's pokok, five months of wajib billed, and a loan for every other
        member, applied by the clerk and approved and disbursed by the chair."""
        await self.deliver(mem.CooperativeRegisteredV1(
            cooperative_id=COOPERATIVE, name="Koperasi Tani Makmur (drill)",
            legal_registration_number="DRILL-0001", coop_type="producer", province_code="53",
            regency_code="5312", time_zone="WITA", fiscal_year_start_month=1, loop="closed",
            registered_on=date(2020, 1, 15)), COOPERATIVE, 1)
        await self.deliver(mem.CooperativeJoinedFederationV1(
            cooperative_id=COOPERATIVE, effective_date=date(2020, 2, 1)), COOPERATIVE, 2)
        await self.command("/savings-policy", POLICY, self.chair, ledger)
        for n in range(members):
            member = member_id(n)
            await self.deliver(mem.MemberAdmittedV1(
                cooperative_id=COOPERATIVE, member_id=member, member_no=f"{n + 1:05d}",
                gender="P" if n % 2 else "L", village_code="5312010001",
                admitted_on=ADMITTED_ON), member, 2)
            ledger.members.append(member)
            ledger.sukarela[member] = 0
            await self.command(f"/members/{member}/savings/pokok/deposits",
                               {"amount_idr": POLICY["pokok_idr"], "channel": "cash"},
                               self.clerk, ledger)
        for period in WAJIB_PERIODS:
            await self.command("/wajib-billing", {"period": period}, self.chair, ledger)
        for member in ledger.members[::2]:
            loan = await self.command("/loans", {"member_id": member, **LOAN}, self.clerk,
                                      ledger)
            loan_id = loan["loan_id"]
            await self.command(f"/loans/{loan_id}/approve", {"approved_on": "2026-02-03"},
                               self.chair, ledger)
            await self.command(f"/loans/{loan_id}/disburse", {"disbursed_on": "2026-02-04"},
                               self.chair, ledger)
            ledger.loans[member] = loan_id

    async def phase(self, commands: int, ledger: Ledger, salt: int) -> None:
        """``commands`` more commands across the members: wajib and sukarela deposits,
        sukarela withdrawals and loan repayments, in a fixed rotation (``salt`` varies the
        amounts from one phase to the next)."""
        for i in range(commands):
            member = ledger.members[i % len(ledger.members)]
            kind = (i // len(ledger.members) + i) % 4
            base = f"/members/{member}/savings"
            if kind == 0:
                await self.command(f"{base}/wajib/deposits",
                                   {"amount_idr": POLICY["wajib_idr"], "channel": "cash"},
                                   self.clerk, ledger)
            elif kind == 2 and ledger.sukarela[member] >= 2_000:
                amount = ledger.sukarela[member] // 2
                await self.command(f"{base}/sukarela/withdrawals", {"amount_idr": amount},
                                   self.chair, ledger)
                ledger.sukarela[member] -= amount
            elif kind == 3 and member in ledger.loans:
                await self.command(f"/loans/{ledger.loans[member]}/repayments",
                                   {"amount_idr": REPAYMENT_IDR, "channel": "cash"},
                                   self.clerk, ledger)
            else:
                amount = 5_000 + 500 * ((i * 37 + salt * 101) % 391)
                await self.command(f"{base}/sukarela/deposits",
                                   {"amount_idr": amount, "channel": "transfer"},
                                   self.clerk, ledger)
                ledger.sukarela[member] += amount

    # -- reading ----------------------------------------------------------------------

    async def reads(self, ledger: Ledger) -> dict[str, bytes]:
        """What the service answers to its readers, by path: the savings policy, every
        member's savings (balances, arrears, unpaid periods), the loans and each loan
        (schedule, outstanding, days past due), as the bytes of each answer."""
        root = f"/cooperatives/{COOPERATIVE}"
        paths = [f"{root}/savings-policy", f"{root}/loans"]
        paths += [f"{root}/members/{member}/savings" for member in ledger.members]
        paths += [f"{root}/loans/{loan}" for loan in ledger.loans.values()]
        answers = {}
        for path in paths:
            response = await self.client.get(path, headers=self.clerk)
            if response.status_code != 200:
                raise DrillError(f"GET {path} answered {response.status_code}: {response.text}")
            answers[path] = response.content
        return answers

    async def events_dump(self) -> bytes:
        chunks: list[bytes] = []

        async def sink(chunk: bytes) -> None:
            chunks.append(chunk)

        async with self.pool.acquire() as conn:
            await conn.copy_from_query(EVENTS_DUMP, output=sink)
        return b"".join(chunks)

    async def event_ids(self) -> list[uuid.UUID]:
        rows = await self.pool.fetch("SELECT event_id FROM events ORDER BY global_position")
        return [row["event_id"] for row in rows]

    async def server_now(self) -> datetime:
        """The database server's clock: commit timestamps, and so recovery targets, are
        read on it, never on this machine's."""
        moment: datetime = await self.pool.fetchval("SELECT clock_timestamp()")
        return moment


@asynccontextmanager
async def payments_on(database_url: str, jwt_key: str) -> AsyncIterator[Payments]:
    """The payments app on ``database_url``, started (its migrations run, its pool open),
    and a client of it over ASGI."""
    # The drill is one client replaying a day's work as fast as it can, like a bulk import:
    # the per-principal rate limit of the edge (docs/operations.md) would only slow it.
    settings = PaymentsSettings(database_url=database_url, jwt_key=jwt_key,
                                log_level="WARNING", rate_limit_per_second=0)
    clock = FixedClock(DRILL_NOW)
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://payments") as client:
        yield Payments(client, settings, app.state.payments.pool,
                       TokenIssuer(jwt_key.encode()), clock)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]

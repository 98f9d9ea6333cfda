"""A report's figure sets from the maintained tables, in one pass.

For each figure set (the month, the month before, the month as known at its end) and
each cooperative, what is read depends on the set's ``known_at`` against the
cooperative's latest recorded fact:

- **known now** (``known_at`` at or after it: every fact counts; the default): the
  ledgers' sums (``ledger_reads.known_now``), the figures that are not sums from their
  stored rows (computed from the facts the first time, ``stored``), the clocks from
  ``freshness`` and ``activity_days``. The result does not depend on ``known_at``, so
  two sets of the same period share it.
- **as known at a past moment**: the stored row of all its figures; the first time,
  the known-now sums less what was recorded after the moment (late rows, and the days
  the moment cuts, read from the facts), the other figures from the facts at that
  moment; then kept. The clocks are read at the moment (``clocks``).
- **irregular** cooperatives (facts a ledger cannot represent exactly): from the facts
  (``collect``), as the reference does.

In the API, known-now figures a request made are kept in the process (``kept``) and
used again while the cooperative's count of facts stands.

Every read covers all the sets' cooperatives at once, one statement per table; a
cooperative whose figures cannot be computed is left out and named, as the reference
does (``isolation``).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from gotong_platform.db import DbConnection
from reporting.adapters.read_model.ledgers import STOCK_KEYS
from reporting.adapters.reports import stored
from reporting.adapters.reports.clocks import read_clocks
from reporting.adapters.reports.collect import collect
from reporting.adapters.reports.cut_days import recorded_after_on_day
from reporting.adapters.reports.fetch_business import fetch_suppliers
from reporting.adapters.reports.fetch_loans import fetch_portfolio
from reporting.adapters.reports.fetch_members import fetch_members
from reporting.adapters.reports.fetch_savings import fetch_wajib
from reporting.adapters.reports.isolation import (
    FACTS_CHUNK,
    FIGURE_ERRORS,
    per_cooperative,
    record,
)
from reporting.adapters.reports.kept import KeptFigures, KeptKey, Stamp
from reporting.adapters.reports.ledger_figures import AMOUNT_LEDGERS, LedgerSums
from reporting.adapters.reports.ledger_reads import (
    KnownNow,
    RecordedAfter,
    known_now,
    recorded_after,
)
from reporting.adapters.reports.low_stock import LowStock, low_stock_known_now, names_of
from reporting.domain.reports.figures import AMOUNT_KEYS, CoopFigures
from reporting.domain.reports.loan_quality import COLLECTIBILITY
from reporting.domain.reports.query import FigureSet, Query
from reporting.domain.reports.unavailable import Unavailables

__all__ = ["GROUPS", "CoopState", "Keeping", "MaintainedSets", "cooperative_state",
           "figure_sets"]

Fetch = Callable[[DbConnection, Query, dict[str, CoopFigures]], Awaitable[None]]

# The figures that are not sums of facts, by group: the reference query that computes
# them from the facts, and their keys.
GROUPS: dict[str, tuple[Fetch, tuple[str, ...]]] = {
    "members": (fetch_members, tuple(k for k in AMOUNT_KEYS if k.startswith("members."))),
    "suppliers": (fetch_suppliers, ("produce.suppliers",)),
    "wajib": (fetch_wajib, ("wajib.bills_due", "wajib.bills_paid_on_time")),
    "portfolio": (fetch_portfolio, (
        "loans.active", "loans.glp_idr", "loans.par30_idr", "loans.par30_count",
        "loans.restructured_idr", "loans.overdue_principal_idr",
        *(f"loans.{name}.{part}" for name, _, _ in COLLECTIBILITY
          for part in ("count", "outstanding_idr")))),
}


@dataclasses.dataclass(frozen=True)
class _Period:
    """What the figures of one set depend on, besides ``known_at`` (None: known now)."""

    month: date  # the first day
    as_of: date
    end: date


@dataclasses.dataclass
class MaintainedSets:
    """The figures of each set (and the cooperatives it could not compute), and the rows
    to store once the read is over."""

    figures: list[tuple[dict[str, CoopFigures], Unavailables]]
    to_store: list[stored.StoredRow]
    # ``cooperative_state`` of the sets' cooperatives, as read (the request's late
    # uploads need it too, in the same snapshot)
    state: CoopState


# each cooperative's latest recorded fact, the irregular ones, and the ids asked about
@dataclasses.dataclass(frozen=True)
class CoopState:
    latest: dict[str, datetime]
    irregular: set[str]
    ids: frozenset[str]

    def covers(self, ids: Iterable[str]) -> bool:
        return self.ids.issuperset(ids)


@dataclasses.dataclass
class _Plan:
    sets: Sequence[FigureSet]
    max_recorded: dict[str, datetime]
    irregular: set[str]
    state: CoopState
    # (period, known_at or None) -> cooperatives; the first set asking for it
    keys: dict[tuple[_Period, datetime | None], set[str]] = dataclasses.field(
        default_factory=lambda: defaultdict(set))
    first_set: dict[tuple[_Period, datetime | None], int] = dataclasses.field(
        default_factory=dict)
    # per set: cooperative -> key
    chosen: list[dict[str, tuple[_Period, datetime | None]]] = dataclasses.field(
        default_factory=list)
    details: set[tuple[_Period, datetime | None]] = dataclasses.field(default_factory=set)


_STATE = """
SELECT c.id, greatest(k.last_recorded_at, f.last_recorded_at) AS last_recorded_at,
       EXISTS (SELECT 1 FROM irregular i WHERE i.cooperative_id = c.id) AS irregular
FROM unnest($1::text[]) AS c(id)
LEFT JOIN fact_clock k ON k.cooperative_id = c.id
LEFT JOIN (SELECT cooperative_id, max(last_recorded_at) AS last_recorded_at
           FROM freshness_by_partition WHERE cooperative_id = ANY($1::text[])
           GROUP BY cooperative_id) f ON f.cooperative_id = c.id
"""


async def cooperative_state(conn: DbConnection, ids: Iterable[str]
                            ) -> tuple[dict[str, datetime], set[str]]:
    """Each cooperative's latest recorded fact or event (none: nothing recorded), and
    the cooperatives whose figures are computed from the facts (``irregular``)."""
    rows = await conn.fetch(_STATE, sorted(set(ids)))
    return ({r[0]: r[1] for r in rows if r[1] is not None}, {r[0] for r in rows if r[2]})


async def _plan(conn: DbConnection, sets: Sequence[FigureSet]) -> _Plan:
    ids = frozenset(c for s in sets for c in s.query.known_at)
    latest, irregular = await cooperative_state(conn, ids)
    plan = _Plan(sets, latest, irregular, CoopState(latest, irregular, ids))
    for n, s in enumerate(sets):
        p = s.query.period
        period = _Period(p.start, p.as_of, p.end)
        chosen: dict[str, tuple[_Period, datetime | None]] = {}
        for c, known in s.query.known_at.items():
            if c in plan.irregular:
                continue
            last = plan.max_recorded.get(c)
            key = (period, None if last is None or known >= last else known)
            plan.keys[key].add(c)
            plan.first_set.setdefault(key, n)
            if s.details:
                plan.details.add(key)
            chosen[c] = key
        plan.chosen.append(chosen)
    return plan


def _query(plan: _Plan, key: tuple[_Period, datetime | None], ids: Iterable[str]) -> Query:
    """A reference ``Query`` for ``key``'s cooperatives: its set's period, and each
    cooperative's ``known_at`` (any moment of the key's request: known now is the same
    at all of them)."""
    s = plan.sets[plan.first_set[key]]
    known = key[1]
    return Query(s.query.period, {c: known or _known_at(plan, key, c) for c in ids},
                 s.query.options)


def _known_at(plan: _Plan, key: tuple[_Period, datetime | None], c: str) -> datetime:
    for s, chosen in zip(plan.sets, plan.chosen, strict=True):
        if chosen.get(c) == key:
            return s.query.known_at[c]
    raise KeyError(c)


@dataclasses.dataclass(frozen=True)
class Keeping:
    """Where known-now figures are kept (``kept``), for the read-model version read."""

    kept: KeptFigures
    schema: str


async def figure_sets(conn: DbConnection, sets: Sequence[FigureSet],
                      keeping: Keeping | None = None) -> MaintainedSets:
    """Every set's figures (see the module)."""
    plan = await _plan(conn, sets)
    threshold = sets[0].query.options.low_stock_threshold if sets else 0
    # every stamp the request needs, in one pass over ``changes``
    stamps = await _stamps(conn, plan.keys)
    # figures kept from an earlier request; only the others are read or computed
    now_keys = {k: v for k, v in plan.keys.items() if k[1] is None}
    past_keys = {k: v for k, v in plan.keys.items() if k[1] is not None}
    kept_now, now_keys = _take_kept(keeping, now_keys, stamps, threshold, plan.details)
    kept_past, past_keys = _take_kept(keeping, past_keys, stamps, threshold, plan.details)
    failed: dict[tuple[_Period, datetime | None], Unavailables] = defaultdict(dict)
    results: dict[tuple[_Period, datetime | None], dict[str, CoopFigures]] = {}
    to_store: list[stored.StoredRow] = []

    # rows stored for past moments; those missing are computed from the known-now sums
    past_rows = await _stored_past(conn, past_keys, threshold)
    missing_past: dict[tuple[_Period, datetime | None], set[str]] = defaultdict(set)
    for key, ids in past_keys.items():
        for c in ids:
            row = past_rows.get((key, c))
            if row is not None and row.seen == stamps[_stamp_key(key, c)][0]:
                results.setdefault(key, {})[c] = _figures_of(stored.decode(row.payload))
            else:
                missing_past[key].add(c)

    # known-now sums, for the known-now keys and for the periods of missing past rows
    sums = await _known_now_sums(conn, plan, now_keys, missing_past)
    for key, ids in now_keys.items():
        results[key] = {c: CoopFigures() for c in ids}
    await _groups_known_now(conn, plan, now_keys, results, failed, to_store)
    await _low_stock_now(conn, now_keys, threshold, results, failed)
    for key in now_keys:
        for c, f in list(results[key].items()):
            _finish(c, f, sums.get((key[0], c)), plan, key, failed)
    await _past(conn, plan, missing_past, sums, threshold, results, failed, to_store, stamps)
    if keeping is not None:  # what this request read or computed (before the clocks)
        _keep(keeping, {**now_keys, **past_keys}, results, failed, stamps, threshold)
    for kept in (kept_now, kept_past):
        for key, kept_figs in kept.items():
            results.setdefault(key, {}).update(kept_figs)
    for key in plan.details:
        if key in results:
            await _clocks(conn, plan, key, results[key])

    out: list[tuple[dict[str, CoopFigures], Unavailables]] = []
    for n, s in enumerate(sets):
        figs: dict[str, CoopFigures] = {}
        failed_here: Unavailables = {}
        for c, key in plan.chosen[n].items():
            if c in failed[key]:
                failed_here[c] = dataclasses.replace(failed[key][c], step=s.step)
            elif c in results.get(key, {}):
                figs[c] = results[key][c]
        irregular = sorted(c for c in s.query.known_at if c in plan.irregular)
        if irregular:
            figs |= await collect(conn, s.query.only(irregular), s.step, failed_here)
        out.append(({c: figs[c] for c in sorted(figs)}, failed_here))
    return MaintainedSets(out, to_store, plan.state)


# --- known now ----------------------------------------------------------------------------

Keys = dict[tuple[_Period, datetime | None], set[str]]


def _stamp_key(key: tuple[_Period, datetime | None], c: str) -> stored.CountKey:
    """What ``key``'s figures of ``c`` depend on: the facts effective in its month or
    before, and recorded by the month of its moment (None: whenever)."""
    return (c, key[0].month, _month_of(key[1]))


async def _stamps(conn: DbConnection, keys: Keys) -> dict[stored.CountKey, Stamp]:
    """Each (cooperative, month, recorded month)'s facts counted, and the newest version
    of the cooperative's ``changes`` rows: the count keeps a stored row (``stored``),
    both keep figures kept in the process (``kept``)."""
    counts, newest = await stored.count_facts(
        conn, {_stamp_key(key, c) for key, ids in keys.items() for c in ids},
        columns=(stored.ALL,))
    return {k: (n[stored.ALL], newest[k[0]]) for k, n in counts.items()}


def _kept_key(keeping: Keeping, key: tuple[_Period, datetime | None], c: str,
              threshold: int) -> KeptKey:
    p = key[0]
    return KeptKey(keeping.schema, c, p.month, p.as_of, p.end, threshold, key[1])


def _take_kept(keeping: Keeping | None, keys: Keys, stamps: dict[stored.CountKey, Stamp],
               threshold: int, details: set[tuple[_Period, datetime | None]]
               ) -> tuple[dict[tuple[_Period, datetime | None], dict[str, CoopFigures]], Keys]:
    """The kept figures whose stamp still stands, and the keys' other cooperatives. Only
    the keys given clocks (``details``) get copies: nothing else writes to figures."""
    if keeping is None:
        return {}, keys
    taken: dict[tuple[_Period, datetime | None], dict[str, CoopFigures]] = defaultdict(dict)
    left: Keys = {}
    for key, ids in keys.items():
        for c in ids:
            found = keeping.kept.take(_kept_key(keeping, key, c, threshold),
                                      stamps[_stamp_key(key, c)], copy=key in details)
            if found is not None:
                taken[key][c] = found
        rest = ids - set(taken.get(key, ()))
        if rest:
            left[key] = rest
    return taken, left


def _keep(keeping: Keeping, keys: Keys, results: dict[Any, dict[str, CoopFigures]],
          failed: dict[Any, Unavailables], stamps: dict[stored.CountKey, Stamp],
          threshold: int) -> None:
    for key in keys:
        for c, f in results.get(key, {}).items():
            if c not in failed[key]:
                keeping.kept.keep(_kept_key(keeping, key, c, threshold),
                                  stamps[_stamp_key(key, c)], f)


async def _known_now_sums(conn: DbConnection, plan: _Plan,
                          now_keys: dict[tuple[_Period, datetime | None], set[str]],
                          missing_past: dict[tuple[_Period, datetime | None], set[str]]
                          ) -> dict[tuple[_Period, str], LedgerSums]:
    by_period: dict[_Period, set[str]] = defaultdict(set)
    for (period, _), ids in [*now_keys.items(), *missing_past.items()]:
        by_period[period] |= ids
    periods = sorted(by_period, key=lambda p: (p.month, p.as_of))
    reads = [KnownNow(sorted(by_period[p]), p.month, p.as_of, p.end) for p in periods]
    sums: dict[tuple[_Period, str], LedgerSums] = {}
    for ledger in AMOUNT_LEDGERS:
        for n, c, dims, flows, balances in await known_now(conn, ledger, reads):
            sums.setdefault((periods[n], c), LedgerSums()).add(ledger, dims, flows, balances)
    return sums


def _finish(c: str, f: CoopFigures, sums: LedgerSums | None, plan: _Plan,
            key: tuple[_Period, datetime | None], failed: dict[Any, Unavailables]) -> None:
    """Add the sums to ``f`` and derive the totals; a cooperative whose sums no report
    understands is left out (``failed``)."""
    if c in failed[key]:
        return
    try:
        if sums is not None:
            sums.apply(f, c)
        f.derive()
    except FIGURE_ERRORS as exc:
        record(c, plan.sets[plan.first_set[key]].step, exc, failed[key])


async def _groups_known_now(conn: DbConnection, plan: _Plan,
                            now_keys: dict[tuple[_Period, datetime | None], set[str]],
                            results: dict[Any, dict[str, CoopFigures]],
                            failed: dict[Any, Unavailables],
                            to_store: list[stored.StoredRow]) -> None:
    """The figures that are not sums: stored rows while they hold, else from the facts."""
    wanted = {(c, key[0].month, key[0].as_of, None, 0): key
              for key, ids in now_keys.items() for c in ids}
    rows = await stored.load(conn, wanted)
    seen = await stored.seen_counts(conn, {(c, month, None) for c, month, *_ in wanted})
    for grp, (fetch, keys) in GROUPS.items():
        todo: dict[tuple[_Period, datetime | None], list[str]] = defaultdict(list)
        for skey, key in wanted.items():
            c = skey[0]
            count = seen[(c, skey[1], None)][stored.GROUP_COUNTS[grp]]
            row = rows.get((skey, grp))
            if row is not None and row.seen == count:
                values = stored.decode(row.payload)
                results[key][c].amounts.update({k: values[k] for k in keys})
            else:
                todo[key].append(c)
        for key, ids in todo.items():
            computed = await _from_facts(conn, plan, key, sorted(ids), fetch, failed)
            for c, f in computed.items():
                results[key][c].amounts.update({k: f.amounts[k] for k in keys})
                to_store.append(stored.StoredRow(
                    c, key[0].month, key[0].as_of, None, 0, grp,
                    seen[(c, key[0].month, None)][stored.GROUP_COUNTS[grp]],
                    stored.encode({k: f.amounts[k] for k in keys})))
    for key in now_keys:
        for c in failed[key]:
            results[key].pop(c, None)


async def _from_facts(conn: DbConnection, plan: _Plan, key: tuple[_Period, datetime | None],
                      ids: Sequence[str], fetch: Fetch, failed: dict[Any, Unavailables]
                      ) -> dict[str, CoopFigures]:
    """``fetch`` (a reference query) for ``ids``; those it fails for are left out."""
    q = _query(plan, key, ids)
    step = plan.sets[plan.first_set[key]].step

    async def compute(subset: Sequence[str]) -> dict[str, CoopFigures]:
        figs = {c: CoopFigures() for c in subset}
        await fetch(conn, q.only(subset), figs)
        return figs

    return await per_cooperative(conn, [c for c in ids if c not in failed[key]], step,
                                 compute, failed[key], chunk=FACTS_CHUNK)


async def _low_stock_now(conn: DbConnection,
                         now_keys: dict[tuple[_Period, datetime | None], set[str]],
                         threshold: int, results: dict[Any, dict[str, CoopFigures]],
                         failed: dict[Any, Unavailables]) -> None:
    periods = sorted(now_keys, key=lambda k: (k[0].month, k[0].as_of))
    reads = [KnownNow(sorted(now_keys[k]), k[0].month, k[0].as_of, k[0].end)
             for k in periods]
    for n, entry in await low_stock_known_now(conn, reads, threshold):
        f = results[periods[n]].get(entry.cooperative_id)
        if f is not None and entry.cooperative_id not in failed[periods[n]]:
            _add_low(f, entry)


def _add_low(f: CoopFigures, entry: LowStock) -> None:
    f.add("stock.low_stock_products", 1)
    f.low_stock.append(entry.as_dict())


# --- as known at a past moment --------------------------------------------------------------

async def _stored_past(conn: DbConnection, past_keys: Keys, threshold: int
                       ) -> dict[tuple[Any, str], stored.StoredRow]:
    wanted = {(c, key[0].month, key[0].as_of, key[1], threshold): (key, c)
              for key, ids in past_keys.items() for c in ids}
    rows = await stored.load(conn, wanted)
    return {wanted[skey]: row for (skey, grp), row in rows.items() if grp == stored.ALL}


def _month_of(moment: datetime | None) -> date | None:
    """The UTC month a moment lies in (what ``changes.recorded_month`` counts by)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).date().replace(day=1)


async def _past(conn: DbConnection, plan: _Plan,
                missing: dict[tuple[_Period, datetime | None], set[str]],
                sums: dict[tuple[_Period, str], LedgerSums], threshold: int,
                results: dict[Any, dict[str, CoopFigures]], failed: dict[Any, Unavailables],
                to_store: list[stored.StoredRow], stamps: dict[stored.CountKey, Stamp]
                ) -> None:
    """Figures as known at a past moment, not stored yet: computed, then stored with
    the count of facts their stamp read (``stamps``)."""
    for key, ids in missing.items():
        period, known = key
        assert known is not None
        q = _query(plan, key, sorted(ids))
        moments = dict(q.known_at)
        after = RecordedAfter(moments, period.month, period.as_of)
        per_coop: dict[str, LedgerSums] = {c: sums.get((period, c)) or LedgerSums()
                                          for c in ids}
        # copies: the known-now sums may serve another set too
        per_coop = {c: LedgerSums({n: {d: [list(v[0]), list(v[1])] for d, v in dims.items()}
                                   for n, dims in s.sums.items()}, s.broken)
                    for c, s in per_coop.items()}
        keys_balance: dict[str, LedgerSums] = {c: LedgerSums() for c in ids}
        for ledger in (*AMOUNT_LEDGERS, STOCK_KEYS):
            target = keys_balance if ledger is STOCK_KEYS else per_coop
            rows, cut = await recorded_after(conn, ledger, after)
            for c, in_period, dims, values in rows:
                target[c].subtract(ledger, dims, values, in_period)
            for c, day in sorted(cut):
                for dims, on_day in await recorded_after_on_day(conn, ledger, c, day,
                                                                moments[c]):
                    target[c].subtract(ledger, dims, on_day, day >= period.month)
        await _stock_keys_now(conn, period, ids, keys_balance)
        for c, balance in keys_balance.items():
            if balance.broken is not None:
                per_coop[c].broken = balance.broken
        figs = {c: CoopFigures() for c in ids}
        for fetch, keys in GROUPS.values():
            computed = await _from_facts(conn, plan, key, sorted(ids), fetch, failed)
            for c, f in computed.items():
                figs[c].amounts.update({k: f.amounts[k] for k in keys})
        lows = await _lows(conn, keys_balance, threshold)
        done = results.setdefault(key, {})
        for c in sorted(ids):
            if c in failed[key]:
                continue
            f = figs[c]
            for entry in lows.get(c, []):
                _add_low(f, entry)
            _finish(c, f, per_coop[c], plan, key, failed)
            if c in failed[key]:
                continue
            done[c] = f
            to_store.append(stored.StoredRow(
                c, period.month, period.as_of, known, threshold, stored.ALL,
                stamps[_stamp_key(key, c)][0],  # read with the figures, in one snapshot
                stored.encode(_payload_of(f))))


async def _stock_keys_now(conn: DbConnection, period: _Period, ids: Iterable[str],
                          keys_balance: dict[str, LedgerSums]) -> None:
    read = KnownNow(sorted(ids), period.month, period.as_of, period.end)
    for _, c, dims, _, balances in await known_now(conn, STOCK_KEYS, [read], flows=False):
        keys_balance[c].add(STOCK_KEYS, dims, [0] * len(balances), balances)


async def _lows(conn: DbConnection, keys_balance: dict[str, LedgerSums], threshold: int
                ) -> dict[str, list[LowStock]]:
    low: list[tuple[str, str, str, int, int]] = []
    for c, s in keys_balance.items():
        for (warehouse, product), (_, (qty, value, rows)) in s.sums.get(STOCK_KEYS.name,
                                                                       {}).items():
            if rows > 0 and qty <= threshold:
                low.append((c, warehouse, product, qty, value))
    low.sort()
    names = await names_of(conn, {(w, p) for _, w, p, _, _ in low})
    out: dict[str, list[LowStock]] = defaultdict(list)
    for c, w, p, qty, value in low:
        out[c].append(LowStock(c, w, p, qty, value, *names.get((w, p), (None,) * 5)))
    return out


def _payload_of(f: CoopFigures) -> dict[str, Any]:
    return {"a": f.amounts, "t": f.transfers, "s": f.sales_to, "l": f.low_stock}


def _figures_of(payload: dict[str, Any]) -> CoopFigures:
    f = CoopFigures()
    f.amounts.update(payload["a"])
    f.transfers = {k: list(v) for k, v in payload["t"].items()}
    f.sales_to = payload["s"]
    f.low_stock = payload["l"]
    return f


async def _clocks(conn: DbConnection, plan: _Plan, key: tuple[_Period, datetime | None],
                  figs: dict[str, CoopFigures]) -> None:
    ids = sorted(figs)
    q = _query(plan, key, ids)
    for c, (recorded, business, activity) in (await read_clocks(
            conn, q.known_at, key[0].as_of)).items():
        f = figs[c]
        f.last_recorded_at, f.last_business_date, f.last_activity_date = (
            recorded, business, activity)

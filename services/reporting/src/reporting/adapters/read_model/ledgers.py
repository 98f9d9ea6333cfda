"""Maintained tables: what the reports read, kept by the consumer as it applies events.

A *ledger* sums what facts add to the reports' figures, per cooperative, by business
day and by month, with both clocks kept:

- ``<ledger>_by_day`` and ``<ledger>_by_month``: the sums of a cooperative's facts of
  a day (a month), split into facts recorded **on time** (by the end of their business
  day in WIT, the easternmost zone: 15:00 UTC of that day, so before it ended in every
  zone) and **late** ones, with the earliest and latest ``recorded_at`` of each row;
- ``<ledger>_late``: the late facts' sums by their exact ``recorded_at``;
- ``<ledger>_total`` (ledgers of balances): every fact ever, whatever its dates.

So a figure "as of" a business date and "as known at" a moment is exact without
scanning the past: a month's flows are one row, a balance at ``as_of`` is the total
less what is dated after it, and what was recorded after ``known_at`` is a few late
rows plus, when ``known_at`` falls inside the period, the day rows it cuts (their
facts are read back; ``reporting.adapters.reports.maintained``). Sums are ``numeric``
(never bigint: a cooperative's sum may exceed it).

Besides the ledgers: ``event_days`` (first recorded time of any event per business
day: the sync clock as known at a moment), ``activity_days`` (the same for economic
facts: the activity clock), ``fact_clock`` (the latest ``recorded_at`` of any fact of
a cooperative: below it, everything known counts), ``data_months``, ``changes``
(counts of facts per cooperative, effective month and recorded month: what tells a
stored figure it is stale), ``irregular`` (a cooperative whose facts a ledger cannot
represent exactly, computed from the facts instead) and ``stored_figures`` (figures
computed once and kept while nothing they depend on changes).

``rm_apply(payload)`` writes one batch's contributions (a JSON array built by the
fact statements, ``reporting.adapters.read_model.contributions``) in a fixed order,
table after table and key after key: consumers of other partitions may touch the same
rows, and one lock order for all of them means they wait, never deadlock.
"""

from __future__ import annotations

import dataclasses

from reporting.domain.reports.figures import CATEGORIES, CHANNELS

__all__ = [
    "LATE",
    "LEDGERS",
    "LOANS",
    "MAINTAINED_DDL",
    "ON_TIME_HOURS",
    "PRODUCE",
    "SALES",
    "SALES_TO",
    "SAVINGS",
    "STOCK",
    "STOCK_KEYS",
    "TRANSFERS",
    "Ledger",
]

# A fact is on time when recorded by 15:00 UTC of its business date: midnight in WIT,
# the earliest end of that day in any Indonesian zone.
ON_TIME_HOURS = 15


@dataclasses.dataclass(frozen=True)
class Ledger:
    """A maintained sum: ``dims`` (column, SQL type) split it, ``measures`` are summed."""

    name: str
    dims: tuple[tuple[str, str], ...]
    measures: tuple[str, ...]
    balance: bool = False  # keeps ``<name>_total`` (figures at ``as_of`` over all history)

    @property
    def dim_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.dims)

    def table(self, part: str) -> str:
        return f"{self.name}_{part}"


_BUYERS = ("member", "non_member")
SALES = Ledger("sales", (), (
    "gross", "voided", "credit", "member", "non_member", "retail", "produce_marketing",
    *(f"{cat}_{buyer}" for cat in CATEGORIES for buyer in _BUYERS),
    "unknown", *CHANNELS))  # rows of a category or buyer type the reports do not know
SALES_TO = Ledger("sales_to", (("buyer_cooperative_id", "text"), ("category", "text"),
                               ("buyer_type", "text")), ("gross", "voided", "credit"))
PRODUCE = Ledger("produce", (), ("amount", "grams", "receipts"))
STOCK = Ledger("stock", (), (
    "value", "receipt", "produce", "issue", "returned", "adjustment_in", "adjustment_out",
    "transfer_out", "transfer_in", "spoilage"), balance=True)
TRANSFERS = Ledger("transfers", (("counterparty", "text"),), ("sent", "received"))
# ``rows``: how many movements (a product is listed only once it has one by as_of)
STOCK_KEYS = Ledger("stock_keys", (("warehouse_id", "text"), ("product_id", "text")),
                    ("qty", "value", "rows"), balance=True)
SAVINGS = Ledger("savings", (), ("pokok", "wajib", "sukarela", "deposits", "withdrawals",
                                 "refunds", "unknown"), balance=True)
LOANS = Ledger("loans", (), ("disbursed", "disbursements", "principal", "interest",
                             "penalty", "written_off"))
# Late uploads: facts recorded after their month ended, by kind and by how late:
# ``after_close`` 1, 2, 3 = after the month's end in WIT, WITA, WIB.
LATE = Ledger("late", (("fact", "text"), ("after_close", "smallint")), ("n", "amount"))

LEDGERS: tuple[Ledger, ...] = (SALES, SALES_TO, PRODUCE, STOCK, TRANSFERS, STOCK_KEYS,
                               SAVINGS, LOANS, LATE)


def _columns(ledger: Ledger) -> tuple[str, str]:
    dims = "".join(f"    {name} {kind} NOT NULL,\n" for name, kind in ledger.dims)
    sums = "".join(f"    {m} numeric NOT NULL DEFAULT 0,\n" for m in ledger.measures)
    return dims, sums


def _ledger_ddl(ledger: Ledger) -> str:
    dims, sums = _columns(ledger)
    key = "".join(f", {name}" for name in ledger.dim_names)
    parts = [
        f"CREATE TABLE {ledger.table('by_day')} (\n    cooperative_id text NOT NULL,\n"
        f"    business_date date NOT NULL,\n    late boolean NOT NULL,\n{dims}{sums}"
        "    min_recorded_at timestamptz NOT NULL,\n    max_recorded_at timestamptz NOT NULL,\n"
        f"    PRIMARY KEY (cooperative_id, business_date, late{key})\n);",
        f"CREATE TABLE {ledger.table('by_month')} (\n    cooperative_id text NOT NULL,\n"
        f"    month date NOT NULL,\n    late boolean NOT NULL,\n{dims}{sums}"
        "    min_recorded_at timestamptz NOT NULL,\n    max_recorded_at timestamptz NOT NULL,\n"
        f"    PRIMARY KEY (cooperative_id, month, late{key})\n);",
        f"CREATE TABLE {ledger.table('late')} (\n    cooperative_id text NOT NULL,\n"
        f"    recorded_at timestamptz NOT NULL,\n    business_date date NOT NULL,\n{dims}{sums}"
        f"    PRIMARY KEY (cooperative_id, recorded_at, business_date{key})\n);",
    ]
    if ledger.balance:
        parts.append(
            f"CREATE TABLE {ledger.table('total')} (\n    cooperative_id text NOT NULL,\n"
            f"{dims}{sums}    PRIMARY KEY (cooperative_id{key})\n);")
    return "\n".join(parts)


_OTHER_DDL = """
-- The first recorded time of any event (of an economic fact) per business day.
CREATE TABLE event_days (
    cooperative_id    text NOT NULL,
    business_date     date NOT NULL,
    first_recorded_at timestamptz NOT NULL,
    PRIMARY KEY (cooperative_id, business_date)
);
CREATE TABLE activity_days (
    cooperative_id    text NOT NULL,
    business_date     date NOT NULL,
    first_recorded_at timestamptz NOT NULL,
    PRIMARY KEY (cooperative_id, business_date)
);
-- The latest recorded_at of any fact row of a cooperative.
CREATE TABLE fact_clock (
    cooperative_id   text PRIMARY KEY,
    last_recorded_at timestamptz NOT NULL
);
-- Every month in which some fact has its business date (bills: their due date).
CREATE TABLE data_months (
    month date PRIMARY KEY
);
-- Facts written, per cooperative, the month from which they can change a figure
-- (-infinity: every month) and the month they were recorded in (-infinity: whatever
-- moment a figure is known at), counted by the stored figures they can change.
CREATE TABLE changes (
    cooperative_id  text NOT NULL,
    effective_month date NOT NULL,
    recorded_month  date NOT NULL,
    members         bigint NOT NULL DEFAULT 0,  -- members, participation
    produce         bigint NOT NULL DEFAULT 0,  -- produce suppliers
    wajib           bigint NOT NULL DEFAULT 0,  -- wajib bills and deposits
    loans           bigint NOT NULL DEFAULT 0,  -- the loan book
    other           bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (cooperative_id, effective_month, recorded_month)
);
-- Cooperatives whose facts a ledger cannot represent exactly (a sale recorded twice
-- with other lines, a void of another cooperative's sale, a member or loan shared
-- with another cooperative): their figures are computed from the facts.
CREATE TABLE irregular (
    cooperative_id text NOT NULL,
    reason         text NOT NULL,
    PRIMARY KEY (cooperative_id, reason)
);
-- Figures computed once and kept (not WAL-logged: a lost row is computed again):
-- ``grp`` is one group of figures as known now (``known_at`` infinity) or every figure
-- as known at a past moment (``all``); ``seen`` the ``changes`` count it was computed
-- at, which any later fact that can change it moves.
CREATE UNLOGGED TABLE stored_figures (
    cooperative_id text NOT NULL,
    month          date NOT NULL,
    as_of          date NOT NULL,
    known_at       timestamptz NOT NULL,
    threshold      bigint NOT NULL,
    grp            text NOT NULL,
    seen           bigint NOT NULL,
    payload        text NOT NULL,
    computed_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cooperative_id, month, as_of, known_at, threshold, grp)
);
CREATE INDEX stored_figures_computed ON stored_figures (computed_at);
"""


def _dim(ledger: Ledger, index: int) -> str:
    _, kind = ledger.dims[index]
    return f"(e->'k'->>{index})::{kind}"


def _sum(index: int) -> str:
    return f"sum((e->'m'->>{index})::numeric)"


def _upsert(ledger: Ledger, part: str) -> str:
    """The statement of ``rm_apply`` writing ``ledger``'s contributions into ``part``."""
    table = ledger.table(part)
    dims = [_dim(ledger, i) for i in range(len(ledger.dims))]
    sums = [_sum(i) for i in range(len(ledger.measures))]
    names = list(ledger.dim_names)
    if part == "by_day":
        key_exprs = ["e->>'c'", "(e->>'d')::date", "(e->>'l')::boolean", *dims]
        key_names = ["cooperative_id", "business_date", "late", *names]
        where = ""
    elif part == "by_month":
        key_exprs = ["e->>'c'", "date_trunc('month', (e->>'d')::timestamp)::date",
                     "(e->>'l')::boolean", *dims]
        key_names = ["cooperative_id", "month", "late", *names]
        where = ""
    elif part == "late":
        key_exprs = ["e->>'c'", "(e->>'r0')::timestamptz", "(e->>'d')::date", *dims]
        key_names = ["cooperative_id", "recorded_at", "business_date", *names]
        where = " AND (e->>'l')::boolean"
    else:
        key_exprs = ["e->>'c'", *dims]
        key_names = ["cooperative_id", *names]
        where = ""
    clocks = part in ("by_day", "by_month")
    extra_names = ["min_recorded_at", "max_recorded_at"] if clocks else []
    extra_exprs = (["min((e->>'r0')::timestamptz)", "max((e->>'r1')::timestamptz)"]
                   if clocks else [])
    positions = ", ".join(str(n) for n in range(1, len(key_exprs) + 1))
    updates = [f"{m} = {table}.{m} + EXCLUDED.{m}" for m in ledger.measures]
    if clocks:
        updates += [f"min_recorded_at = least({table}.min_recorded_at, EXCLUDED.min_recorded_at)",
                    f"max_recorded_at = greatest({table}.max_recorded_at, "
                    "EXCLUDED.max_recorded_at)"]
    return (f"INSERT INTO {table} ({', '.join([*key_names, *ledger.measures, *extra_names])})\n"
            f"    SELECT {', '.join([*key_exprs, *sums, *extra_exprs])}\n"
            f"    FROM jsonb_array_elements(parts->'{ledger.name}') e WHERE true{where}\n"
            f"    GROUP BY {positions} ORDER BY {positions}\n"
            f"    ON CONFLICT ({', '.join(key_names)}) DO UPDATE SET {', '.join(updates)};")


def _apply_function() -> str:
    statements: list[str] = []
    for ledger in LEDGERS:
        parts = ["by_day", "by_month", "late", *(["total"] if ledger.balance else [])]
        statements += [_upsert(ledger, part) for part in parts]
    statements += [
        """INSERT INTO event_days (cooperative_id, business_date, first_recorded_at)
    SELECT e->>'c', (e->>'d')::date, min((e->>'r0')::timestamptz)
    FROM jsonb_array_elements(parts->'ev') e GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (cooperative_id, business_date) DO UPDATE
    SET first_recorded_at = least(event_days.first_recorded_at, EXCLUDED.first_recorded_at)
    WHERE EXCLUDED.first_recorded_at < event_days.first_recorded_at;""",
        """INSERT INTO activity_days (cooperative_id, business_date, first_recorded_at)
    SELECT e->>'c', (e->>'d')::date, min((e->>'r0')::timestamptz)
    FROM jsonb_array_elements(parts->'act') e GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (cooperative_id, business_date) DO UPDATE
    SET first_recorded_at = EXCLUDED.first_recorded_at
    WHERE EXCLUDED.first_recorded_at < activity_days.first_recorded_at;""",
        """INSERT INTO fact_clock (cooperative_id, last_recorded_at)
    SELECT e->>'c', max((e->>'r1')::timestamptz)
    FROM jsonb_array_elements(parts->'clock') e GROUP BY 1 ORDER BY 1
    ON CONFLICT (cooperative_id) DO UPDATE SET last_recorded_at = EXCLUDED.last_recorded_at
    WHERE EXCLUDED.last_recorded_at > fact_clock.last_recorded_at;""",
        """INSERT INTO data_months (month)
    SELECT DISTINCT (e->>'d')::date FROM jsonb_array_elements(parts->'month') e ORDER BY 1
    ON CONFLICT (month) DO NOTHING;""",
        """INSERT INTO changes (cooperative_id, effective_month, recorded_month, members, produce,
                     wajib, loans, other)
    SELECT e->>'c', (e->>'e')::date, (e->>'r')::date, sum((e->'m'->>0)::bigint),
           sum((e->'m'->>1)::bigint), sum((e->'m'->>2)::bigint), sum((e->'m'->>3)::bigint),
           sum((e->'m'->>4)::bigint)
    FROM jsonb_array_elements(parts->'chg') e
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (cooperative_id, effective_month, recorded_month) DO UPDATE SET
        members = changes.members + EXCLUDED.members,
        produce = changes.produce + EXCLUDED.produce,
        wajib = changes.wajib + EXCLUDED.wajib, loans = changes.loans + EXCLUDED.loans,
        other = changes.other + EXCLUDED.other;""",
        """INSERT INTO irregular (cooperative_id, reason)
    SELECT DISTINCT e->>'c', e->>'k' FROM jsonb_array_elements(parts->'irr') e ORDER BY 1, 2
    ON CONFLICT (cooperative_id, reason) DO NOTHING;""",
    ]
    body = "\n    ".join(statements)
    # search_path FROM CURRENT: the function reads the tables of the version it was
    # created in, whatever the caller's path.
    # ``parts``: the payload's rows by kind, split in one pass; each statement reads
    # only its own kind (reading the whole payload in each of ~40 statements cost more
    # than the upserts when a derive handed it 100,000 rows).
    return (f"CREATE FUNCTION rm_apply(payload jsonb) RETURNS void LANGUAGE plpgsql\n"
            f"SET search_path FROM CURRENT AS $fn$\nDECLARE\n    parts jsonb;\nBEGIN\n"
            f"    SELECT jsonb_object_agg(s.t, s.rows) INTO parts FROM (\n"
            f"        SELECT e->>'t' AS t, jsonb_agg(e) AS rows\n"
            f"        FROM jsonb_array_elements(payload) e GROUP BY 1) s;\n"
            f"    {body}\nEND\n$fn$;\n")


MAINTAINED_DDL = ("\n".join(_ledger_ddl(ledger) for ledger in LEDGERS) + _OTHER_DDL
                  + _apply_function())

"""What each fact row adds to the maintained tables (``ledgers``), as SQL.

Each fact table has one function here giving the SELECTs of its contributions over a
relation ``new`` of its rows. The consumer runs them over the rows a statement has
just inserted (``WITH new AS (INSERT ... RETURNING *)``: a duplicate, which inserts
nothing, adds nothing), aggregated into a few JSON rows that ``rm_apply`` writes at
the end of the batch. The same SELECTs run over whole fact tables to derive the
maintained tables from the facts (``derive``), and, grouped by recorded time, over
the facts of one day when a report's ``known_at`` falls inside it (the raw rows of
``reporting.adapters.reports.maintained``). One definition, three uses: the property
tests compare the maintained reports with the facts' own recomputation.

A contribution row is ``(c, d, r, k0.., m0..)``: cooperative, business date, recorded
at, the ledger's dims and measures (in the ledger's order; a measure not named adds 0).

A void and a line of its sale meet in whichever of the two statements runs second (a
statement sees the rows of the statements before it in the batch, never its own), so
each pair adds once: dated on the void's date, or on the line's when the line is dated
later in the same month (both must lie in the period); a pair whose line is dated in a
later month never counts, as in the report's own query.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from reporting.adapters.read_model.ledgers import (
    LATE,
    LOANS,
    ON_TIME_HOURS,
    PRODUCE,
    SALES,
    SALES_TO,
    SAVINGS,
    STOCK,
    STOCK_KEYS,
    TRANSFERS,
    Ledger,
)
from reporting.domain.reports.figures import (
    CATEGORIES,
    CHANNELS,
    PRODUCE_MARKETING,
    SPOILAGE_REASONS,
)

__all__ = ["FACT_CONTRIBUTIONS", "SALE_CHANNEL", "Contribution", "Mode", "aggregated",
           "by_recorded_time", "contributions_of", "late_expr"]

_BUYERS = ("member", "non_member")
# The omzet channel of a sale line ``f`` (``figures.CHANNELS``): a sale to another
# cooperative is produce trade whatever its channel; an unknown channel is the shop's.
SALE_CHANNEL = ("(CASE WHEN f.buyer_cooperative_id IS NOT NULL THEN 'produce_trade' "
                "WHEN f.channel = 'online' THEN 'online' ELSE 'shop' END)")
_STOCK_FLOWS = {"receipt": "receipt", "produce": "produce", "issue": "issue",
                "return": "returned", "transfer_out": "transfer_out",
                "transfer_in": "transfer_in"}


def _quoted(values: Sequence[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


@dataclasses.dataclass(frozen=True)
class Mode:
    """Which relations a statement's contributions read.

    ``new``: the rows being added; ``derive``: a whole fact table as if it were new
    (pairs of a void and a line then come once, from the voids' side, and nothing
    counts as already there).
    """

    derive: bool = False


INCREMENTAL = Mode()
DERIVE = Mode(derive=True)


@dataclasses.dataclass(frozen=True)
class Contribution:
    """One SELECT adding to ``ledger``: ``source`` is the FROM clause."""

    ledger: Ledger
    source: str
    coop: str
    bd: str
    rec: str
    measures: Mapping[str, str]
    dims: tuple[str, ...] = ()
    where: str = "true"

    def select(self) -> str:
        unknown = set(self.measures) - set(self.ledger.measures)
        if unknown or len(self.dims) != len(self.ledger.dims):
            raise ValueError(f"{self.ledger.name}: {sorted(unknown)} / {self.dims}")
        dims = "".join(f", {expr} AS k{i}" for i, expr in enumerate(self.dims))
        sums = "".join(f", ({self.measures.get(m, '0')})::numeric AS m{i}"
                       for i, m in enumerate(self.ledger.measures))
        return (f"SELECT {self.coop} AS c, {self.bd} AS d, {self.rec} AS r{dims}{sums} "
                f"FROM {self.source} WHERE {self.where}")


def late_expr(rec: str, bd: str) -> str:
    """Whether a fact recorded at ``rec`` for ``bd`` is late (after its day ended in WIT)."""
    return f"({rec} > ({bd} + time '{ON_TIME_HOURS:02d}:00') AT TIME ZONE 'UTC')"


def _close(bd: str, hours: int) -> str:
    """When the month of ``bd`` ended in the zone ``hours`` east of UTC."""
    return (f"((date_trunc('month', ({bd})::timestamp) + interval '1 month' "
            f"- interval '{hours} hours') AT TIME ZONE 'UTC')")


def _after_close(rec: str, bd: str) -> str:
    """0 before the month of ``bd`` ended anywhere; 1, 2, 3 after it ended in WIT,
    WITA, WIB (UTC+9, +8, +7)."""
    return (f"(CASE WHEN {rec} > {_close(bd, 7)} THEN 3 WHEN {rec} > {_close(bd, 8)} THEN 2 "
            f"WHEN {rec} > {_close(bd, 9)} THEN 1 ELSE 0 END)")


def aggregated(contribution: Contribution) -> str:
    """The contribution as JSON rows for ``rm_apply``: summed per cooperative, day,
    on-time or late (late rows keep their exact recorded time) and dims."""
    ledger = contribution.ledger
    late = late_expr("x.r", "x.d")
    keys = "".join(f", x.k{i}" for i in range(len(ledger.dims)))
    dims = ", ".join(f"x.k{i}" for i in range(len(ledger.dims)))
    sums = ", ".join(f"sum(x.m{i})" for i in range(len(ledger.measures)))
    return (f"SELECT jsonb_build_object('t', '{ledger.name}', 'c', x.c, 'd', x.d, 'l', {late}, "
            f"'r0', min(x.r), 'r1', max(x.r), 'k', jsonb_build_array({dims}), "
            f"'m', jsonb_build_array({sums}))::text\n"
            f"FROM ({contribution.select()}) x\n"
            f"GROUP BY x.c, x.d, {late}, CASE WHEN {late} THEN x.r END{keys}")


def by_recorded_time(contribution: Contribution) -> str:
    """The contribution as columns ``(c, d, r, late, k.., m..)``, one row per recorded
    time: the raw rows of a day that a ``known_at`` cuts."""
    ledger = contribution.ledger
    keys = "".join(f", x.k{i}" for i in range(len(ledger.dims)))
    sums = "".join(f", sum(x.m{i})::text AS m{i}" for i in range(len(ledger.measures)))
    late = late_expr("x.r", "x.d")
    return (f"SELECT x.c, x.d, x.r, {late} AS late{keys}{sums}\n"
            f"FROM ({contribution.select()}) x GROUP BY x.c, x.d, x.r{keys}")


# --- the small rows: clocks, months, changes, irregular cooperatives ----------------------

def _activity(source: str, coop: str, bd: str, rec: str, where: str = "true") -> str:
    return (f"SELECT jsonb_build_object('t', 'act', 'c', {coop}, 'd', {bd}, 'r0', min({rec}))"
            f"::text FROM {source} WHERE {where} GROUP BY {coop}, {bd}")


def _clock(source: str, coop: str, rec: str) -> str:
    return (f"SELECT jsonb_build_object('t', 'clock', 'c', {coop}, 'r1', max({rec}))::text "
            f"FROM {source} GROUP BY {coop}")


def _months(source: str, bd: str) -> str:
    # The distinct months of the distinct days: an object built per fact and then made
    # distinct cost a third of a whole table's contributions (derive, 200,000 savings:
    # 220 ms), and a month computed per fact still most of the rest (300,000 savings
    # of three cooperatives: 584 ms for months of every fact, 10 days' worth of facts).
    return ("SELECT jsonb_build_object('t', 'month', 'd', m.d)::text FROM (SELECT DISTINCT "
            "date_trunc('month', d.d::timestamp)::date "
            f"FROM (SELECT DISTINCT ({bd})::date FROM {source}) d(d)) m(d)")


def _changes(source: str, coop: str, effective: str, rec: str, counts: Sequence[str]) -> str:
    """Counts (members, produce, wajib, loans, other) per cooperative, effective month
    and recorded month (UTC): counted per effective day and recorded day first, so the
    months are computed once per group, not once per fact."""
    inner = ", ".join(f"sum({c}) AS n{i}" for i, c in enumerate(counts))
    sums = ", ".join(f"sum(g.n{i})" for i in range(len(counts)))
    eff = "date_trunc('month', g.e::timestamp)::date"
    recorded = "date_trunc('month', g.r::timestamp)::date"
    return (f"SELECT jsonb_build_object('t', 'chg', 'c', g.c, 'e', {eff}, 'r', {recorded}, "
            f"'m', jsonb_build_array({sums}))::text "
            f"FROM (SELECT {coop} AS c, ({effective})::date AS e, "
            f"(({rec}) AT TIME ZONE 'UTC')::date AS r, {inner} FROM {source} "
            f"GROUP BY 1, 2, 3) g GROUP BY g.c, {eff}, {recorded}")


def _irregular(select_coops: str, reason: str) -> str:
    return (f"SELECT DISTINCT jsonb_build_object('t', 'irr', 'c', i.c, 'k', '{reason}')::text "
            f"FROM ({select_coops}) i(c)")


# --- sales -------------------------------------------------------------------------------

def _sale_measures(sign: str) -> dict[str, str]:
    """What a line (sign +) or its void (sign -) adds to its seller's sales figures."""
    amt = f"{sign}f.amount_idr::numeric"
    pm = _quoted(PRODUCE_MARKETING)
    measures = {
        "member": f"CASE WHEN f.buyer_type = 'member' THEN {amt} ELSE 0 END",
        "non_member": f"CASE WHEN f.buyer_type = 'non_member' THEN {amt} ELSE 0 END",
        "retail": f"CASE WHEN f.category IN ({pm}) THEN 0 ELSE {amt} END",
        "produce_marketing": f"CASE WHEN f.category IN ({pm}) THEN {amt} ELSE 0 END",
        "unknown": f"CASE WHEN f.category IN ({_quoted(CATEGORIES)}) "
                   f"AND f.buyer_type IN ({_quoted(_BUYERS)}) THEN 0 ELSE 1 END",
    }
    for cat in CATEGORIES:
        for buyer in _BUYERS:
            measures[f"{cat}_{buyer}"] = (f"CASE WHEN f.category = '{cat}' AND "
                                          f"f.buyer_type = '{buyer}' THEN {amt} ELSE 0 END")
    for channel in CHANNELS:
        measures[channel] = f"CASE WHEN {SALE_CHANNEL} = '{channel}' THEN {amt} ELSE 0 END"
    if sign == "":
        measures |= {"gross": "f.amount_idr", "credit": "f.credit_idr"}
    else:
        measures |= {"voided": "f.amount_idr", "credit": "-f.credit_idr::numeric"}
    return measures


# A pair of a void (v) and a line (f) of its sale: on the void's date, or the line's when
# the line is dated later in the same month; never when the line's month is later.
_PAIR_DATE = ("(CASE WHEN f.business_date <= v.business_date THEN v.business_date "
              "WHEN date_trunc('month', f.business_date::timestamp) = "
              "date_trunc('month', v.business_date::timestamp) THEN f.business_date END)")
_PAIR_REC = "greatest(v.recorded_at, f.recorded_at)"


def _pairs(source: str) -> list[Contribution]:
    to_buyer = {"gross": "0", "voided": "f.amount_idr", "credit": "-f.credit_idr::numeric"}
    return [
        Contribution(SALES, source, "v.cooperative_id", _PAIR_DATE, _PAIR_REC,
                     _sale_measures("-"), where=f"{_PAIR_DATE} IS NOT NULL"),
        Contribution(SALES_TO, source, "v.cooperative_id", _PAIR_DATE, _PAIR_REC, to_buyer,
                     ("f.buyer_cooperative_id", "f.category", "f.buyer_type"),
                     where=f"{_PAIR_DATE} IS NOT NULL AND f.buyer_cooperative_id IS NOT NULL"),
    ]


def _pair_coops(source: str) -> str:
    return (f"SELECT v.cooperative_id FROM {source} WHERE v.cooperative_id <> f.cooperative_id "
            f"UNION SELECT f.cooperative_id FROM {source} "
            f"WHERE v.cooperative_id <> f.cooperative_id")


def _late_upload(fact: str, source: str, coop: str, bd: str, rec: str, n: str, amount: str,
                 where: str = "true") -> Contribution:
    close = _after_close(rec, bd)
    return Contribution(LATE, source, coop, bd, rec, {"n": n, "amount": amount},
                        (f"'{fact}'", close), where=f"{where} AND {close} > 0")


def sale_lines(mode: Mode) -> tuple[list[Contribution], list[str]]:
    new = "new f"
    parts = [
        Contribution(SALES, new, "f.cooperative_id", "f.business_date", "f.recorded_at",
                     _sale_measures("")),
        Contribution(SALES_TO, new, "f.cooperative_id", "f.business_date", "f.recorded_at",
                     {"gross": "f.amount_idr", "credit": "f.credit_idr"},
                     ("f.buyer_cooperative_id", "f.category", "f.buyer_type"),
                     where="f.buyer_cooperative_id IS NOT NULL"),
        # A late sale counts once, on its first line (a sale's lines come in one event).
        _late_upload("sales", "(SELECT *, row_number() OVER (PARTITION BY sale_id "
                     "ORDER BY line_no) AS nth FROM new) f", "f.cooperative_id",
                     "f.business_date", "f.recorded_at",
                     "CASE WHEN f.nth = 1 THEN 1 ELSE 0 END", "f.amount_idr"),
    ]
    rows = [
        _activity("new", "cooperative_id", "business_date", "recorded_at"),
        _clock("new", "cooperative_id", "recorded_at"),
        _months("new", "business_date"),
        _changes("new", "cooperative_id", "business_date", "recorded_at", (
            "(buyer_type = 'member' AND member_id IS NOT NULL)::int", "0", "0", "0",
            "(NOT (buyer_type = 'member' AND member_id IS NOT NULL))::int")),
        # Lines of one sale from two events (or dated apart): counted per sale, so
        # computed from the facts.
        _irregular("SELECT min(cooperative_id) FROM new GROUP BY sale_id "
                   "HAVING count(DISTINCT (business_date, recorded_at)) > 1",
                   "sale-lines-from-two-events"),
    ]
    if not mode.derive:
        pairs = "new f JOIN fact_sale_voids v ON v.sale_id = f.sale_id"
        parts += _pairs(pairs)
        # the late void's rupiah is its sale's lines, whenever they arrive
        parts.append(_late_upload("sale_voids", pairs, "v.cooperative_id", "v.business_date",
                                  "v.recorded_at", "0", "f.amount_idr"))
        rows += [
            _irregular("SELECT DISTINCT n.cooperative_id FROM (SELECT DISTINCT sale_id, "
                       "cooperative_id FROM new) n WHERE EXISTS (SELECT 1 FROM "
                       "fact_sale_lines y WHERE y.sale_id = n.sale_id)",
                       "sale-lines-from-two-events"),
            _irregular(_pair_coops(pairs), "void-of-another-cooperative"),
        ]
    return parts, rows


def sale_voids(mode: Mode) -> tuple[list[Contribution], list[str]]:
    del mode  # the voids' side meets every line, new or derived
    pairs = "new v JOIN fact_sale_lines f ON f.sale_id = v.sale_id"
    lines = ("(SELECT coalesce(sum(l.amount_idr), 0) FROM fact_sale_lines l "
             "WHERE l.sale_id = v.sale_id)")
    parts = [*_pairs(pairs),
             _late_upload("sale_voids", "new v", "v.cooperative_id", "v.business_date",
                          "v.recorded_at", "1", lines)]
    rows = [
        _clock("new", "cooperative_id", "recorded_at"),
        _months("new", "business_date"),
        _changes("new", "cooperative_id", "business_date", "recorded_at",
                 ("1", "0", "0", "0", "0")),
        _irregular(_pair_coops(pairs), "void-of-another-cooperative"),
    ]
    return parts, rows


# --- produce, stock -------------------------------------------------------------------------

def produce(mode: Mode) -> tuple[list[Contribution], list[str]]:
    del mode
    parts = [
        Contribution(PRODUCE, "new f", "f.cooperative_id", "f.business_date", "f.recorded_at",
                     {"amount": "f.amount_idr", "grams": "f.net_qty_g", "receipts": "1"}),
        _late_upload("produce_receipts", "new f", "f.cooperative_id", "f.business_date",
                     "f.recorded_at", "1", "f.amount_idr"),
    ]
    rows = [
        _activity("new", "cooperative_id", "business_date", "recorded_at"),
        _clock("new", "cooperative_id", "recorded_at"),
        _months("new", "business_date"),
        _changes("new", "cooperative_id", "business_date", "recorded_at",
                 ("1", "1", "0", "0", "0")),
    ]
    return parts, rows


def _stock_measures() -> dict[str, str]:
    v = "f.value_delta_idr::numeric"
    measures = {"value": v,
                "adjustment_in": f"CASE WHEN f.kind = 'adjustment' AND {v} > 0 THEN abs({v}) "
                                 "ELSE 0 END",
                "adjustment_out": f"CASE WHEN f.kind = 'adjustment' AND {v} <= 0 THEN abs({v}) "
                                  "ELSE 0 END",
                "spoilage": f"CASE WHEN f.kind = 'adjustment' AND coalesce(f.reason, '') IN "
                            f"({_quoted(SPOILAGE_REASONS)}) THEN -{v} ELSE 0 END"}
    for kind, measure in _STOCK_FLOWS.items():
        measures[measure] = f"CASE WHEN f.kind = '{kind}' THEN abs({v}) ELSE 0 END"
    return measures


def stock(mode: Mode) -> tuple[list[Contribution], list[str]]:
    del mode
    new = "new f"
    v = "f.value_delta_idr::numeric"
    parts = [
        Contribution(STOCK, new, "f.cooperative_id", "f.business_date", "f.recorded_at",
                     _stock_measures()),
        Contribution(TRANSFERS, new, "f.cooperative_id", "f.business_date", "f.recorded_at",
                     {"sent": f"CASE WHEN f.kind = 'transfer_out' THEN abs({v}) ELSE 0 END",
                      "received": f"CASE WHEN f.kind = 'transfer_in' THEN abs({v}) ELSE 0 END"},
                     ("coalesce(f.counterparty_cooperative_id, '')",),
                     where="f.kind IN ('transfer_out', 'transfer_in')"),
        Contribution(STOCK_KEYS, new, "f.cooperative_id", "f.business_date", "f.recorded_at",
                     {"qty": "f.qty_delta", "value": "f.value_delta_idr", "rows": "1"},
                     ("f.warehouse_id", "f.product_id")),
        _late_upload("stock_movements", new, "f.cooperative_id", "f.business_date",
                     "f.recorded_at", "1", f"abs({v})"),
    ]
    rows = [
        _clock("new", "cooperative_id", "recorded_at"),
        _months("new", "business_date"),
        _changes("new", "cooperative_id", "business_date", "recorded_at",
                 ("0", "0", "0", "0", "1")),
    ]
    return parts, rows


# --- payments ----------------------------------------------------------------------------

def savings(mode: Mode) -> tuple[list[Contribution], list[str]]:
    del mode
    d = "f.delta_idr::numeric"
    measures = {kind: f"CASE WHEN f.savings_type = '{kind}' THEN {d} ELSE 0 END"
                for kind in ("pokok", "wajib", "sukarela")}
    measures |= {
        "deposits": f"CASE WHEN f.kind = 'deposit' THEN {d} ELSE 0 END",
        "withdrawals": f"CASE WHEN f.kind = 'withdrawal' THEN -{d} ELSE 0 END",
        "refunds": f"CASE WHEN f.kind = 'refund' THEN -{d} ELSE 0 END",
        "unknown": "CASE WHEN f.savings_type IN ('pokok', 'wajib', 'sukarela') THEN 0 ELSE 1 END",
    }
    parts = [
        Contribution(SAVINGS, "new f", "f.cooperative_id", "f.business_date", "f.recorded_at",
                     measures),
        _late_upload("savings", "new f", "f.cooperative_id", "f.business_date",
                     "f.recorded_at", "1", f"abs({d})"),
    ]
    deposit = "(kind = 'deposit')"
    wajib = "(kind = 'deposit' AND savings_type = 'wajib')"
    rows = [
        _activity("new", "cooperative_id", "business_date", "recorded_at"),
        _clock("new", "cooperative_id", "recorded_at"),
        _months("new", "business_date"),
        _changes("new", "cooperative_id", "business_date", "recorded_at",
                 (f"{deposit}::int", "0", f"{wajib}::int", "0", f"(NOT {deposit})::int")),
    ]
    return parts, rows


def wajib_bills(mode: Mode) -> tuple[list[Contribution], list[str]]:
    del mode
    rows = [
        _clock("new", "cooperative_id", "recorded_at"),
        _months("new", "due_date"),
        _changes("new", "cooperative_id", "due_date", "recorded_at",
                 ("0", "0", "1", "0", "0")),
    ]
    return [], rows


def loans(mode: Mode) -> tuple[list[Contribution], list[str]]:
    parts = [
        Contribution(LOANS, "new f", "f.cooperative_id", "f.business_date", "f.recorded_at",
                     {"disbursed": "f.principal_idr", "disbursements": "1"}),
        _late_upload("loan_disbursements", "new f", "f.cooperative_id", "f.business_date",
                     "f.recorded_at", "1", "f.principal_idr"),
    ]
    shared = ("SELECT n.cooperative_id FROM new n JOIN fact_loan_events y USING (loan_id) "
              "WHERE y.cooperative_id <> n.cooperative_id UNION SELECT y.cooperative_id "
              "FROM new n JOIN fact_loan_events y USING (loan_id) "
              "WHERE y.cooperative_id <> n.cooperative_id")
    rows = [
        _clock("new", "cooperative_id", "recorded_at"),
        _months("new", "business_date"),
        _changes("new", "cooperative_id", "business_date", "recorded_at",
                 ("0", "0", "0", "1", "0")),
        _irregular(shared, "loan-of-another-cooperative"),
    ]
    del mode
    return parts, rows


def loan_schedule(mode: Mode) -> tuple[list[Contribution], list[str]]:
    """Schedules come with their loan's or restructuring's own fact, which counts."""
    del mode
    return [], []


def loan_events(mode: Mode) -> tuple[list[Contribution], list[str]]:
    repayment = "f.kind = 'repayment'"
    parts = [
        Contribution(LOANS, "new f", "f.cooperative_id", "f.business_date", "f.recorded_at",
                     {"principal": f"CASE WHEN {repayment} THEN f.principal_idr ELSE 0 END",
                      "interest": f"CASE WHEN {repayment} THEN f.interest_idr ELSE 0 END",
                      "penalty": f"CASE WHEN {repayment} THEN f.penalty_idr ELSE 0 END",
                      "written_off": "CASE WHEN f.kind = 'written_off' THEN f.principal_idr "
                                     "ELSE 0 END"},
                     where="f.kind IN ('repayment', 'written_off')"),
        _late_upload("loan_events", "new f", "f.cooperative_id", "f.business_date",
                     "f.recorded_at", "1",
                     "f.principal_idr::numeric + f.interest_idr + f.penalty_idr"),
    ]
    other_coop = "y.cooperative_id <> n.cooperative_id"
    shared = " UNION ".join(
        f"SELECT {side}.cooperative_id FROM new n JOIN {table} y USING (loan_id) "
        f"WHERE {other_coop}"
        for table in ("fact_loans", "fact_loan_events") for side in ("n", "y"))
    if mode.derive:
        shared = " UNION ".join(
            f"SELECT {side}.cooperative_id FROM new n JOIN fact_loans y USING (loan_id) "
            f"WHERE {other_coop}" for side in ("n", "y"))
    rows = [
        _activity("new", "cooperative_id", "business_date", "recorded_at"),
        _clock("new", "cooperative_id", "recorded_at"),
        _months("new", "business_date"),
        _changes("new", "cooperative_id", "business_date", "recorded_at",
                 ("(kind = 'repayment')::int", "0", "0", "1", "0")),
        _irregular(shared, "loan-of-another-cooperative"),
    ]
    if mode.derive:
        rows.append(_irregular("SELECT min(cooperative_id) FROM new GROUP BY loan_id "
                               "HAVING count(DISTINCT cooperative_id) > 1 UNION "
                               "SELECT max(cooperative_id) FROM new GROUP BY loan_id "
                               "HAVING count(DISTINCT cooperative_id) > 1",
                               "loan-of-another-cooperative"))
    return parts, rows


# --- members ---------------------------------------------------------------------------------

def member_status(mode: Mode) -> tuple[list[Contribution], list[str]]:
    parts = [_late_upload("member_changes", "new f", "f.cooperative_id", "f.business_date",
                          "f.recorded_at", "1", "0")]
    # A status row can change a member's figures at any date after her first row (her
    # gender is read from any of her rows).
    first = ("least(business_date, (SELECT min(x.business_date) FROM fact_member_status x "
             "WHERE x.member_id = new.member_id))")
    if mode.derive:
        first = "business_date"
    within = ("SELECT c FROM (SELECT member_id, min(cooperative_id) AS lo, max(cooperative_id) "
              "AS hi FROM new GROUP BY member_id HAVING count(DISTINCT cooperative_id) > 1) m, "
              "LATERAL (VALUES (m.lo), (m.hi)) AS v(c)")
    rows = [
        _clock("new", "cooperative_id", "recorded_at"),
        _months("new", "business_date"),
        _changes("new", "cooperative_id", first, "recorded_at", ("1", "0", "0", "0", "0")),
        _irregular(within, "member-of-two-cooperatives"),
    ]
    if not mode.derive:
        rows.append(_irregular(
            "SELECT n.cooperative_id FROM new n JOIN fact_member_status y USING (member_id) "
            "WHERE y.cooperative_id <> n.cooperative_id UNION SELECT y.cooperative_id "
            "FROM new n JOIN fact_member_status y USING (member_id) "
            "WHERE y.cooperative_id <> n.cooperative_id", "member-of-two-cooperatives"))
    return parts, rows


# table -> its contributions (table name as in ``facts.py``)
FACT_CONTRIBUTIONS = {
    "fact_sale_lines": sale_lines,
    "fact_sale_voids": sale_voids,
    "fact_produce": produce,
    "fact_stock": stock,
    "fact_savings": savings,
    "fact_wajib_bills": wajib_bills,
    "fact_loans": loans,
    "fact_loan_schedule": loan_schedule,
    "fact_loan_events": loan_events,
    "fact_member_status": member_status,
}


def contributions_of(table: str, mode: Mode = INCREMENTAL) -> str | None:
    """The SELECT of every JSON row ``table``'s rows in ``new`` add; None if none."""
    builder = FACT_CONTRIBUTIONS.get(table)
    if builder is None:
        return None
    parts, rows = builder(mode)
    selects = [aggregated(p) for p in parts] + rows
    if not selects:
        return None
    return "\nUNION ALL\n".join(f"({s})" for s in selects)

"""What each figure means: the ratios, the growth metrics, and the labels every report
carries (handbook §4 and §7.2: "every report labels its definition")."""

from __future__ import annotations

import dataclasses

__all__ = ["DEFINITIONS", "GROWTH_METRICS", "RATIOS", "VOLUME_USAHA", "RatioDef"]


@dataclasses.dataclass(frozen=True, slots=True)
class RatioDef:
    name: str
    section: str
    numerator: tuple[str, ...]  # figures summed
    denominator: str
    higher_is_better: bool


RATIOS: tuple[RatioDef, ...] = (
    RatioDef("participation_rate", "members", ("members.participants",), "members.active",
             True),
    RatioDef("women_share", "members", ("members.active_p",), "members.active", True),
    RatioDef("member_share_of_omzet", "business", ("sales.member_idr",), "sales.net_idr", True),
    RatioDef("online_share_of_omzet", "business", ("sales.channel.online_idr",),
             "sales.net_idr", True),
    RatioDef("wajib_compliance", "savings", ("wajib.bills_paid_on_time",), "wajib.bills_due",
             True),
    RatioDef("par30", "loans", ("loans.par30_idr",), "loans.glp_idr", False),
    RatioDef("arrears_rate", "loans", ("loans.overdue_principal_idr",), "loans.glp_idr", False),
    RatioDef("problem_loan_ratio", "loans",
             ("loans.kurang_lancar.outstanding_idr", "loans.diragukan.outstanding_idr",
              "loans.macet.outstanding_idr"), "loans.glp_idr", False),
)

GROWTH_METRICS = ("members.active", "sales.net_idr", "volume_usaha_idr", "produce.amount_idr",
                  "savings.total_idr", "loans.glp_idr", "stock.value_idr")

VOLUME_USAHA = ("retail omzet (net shop sales of staple goods and farm inputs) + produce "
                "marketing omzet (net shop sales of farm produce and handicraft) + loans "
                "disbursed in the period (handbook §7.2 default; verify the ODS definition)")

DEFINITIONS = {
    "period": "business dates of the month up to as_of, in each cooperative's own time zone; "
              "only facts recorded by known_at",
    "amounts": "integer rupiah; a group's amounts are the sums over its cooperatives",
    "ratios": "basis points (10000 = 100 %), numerator * 10000 / denominator rounded half up; "
              "a group's ratio is recomputed from summed numerators and denominators, never "
              "averaged; bp is null when the denominator is not positive",
    "spread": "per-cooperative bp of cooperatives with a positive denominator; quartiles by "
              "linear interpolation between closest ranks (type 7), rounded half up; "
              "ranking best first, ties share a rank",
    "growth_bp": "(this period - previous month, cut off the same way) * 10000 / previous, "
                 "rounded half up; null when the previous value is not positive",
    "members.active": "members whose status at as_of is admitted (suspended is not active)",
    "participation_rate": "active members with at least one economic transaction in the "
                          "period (purchase not voided, produce delivery, savings deposit, loan "
                          "repayment) / active members",
    "shop_omzet": "shop sales with their discount spread over lines, net of voids; a void "
                  "counts in the month of its own business date",
    "produce_marketing_omzet": "net shop sales of farm_produce and handicraft",
    "omzet_by_channel": "net omzet by where the sale was made: shop (the till), online "
                        "(orders from outside buyers, counted when shipped) and produce_trade "
                        "(sales to another cooperative of the federation, eliminated in a "
                        "group holding both); the three add up to shop_omzet.net_idr",
    "online_share_of_omzet": "online omzet / net omzet",
    "volume_usaha": VOLUME_USAHA,
    "produce_bought": "produce received from members: amount owed to them (gross) and net "
                      "weight; net_qty_kg is grams / 1000 rounded half up",
    "savings.balances": "deposits - withdrawals - exit refunds up to as_of, by type",
    "wajib_compliance": "wajib bills due in the period (up to as_of) paid in full by their "
                        "due date / wajib bills due; a member's wajib deposits pay her bills "
                        "first in, first out",
    "gross_loan_portfolio": "outstanding principal (disbursed - repaid - written off) of "
                            "loans disbursed and neither written off nor closed at as_of",
    "days_past_due": "days from the due date of the oldest instalment whose principal + "
                     "interest is not covered (repayments allocated oldest instalment first, "
                     "interest before principal, against the schedule in force) to as_of",
    "par30": "whole outstanding principal of loans more than 30 days past due, plus "
             "restructured loans / gross loan portfolio",
    "arrears_rate": "overdue principal (unpaid principal of instalments past due) / gross "
                    "loan portfolio; arrears, not PAR",
    "collectibility": "by days past due (verify): lancar 0-30, kurang_lancar 31-90, "
                      "diragukan 91-180, macet above 180; problem loans = the last three",
    "stock.value_on_hand": "value of stock movements up to as_of (moving-average cost, as "
                           "the inventory ledger values them)",
    "spoilage": "value written off in the period for damaged, rotten, expired or lost goods",
    "low_stock": "products whose quantity on hand in a warehouse is at or below the "
                 "low-stock threshold (base units)",
    "eliminations": "what moved between two cooperatives of the group in the period is left "
                    "out of the group's totals: stock transferred, from the transfer totals "
                    "(transfers_out_idr: the value sent, at cost), and sales by one to "
                    "another, net of voids, from every sales figure and volume usaha "
                    "(inter_cooperative_sales_idr); eliminations_idr is their sum. A "
                    "cooperative's own report and row keep them",
    "freshness": "two clocks, each with its own flag: stale (not synced) when the last "
                 "event recorded by known_at is more than stale_after_days days old, in "
                 "the cooperative's own calendar, or there is none; idle when the last "
                 "day of economic activity (sale, produce, deposit, repayment) up to "
                 "as_of is more than stale_after_days days before as_of, or there is none",
    "late_uploads": "facts with a business date in the period recorded after the month "
                    "ended for their cooperative (the 1st of the next month, 00:00 local) "
                    "and by known_at: prior-period adjustments",
}

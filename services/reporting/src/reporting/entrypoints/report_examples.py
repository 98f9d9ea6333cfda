"""OpenAPI examples of the monthly reports (abridged: lists cut to one entry)."""

from __future__ import annotations

from typing import Any

__all__ = ["CSV_RESPONSES", "MONTHLY_RESPONSES"]

_RATIO = {"numerator": 12_500_000, "denominator": 250_000_000, "bp": 500}
_EXAMPLE: dict[str, Any] = {
    "scope": {"kind": "region", "code": "53", "name": "Nusa Tenggara Timur",
              "level": "province", "cooperatives": 2},
    "period": {"month": "2026-01", "start": "2026-01-01", "end": "2026-01-31",
               "as_of": "2026-01-31", "as_of_basis": "month_end",
               "known_at": "2026-02-03T01:00:00Z"},
    "unavailable": [{"cooperative_id": "cooperative-0190f3d4", "name": "Koperasi Mawar",
                     "regency_code": "5312", "reason": "figures-not-computable",
                     "step": "figures of 2026-01", "error": "NumericValueOutOfRangeError",
                     "trace_id": "0af7651916cd43dd8448eb211c80319c"}],
    "members": {"active": {"total": 412, "L": 190, "P": 222, "unknown": 0}, "admitted": 9,
                "exited": 2, "participants": 301,
                "participation_rate": {"numerator": 301, "denominator": 412, "bp": 7306},
                "women_share": {"numerator": 222, "denominator": 412, "bp": 5388}},
    "business": {
        "shop_omzet": {"gross_idr": 96_400_000, "voided_idr": 210_000, "net_idr": 96_190_000,
                       "on_credit_idr": 4_200_000},
        "member_idr": 81_000_000, "non_member_idr": 15_190_000,
        "member_share_of_omzet": {"numerator": 81_000_000, "denominator": 96_190_000,
                                  "bp": 8421},
        "retail_omzet_idr": 60_190_000, "produce_marketing_omzet_idr": 36_000_000,
        "by_channel": [{"channel": "shop", "net_idr": 84_190_000},
                       {"channel": "online", "net_idr": 12_000_000},
                       {"channel": "produce_trade", "net_idr": 0}],
        "online_share_of_omzet": {"numerator": 12_000_000, "denominator": 96_190_000,
                                  "bp": 1248},
        "by_category": [{"category": "farm_produce", "member_idr": 30_000_000,
                         "non_member_idr": 6_000_000, "total_idr": 36_000_000}],
        "produce_bought": {"amount_idr": 23_400_000, "net_qty_g": 520_000, "net_qty_kg": 520,
                           "receipts": 14, "suppliers": 11},
        "volume_usaha": {"amount_idr": 146_190_000, "retail_omzet_idr": 60_190_000,
                         "produce_marketing_omzet_idr": 36_000_000,
                         "loans_disbursed_idr": 50_000_000,
                         "definition": "retail omzet + produce marketing omzet + loans "
                                       "disbursed in the period"}},
    "savings": {"balances": {"pokok_idr": 41_200_000, "wajib_idr": 61_800_000,
                             "sukarela_idr": 23_000_000, "total_idr": 126_000_000},
                "deposits_idr": 9_800_000, "withdrawals_idr": 1_000_000, "refunds_idr": 0,
                "wajib_compliance": {"numerator": 350, "denominator": 400, "bp": 8750}},
    "loans": {"gross_loan_portfolio_idr": 250_000_000, "active_loans": 120,
              "disbursed_idr": 50_000_000, "disbursed_count": 20,
              "par30": _RATIO,
              "arrears_rate": {"numerator": 3_000_000, "denominator": 250_000_000, "bp": 120},
              "collectibility": [{"class": "lancar", "min_days_past_due": 0,
                                  "max_days_past_due": 30, "loans": 112,
                                  "outstanding_idr": 237_500_000}]},
    "stock": {"value_on_hand_idr": 88_000_000, "spoilage_idr": 350_000,
              "low_stock_products": 3,
              "movements": {"transfer_out_idr": 0, "transfer_in_idr": 0}},
    "eliminations": {"eliminations_idr": 5_700_000, "transfers_out_idr": 4_500_000,
                     "transfers_in_idr": 4_500_000, "inter_cooperative_sales_idr": 1_200_000},
    "growth": {"previous_month": "2025-12", "previous_as_of": "2025-12-31",
               "metrics": [{"metric": "sales.net_idr", "current": 96_190_000,
                            "previous": 90_000_000, "growth_bp": 688}]},
    "freshness": {"stale_after_days": 7, "stale": ["cooperative-0190f3c2"],
                  "idle": ["cooperative-0190f3c2"],
                  "cooperatives": [{"cooperative_id": "cooperative-0190f3c2",
                                    "time_zone": "WITA",
                                    "last_recorded_at": "2026-01-20T03:12:00Z",
                                    "last_business_date": "2026-01-20",
                                    "days_since_last_event": 13,
                                    "last_activity_date": "2026-01-19",
                                    "days_since_last_activity": 12,
                                    "stale": True, "idle": True}]},
    "spread": {"par30": {"n": 2, "min": 310, "p25": 358, "median": 405, "p75": 453,
                         "max": 500, "higher_is_better": False,
                         "ranking": [{"rank": 1, "cooperative_id": "cooperative-0190f3c2",
                                      "name": "Koperasi Tenun Ikat Lambanapu", "bp": 310}]}},
    "prior_period_adjustments": {
        "late_uploads": [{"cooperative_id": "cooperative-0190f3c2", "fact": "sales",
                          "count": 3, "amount_idr": 450_000}],
        "changes": [{"metric": "sales.net_idr", "at_month_end": 95_740_000,
                     "now": 96_190_000, "delta": 450_000}]},
}
_CSV = ("cooperative_id,name,members_active,shop_omzet_idr,par30_bp\r\n"
        "cooperative-0190f3c2,Koperasi Tenun Ikat Lambanapu,212,50100000,310\r\n")
_PROBLEM = {"type": "https://gotong.id/problems/invalid-request", "title": "Invalid request",
            "status": 422, "detail": "as_of must lie within 2026-01", "code": "invalid-request"}

MONTHLY_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The monthly report (JSON), or one of its tables as CSV when "
                         "`Accept: text/csv`. `unavailable` lists the cooperatives in scope "
                         "whose figures could not be computed (usually none): they are left "
                         "out of every figure, ratio, spread and ranking, `scope.cooperatives` "
                         "counts the others, and each failure is logged with the `trace_id` "
                         "shown. In CSV: the `unavailable` table, the `cooperatives` table's "
                         "rows with `figures_unavailable` true, and the summary's "
                         "`unavailable.cooperatives`.",
          "content": {"application/json": {"example": _EXAMPLE},
                      "text/csv": {"schema": {"type": "string"}, "example": _CSV}}},
    422: {"description": "A bad month, as_of, known_at or table",
          "content": {"application/problem+json": {"example": _PROBLEM}}},
}
CSV_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "One table of the monthly report as CSV (RFC 4180, header row)",
          "content": {"text/csv": {"schema": {"type": "string"}, "example": _CSV}}},
    422: MONTHLY_RESPONSES[422],
}

"""Sales between cooperatives of a group are eliminated from the group's figures (handbook
§4: inter-koperasi transactions leave federation omzet), on a real database.

The cooperatives of ``reporting_scenario`` (A in regency 5302 and B in 5311, both
province 53; C in 8101; D in 5302, left the federation in December), with only these
January sales, all non-member sales of A unless said:

- s1: A sells rice to B, 300.000 (staple goods);
- s2: A sells coffee to B, 200.000 (farm produce), voided on the 15th;
- s3: A sells tenun to a villager, 50.000 (handicraft);
- s4: C sells coffee to A, 120.000 (farm produce);
- s5: A sells rice to D, 70.000: D is no longer in the federation, so not eliminated.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from reporting_harness import Reporting
from reporting_scenario import A, B, C, D, cooperatives, line

from gotong_platform.contracts import inventory as i

pytestmark = pytest.mark.integration

JAN = {"month": "2026-01"}


def a_sale(seller: str, sale_id: str, day: int, category: str, amount: int,
           buyer: str | None) -> i.SaleRecordedV1:
    return i.SaleRecordedV1(
        cooperative_id=seller, sale_id=sale_id, warehouse_id=f"w-{seller}",
        buyer_type="non_member", buyer_cooperative_id=buyer,
        lines=(line(f"p-{sale_id}", category, amount),), discount_idr=0, total_idr=amount,
        payments=(i.SalePayment(method="transfer", amount_idr=amount),),
        business_date=date(2026, 1, day))


async def seed(r: Reporting) -> None:
    await cooperatives(r)
    for seller, sale_id, day, category, amount, buyer in (
            (A, "s1", 10, "staple_goods", 300_000, B),
            (A, "s2", 12, "farm_produce", 200_000, B),
            (A, "s3", 13, "handicraft", 50_000, None),
            (C, "s4", 20, "farm_produce", 120_000, A),
            (A, "s5", 21, "staple_goods", 70_000, D)):
        sale = a_sale(seller, sale_id, day, category, amount, buyer)
        await r.record(sale, stream=sale_id, on=sale.business_date)
    await r.record(i.SaleVoidedV1(cooperative_id=A, sale_id="s2", reason_code="entry_error"),
                   stream="s2", on=date(2026, 1, 15))


def business(report: dict[str, Any]) -> dict[str, Any]:
    b = report["business"]
    return {"shop_omzet": b["shop_omzet"], "non_member_idr": b["non_member_idr"],
            "retail": b["retail_omzet_idr"], "marketing": b["produce_marketing_omzet_idr"],
            "by_category": {x["category"]: x["total_idr"] for x in b["by_category"]},
            "volume_usaha": b["volume_usaha"]["amount_idr"]}


def omzet(gross: int, voided: int) -> dict[str, int]:
    return {"gross_idr": gross, "voided_idr": voided, "net_idr": gross - voided,
            "on_credit_idr": 0}


def row(report: dict[str, Any], cooperative_id: str) -> dict[str, Any]:
    return next(x for x in report["cooperatives"] if x["cooperative_id"] == cooperative_id)


async def test_the_federation_eliminates_sales_between_its_cooperatives(
    reporting: Reporting,
) -> None:
    r = reporting
    await seed(r)
    fed = await r.report("/federation/reports/monthly", r.auth("federation_admin"), **JAN)

    # s1 and s4 leave the group's figures, s2 (voided) nets to nothing; s3 and s5 stay.
    assert business(fed) == {
        "shop_omzet": omzet(120_000, 0), "non_member_idr": 120_000, "retail": 70_000,
        "marketing": 50_000, "volume_usaha": 120_000,
        "by_category": {"staple_goods": 70_000, "handicraft": 50_000, "farm_produce": 0,
                        "farm_inputs": 0}}
    assert fed["eliminations"] == {"eliminations_idr": 420_000, "transfers_out_idr": 0,
                                   "transfers_in_idr": 0,
                                   "inter_cooperative_sales_idr": 420_000}
    assert fed["business"]["member_share_of_omzet"]["denominator"] == 120_000
    # Each cooperative's row keeps its own sales, the ones to other cooperatives included.
    assert (row(fed, A)["shop_omzet_idr"], row(fed, C)["shop_omzet_idr"]) == (420_000,
                                                                              120_000)


async def test_a_region_eliminates_only_sales_between_two_of_its_cooperatives(
    reporting: Reporting,
) -> None:
    r = reporting
    await seed(r)
    admin = r.auth("federation_admin")

    province = await r.report("/regions/53/reports/monthly", admin, **JAN)  # A and B
    assert business(province)["shop_omzet"] == omzet(120_000, 0)  # s3 + s5: C's s4 is not A's
    assert province["eliminations"]["inter_cooperative_sales_idr"] == 300_000  # s1 (+ s2 - s2)
    regency = await r.report("/regions/5302/reports/monthly", admin, **JAN)  # A alone
    assert business(regency)["shop_omzet"] == omzet(620_000, 200_000)
    assert regency["eliminations"]["inter_cooperative_sales_idr"] == 0
    own = await r.report(f"/cooperatives/{A}/reports/monthly", admin, **JAN)
    assert business(own)["shop_omzet"] == omzet(620_000, 200_000)
    assert own["eliminations"]["eliminations_idr"] == 0

    summary = await r.get("/federation/reports/monthly.csv", admin, table="summary", **JAN)
    values = {x["metric"]: x["value"] for x in csv.DictReader(io.StringIO(summary.text))}
    assert values["eliminations.inter_cooperative_sales_idr"] == "420000"

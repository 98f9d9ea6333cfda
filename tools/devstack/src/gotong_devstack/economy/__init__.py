"""The demo federation's money and goods (issue 3): savings, loans, shops, produce. Pure data.

`build_economy(federation, today)` turns the members demo (`demo.build_demo(today)`) into,
per cooperative, everything `economy_seed` sends to the payments and inventory APIs, over
the last three months of business up to `today` (`demo_dates.DemoDates`: the month of
`today` and the two before it, facts up to `today`, `until`):

* payments: a savings policy; every admitted member's simpanan pokok (paid on the day of
  admission); simpanan wajib billed for the three months and mostly paid (some members in
  arrears on bills already due; a bill not due yet is paid early or not yet); sukarela
  deposits; loans (applied by the clerk, approved and disbursed by the treasurer) with
  their repayments, one of them left overdue. Wajib, sukarela and repayments are a
  collector's offline facts for `POST /sync` (device `demo-<slug>-kolektor`, seq 1, 2, ...
  in date order).
* inventory: warehouses (a shop everywhere, a coffee warehouse, a cold storage for the
  fishery), a catalogue with member, non-member and buy-from-member prices in force from
  `dates.prices_from`, goods receipts on the first day that cover what the shop sells,
  produce bought from members (coffee, fish; the scale's offline facts, device
  `demo-<slug>-gudang`) and the shop's sales to members and non-members month by month
  (the till's offline facts, device `demo-<slug>-gerai`).

The months differ on purpose, so the regional office sees a federation move: the coffee
cooperative grows month over month (harvest money in the village, and the harvest itself
in the last month; two pre-harvest loans), the weavers' gallery shrinks after the tourist
season, and the KDKMP Kilwaru's devices stopped syncing `STALE_DAYS` before the end: every
fact of it (shop, collector) ends on `last_day`, so its last facts are older than the
others'. A profile's counts are for a whole month: a month the facts reach only in part
(the running month, or the stopped village's last) gets its share by days, so the month
to date compares fairly with the same days of the month before.

Every amount is an integer number of rupiah; a sale's tenders add up to its total, which
is computed with the inventory service's rounding (`line_amount`). Fixed seeds, one
generator per cooperative and concern: the same members give the same data, so the
request bodies (hashed with their Idempotency-Keys) and the offline facts (deduplicated by
device and seq) are the same on every run.

Dates. Payments accepts past business dates for deposits, loans and repayments. Inventory
takes a price from a past day only while that price list is still empty (a price list
already used cannot be backdated: 422 `price-backdated`), so every price takes effect on
`dates.prices_from`, before any fact. Sales and produce purchases are offline facts
carrying their own business dates, priced from the list in force on that day. Goods
receipts are online, dated (`received_on`) the first day of the three months: they are
received in full before the offline facts are uploaded (enough for all three months), so
the till never oversells. Nothing is dated after `dates.until`, which is `today`.

The modules, one concept each: `payments` and `inventory` (what is sent to each service,
with its request bodies and sync items), `coop` (one cooperative's economy), `profiles`
(the five cooperatives), `money`, `months` and `keys` (the arithmetic, the months' days,
the Idempotency-Keys); the generation is `generate` (`build_economy`), with `collector`
(loans, savings and repayments), `till` (sales and the goods receipts that stock them),
`scale` (produce bought from members) and `draws` (the random draws they share).
"""

from gotong_devstack.demo_dates import add_months
from gotong_devstack.economy.coop import CoopEconomy
from gotong_devstack.economy.generate import build_economy
from gotong_devstack.economy.inventory import (
    GoodsReceipt,
    Price,
    PriceListName,
    ProducePurchase,
    Product,
    Sale,
    SaleLine,
    Tender,
    Warehouse,
)
from gotong_devstack.economy.keys import economy_key
from gotong_devstack.economy.money import line_amount, round_half_up_div
from gotong_devstack.economy.months import month_days, month_share
from gotong_devstack.economy.payments import (
    DEFAULT_POKOK_IDR,
    Fact,
    Instalment,
    Loan,
    Pokok,
    Policy,
)
from gotong_devstack.economy.profiles import PROFILES, STALE_DAYS

__all__ = [
    "DEFAULT_POKOK_IDR",
    "PROFILES",
    "STALE_DAYS",
    "CoopEconomy",
    "Fact",
    "GoodsReceipt",
    "Instalment",
    "Loan",
    "Pokok",
    "Policy",
    "Price",
    "PriceListName",
    "ProducePurchase",
    "Product",
    "Sale",
    "SaleLine",
    "Tender",
    "Warehouse",
    "add_months",
    "build_economy",
    "economy_key",
    "line_amount",
    "month_days",
    "month_share",
    "round_half_up_div",
]

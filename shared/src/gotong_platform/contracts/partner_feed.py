"""Partner contracts: the minimised events the partner gateway lets out, one per category.

Separate from the internal contracts (``gotong_platform.contracts.members`` and the
others), which services share among themselves: a partner contract carries only what its
category needs. No names, no NIK or NIK hash, no actor ids, no internal ids: a member, a
loan, a sale, a receipt, a product or a warehouse is named by a *pseudonymous reference*,
a keyed HMAC of (partner id, kind, internal id) with a platform secret, so one partner
sees the same reference for the same member every time while two partners' references
cannot be joined. Gender appears only where the category needs it (members aggregate).

Each contract is a JSON Schema served by the gateway at a resolvable ``$id``
(``<public base URL>/schemas/partner/<schema name>.json``), which every partner event's
``dataschema`` names. Contracts refuse unknown fields (``extra="forbid"``): the gateway
builds them, so a field outside the contract is a bug that must fail, never leak.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from gotong_platform.money import Rupiah, SignedRupiah, TotalRupiah

__all__ = [
    "JSON_SCHEMA_DIALECT",
    "PARTNER_CONTRACTS",
    "PARTNER_EVENT_SOURCE",
    "LoanEventV1",
    "MembershipChangeV1",
    "MonthlyKpisV1",
    "PartnerContract",
    "ProduceReceiptV1",
    "PseudonymKey",
    "SaleLineV1",
    "SaleV1",
    "SavingsMovementV1",
    "StockMovementV1",
    "partner_schema",
    "schema_url",
]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
PARTNER_EVENT_SOURCE = "/gotong/partners"
SCHEMAS_PATH = "/schemas/partner"


class PseudonymKey:
    """The platform secret behind the pseudonymous references (``ref``)."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("the pseudonym key must have at least 32 bytes")
        self._key = key

    def ref(self, partner_id: str, kind: str, internal_id: str) -> str:
        """The reference partner ``partner_id`` sees for the ``kind`` (member, loan, ...)
        ``internal_id``: 32 hex digits of HMAC-SHA256, the parts separated by a byte no id
        holds, so ("a", "bc") and ("ab", "c") differ."""
        message = "\x1f".join((partner_id, kind, internal_id)).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]

    def __repr__(self) -> str:
        return "PseudonymKey(<secret>)"


def _ref(what: str) -> Any:
    return Field(pattern=r"^[0-9a-f]{32}$",
                 description=f"pseudonymous reference of the {what}: stable for this partner, "
                             "meaningless to any other")


class PartnerContract(BaseModel):
    """The data of one partner event (the CloudEvent's ``data``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    category: ClassVar[str]
    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1

    cooperative_id: str = Field(description="the cooperative that consented to share this fact")
    business_date: date = Field(
        description="the day the fact takes effect in the cooperative's books (its time zone)")

    @classmethod
    def schema_name(cls) -> str:
        return f"partner.{cls.category}.{cls.event_type}.v{cls.schema_version}"

    @classmethod
    def ce_type(cls) -> str:
        """The CloudEvents ``type``: a new schema version is a new type name."""
        return f"gotong.partner.{cls.category}.{cls.event_type}.v{cls.schema_version}"


class SavingsMovementV1(PartnerContract):
    """Money into or out of a member's savings (simpanan pokok, wajib or sukarela)."""

    category: ClassVar[str] = "savings"
    event_type: ClassVar[str] = "SavingsMovement"
    member_ref: str = _ref("member")
    savings_type: Literal["pokok", "wajib", "sukarela"] = Field(
        description="pokok: once on joining; wajib: the monthly duty; sukarela: voluntary")
    movement: Literal["deposit", "withdrawal", "refund"] = Field(
        description="refund: returned when the member left the cooperative")
    amount_idr: Rupiah = Field(description="integer rupiah")


class LoanEventV1(PartnerContract):
    """A step in the life of a member's micro-loan."""

    category: ClassVar[str] = "loans"
    event_type: ClassVar[str] = "LoanEvent"
    loan_ref: str = _ref("loan")
    member_ref: str = _ref("borrowing member")
    event: Literal["applied", "approved", "rejected", "disbursed", "repayment",
                   "restructured", "written_off", "repaid", "closed"] = Field(
        description="what happened to the loan")
    principal_idr: Rupiah | None = Field(
        default=None, description="applied, disbursed: the principal; repayment: the part of "
                                  "the payment that reduced the principal")
    amount_idr: Rupiah | None = Field(default=None,
                                      description="repayment: the whole amount received")
    outstanding_principal_idr: Rupiah | None = Field(
        default=None, description="restructured, written_off: the principal still owed")
    term_months: int | None = Field(default=None, gt=0, description="applied: the term")
    interest_rate_bp_per_month: int | None = Field(
        default=None, ge=0, description="applied: basis points per month")


class SaleLineV1(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    product_category: Literal["farm_produce", "handicraft", "staple_goods", "farm_inputs"] = (
        Field(description="what kind of goods"))
    qty: int = Field(gt=0, description="in the product's base unit (g, pcs, ml)")
    line_total_idr: Rupiah = Field(description="integer rupiah")


class SaleV1(PartnerContract):
    """A sale at the cooperative's shop, or its reversal."""

    category: ClassVar[str] = "sales"
    event_type: ClassVar[str] = "Sale"
    sale_ref: str = _ref("sale")
    event: Literal["recorded", "voided"] = Field(description="voided: the sale no longer counts")
    buyer_type: Literal["member", "non_member"] | None = Field(
        default=None, description="recorded: whether a member bought")
    total_idr: Rupiah | None = Field(default=None, description="recorded: after discount")
    discount_idr: Rupiah | None = Field(default=None, description="recorded: the discount")
    lines: tuple[SaleLineV1, ...] = Field(default=(), description="recorded: what was sold")


class ProduceReceiptV1(PartnerContract):
    """Produce a member delivered to the cooperative, or its payout to her."""

    category: ClassVar[str] = "produce"
    event_type: ClassVar[str] = "ProduceReceipt"
    receipt_ref: str = _ref("receipt")
    member_ref: str = _ref("delivering member")
    event: Literal["received", "paid_out"] = Field(description="what happened")
    product_ref: str | None = Field(default=None, pattern=r"^[0-9a-f]{32}$",
                                    description="received: pseudonymous reference of the product")
    net_qty_g: int | None = Field(default=None, gt=0, description="received: grams after tare")
    grade: str | None = Field(default=None, max_length=50, description="received: the grade")
    amount_idr: Rupiah | None = Field(default=None,
                                      description="received: value; paid_out: gross payout")
    net_paid_idr: Rupiah | None = Field(
        default=None, description="paid_out: paid after loan and savings deductions")


class StockMovementV1(PartnerContract):
    """A change of a product's stock in one of the cooperative's warehouses."""

    category: ClassVar[str] = "stock"
    event_type: ClassVar[str] = "StockMovement"
    warehouse_ref: str = _ref("warehouse")
    product_ref: str = _ref("product")
    movement: Literal["received", "issued", "returned", "adjusted", "transferred_out",
                      "transferred_in"] = Field(description="why the stock changed")
    qty_delta: int = Field(description="signed, in the product's base unit (g, pcs, ml)")
    value_idr: SignedRupiah | None = Field(default=None,
                                           description="the movement's cost value, signed")


class MembershipChangeV1(PartnerContract):
    """A member joined or left: for counts only, no reference to the member."""

    category: ClassVar[str] = "members_aggregate"
    event_type: ClassVar[str] = "MembershipChange"
    change: Literal["joined", "left"] = Field(description="admitted, or exited")
    gender: Literal["L", "P"] | None = Field(
        default=None, description="joined: L (laki-laki) or P (perempuan) as on the KTP")


class MonthlyKpisV1(PartnerContract):
    """A cooperative's key figures of a finished month; a later revision replaces one."""

    # From reporting's ``MonthlyKpisPublished``; the business date is the month's last day
    # (balances at its end). The docstring is the AsyncAPI message's summary: one line.

    category: ClassVar[str] = "monthly_kpis"
    event_type: ClassVar[str] = "MonthlyKpis"
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")
    omzet_idr: TotalRupiah = Field(
        description="turnover of the month: shop sales after discount, net of voids (0 "
                    "when voids of earlier months' sales exceed the month's own sales)")
    savings_balance_idr: TotalRupiah = Field(description="all savings at the month's end")
    loans_outstanding_idr: TotalRupiah = Field(description="principal owed at the month's end")
    par30_bp: int | None = Field(default=None, ge=0, le=10_000,
                                 description="portfolio at risk over 30 days, basis points")
    active_members: int = Field(ge=0, description="admitted members at the month's end")
    revision: int | None = Field(
        default=None, ge=1, description="1 for the month's first publication; each later "
                                        "one with other figures counts up")
    known_at: datetime | None = Field(
        default=None, description="the figures count what the platform had recorded by then")
    last_recorded_at: datetime | None = Field(
        default=None, description="freshness: the cooperative's last event recorded by "
                                  "known_at (null: none)")
    last_activity_date: date | None = Field(
        default=None, description="freshness: its last business day with a sale, produce "
                                  "delivery, deposit or repayment, up to the month's end")


# One contract per consent category (``partners.domain.Category``'s values).
PARTNER_CONTRACTS: dict[str, type[PartnerContract]] = {
    cls.category: cls for cls in (SavingsMovementV1, LoanEventV1, SaleV1, ProduceReceiptV1,
                                  StockMovementV1, MembershipChangeV1, MonthlyKpisV1)}


def schema_url(base_url: str, cls: type[PartnerContract]) -> str:
    """Where the gateway at ``base_url`` serves ``cls``'s JSON Schema: its ``$id``."""
    return f"{base_url.rstrip('/')}{SCHEMAS_PATH}/{cls.schema_name()}.json"


def partner_schema(cls: type[PartnerContract], base_url: str | None = None) -> dict[str, Any]:
    """``cls``'s JSON Schema (2020-12), with its ``$id`` under ``base_url`` when given."""
    schema: dict[str, Any] = {"$schema": JSON_SCHEMA_DIALECT}
    if base_url is not None:
        schema["$id"] = schema_url(base_url, cls)
    schema.update(cls.model_json_schema())
    schema["x-gotong-category"] = cls.category
    schema["x-gotong-type"] = cls.ce_type()
    return schema

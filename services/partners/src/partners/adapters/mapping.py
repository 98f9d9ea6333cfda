"""From internal contracts to partner contracts: what a partner may see of an event.

An outbound adapter, like a service's ``publishing``: each internal event the gateway
consumes is decoded into its internal contract, then rebuilt as the partner contract of
its category (``gotong_platform.contracts.partner_feed``) with only that contract's
fields. Ids become the partner's pseudonymous references; names, notes, reasons, actors
and internal ids are dropped by construction, because nothing is copied that the partner
contract does not name. An event of a type no contract is made from has no category and
goes nowhere.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import date
from typing import Literal, assert_never

from gotong_platform.contracts import EventContract, contract_for
from gotong_platform.contracts import inventory as inv
from gotong_platform.contracts import members as mem
from gotong_platform.contracts import payments as pay
from gotong_platform.contracts import reporting as rep
from gotong_platform.contracts.partner_feed import (
    LoanEventV1,
    MembershipChangeV1,
    MonthlyKpisV1,
    PartnerContract,
    ProduceReceiptV1,
    PseudonymKey,
    SaleLineV1,
    SaleV1,
    SavingsMovementV1,
    StockMovementV1,
    schema_url,
)
from partners.domain import Category, Fact, FeedItem, SourceEvent

__all__ = ["CATEGORIES", "ContractMapping"]

# Which category each internal event type is part of (version 1 of each).
CATEGORIES: dict[tuple[str, str], Category] = {
    **{("payments", t): Category.SAVINGS for t in (
        "SavingsDeposited", "SavingsWithdrawn", "SavingsRefunded")},
    **{("payments", t): Category.LOANS for t in (
        "LoanApplied", "LoanApproved", "LoanRejected", "LoanDisbursed", "LoanRepaymentReceived",
        "LoanRestructured", "LoanWrittenOff", "LoanRepaid", "LoanClosed")},
    **{("inventory", t): Category.SALES for t in ("SaleRecorded", "SaleVoided")},
    ("inventory", "ProduceReceivedFromMember"): Category.PRODUCE,
    ("payments", "ProducePayoutMade"): Category.PRODUCE,
    **{("inventory", t): Category.STOCK for t in (
        "GoodsReceived", "StockIssued", "StockReturned", "StockAdjusted", "StockTransferredOut",
        "StockTransferredIn")},
    **{("members", t): Category.MEMBERS_AGGREGATE for t in ("MemberAdmitted", "MemberExited")},
    ("reporting", "MonthlyKpisPublished"): Category.MONTHLY_KPIS,
}

_Ref = Callable[[str, str], str]  # (kind, internal id) -> the partner's reference
_Movement = Literal["deposit", "withdrawal", "refund"]
_SAVINGS: dict[type, _Movement] = {pay.SavingsDepositedV1: "deposit",
                                   pay.SavingsWithdrawnV1: "withdrawal",
                                   pay.SavingsRefundedV1: "refund"}
_LOAN_EVENTS = {
    pay.LoanAppliedV1: "applied", pay.LoanApprovedV1: "approved",
    pay.LoanRejectedV1: "rejected", pay.LoanDisbursedV1: "disbursed",
    pay.LoanRepaymentReceivedV1: "repayment", pay.LoanRestructuredV1: "restructured",
    pay.LoanWrittenOffV1: "written_off", pay.LoanRepaidV1: "repaid",
    pay.LoanClosedV1: "closed",
}


class ContractMapping:
    """The ``PartnerMapping`` port, with the platform's pseudonym key and the public base
    URL of the schemas."""

    def __init__(self, key: PseudonymKey, public_base_url: str) -> None:
        self._key = key
        self._base_url = public_base_url

    def fact_of(self, event: SourceEvent) -> Fact | None:
        category = CATEGORIES.get((event.source, event.event_type))
        if category is None or event.schema_version != 1:
            return None
        return Fact(category=category, cooperative_id=event.cooperative_id,
                    business_date=event.business_date, recorded_at=event.recorded_at)

    def partner_event(self, partner_id: str, event: SourceEvent,
                      consent_ids: tuple[str, ...]) -> FeedItem:
        return self._item(partner_id, event, self._internal(event), consent_ids)

    def partner_events(self, event: SourceEvent,
                       recipients: Mapping[str, tuple[str, ...]]) -> list[FeedItem]:
        internal = self._internal(event)  # validated once, whatever the partners
        return [self._item(partner_id, event, internal, consent_ids)
                for partner_id, consent_ids in recipients.items()]

    def _item(self, partner_id: str, event: SourceEvent, internal: EventContract,
              consent_ids: tuple[str, ...]) -> FeedItem:
        contract = self._contract(partner_id, event, internal)
        return FeedItem(
            partner_id=partner_id, source_event_id=event.event_id,
            # Its own id per partner: the internal event id would let partners join.
            event_id=uuid.UUID(hex=self._key.ref(partner_id, "event", str(event.event_id))),
            type=contract.ce_type(), dataschema=schema_url(self._base_url, type(contract)),
            cooperative_id=event.cooperative_id, business_date=event.business_date,
            time=event.occurred_at, data=contract.model_dump(mode="json"),
            consent_ids=consent_ids)

    def contract(self, partner_id: str, event: SourceEvent) -> PartnerContract:
        """The partner contract of ``event`` as ``partner_id`` sees it."""
        return self._contract(partner_id, event, self._internal(event))

    def _internal(self, event: SourceEvent) -> EventContract:
        """The internal contract of ``event``, validated; a ValueError when no partner
        contract is made from it."""
        cls = contract_for(event.source, event.event_type, event.schema_version)
        if cls is None or self.fact_of(event) is None:
            raise ValueError(f"no partner contract is made from {event.source}."
                             f"{event.event_type}.v{event.schema_version}")
        return cls.model_validate(event.data)

    def _contract(self, partner_id: str, event: SourceEvent,
                  internal: EventContract) -> PartnerContract:

        def ref(kind: str, internal_id: str) -> str:
            return self._key.ref(partner_id, kind, internal_id)

        day = event.business_date
        coop = event.cooperative_id
        match internal:
            case pay.SavingsDepositedV1() | pay.SavingsWithdrawnV1() | pay.SavingsRefundedV1():
                return SavingsMovementV1(
                    cooperative_id=coop, business_date=day,
                    member_ref=ref("member", internal.member_id),
                    savings_type=internal.savings_type, movement=_SAVINGS[type(internal)],
                    amount_idr=internal.amount_idr)
            case (pay.LoanAppliedV1() | pay.LoanApprovedV1() | pay.LoanRejectedV1()
                  | pay.LoanDisbursedV1() | pay.LoanRepaymentReceivedV1()
                  | pay.LoanRestructuredV1() | pay.LoanWrittenOffV1() | pay.LoanRepaidV1()
                  | pay.LoanClosedV1()):
                return self._loan(internal, ref, coop, day)
            case inv.SaleRecordedV1():
                return SaleV1(
                    cooperative_id=coop, business_date=day,
                    sale_ref=ref("sale", internal.sale_id),
                    event="recorded", buyer_type=internal.buyer_type,
                    total_idr=internal.total_idr, discount_idr=internal.discount_idr,
                    lines=tuple(SaleLineV1(product_category=line.category, qty=line.qty,
                                           line_total_idr=line.line_total_idr)
                                for line in internal.lines))
            case inv.SaleVoidedV1():
                return SaleV1(cooperative_id=coop, business_date=day,
                              sale_ref=ref("sale", internal.sale_id), event="voided")
            case inv.ProduceReceivedFromMemberV1():
                return ProduceReceiptV1(
                    cooperative_id=coop, business_date=day,
                    receipt_ref=ref("receipt", internal.receipt_id),
                    member_ref=ref("member", internal.member_id), event="received",
                    product_ref=ref("product", internal.product_id),
                    net_qty_g=internal.net_qty_g, grade=internal.grade[:50],
                    amount_idr=internal.amount_idr)
            case pay.ProducePayoutMadeV1():
                return ProduceReceiptV1(
                    cooperative_id=coop, business_date=day,
                    receipt_ref=ref("receipt", internal.receipt_id),
                    member_ref=ref("member", internal.member_id), event="paid_out",
                    amount_idr=internal.gross_idr, net_paid_idr=internal.net_paid_idr)
            case (inv.GoodsReceivedV1() | inv.StockIssuedV1() | inv.StockReturnedV1()
                  | inv.StockAdjustedV1() | inv.StockTransferredOutV1()
                  | inv.StockTransferredInV1()):
                return self._stock(internal, ref, coop, day)
            case mem.MemberAdmittedV1():
                return MembershipChangeV1(cooperative_id=coop, business_date=day,
                                          change="joined", gender=internal.gender)
            case mem.MemberExitedV1():
                return MembershipChangeV1(cooperative_id=coop, business_date=day, change="left")
            case rep.MonthlyKpisPublishedV1():
                return self._kpis(internal, coop, day)
        raise ValueError(f"no partner contract is made from {internal.schema_name()}")

    @staticmethod
    def _kpis(internal: rep.MonthlyKpisPublishedV1, coop: str, day: date) -> MonthlyKpisV1:
        # Reporting publishes the figures as the facts make them; the partner contract
        # promised amounts from 0 and PAR30 within 0..10000 bp. A month whose voids of
        # earlier sales exceed its own sales shows omzet 0 (its field says so); a
        # negative balance, which no consistent books have, shows 0 too.
        par30 = internal.par30_bp
        return MonthlyKpisV1(
            cooperative_id=coop, business_date=day, month=internal.month,
            omzet_idr=max(internal.omzet_idr, 0),
            savings_balance_idr=max(internal.savings_balance_idr, 0),
            loans_outstanding_idr=max(internal.loans_outstanding_idr, 0),
            par30_bp=par30 if par30 is not None and 0 <= par30 <= 10_000 else None,
            active_members=internal.active_members, revision=internal.revision,
            known_at=internal.known_at, last_recorded_at=internal.last_recorded_at,
            last_activity_date=internal.last_activity_date)

    @staticmethod
    def _loan(internal: pay.LoanAppliedV1 | pay.LoanApprovedV1 | pay.LoanRejectedV1
              | pay.LoanDisbursedV1 | pay.LoanRepaymentReceivedV1 | pay.LoanRestructuredV1
              | pay.LoanWrittenOffV1 | pay.LoanRepaidV1 | pay.LoanClosedV1,
              ref: _Ref, coop: str, day: date) -> LoanEventV1:
        fields: dict[str, object] = {}
        match internal:
            case pay.LoanAppliedV1():
                fields = {"principal_idr": internal.principal_idr,
                          "term_months": internal.term_months,
                          "interest_rate_bp_per_month": internal.interest_rate_bp_per_month}
            case pay.LoanDisbursedV1():
                fields = {"principal_idr": internal.principal_idr}
            case pay.LoanRepaymentReceivedV1():
                fields = {"amount_idr": internal.amount_idr,
                          "principal_idr": internal.principal_idr}
            case pay.LoanRestructuredV1() | pay.LoanWrittenOffV1():
                fields = {"outstanding_principal_idr": internal.outstanding_principal_idr}
            case (pay.LoanApprovedV1() | pay.LoanRejectedV1() | pay.LoanRepaidV1()
                  | pay.LoanClosedV1()):
                pass
            case _:
                assert_never(internal)
        return LoanEventV1.model_validate({
            "cooperative_id": coop, "business_date": day,
            "loan_ref": ref("loan", internal.loan_id),
            "member_ref": ref("member", internal.member_id),
            "event": _LOAN_EVENTS[type(internal)], **fields})

    @staticmethod
    def _stock(internal: inv.GoodsReceivedV1 | inv.StockIssuedV1 | inv.StockReturnedV1
               | inv.StockAdjustedV1 | inv.StockTransferredOutV1 | inv.StockTransferredInV1,
               ref: _Ref, coop: str, day: date) -> StockMovementV1:
        match internal:
            case inv.GoodsReceivedV1():
                movement, delta, value = "received", internal.qty, internal.cost_idr
            case inv.StockIssuedV1():
                movement, delta, value = "issued", -internal.qty, -internal.cost_idr
            case inv.StockReturnedV1():
                movement, delta, value = "returned", internal.qty, internal.cost_idr
            case inv.StockAdjustedV1():
                sign = 1 if internal.qty_delta >= 0 else -1
                movement, delta, value = "adjusted", internal.qty_delta, sign * internal.value_idr
            case inv.StockTransferredOutV1():
                movement, delta, value = "transferred_out", -internal.qty, -internal.cost_idr
            case inv.StockTransferredInV1():
                movement, delta, value = ("transferred_in", internal.qty_received,
                                          internal.cost_idr)
            case _:
                assert_never(internal)
        return StockMovementV1.model_validate({
            "cooperative_id": coop, "business_date": day,
            "warehouse_ref": ref("warehouse", internal.warehouse_id),
            "product_ref": ref("product", internal.product_id),
            "movement": movement, "qty_delta": delta, "value_idr": value})


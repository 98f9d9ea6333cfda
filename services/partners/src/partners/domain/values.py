"""The closed vocabularies of the partner gateway (stored by value in events)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Category", "PartnerKind"]


class PartnerKind(StrEnum):
    """Who the partner is: what it is likely to ask a cooperative for."""

    BANK = "bank"  # banks and lenders: savings and the loan book
    BUYER = "buyer"  # buyers of coffee, fish, tenun: produce and stock
    GOVERNMENT = "government"  # the government's cooperative office (dinas koperasi)
    OTHER = "other"


class Category(StrEnum):
    """What a consent may cover: each category is one partner contract."""

    SAVINGS = "savings"
    LOANS = "loans"
    SALES = "sales"
    PRODUCE = "produce"
    STOCK = "stock"
    MEMBERS_AGGREGATE = "members_aggregate"
    MONTHLY_KPIS = "monthly_kpis"

"""The closed vocabularies of the inventory domain (stored by value in events)."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AdjustmentReason",
    "BaseUnit",
    "BuyerType",
    "IssueReason",
    "LotTracking",
    "OrderPaymentMethod",
    "OrderStatus",
    "PaymentMethod",
    "PriceList",
    "ProductCategory",
    "ReleaseReason",
    "SaleChannel",
    "SaleStatus",
    "VoidReason",
    "WarehouseKind",
]


class WarehouseKind(StrEnum):
    """Where goods are kept (KDKMP units: gudang, cold storage, gerai)."""

    WAREHOUSE = "warehouse"  # gudang
    COLD_STORAGE = "cold_storage"
    SHOP = "shop"  # gerai / toko


class ProductCategory(StrEnum):
    FARM_PRODUCE = "farm_produce"  # hasil tani
    HANDICRAFT = "handicraft"  # kerajinan
    STAPLE_GOODS = "staple_goods"  # sembako
    FARM_INPUTS = "farm_inputs"  # saprotan: seed, fertiliser


class BaseUnit(StrEnum):
    """The unit every quantity of a product is counted in, as an integer."""

    GRAM = "g"
    PIECE = "pcs"
    MILLILITRE = "ml"


class LotTracking(StrEnum):
    """How stock of a product is told apart, which decides the order it leaves in."""

    NONE = "none"  # one undivided balance
    LOT = "lot"  # lots, issued first in, first out (FIFO)
    LOT_EXPIRY = "lot_expiry"  # lots with expiry dates, first expiry, first out (FEFO)


class PriceList(StrEnum):
    MEMBER = "member"  # harga anggota
    NON_MEMBER = "non_member"  # harga umum
    BUY_FROM_MEMBER = "buy_from_member"  # what the cooperative pays a member for produce


class IssueReason(StrEnum):
    """Why stock left other than by transfer (a transfer is its own event)."""

    SALE = "sale"
    OWN_USE = "own_use"  # pemakaian sendiri
    RETURN_TO_SUPPLIER = "return_to_supplier"  # retur ke pemasok


class AdjustmentReason(StrEnum):
    DAMAGED = "damaged"  # rusak
    ROTTEN = "rotten"  # busuk
    EXPIRED = "expired"  # kedaluwarsa
    LOST = "lost"  # hilang (also transfer shrinkage)
    COUNT_CORRECTION = "count_correction"  # koreksi stock opname


class BuyerType(StrEnum):
    """Member or not: SHU is shared out only from business with members (UU 25/1992 Ps 45).

    A sale to another cooperative of the federation is business with a non-member for
    the seller's SHU; it is told apart so group reports can eliminate it (the published
    ``SaleRecorded`` says ``non_member`` and names the buying cooperative).
    """

    MEMBER = "member"
    NON_MEMBER = "non_member"
    COOPERATIVE = "cooperative"  # another cooperative of the federation


class PaymentMethod(StrEnum):
    CASH = "cash"
    QRIS = "qris"
    TRANSFER = "transfer"
    CREDIT = "credit"  # bayar tempo / kasbon: the member owes it


class SaleStatus(StrEnum):
    RECORDED = "recorded"  # written down; payment not yet confirmed
    COMPLETED = "completed"  # the payment was recorded by the payments service
    VOIDED = "voided"  # cancelled (final); its stock comes back by a StockReturned


class VoidReason(StrEnum):
    ENTRY_ERROR = "entry_error"  # salah input
    CUSTOMER_CANCELLED = "customer_cancelled"
    PAYMENT_FAILED = "payment_failed"
    DUPLICATE = "duplicate"
    OTHER = "other"


class SaleChannel(StrEnum):
    """Where a sale was made: at the shop's till, or an order from an outside buyer."""

    SHOP = "shop"
    ONLINE = "online"


class ReleaseReason(StrEnum):
    """Why a reservation of stock for an order ended."""

    FULFILLED = "fulfilled"  # shipped: the sale's issue takes the goods
    CANCELLED = "cancelled"  # cancelled before payment
    EXPIRED = "expired"  # not paid by its deadline


class OrderStatus(StrEnum):
    PLACED = "placed"  # stock reserved, waiting for payment
    PAID = "paid"  # the cooperative recorded the buyer's payment
    PACKED = "packed"
    SHIPPED = "shipped"  # handed to the courier; the sale (channel online) is recorded
    CANCELLED = "cancelled"  # before payment (final)
    EXPIRED = "expired"  # not paid in time, reservation released (final)


class OrderPaymentMethod(StrEnum):
    """How an outside buyer paid (recorded by the cooperative; a gateway is later)."""

    TRANSFER = "transfer"
    QRIS = "qris"

"""Why the inventory domain refuses a command: one class per broken rule.

The base class sets the HTTP kind (``InvalidInput`` → 422, ``RuleViolated`` → 409,
``NotFound`` → 404); ``code`` is the stable slug a client switches on; the detail is
a sentence for the clerk.

The rules it shares with the other services (a required or too long text, one fact's
worth of rupiah) are the platform's (``gotong_platform.checks``), re-exported here.
"""

from __future__ import annotations

from gotong_platform.calendar import BusinessDateOutOfRange
from gotong_platform.checks import AmountTooLarge, RequiredFieldMissing, TextTooLong
from gotong_platform.domain import InvalidInput, NotFound, RuleViolated

__all__ = [
    "AmountNegative",
    "AmountTooLarge",
    "BuyerCooperativeNotExpected",
    "BuyerCooperativeRequired",
    "CountCorrectionNeedsCount",
    "CountedQuantityNegative",
    "CreditNeedsMember",
    "DateInFuture",
    "DiscountExceedsSubtotal",
    "DuplicateLotInCount",
    "DuplicateSku",
    "EventSequenceError",
    "ExpiredStockNotSellable",
    "ExpiryBeforeHarvest",
    "ExpiryNotTracked",
    "ImageTooLarge",
    "InsufficientStock",
    "InvalidListingPhoto",
    "InvalidListingUnit",
    "InvalidLowThreshold",
    "InvalidShelfLife",
    "InvalidSku",
    "InvalidTare",
    "IssueAlreadyRecorded",
    "IssueAlreadyReturned",
    "IssueNotFound",
    "LineTotalMismatch",
    "ListingAlreadyWithdrawn",
    "ListingNotFound",
    "ListingPhotoRequired",
    "ListingPriceOutOfRange",
    "LotExpiryMismatch",
    "LotIdRequired",
    "LotNotFound",
    "LotNotTracked",
    "MemberIdForNonMember",
    "MemberIdRequired",
    "NoPriceOnDate",
    "PaymentNotPositive",
    "PaymentsDoNotMatchTotal",
    "PriceBackdated",
    "PriceNotPositive",
    "PricingQtyNotPositive",
    "ProductAlreadyDefined",
    "ProductAlreadyListed",
    "ProductNotFound",
    "ProductNotWeighed",
    "QuantityNotPositive",
    "ReceivedQuantityOutOfRange",
    "RequiredFieldMissing",
    "SaleAlreadyRecorded",
    "SaleAlreadyVoided",
    "SaleHasNoLines",
    "SaleNotFound",
    "SaleToOwnCooperative",
    "StockValueLimitReached",
    "TextTooLong",
    "TransferAlreadyReceived",
    "TransferAlreadySent",
    "TransferHasNoLines",
    "TransferToSameWarehouse",
    "UnsupportedImage",
    "WarehouseAlreadyRegistered",
    "WarehouseCapacityNotPositive",
    "WarehouseNotFound",
]


# --- the command's own values are wrong (422) ---------------------------------


# A business date after the cooperative's today, or before 1900: the platform's one rule
# for business dates (``gotong_platform.calendar.check_business_date``), one code for it.
DateInFuture = BusinessDateOutOfRange


class WarehouseCapacityNotPositive(InvalidInput):
    """A warehouse capacity, when given, is a whole number of kilograms above zero."""

    code = "warehouse-capacity-not-positive"


class InvalidSku(InvalidInput):
    """A SKU is letters, digits, '.', '-' or '_' only (it is printed on labels and scanned)."""

    code = "invalid-sku"


class InvalidShelfLife(InvalidInput):
    """Shelf life is a number of days above zero, for a product tracked with expiry only."""

    code = "invalid-shelf-life"


class PriceNotPositive(InvalidInput):
    """A list price is a whole number of rupiah above zero."""

    code = "price-not-positive"


class PricingQtyNotPositive(InvalidInput):
    """A price is for a quantity of base units above zero (e.g. Rp 45.000 per 1000 g)."""

    code = "pricing-qty-not-positive"


class PriceBackdated(InvalidInput):
    """A price may not take effect before today: past receipts and sales were priced already."""

    code = "price-backdated"


class QuantityNotPositive(InvalidInput):
    """A quantity moved, sold or weighed is a whole number of base units above zero."""

    code = "quantity-not-positive"


class CountedQuantityNegative(InvalidInput):
    """A counted quantity is zero or more."""

    code = "counted-quantity-negative"


class AmountNegative(InvalidInput):
    """A rupiah amount (cost, unit price, discount) is zero or more."""

    code = "amount-negative"


class LotIdRequired(InvalidInput):
    """Stock of a lot-tracked product names its lot."""

    code = "lot-id-required"


class LotNotTracked(InvalidInput):
    """A lot was named for a product that is not tracked by lot."""

    code = "lot-not-tracked"


class ExpiryNotTracked(InvalidInput):
    """An expiry date was given for a product that is not tracked with expiry dates."""

    code = "expiry-not-tracked"


class ExpiryBeforeHarvest(InvalidInput):
    """A lot cannot expire before it was harvested."""

    code = "expiry-before-harvest"


class InvalidTare(InvalidInput):
    """The tare (sacks, crates) is zero or more and less than the gross weight."""

    code = "invalid-tare"


class CountCorrectionNeedsCount(InvalidInput):
    """A count correction comes from a stock count (stock opname), not a manual adjustment."""

    code = "count-correction-needs-count"


class DuplicateLotInCount(InvalidInput):
    """A stock count names each lot once."""

    code = "duplicate-lot-in-count"


class TransferHasNoLines(InvalidInput):
    """A transfer received carries the lines that were sent."""

    code = "transfer-has-no-lines"


class TransferToSameWarehouse(InvalidInput):
    """A transfer goes to another warehouse."""

    code = "transfer-to-same-warehouse"


class ReceivedQuantityOutOfRange(InvalidInput):
    """The quantity a transfer delivered lies between zero and the quantity sent."""

    code = "received-quantity-out-of-range"


class SaleHasNoLines(InvalidInput):
    """A sale sells at least one line."""

    code = "sale-has-no-lines"


class LineTotalMismatch(InvalidInput):
    """A sale line's total is its quantity priced by ``line_amount`` (rounded half up)."""

    code = "line-total-mismatch"


class DiscountExceedsSubtotal(InvalidInput):
    """A discount is at most the sum of the line totals."""

    code = "discount-exceeds-subtotal"


class PaymentNotPositive(InvalidInput):
    """Each payment is a whole number of rupiah above zero."""

    code = "payment-not-positive"


class PaymentsDoNotMatchTotal(InvalidInput):
    """The payments of a sale add up to its total exactly."""

    code = "payments-do-not-match-total"


class MemberIdRequired(InvalidInput):
    """A sale to a member names the member (it counts towards their SHU)."""

    code = "member-id-required"


class MemberIdForNonMember(InvalidInput):
    """A sale to a non-member (or to another cooperative) names no member."""

    code = "member-id-for-non-member"


class BuyerCooperativeRequired(InvalidInput):
    """A sale to another cooperative of the federation names that cooperative."""

    code = "buyer-cooperative-required"


class BuyerCooperativeNotExpected(InvalidInput):
    """Only a sale to a cooperative names a buying cooperative."""

    code = "buyer-cooperative-not-expected"


class SaleToOwnCooperative(InvalidInput):
    """A cooperative does not sell to itself: moving its own stock is a transfer."""

    code = "sale-to-own-cooperative"


class CreditNeedsMember(InvalidInput):
    """Only a member can buy on credit (bayar tempo): a non-member leaves no debtor."""

    code = "credit-needs-member"


# --- the current state forbids the command (409) -----------------------------


class WarehouseAlreadyRegistered(RuleViolated):
    """The warehouse is already registered."""

    code = "warehouse-already-registered"


class ProductAlreadyDefined(RuleViolated):
    """The product is already defined."""

    code = "product-already-defined"


class DuplicateSku(RuleViolated):
    """Another product of this cooperative already has this SKU (a SKU is unique per
    cooperative: transfers find the receiving cooperative's product by it)."""

    code = "duplicate-sku"


class ProductNotWeighed(RuleViolated):
    """Produce bought from members is weighed: the product's base unit must be grams."""

    code = "product-not-weighed"


class NoPriceOnDate(RuleViolated):
    """The price list has no price in effect on the business date."""

    code = "no-price-on-date"


class LotExpiryMismatch(RuleViolated):
    """A receipt into a known lot must carry that lot's expiry date."""

    code = "lot-expiry-mismatch"


class InsufficientStock(RuleViolated):
    """An online issue, transfer or write-off asks for more than is on hand."""

    code = "insufficient-stock"


class StockValueLimitReached(RuleViolated):
    """One product's stock in one warehouse is worth less than Rp 10^12 (either way,
    after an oversell), so that any movement of it stays one fact within the limit."""

    code = "stock-value-limit-reached"


class ExpiredStockNotSellable(RuleViolated):
    """An online sale would have to hand out expired lots."""

    code = "expired-stock-not-sellable"


class IssueAlreadyRecorded(RuleViolated):
    """An issue with this id is already in the ledger."""

    code = "issue-already-recorded"


class IssueAlreadyReturned(RuleViolated):
    """The stock of this issue was already put back."""

    code = "issue-already-returned"


class TransferAlreadySent(RuleViolated):
    """A transfer with this id already left this warehouse."""

    code = "transfer-already-sent"


class TransferAlreadyReceived(RuleViolated):
    """A transfer with this id was already received here."""

    code = "transfer-already-received"


class SaleAlreadyRecorded(RuleViolated):
    """A sale is already recorded under this id."""

    code = "sale-already-recorded"


class SaleAlreadyVoided(RuleViolated):
    """The sale was voided already; a void happens once."""

    code = "sale-already-voided"


# --- the thing named does not exist (404) -------------------------------------


class WarehouseNotFound(NotFound):
    """No warehouse is registered under this id."""

    code = "warehouse-not-found"


class ProductNotFound(NotFound):
    """No product is defined under this id."""

    code = "product-not-found"


class LotNotFound(NotFound):
    """The ledger holds no lot under this id."""

    code = "lot-not-found"


class IssueNotFound(NotFound):
    """The ledger holds no issue under this id."""

    code = "issue-not-found"


class SaleNotFound(NotFound):
    """No sale is recorded under this id."""

    code = "sale-not-found"


# --- not a clerk's mistake -----------------------------------------------------


class EventSequenceError(ValueError):
    """A stored stream cannot be folded (e.g. it does not start with its creation event).

    This is corrupt data or a programming error, never a refused command, so it is
    deliberately not a ``DomainError``: the edge must answer 500, not 4xx.
    """


# --- the public catalogue -------------------------------------------------------------


class ListingPhotoRequired(InvalidInput):
    """A listing shows at least one photo: link previews and product feeds need one."""

    code = "listing-photo-required"


class InvalidListingPhoto(InvalidInput):
    """A photo is an https:// link or an image uploaded to the catalogue, at most six."""

    code = "invalid-listing-photo"


class InvalidListingUnit(InvalidInput):
    """A sale unit holds a positive whole quantity of the product's base unit."""

    code = "invalid-listing-unit"


class ListingPriceOutOfRange(InvalidInput):
    """The price for outside buyers is Rp 1 to Rp 1 miliar per sale unit."""

    code = "listing-price-out-of-range"


class InvalidLowThreshold(InvalidInput):
    """The low-stock threshold is a whole number of sale units, 0 or more."""

    code = "invalid-low-threshold"


class ProductAlreadyListed(RuleViolated):
    """A product has one listing; revise it (or put it back) rather than list it twice."""

    code = "product-already-listed"


class ListingAlreadyWithdrawn(RuleViolated):
    """The listing is already out of the catalogue."""

    code = "listing-already-withdrawn"


class ListingNotFound(NotFound):
    """No listing of this cooperative under this id."""

    code = "listing-not-found"


class UnsupportedImage(InvalidInput):
    """A catalogue image is a JPEG, PNG, WebP or script-free SVG."""

    code = "unsupported-image"


class ImageTooLarge(InvalidInput):
    """A catalogue image is small enough for a cheap phone on a poor connection."""

    code = "image-too-large"

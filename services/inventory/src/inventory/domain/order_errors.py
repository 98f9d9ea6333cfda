"""Why an order from an outside buyer is refused: one class per broken rule.

As in ``errors``: ``InvalidInput`` → 422, ``RuleViolated`` → 409, ``NotFound`` → 404;
``code`` is the slug a client switches on. Kept apart from ``errors`` because the
order's rules are a vocabulary of their own.
"""

from __future__ import annotations

from gotong_platform.domain import InvalidInput, NotFound, RuleViolated

__all__ = [
    "InvalidPhone",
    "NoOnlinePrice",
    "OrderHasNoLines",
    "OrderLineRepeated",
    "OrderNotFound",
    "OrderNotPacked",
    "OrderNotPaid",
    "OrderNotPayable",
    "OrderPaymentMismatch",
    "OrderPaymentOverdue",
    "ReservationAlreadyHeld",
    "TooManyOrderLines",
]


class OrderHasNoLines(InvalidInput):
    code = "order-has-no-lines"


class TooManyOrderLines(InvalidInput):
    code = "too-many-order-lines"


class OrderLineRepeated(InvalidInput):
    """Each product once per order (its quantity says how much)."""

    code = "order-line-repeated"


class InvalidPhone(InvalidInput):
    code = "invalid-phone"


class OrderPaymentMismatch(InvalidInput):
    """The amount recorded is not the order's total (a part payment is not a payment)."""

    code = "order-payment-mismatch"


class NoOnlinePrice(InvalidInput):
    """The product has no price for outside buyers on the day of the order."""

    code = "no-online-price"


class OrderNotPayable(RuleViolated):
    """Only an order waiting for payment is paid or cancelled."""

    code = "order-not-payable"


class OrderPaymentOverdue(RuleViolated):
    """The payment deadline passed: the reservation is (or is about to be) released."""

    code = "order-payment-overdue"


class OrderNotPaid(RuleViolated):
    code = "order-not-paid"


class OrderNotPacked(RuleViolated):
    code = "order-not-packed"


class ReservationAlreadyHeld(RuleViolated):
    code = "reservation-already-held"


class OrderNotFound(NotFound):
    code = "order-not-found"

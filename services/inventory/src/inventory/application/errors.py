"""Rules the application layer enforces across aggregates and services (the directory,
the price list, transfers between cooperatives).

The kind (base class) sets the HTTP status at the edge: ``InvalidInput`` 422,
``RuleViolated`` 409, ``NotFound`` 404.
"""

from gotong_platform.domain import InvalidInput, NotFound, RuleViolated

__all__ = [
    "CooperativeNotKnown",
    "DuplicateProductLine",
    "InvalidFactPayload",
    "NoListPrice",
    "NotAnActiveMember",
    "OutsideFederation",
    "ProductNotInCatalogue",
    "TransferLinesMismatch",
    "TransferNotFound",
    "UnknownBuyerCooperative",
]


class NotAnActiveMember(InvalidInput):
    """The member named is not an admitted member of this cooperative (per the directory)."""

    code = "not-an-active-member"


class NoListPrice(InvalidInput):
    """The price list has no price for the product on the business date (the client may
    not set prices, so it must set the list first)."""

    code = "no-price-on-date"


class DuplicateProductLine(InvalidInput):
    """A transfer or a transfer receipt names each product once."""

    code = "duplicate-product-line"


class TransferLinesMismatch(InvalidInput):
    """A transfer receipt lists exactly the products the transfer sent."""

    code = "transfer-lines-mismatch"


class OutsideFederation(RuleViolated):
    """Stock moves between two cooperatives only while both belong to the federation."""

    code = "outside-federation"


class UnknownBuyerCooperative(InvalidInput):
    """A sale to a cooperative names one the directory does not know."""

    code = "unknown-buyer-cooperative"


class ProductNotInCatalogue(RuleViolated):
    """The receiving cooperative has no product with the SKU of the one transferred."""

    code = "product-not-in-catalogue"


class TransferNotFound(NotFound):
    """No transfer under this id is on its way to this warehouse."""

    code = "transfer-not-found"


class CooperativeNotKnown(NotFound):
    """The local directory does not know the cooperative (or not its time zone yet)."""

    code = "cooperative-not-found"


class InvalidFactPayload(InvalidInput):
    """An offline fact's payload does not have the shape its type requires."""

    code = "invalid-payload"

"""Published event contracts: the vocabulary services share (``members``, ``inventory``,
``payments``, ``reporting``), and the minimised contracts partners receive
(``partner_feed``)."""

from gotong_platform.contracts import inventory, members, partner_feed, payments, reporting
from gotong_platform.contracts.base import REGISTRY, EventContract, contract_for, parse, register

__all__ = [
    "REGISTRY",
    "EventContract",
    "contract_for",
    "inventory",
    "members",
    "parse",
    "partner_feed",
    "payments",
    "register",
    "reporting",
]

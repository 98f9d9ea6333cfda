"""Published event contracts: the vocabulary services share (``members``, ``inventory``,
``payments``, ``reporting``), and the minimised contracts partners receive
(``partner_feed``); the gateway's own consents (``partners``)."""

from gotong_platform.contracts import (
    inventory,
    members,
    partner_feed,
    partners,
    payments,
    reporting,
)
from gotong_platform.contracts.base import REGISTRY, EventContract, contract_for, parse, register

__all__ = [
    "REGISTRY",
    "EventContract",
    "contract_for",
    "inventory",
    "members",
    "parse",
    "partner_feed",
    "partners",
    "payments",
    "register",
    "reporting",
]

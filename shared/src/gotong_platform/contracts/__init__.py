"""Published event contracts: the one vocabulary services and partners share."""

from gotong_platform.contracts import inventory, members, payments, reporting
from gotong_platform.contracts.base import REGISTRY, EventContract, contract_for, parse, register

__all__ = [
    "REGISTRY",
    "EventContract",
    "contract_for",
    "inventory",
    "members",
    "parse",
    "payments",
    "register",
    "reporting",
]

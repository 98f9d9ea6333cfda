"""Rules the application layer enforces with facts from outside one aggregate."""

from gotong_platform.domain import InvalidInput, NotFound, RuleViolated

__all__ = [
    "ExitRefundNotFound",
    "InvalidFactPayload",
    "MemberNotActive",
    "SavingsAccountsNotOpened",
]


class SavingsAccountsNotOpened(NotFound):
    """The member has no savings accounts here (they open when the member is admitted)."""

    code = "savings-accounts-not-found"


class ExitRefundNotFound(NotFound):
    """No exit refund of this member in this cooperative (no exit recorded, or not yet here)."""

    code = "exit-refund-not-found"


class MemberNotActive(RuleViolated):
    """Online deposits are taken from admitted members only (not applicants or former ones)."""

    code = "member-not-active"


class InvalidFactPayload(InvalidInput):
    """An offline fact's payload does not have the shape its type needs."""

    code = "invalid-fact-payload"

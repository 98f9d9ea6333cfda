"""Why the payments domain refuses a command: one class per broken rule.

The base class sets the HTTP kind (``InvalidInput`` → 422, ``RuleViolated`` → 409,
``NotFound`` → 404); ``code`` is the stable slug a client switches on; the detail is
a sentence for the clerk.

The rules it shares with the other services (a required text, one fact's worth of
rupiah, dates in order) are the platform's (``gotong_platform.checks``), re-exported
here.
"""

from __future__ import annotations

from gotong_platform.checks import AmountTooLarge, DateOutOfOrder, RequiredFieldMissing
from gotong_platform.domain import InvalidInput, NotFound, RuleViolated

__all__ = [
    "AccountAlreadyOpened",
    "AmountNotPositive",
    "AmountTooLarge",
    "CreditForNonMemberRefused",
    "DateOutOfOrder",
    "DueDateBeforePeriod",
    "EventSequenceError",
    "InsufficientSavingsBalance",
    "InvalidPeriod",
    "InvalidSavingsPolicy",
    "LendingToNonMemberRefused",
    "LoanAlreadyClosed",
    "LoanAlreadyExists",
    "LoanNotActive",
    "LoanNotApproved",
    "LoanNotFound",
    "LoanNotFullyRepaid",
    "LoanNotPendingApproval",
    "LoanTotalTooLarge",
    "MakerCheckerViolation",
    "NotAWajibAccount",
    "PaymentsDoNotMatchTotal",
    "PokokAlreadyPaid",
    "PokokAmountMismatch",
    "PokokAmountRequired",
    "RateOutOfRange",
    "RefundBeforeExitRefused",
    "RepaymentToClosedLoanRefused",
    "RequiredFieldMissing",
    "SaleBuyerMismatch",
    "SavingsAccountNotFound",
    "SavingsBalanceLimitReached",
    "SavingsNotWithdrawable",
    "TermOutOfRange",
    "WajibAlreadyBilled",
    "WajibBeforeAdmission",
]


# --- the command's own values are wrong (422) -----------------------------------------


class AmountNotPositive(InvalidInput):
    """A money amount must be at least 1 rupiah."""

    code = "amount-not-positive"


class LoanTotalTooLarge(InvalidInput):
    """A loan's principal and scheduled interest together stay below Rp 10^12.

    Everything a loan can owe then fits one repayment, and no outstanding grows
    beyond what one fact may carry.
    """

    code = "loan-total-too-large"


class PokokAmountRequired(InvalidInput):
    """A simpanan pokok account needs the cooperative's fixed pokok amount (at least 1 rupiah)."""

    code = "pokok-amount-required"


class PokokAmountMismatch(InvalidInput):
    """Simpanan pokok is paid in exactly the cooperative's fixed amount."""

    code = "pokok-amount-mismatch"


class InvalidPeriod(InvalidInput):
    """A billing period must be written ``YYYY-MM``."""

    code = "invalid-period"


class InvalidSavingsPolicy(InvalidInput):
    """Pokok and wajib are at least Rp 1 and wajib falls due on day 1 to 28 of the month."""

    code = "invalid-savings-policy"


class DueDateBeforePeriod(InvalidInput):
    """A wajib bill cannot fall due before its period starts."""

    code = "due-date-before-period"


class TermOutOfRange(InvalidInput):
    """A loan term is a whole number of months within the allowed range."""

    code = "loan-term-out-of-range"


class RateOutOfRange(InvalidInput):
    """An interest or penalty rate (basis points per month) is outside the allowed range."""

    code = "rate-out-of-range"


class PaymentsDoNotMatchTotal(InvalidInput):
    """The tenders of a sale must add up to its total exactly."""

    code = "payments-do-not-match-total"


class SaleBuyerMismatch(InvalidInput):
    """A member's sale names the member; a non-member's sale names nobody."""

    code = "sale-buyer-mismatch"


# --- the current state forbids the command (409) --------------------------------------


class MakerCheckerViolation(RuleViolated):
    """Four eyes: the person who approves must not be the one who recorded or disbursed."""

    code = "maker-checker-violation"


class AccountAlreadyOpened(RuleViolated):
    """The savings account is already open."""

    code = "savings-account-already-opened"


class PokokAlreadyPaid(RuleViolated):
    """Simpanan pokok is paid once per membership."""

    code = "pokok-already-paid"


class SavingsNotWithdrawable(RuleViolated):
    """Simpanan pokok and wajib are not withdrawn: they are refunded when the member exits."""

    code = "savings-not-withdrawable"


class InsufficientSavingsBalance(RuleViolated):
    """A savings balance never goes below zero."""

    code = "insufficient-savings-balance"


class SavingsBalanceLimitReached(RuleViolated):
    """A savings balance stays below Rp 10^12, so refunding it stays one fact."""

    code = "savings-balance-limit-reached"


class RefundBeforeExitRefused(RuleViolated):
    """Savings are refunded only to a member who has left the cooperative."""

    code = "refund-before-exit-refused"


class NotAWajibAccount(RuleViolated):
    """Only a simpanan wajib account is billed."""

    code = "not-a-wajib-account"


class WajibAlreadyBilled(RuleViolated):
    """A period's simpanan wajib is billed once."""

    code = "wajib-already-billed"


class WajibBeforeAdmission(RuleViolated):
    """A member owes wajib only for periods falling due on or after her admission."""

    code = "wajib-before-admission"


class LendingToNonMemberRefused(RuleViolated):
    """A closed-loop cooperative lends to its admitted members only (UU P2SK)."""

    code = "lending-to-non-member-refused"


class LoanAlreadyExists(RuleViolated):
    """A loan application was already recorded under this id."""

    code = "loan-already-exists"


class LoanNotPendingApproval(RuleViolated):
    """Only a loan application still waiting for a decision can be approved or rejected."""

    code = "loan-not-pending-approval"


class LoanNotApproved(RuleViolated):
    """Only an approved, not yet disbursed loan can be disbursed."""

    code = "loan-not-approved"


class LoanNotActive(RuleViolated):
    """Only a disbursed loan with money outstanding can be repaid, restructured or written off.

    Also refuses closing a loan that was never disbursed.
    """

    code = "loan-not-active"


class RepaymentToClosedLoanRefused(RuleViolated):
    """An online repayment to a repaid, closed or written-off loan is refused (nothing is owed)."""

    code = "repayment-to-closed-loan-refused"


class LoanAlreadyClosed(RuleViolated):
    """The loan is already closed."""

    code = "loan-already-closed"


class LoanNotFullyRepaid(RuleViolated):
    """A loan is closed only when nothing is outstanding."""

    code = "loan-not-fully-repaid"


class CreditForNonMemberRefused(RuleViolated):
    """Only members may buy on credit (kasbon / bayar tempo)."""

    code = "credit-for-non-member-refused"


# --- the thing named does not exist (404) ---------------------------------------------


class SavingsAccountNotFound(NotFound):
    """No savings account is open under this id."""

    code = "savings-account-not-found"


class LoanNotFound(NotFound):
    """No loan application is recorded under this id."""

    code = "loan-not-found"


# --- not a clerk's mistake ------------------------------------------------------------


class EventSequenceError(ValueError):
    """A stored stream cannot be folded (e.g. it does not start with its creation event).

    Corrupt data or a programming error, never a refused command: the edge answers 500.
    """

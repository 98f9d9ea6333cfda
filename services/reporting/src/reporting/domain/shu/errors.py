"""Why the SHU engine refuses a command: one class per broken rule.

The base class sets the HTTP kind (``InvalidInput`` → 422, ``RuleViolated`` → 409,
``NotFound`` → 404); ``code`` is the stable slug a client switches on.
"""

from __future__ import annotations

from gotong_platform.domain import InvalidInput, NotFound, RuleViolated

__all__ = [
    "AllocationNotWhole",
    "ApproverIsDrafter",
    "BasisNegative",
    "BasisPointsOutOfRange",
    "CalculationAlreadyApproved",
    "CalculationNotFound",
    "CapitalBasisEmpty",
    "DraftPredatesYearEnd",
    "DuplicateMemberBasis",
    "EventSequenceError",
    "FiscalYearAlreadyApproved",
    "InvalidFiscalYear",
    "InvalidPoolName",
    "MemberGrossExceedsTotal",
    "MemberPoolMisplaced",
    "MemberSplitNotWhole",
    "NestedTermsMismatch",
    "PolicyNotFound",
    "PolicyNotYetEffective",
    "RatDateInFuture",
    "RatDateNotAfterYearEnd",
    "ReservePoolMissing",
    "ShuFigureTooLarge",
    "ShuNegative",
    "TooManyPools",
    "TransactionBasisEmpty",
]


# --- the command's own values are wrong (422) ---------------------------------


class InvalidFiscalYear(InvalidInput):
    """The fiscal year (or its start month) is out of range."""

    code = "invalid-fiscal-year"


class BasisPointsOutOfRange(InvalidInput):
    """A percentage (in basis points) is below 0 or above 10000."""

    code = "basis-points-out-of-range"


class AllocationNotWhole(InvalidInput):
    """The pools' basis points do not add up to exactly 10000 (100 %)."""

    code = "allocation-not-whole"


class MemberSplitNotWhole(InvalidInput):
    """Nested: the jasa modal and jasa usaha parts of the member share do not add up to 10000."""

    code = "member-split-not-whole"


class NestedTermsMismatch(InvalidInput):
    """A nested policy needs the member share and its split; a flat one must not have them."""

    code = "nested-terms-mismatch"


class InvalidPoolName(InvalidInput):
    """A pool name is not a lower-case slug (a-z, 0-9, _; at most 40 characters)."""

    code = "invalid-pool-name"


class TooManyPools(InvalidInput):
    """A policy names more pools than anyone can read at a RAT."""

    code = "too-many-pools"


class ReservePoolMissing(InvalidInput):
    """Exactly one pool must be the reserve (dana cadangan): it must be listed."""

    code = "reserve-pool-missing"


class MemberPoolMisplaced(InvalidInput):
    """Jasa modal / jasa usaha cannot be the reserve, nor sit beside a nested member share."""

    code = "member-pool-misplaced"


class CapitalBasisEmpty(InvalidInput):
    """The capital basis must name at least one type of simpanan."""

    code = "capital-basis-empty"


class TransactionBasisEmpty(InvalidInput):
    """The transaction basis must name at least one kind of business."""

    code = "transaction-basis-empty"


class ShuNegative(InvalidInput):
    """A loss (negative SHU) is not distributed; the books carry it forward."""

    code = "shu-negative"


class BasisNegative(InvalidInput):
    """A member's capital or transaction basis is negative."""

    code = "basis-negative"


class DuplicateMemberBasis(InvalidInput):
    """The same member appears twice among the bases."""

    code = "duplicate-member-basis"


class MemberGrossExceedsTotal(InvalidInput):
    """The business with members cannot exceed all business (member-sourced share > 100 %)."""

    code = "member-gross-exceeds-total"


class RatDateNotAfterYearEnd(InvalidInput):
    """The RAT that approves a fiscal year's SHU is held after that year ends."""

    code = "rat-date-not-after-year-end"


class RatDateInFuture(InvalidInput):
    """The RAT date lies after the cooperative's business date."""

    code = "rat-date-in-future"


# --- the current state forbids the command (409) -----------------------------


class PolicyNotYetEffective(RuleViolated):
    """The policy version takes effect from a later fiscal year."""

    code = "policy-not-yet-effective"


class CalculationAlreadyApproved(RuleViolated):
    """The calculation was approved at the RAT: it is frozen (no redraft, no second approval)."""

    code = "calculation-already-approved"


class FiscalYearAlreadyApproved(RuleViolated):
    """Another calculation of this fiscal year (another policy version) is already approved."""

    code = "fiscal-year-already-approved"


class ApproverIsDrafter(RuleViolated):
    """Maker-checker: whoever drafted the figures cannot approve them."""

    code = "approver-is-drafter"


class ShuFigureTooLarge(RuleViolated):
    """A calculation publishes totals below Rp 10^15 (the platform's limit of a total,
    docs/money.md): the SHU, the year's gross business, the capital and transaction bases."""

    code = "shu-figure-too-large"


class DraftPredatesYearEnd(RuleViolated):
    """The draft was computed before the fiscal year ended; redraft it, then approve."""

    code = "draft-predates-year-end"


# --- the thing named does not exist (404) -------------------------------------


class PolicyNotFound(NotFound):
    """The cooperative has no SHU policy of this version."""

    code = "shu-policy-not-found"


class CalculationNotFound(NotFound):
    """No SHU calculation under this id in this cooperative."""

    code = "shu-calculation-not-found"


# --- not a treasurer's mistake -------------------------------------------------


class EventSequenceError(ValueError):
    """A stored stream cannot be folded: corrupt data or a bug (HTTP 500, not 4xx)."""

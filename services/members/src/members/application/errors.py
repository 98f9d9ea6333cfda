"""Rules the application layer enforces across aggregates (uniqueness, via indexes)."""

from gotong_platform.domain import RuleViolated

__all__ = ["DuplicateLegalRegistration", "DuplicateNik"]


class DuplicateNik(RuleViolated):
    """Someone with this NIK already has an open application or membership here."""

    code = "duplicate-nik"


class DuplicateLegalRegistration(RuleViolated):
    """Another cooperative is registered under this legal registration number."""

    code = "duplicate-legal-registration"

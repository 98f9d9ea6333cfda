"""The partner gateway's domain: partners, the cooperatives' consents, and what a consent
covers.

Pure and synchronous: no I/O, no framework. Each aggregate is a decider: commands are
decided against the current state into events, and ``evolve_*`` folds events into state.
Refusals are ``gotong_platform.domain`` errors whose class names the broken rule.
"""

from partners.domain.values import Category, PartnerKind

__all__ = ["Category", "PartnerKind"]

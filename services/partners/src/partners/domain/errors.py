"""Why the partner gateway refuses a command: one class per broken rule.

The base class sets the HTTP kind (``InvalidInput`` → 422, ``RuleViolated`` → 409,
``NotFound`` → 404); ``code`` is the stable slug a client switches on; the detail is a
sentence for the person who sent it. The rules shared with the other services (a required
text and its length) are the platform's, re-exported here.
"""

from __future__ import annotations

from gotong_platform.checks import RequiredFieldMissing, TextTooLong
from gotong_platform.domain import InvalidInput, NotFound, RuleViolated

__all__ = [
    "ConsentAlreadyRevoked",
    "ConsentNotFound",
    "ConsentWindowReversed",
    "EventSequenceError",
    "InvalidContact",
    "InvalidWebhookUrl",
    "NoCategories",
    "PartnerAlreadyRegistered",
    "PartnerNotFound",
    "RequiredFieldMissing",
    "TextTooLong",
    "TooManyContacts",
    "UnknownCategory",
    "UnknownPartner",
    "WebhookNotFound",
]


class PartnerAlreadyRegistered(RuleViolated):
    code = "partner-already-registered"


class PartnerNotFound(NotFound):
    code = "partner-not-found"


class UnknownPartner(InvalidInput):
    """A consent names a partner the federation never registered."""

    code = "unknown-partner"


class InvalidContact(InvalidInput):
    """A partner's contact has no name, or neither an e-mail address nor a phone number."""

    code = "invalid-contact"


class TooManyContacts(InvalidInput):
    code = "too-many-contacts"


class NoCategories(InvalidInput):
    """A consent must cover at least one category of data."""

    code = "no-categories"


class UnknownCategory(InvalidInput):
    """A consent names a category outside the closed set of partner contracts."""

    code = "unknown-category"


class ConsentWindowReversed(InvalidInput):
    """A consent's last day lies before its first."""

    code = "consent-window-reversed"


class ConsentNotFound(NotFound):
    """No consent of this cooperative has this id (another cooperative's is not found)."""

    code = "consent-not-found"


class ConsentAlreadyRevoked(RuleViolated):
    code = "consent-already-revoked"


class InvalidWebhookUrl(InvalidInput):
    """A webhook sink that is not an absolute https URL (http only in development)."""

    code = "invalid-webhook-url"


class WebhookNotFound(NotFound):
    code = "webhook-not-found"


class EventSequenceError(RuntimeError):
    """A stream whose events cannot follow each other: a bug, never a user's mistake."""

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
    "DeliveryNotDisabled",
    "EventSequenceError",
    "InvalidContact",
    "InvalidFilter",
    "InvalidProtocolSettings",
    "InvalidPublicKey",
    "InvalidWebhookUrl",
    "KafkaCredentialsDeclared",
    "KafkaUserNotFound",
    "NoCategories",
    "PartnerAlreadyRegistered",
    "PartnerNotFound",
    "PrivateKeySent",
    "RequiredFieldMissing",
    "SignedRequestRefused",
    "SigningKeyAlreadyRegistered",
    "SinkNotAllowed",
    "SnapExternalIdReused",
    "SnapHeaderInvalid",
    "SnapHeaderMissing",
    "SnapSignatureInvalid",
    "SnapTimestampOutsideWindow",
    "SnapTokenMismatch",
    "SnapUnknownPartner",
    "SubscriptionNotFound",
    "SubscriptionProtocolChange",
    "TextTooLong",
    "TooManyContacts",
    "TooManySubscriptions",
    "UnknownCategory",
    "UnknownCloudEventType",
    "UnknownConfigKey",
    "UnknownEventSource",
    "UnknownPartner",
    "UnsupportedFilterDialect",
    "UnsupportedKeyType",
    "UnsupportedProtocol",
    "WeakPublicKey",
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


class InvalidPublicKey(InvalidInput):
    """A partner's public key that is not a PEM public key the gateway can read."""

    code = "invalid-public-key"


class PrivateKeySent(InvalidInput):
    """A private key where its public key belongs: refused, and never stored or logged."""

    code = "private-key-sent"


class WeakPublicKey(InvalidInput):
    """An RSA key shorter than 2048 bits."""

    code = "weak-public-key"


class UnsupportedKeyType(InvalidInput):
    """A key of a type or curve the gateway does not verify (it takes RSA and P-256)."""

    code = "unsupported-key-type"


class SigningKeyAlreadyRegistered(RuleViolated):
    """The key is already one the partner's signatures are verified with."""

    code = "signing-key-already-registered"


class SignedRequestRefused(Exception):
    """A signed (SNAP) request that does not authenticate its partner: HTTP 401.

    Not a ``DomainError``: it is no command's rule but the caller's identity, which the
    edge answers as ``401 Unauthorized`` with ``code``.
    """

    code = "snap-refused"


class SnapHeaderMissing(SignedRequestRefused):
    code = "snap-header-missing"


class SnapHeaderInvalid(SignedRequestRefused):
    code = "snap-header-invalid"


class SnapTimestampOutsideWindow(SignedRequestRefused):
    code = "snap-timestamp-outside-window"


class SnapUnknownPartner(SignedRequestRefused):
    """No partner with a signing key valid now has this X-PARTNER-ID."""

    code = "snap-unknown-partner"


class SnapSignatureInvalid(SignedRequestRefused):
    code = "snap-signature-invalid"


class SnapExternalIdReused(SignedRequestRefused):
    """The partner already sent this X-EXTERNAL-ID today (a replay)."""

    code = "snap-external-id-reused"


class SnapTokenMismatch(SignedRequestRefused):
    """A bearer token sent beside the signature is invalid or names another partner."""

    code = "snap-token-mismatch"


class UnknownCloudEventType(InvalidInput):
    """A subscription names a CloudEvents type the gateway does not emit."""

    code = "unknown-event-type"


class UnknownEventSource(InvalidInput):
    """A subscription names a ``source`` other than the gateway's (/gotong/partners)."""

    code = "unknown-event-source"


class InvalidFilter(InvalidInput):
    """A subscription filter that cannot be parsed: wrong shape, empty ``all`` or ``any``,
    an attribute the gateway never sends, sizes over the bounds."""

    code = "invalid-filter"


class UnsupportedFilterDialect(InvalidInput):
    """A filter dialect the gateway does not evaluate (``sql``, or an unknown name)."""

    code = "unsupported-filter-dialect"


class UnsupportedProtocol(InvalidInput):
    """A delivery protocol the gateway does not deliver by (``KAFKA`` not yet, MQTT, ...)."""

    code = "unsupported-protocol"


class SinkNotAllowed(InvalidInput):
    """A pull subscription with a sink: its sink is the gateway's own feed."""

    code = "sink-not-allowed"


class InvalidProtocolSettings(InvalidInput):
    code = "invalid-protocol-settings"


class UnknownConfigKey(InvalidInput):
    """The gateway defines no ``config`` keys yet."""

    code = "unknown-config-key"


class TooManySubscriptions(RuleViolated):
    code = "too-many-subscriptions"


class SubscriptionProtocolChange(RuleViolated):
    """An update may not move a subscription to another protocol: delete and create."""

    code = "subscription-protocol-change"


class SubscriptionNotFound(NotFound):
    """No subscription of the caller has this id (another partner's is not found)."""

    code = "subscription-not-found"


class KafkaUserNotFound(NotFound):
    """The gateway has created no Kafka user for this partner (no KAFKA subscription yet)."""

    code = "kafka-user-not-found"


class KafkaCredentialsDeclared(RuleViolated):
    """The partners' Kafka users are declared by the federation office (Strimzi): their
    passwords are rotated there, not by the gateway."""

    code = "kafka-credentials-declared"


class DeliveryNotDisabled(RuleViolated):
    """Only a disabled delivery is re-enabled (an enabled one is delivering or retrying)."""

    code = "delivery-not-disabled"


class EventSequenceError(RuntimeError):
    """A stream whose events cannot follow each other: a bug, never a user's mistake."""

"""The partner gateway's domain: partners, the cooperatives' consents, and what a consent
covers.

Pure and synchronous: no I/O, no framework. Each aggregate is a decider: commands are
decided against the current state into events, and ``evolve_*`` folds events into state.
Refusals are ``gotong_platform.domain`` errors whose class names the broken rule.
"""

from partners.domain.codec import (
    CONSENT_EVENTS,
    PARTNER_EVENTS,
    UnknownEventType,
    consent_event_from_payload,
    partner_event_from_payload,
)
from partners.domain.commands import GrantConsent, RegisterPartner, RevokeConsent
from partners.domain.consent import (
    Consent,
    Fact,
    covers,
    evolve_consent,
    grant_consent,
    recipients,
    replay_consent,
    revoke_consent,
)
from partners.domain.errors import (
    ConsentAlreadyRevoked,
    ConsentNotFound,
    ConsentWindowReversed,
    EventSequenceError,
    InvalidContact,
    InvalidWebhookUrl,
    NoCategories,
    PartnerAlreadyRegistered,
    PartnerNotFound,
    RequiredFieldMissing,
    TextTooLong,
    TooManyContacts,
    UnknownCategory,
    UnknownPartner,
    WebhookNotFound,
)
from partners.domain.events import (
    ConsentEvent,
    ConsentGranted,
    ConsentRevoked,
    Contact,
    PartnerEvent,
    PartnerRegistered,
)
from partners.domain.feed import FeedItem, SourceEvent
from partners.domain.partner import (
    MAX_CONTACTS,
    Partner,
    evolve_partner,
    register_partner,
    replay_partner,
)
from partners.domain.values import Category, PartnerKind
from partners.domain.webhook import (
    ROTATION_OVERLAP,
    Failure,
    PendingEvent,
    SendOutcome,
    WebhookEndpoint,
    after_failure,
    retry_delay,
    sink_url,
)

__all__ = [
    "CONSENT_EVENTS",
    "MAX_CONTACTS",
    "PARTNER_EVENTS",
    "ROTATION_OVERLAP",
    "Category",
    "Consent",
    "ConsentAlreadyRevoked",
    "ConsentEvent",
    "ConsentGranted",
    "ConsentNotFound",
    "ConsentRevoked",
    "ConsentWindowReversed",
    "Contact",
    "EventSequenceError",
    "Fact",
    "Failure",
    "FeedItem",
    "GrantConsent",
    "InvalidContact",
    "InvalidWebhookUrl",
    "NoCategories",
    "Partner",
    "PartnerAlreadyRegistered",
    "PartnerEvent",
    "PartnerKind",
    "PartnerNotFound",
    "PartnerRegistered",
    "PendingEvent",
    "RegisterPartner",
    "RequiredFieldMissing",
    "RevokeConsent",
    "SendOutcome",
    "SourceEvent",
    "TextTooLong",
    "TooManyContacts",
    "UnknownCategory",
    "UnknownEventType",
    "UnknownPartner",
    "WebhookEndpoint",
    "WebhookNotFound",
    "after_failure",
    "consent_event_from_payload",
    "covers",
    "evolve_consent",
    "evolve_partner",
    "grant_consent",
    "partner_event_from_payload",
    "recipients",
    "register_partner",
    "replay_consent",
    "replay_partner",
    "retry_delay",
    "revoke_consent",
    "sink_url",
]

"""A partner of the federation (a bank, a buyer, a government office), as a decider: its
registration, and the public keys its signed (SNAP) requests are verified with.

A new key replaces the current one the way a webhook secret rotates: the replaced key
keeps verifying for ``ROTATION_OVERLAP`` (a day), so a bank can move its gateways to the
new private key one at a time without a refused request.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime

from gotong_platform.checks import optional_text, required_text
from gotong_platform.domain import replay
from partners.domain.commands import RegisterPartner, RegisterSigningKey
from partners.domain.errors import (
    EventSequenceError,
    InvalidContact,
    KafkaCredentialsDeclared,
    KafkaUserNotFound,
    PartnerAlreadyRegistered,
    PartnerNotFound,
    SigningKeyAlreadyRegistered,
    TooManyContacts,
)
from partners.domain.events import (
    Contact,
    KafkaPasswordRotated,
    PartnerEvent,
    PartnerRegistered,
    SigningKeyRegistered,
)
from partners.domain.signing import KeyAlgorithm, SigningKey, accepted_algorithm
from partners.domain.values import PartnerKind
from partners.domain.webhook import ROTATION_OVERLAP

__all__ = ["MAX_CONTACTS", "Partner", "evolve_partner", "register_partner",
           "register_signing_key", "replay_partner", "rotate_kafka_password"]

NAME_MAX = 200
CONTACT_TEXT_MAX = 200
MAX_CONTACTS = 10


@dataclasses.dataclass(frozen=True, kw_only=True)
class Partner:
    partner_id: str
    name: str
    kind: PartnerKind
    contacts: tuple[Contact, ...]
    registered_at: datetime
    registered_by: str
    # Every key ever registered, oldest first; at most the last two verify at any moment.
    signing_keys: tuple[SigningKey, ...] = ()

    def keys_valid_at(self, now: datetime) -> tuple[SigningKey, ...]:
        """The keys a signature made at ``now`` is verified with, newest first."""
        return tuple(k for k in reversed(self.signing_keys) if k.valid_at(now))


def register_partner(
    state: Partner | None, command: RegisterPartner, *, partner_id: str, now: datetime,
    actor: str,
) -> list[PartnerEvent]:
    """Register a partner under ``partner_id``, the subject its tokens will carry."""
    if state is not None:
        raise PartnerAlreadyRegistered(f"The partner {state.name!r} is already registered.")
    name = required_text(command.name, what="The partner's name", max_length=NAME_MAX)
    if len(command.contacts) > MAX_CONTACTS:
        raise TooManyContacts(f"A partner may have at most {MAX_CONTACTS} contacts; "
                              f"{len(command.contacts)} were given.")
    contacts = tuple(_contact(c) for c in command.contacts)
    return [PartnerRegistered(partner_id=partner_id, name=name, kind=command.kind,
                              contacts=contacts, registered_at=now, registered_by=actor)]


def _contact(contact: Contact) -> Contact:
    name = optional_text(contact.name, what="A contact's name", max_length=CONTACT_TEXT_MAX)
    email = optional_text(contact.email, what="A contact's e-mail", max_length=CONTACT_TEXT_MAX)
    phone = optional_text(contact.phone, what="A contact's phone", max_length=CONTACT_TEXT_MAX)
    role = optional_text(contact.role, what="A contact's role", max_length=CONTACT_TEXT_MAX)
    if name is None:
        raise InvalidContact("Every contact needs a name.")
    if email is None and phone is None:
        raise InvalidContact(f"The contact {name!r} needs an e-mail address or a phone number.")
    if email is not None and "@" not in email:
        raise InvalidContact(f"The e-mail address of {name!r} has no '@'.")
    return Contact(name=name, email=email, phone=phone, role=role)


def register_signing_key(
    state: Partner | None, command: RegisterSigningKey, *, key_id: str, now: datetime,
    actor: str,
) -> list[PartnerEvent]:
    """Verify the partner's signatures with ``command.key`` from ``now`` on; the key it
    replaces keeps verifying until ``now + ROTATION_OVERLAP``."""
    if state is None:
        raise PartnerNotFound("No partner is registered under this id.")
    algorithm = accepted_algorithm(command.key)
    valid = state.keys_valid_at(now)
    if any(k.fingerprint == command.key.fingerprint for k in valid):
        raise SigningKeyAlreadyRegistered(
            f"This key (SHA-256 {command.key.fingerprint}) already verifies the partner's "
            "signatures; a rotation needs a new key pair.")
    current = next((k for k in valid if k.valid_until is None), None)
    return [SigningKeyRegistered(
        partner_id=state.partner_id, key_id=key_id, algorithm=algorithm.value,
        bits=command.key.bits, public_key_pem=command.key.pem,
        fingerprint=command.key.fingerprint, registered_at=now, registered_by=actor,
        replaced_key_id=current.key_id if current else None,
        replaced_valid_until=now + ROTATION_OVERLAP if current else None)]


def rotate_kafka_password(state: Partner | None, *, username: str, user_exists: bool,
                          issues_credentials: bool, now: datetime, actor: str
                          ) -> list[PartnerEvent]:
    """Replace the password of the partner's Kafka user (the caller sets the new one on
    the broker and shows it once). Only a user the gateway created: a declared one
    (Strimzi) is rotated by the federation office, and a partner with no KAFKA
    subscription yet has none."""
    if state is None:
        raise PartnerNotFound("No partner is registered under this id.")
    if not issues_credentials:
        raise KafkaCredentialsDeclared(
            "The partners' Kafka users are declared by the federation office here: ask it "
            "to rotate the password.")
    if not user_exists:
        raise KafkaUserNotFound(
            "This partner has no Kafka user yet: a first KAFKA subscription creates it.")
    return [KafkaPasswordRotated(partner_id=state.partner_id, username=username,
                                 rotated_at=now, rotated_by=actor)]


def evolve_partner(state: Partner | None, event: PartnerEvent) -> Partner:
    """The state after ``event``."""
    match event:
        case PartnerRegistered():
            if state is not None:
                raise EventSequenceError("PartnerRegistered in an existing stream")
            return Partner(partner_id=event.partner_id, name=event.name, kind=event.kind,
                           contacts=event.contacts, registered_at=event.registered_at,
                           registered_by=event.registered_by)
        case SigningKeyRegistered():
            if state is None:
                raise EventSequenceError("SigningKeyRegistered before PartnerRegistered")
            return dataclasses.replace(state, signing_keys=_rotated(state.signing_keys, event))
        case KafkaPasswordRotated():
            if state is None:
                raise EventSequenceError("KafkaPasswordRotated before PartnerRegistered")
            return state  # the password is the broker's; the stream records who and when


def _rotated(keys: tuple[SigningKey, ...], event: SigningKeyRegistered
             ) -> tuple[SigningKey, ...]:
    """The keys after ``event``: the one it replaces ends with the overlap, any other key
    still valid ends at once, and the new key is valid with no end."""
    at = event.registered_at

    def ended(key: SigningKey) -> SigningKey:
        if key.key_id == event.replaced_key_id:
            return dataclasses.replace(key, valid_until=event.replaced_valid_until)
        if key.valid_until is None or key.valid_until > at:
            return dataclasses.replace(key, valid_until=at)
        return key

    new = SigningKey(key_id=event.key_id, algorithm=KeyAlgorithm(event.algorithm),
                     bits=event.bits, public_key_pem=event.public_key_pem,
                     fingerprint=event.fingerprint, registered_at=at,
                     registered_by=event.registered_by)
    return (*(ended(k) for k in keys), new)


def replay_partner(events: Iterable[PartnerEvent]) -> Partner | None:
    """Fold a stream into its state; ``None`` for an empty stream."""
    return replay(evolve_partner, events)

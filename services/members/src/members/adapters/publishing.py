"""From internal domain events to published contracts (what partners may see).

An outbound adapter: each stored event carries its contract, which the outbox relay
publishes. The mapping drops what must not leave the service: the NIK hash, the name,
the exact birth date (replaced by an age band) and free-text notes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from gotong_platform.contracts import EventContract
from gotong_platform.contracts import members as c
from gotong_platform.domain import event_payload
from gotong_platform.eventstore import NewEvent
from gotong_platform.provenance import Provenance, new_event
from members.domain import (
    CooperativeEvent,
    CooperativeJoinedFederation,
    CooperativeLeftFederation,
    CooperativeRegistered,
    Member,
    MemberAdmitted,
    MemberApplicationRejected,
    MemberApplied,
    MemberEvent,
    MemberExited,
    MemberReinstated,
    MemberSuspended,
)

__all__ = [
    "business_date_of",
    "cooperative_contract",
    "cooperative_new_event",
    "member_contract",
    "member_new_event",
]


def cooperative_contract(event: CooperativeEvent) -> dict[str, Any]:
    contract: EventContract
    match event:
        case CooperativeRegistered():
            contract = c.CooperativeRegisteredV1(
                cooperative_id=event.cooperative_id, name=event.name,
                legal_registration_number=event.legal_registration_number,
                coop_type=event.coop_type.value, province_code=event.province_code,
                regency_code=event.regency_code, time_zone=event.time_zone.value,
                fiscal_year_start_month=event.fiscal_year_start_month, loop=event.loop.value,
                registered_on=event.registered_on,
            )
        case CooperativeJoinedFederation():
            contract = c.CooperativeJoinedFederationV1(
                cooperative_id=event.cooperative_id, effective_date=event.effective_date)
        case CooperativeLeftFederation():
            contract = c.CooperativeLeftFederationV1(
                cooperative_id=event.cooperative_id, effective_date=event.effective_date,
                reason=event.reason)
    return _dump(contract)


def member_contract(event: MemberEvent, member: Member) -> dict[str, Any]:
    """``member`` is the state after ``event``: it supplies gender and village."""
    contract: EventContract
    match event:
        case MemberApplied():
            contract = c.MemberAppliedV1(
                cooperative_id=event.cooperative_id, member_id=event.member_id,
                gender=event.gender.value, age_band=c.age_band(event.birth_date, event.applied_on),
                village_code=event.village_code, applied_on=event.applied_on)
        case MemberAdmitted():
            contract = c.MemberAdmittedV1(
                cooperative_id=event.cooperative_id, member_id=event.member_id,
                member_no=event.member_no, gender=member.gender.value,
                village_code=member.village_code, admitted_on=event.admitted_on)
        case MemberApplicationRejected():
            contract = c.MemberApplicationRejectedV1(
                cooperative_id=event.cooperative_id, member_id=event.member_id,
                rejected_on=event.rejected_on)
        case MemberSuspended():
            contract = c.MemberSuspendedV1(
                cooperative_id=event.cooperative_id, member_id=event.member_id,
                suspended_on=event.suspended_on)
        case MemberReinstated():
            contract = c.MemberReinstatedV1(
                cooperative_id=event.cooperative_id, member_id=event.member_id,
                reinstated_on=event.reinstated_on)
        case MemberExited():
            contract = c.MemberExitedV1(
                cooperative_id=event.cooperative_id, member_id=event.member_id,
                exited_on=event.exited_on, reason=event.reason.value)
    return _dump(contract)


def _dump(contract: EventContract) -> dict[str, Any]:
    data: dict[str, Any] = contract.model_dump(mode="json")
    return data


def business_date_of(event: CooperativeEvent | MemberEvent) -> date:
    """The day the fact takes effect in the cooperative's books (reports group by it)."""
    match event:
        case CooperativeRegistered():
            return event.registered_on
        case CooperativeJoinedFederation() | CooperativeLeftFederation():
            return event.effective_date
        case MemberApplied():
            return event.applied_on
        case MemberAdmitted():
            return event.admitted_on
        case MemberApplicationRejected():
            return event.rejected_on
        case MemberSuspended():
            return event.suspended_on
        case MemberReinstated():
            return event.reinstated_on
        case MemberExited():
            return event.exited_on


def cooperative_new_event(
    event: CooperativeEvent, provenance: Provenance, now: datetime
) -> NewEvent:
    """``event`` as the store keeps it: its payload, and its contract for the outbox."""
    return _new_event(event, cooperative_contract(event), provenance, now)


def member_new_event(
    event: MemberEvent, member: Member, provenance: Provenance, now: datetime
) -> NewEvent:
    """``event`` as the store keeps it; ``member`` is the state after it."""
    return _new_event(event, member_contract(event, member), provenance, now)


def _new_event(event: CooperativeEvent | MemberEvent, public: dict[str, Any],
               provenance: Provenance, now: datetime) -> NewEvent:
    return new_event(event, event_payload(event), public, cooperative_id=event.cooperative_id,
                     business_date=business_date_of(event), provenance=provenance, now=now)

"""The tenancy matrix, exactly, and properties that must hold for any ids."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gotong_platform.auth import Action, Principal, Role, can_act, can_read, can_write

pytestmark = pytest.mark.unit

OWN = "kop-tani-makmur"
OTHER = "kop-nelayan-sejahtera"

PRINCIPALS = {
    "federation_admin": Principal(subject="fa", role=Role.FEDERATION_ADMIN),
    "province_officer": Principal(subject="po", role=Role.REGIONAL_OFFICER, region="32"),
    "regency_officer": Principal(subject="ro", role=Role.REGIONAL_OFFICER, region="3201"),
    "coop_admin": Principal(subject="ca", role=Role.COOP_ADMIN, cooperative_id=OWN),
    "coop_clerk": Principal(subject="cc", role=Role.COOP_CLERK, cooperative_id=OWN),
    "partner": Principal(subject="pa", role=Role.PARTNER, cooperatives=frozenset({OWN})),
    "member": Principal(subject="member-1", role=Role.MEMBER, cooperative_id=OWN),
}

# Target columns: the cooperative (own = the principal's own or subscribed one)
# and its regency: 3201 Kab. Bogor, 3204 Kab. Bandung (same province, Jawa
# Barat "32"), 3301 Kab. Cilacap (Jawa Tengah, outside the region).
TARGETS = [
    (OWN, "3201"),
    (OWN, "3204"),
    (OWN, "3301"),
    (OTHER, "3201"),
    (OTHER, "3204"),
    (OTHER, "3301"),
]
Y, N = True, False
#                     own:3201 own:3204 own:3301 oth:3201 oth:3204 oth:3301
READ = {
    "federation_admin": (Y,       Y,       Y,       Y,       Y,       Y),
    "province_officer": (Y,       Y,       N,       Y,       Y,       N),
    "regency_officer":  (Y,       N,       N,       Y,       N,       N),
    "coop_admin":       (Y,       Y,       Y,       N,       N,       N),
    "coop_clerk":       (Y,       Y,       Y,       N,       N,       N),
    "partner":          (Y,       Y,       Y,       N,       N,       N),
    "member":           (N,       N,       N,       N,       N,       N),
}  # fmt: skip
WRITE = {
    "federation_admin": (Y,       Y,       Y,       Y,       Y,       Y),
    "province_officer": (N,       N,       N,       N,       N,       N),
    "regency_officer":  (N,       N,       N,       N,       N,       N),
    "coop_admin":       (Y,       Y,       Y,       N,       N,       N),
    "coop_clerk":       (Y,       Y,       Y,       N,       N,       N),
    "partner":          (N,       N,       N,       N,       N,       N),
    "member":           (N,       N,       N,       N,       N,       N),
}  # fmt: skip

MATRIX = [
    pytest.param(name, coop, regency, READ[name][i], WRITE[name][i], id=f"{name}-{coop}-{regency}")
    for name in PRINCIPALS
    for i, (coop, regency) in enumerate(TARGETS)
]


@pytest.mark.parametrize(("name", "coop", "regency", "reads", "writes"), MATRIX)
def test_tenancy_matrix(name: str, coop: str, regency: str, reads: bool, writes: bool) -> None:
    principal = PRINCIPALS[name]
    assert can_read(principal, coop, regency) is reads
    assert can_write(principal, coop) is writes


ALLOWED = {
    Action.REGISTER_COOPERATIVE: {Role.FEDERATION_ADMIN},
    Action.MANAGE_FEDERATION_MEMBERSHIP: {Role.FEDERATION_ADMIN},
    Action.SUBMIT_APPLICATION: {Role.COOP_ADMIN, Role.COOP_CLERK},
    Action.DECIDE_MEMBERSHIP: {Role.COOP_ADMIN},
    Action.RECORD_TRANSACTION: {Role.COOP_ADMIN, Role.COOP_CLERK},
    Action.MANAGE_SETUP: {Role.COOP_ADMIN, Role.FEDERATION_ADMIN},
    Action.APPROVE_FINANCE: {Role.COOP_ADMIN},
    Action.REGISTER_PARTNER: {Role.FEDERATION_ADMIN},
    Action.GRANT_CONSENT: {Role.COOP_ADMIN},
    Action.READ_PARTNER_FEED: {Role.PARTNER},
    Action.READ_OWN_RECORDS: {Role.MEMBER},
    Action.READ: set(Role) - {Role.MEMBER},
}


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("name", PRINCIPALS)
def test_action_matrix(name: str, action: Action) -> None:
    principal = PRINCIPALS[name]
    assert can_act(principal, action) is (principal.role in ALLOWED[action])


ids = st.text(min_size=1, max_size=40)
regencies = st.from_regex(r"[0-9]{4}", fullmatch=True)


@given(
    own=ids,
    other=ids,
    regency=regencies,
    role=st.sampled_from([Role.COOP_ADMIN, Role.COOP_CLERK]),
)
def test_coop_roles_never_reach_another_cooperative(
    own: str, other: str, regency: str, role: Role
) -> None:
    principal = Principal(subject="u", role=role, cooperative_id=own)
    reaches_other = can_read(principal, other, regency) or can_write(principal, other)
    assert reaches_other is (own == other)


@given(subscribed=st.frozensets(ids, max_size=5), coop=ids, regency=regencies)
def test_partner_reads_only_its_subscriptions_and_never_writes(
    subscribed: frozenset[str], coop: str, regency: str
) -> None:
    principal = Principal(subject="p", role=Role.PARTNER, cooperatives=subscribed)
    assert can_read(principal, coop, regency) is (coop in subscribed)
    assert can_write(principal, coop) is False


@given(region=st.from_regex(r"[0-9]{2}([0-9]{2})?", fullmatch=True), coop=ids, regency=regencies)
def test_regional_officer_reads_by_prefix_and_never_writes(
    region: str, coop: str, regency: str
) -> None:
    principal = Principal(subject="r", role=Role.REGIONAL_OFFICER, region=region)
    assert can_read(principal, coop, regency) is regency.startswith(region)
    assert can_write(principal, coop) is False


@given(own=ids, coop=ids, regency=regencies)
def test_a_member_never_reads_or_writes_a_cooperative_not_even_her_own(
    own: str, coop: str, regency: str
) -> None:
    # Her cooperative's routes would show her the other members: she reads her own
    # records only, through the routes that check that she is the member they name.
    principal = Principal(subject="member-x", role=Role.MEMBER, cooperative_id=own)
    assert can_read(principal, coop, regency) is False
    assert can_write(principal, coop) is False
    assert can_act(principal, Action.READ) is False

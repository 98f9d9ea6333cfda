"""The snapshot on a savings account's query row holds the whole domain state."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.adapters.savings_snapshot import (
    SNAPSHOT_FIELDS,
    SNAPSHOT_FORMAT,
    snapshot_of,
    state_from_snapshot,
)
from payments.domain import SavingsAccount, SavingsType, WajibBill, WajibDeposit

pytestmark = pytest.mark.unit

days = st.integers(min_value=0, max_value=800).map(lambda d: date(2025, 1, 1) + timedelta(d))
amounts = st.integers(min_value=0, max_value=10**12)
states = st.builds(
    SavingsAccount, account_id=st.text(min_size=1), cooperative_id=st.text(min_size=1),
    member_id=st.text(min_size=1), savings_type=st.sampled_from(list(SavingsType)),
    opened_on=days, pokok_amount_idr=st.none() | amounts, balance_idr=amounts,
    pokok_paid=st.booleans(), refunded_idr=amounts,
    bills=st.lists(st.builds(WajibBill, period=st.from_regex(r"20[0-9]{2}-(0[1-9]|1[0-2])",
                                                             fullmatch=True),
                             amount_idr=amounts, due_date=days)).map(tuple),
    wajib_deposits=st.lists(st.builds(WajibDeposit, business_date=days,
                                      amount_idr=amounts)).map(tuple),
)


def test_the_snapshot_knows_every_field_of_the_state() -> None:
    # A new field in SavingsAccount needs the codec changed and SNAPSHOT_FORMAT bumped.
    assert {f.name for f in dataclasses.fields(SavingsAccount)} == SNAPSHOT_FIELDS


@given(states)
def test_a_state_survives_its_stored_snapshot(state: SavingsAccount) -> None:
    stored = json.loads(json.dumps(snapshot_of(state)))  # as it comes back from jsonb
    assert stored["format"] == SNAPSHOT_FORMAT
    assert state_from_snapshot(
        stored, account_id=state.account_id, cooperative_id=state.cooperative_id,
        member_id=state.member_id, savings_type=state.savings_type.value,
        opened_on=state.opened_on) == state

"""The offline sync's hand-built fast paths give exactly what the pydantic models give."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from gotong_platform.contracts import payments as c
from payments.adapters.publishing import savings_contract
from payments.application.offline import DepositFact, plain_deposit
from payments.domain import DepositChannel, SavingsAccount, SavingsDeposited, SavingsType

pytestmark = pytest.mark.unit

days = st.integers(min_value=0, max_value=3000).map(lambda d: date(2024, 1, 1) + timedelta(d))
deposits = st.builds(
    SavingsDeposited, cooperative_id=st.text(), account_id=st.text(), member_id=st.text(),
    amount_idr=st.integers(min_value=-5, max_value=10**15),
    channel=st.sampled_from(list(DepositChannel)), business_date=days,
    reference=st.none() | st.text(), recorded_offline=st.booleans())


def _account(kind: SavingsType) -> SavingsAccount:
    return SavingsAccount(account_id="a", cooperative_id="c", member_id="m", savings_type=kind,
                          opened_on=date(2024, 1, 1), pokok_amount_idr=None)


@given(deposits, st.sampled_from(list(SavingsType)))
def test_the_deposit_contract_is_what_the_model_dumps(
    event: SavingsDeposited, kind: SavingsType,
) -> None:
    try:
        expected = c.SavingsDepositedV1(
            cooperative_id=event.cooperative_id, account_id=event.account_id,
            member_id=event.member_id, savings_type=kind.value, amount_idr=event.amount_idr,
            channel=event.channel.value, business_date=event.business_date,
            recorded_offline=event.recorded_offline).model_dump(mode="json")
    except ValidationError:
        with pytest.raises(ValidationError):
            savings_contract(event, _account(kind))
        return
    fast = savings_contract(event, _account(kind))
    assert fast == expected
    assert list(fast) == list(expected)  # the same key order, so the same JSON text


def test_an_odd_value_goes_through_the_model() -> None:
    event = SavingsDeposited(cooperative_id="c", account_id="a", member_id="m", amount_idr=5,
                             channel=DepositChannel.CASH, business_date=date(2026, 1, 2),
                             reference=None, recorded_offline=True)
    odd = dataclasses.replace(event, amount_idr=True)  # a bool is no int to the fast path
    assert savings_contract(odd, _account(SavingsType.WAJIB))["amount_idr"] == 1


texts = st.text(max_size=3) | st.text(min_size=98, max_size=102) | st.sampled_from(
    [" M-1", "M-1 ", "\u3000M", "M\x1c", "M-1", "", "  "])
values = (texts | st.integers(min_value=-3, max_value=2**70) | st.booleans() | st.none()
          | st.floats(allow_nan=False) | st.lists(st.integers(), max_size=1)
          | st.sampled_from(["pokok", "wajib", "sukarela", "cash", "transfer", "qris",
                             "produce_deduction", "Wajib"]))
payload_fields = {
    "member_id": texts | values, "savings_type": st.sampled_from(
        ["pokok", "wajib", "sukarela", "pokok "]) | values,
    "amount_idr": st.integers(min_value=-3, max_value=2**70) | values,
    "channel": st.sampled_from(["cash", "transfer", "qris", "refund_offset"]) | values,
    "reference": st.none() | texts | values, "extra": values,
}
payloads = st.fixed_dictionaries({}, optional=payload_fields)
valid_payloads = st.fixed_dictionaries(
    {"member_id": st.text(min_size=1, max_size=100), "savings_type": st.sampled_from(
        ["pokok", "wajib", "sukarela"]), "amount_idr": st.integers(min_value=1, max_value=2**64),
     "channel": st.sampled_from(["cash", "transfer", "qris"])},
    optional={"reference": st.none() | st.text(max_size=101)})


@given(payloads | valid_payloads)
def test_the_plain_deposit_is_what_the_model_validates(payload: dict[str, object]) -> None:
    plain = plain_deposit(payload)
    try:
        fact = DepositFact.model_validate(payload)
    except ValidationError:
        assert plain is None
        return
    if plain is not None:
        assert plain == (fact.member_id, SavingsType(fact.savings_type), fact.amount_idr,
                         DepositChannel(fact.channel), fact.reference)
        assert type(plain[2]) is type(fact.amount_idr)


def test_the_usual_deposit_takes_the_plain_path() -> None:
    assert plain_deposit({"member_id": "M-0042", "savings_type": "wajib", "amount_idr": 50_000,
                          "channel": "cash"}) is not None
    assert plain_deposit({"member_id": "M-0042", "savings_type": "wajib", "amount_idr": 50_000,
                          "channel": "cash", "reference": "KW-1"}) is not None

"""A member's sign-in, pure: her phone in one form, the limits on codes, the code's check."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.exceptions import InvalidTag
from hypothesis import given
from hypothesis import strategies as st

from members.adapters.pii import PhoneProtector, SignInCodeDigester
from members.domain.phone import InvalidPhoneNumber, normalise_phone
from members.domain.sign_in import (
    CodeCheck,
    SignInRateLimited,
    SignInRules,
    check_code,
    check_send_allowed,
)

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
RULES = SignInRules()
KEY = base64.b64encode(b"m" * 32).decode()


@pytest.mark.parametrize("typed", ["0812-3456-7890", "+62 812 3456 7890", "62812 3456 7890",
                                   "(0812) 3456.7890", " 081234567890 "])
def test_every_usual_form_of_a_number_is_the_same_number(typed: str) -> None:
    assert normalise_phone(typed) == "+6281234567890"


@pytest.mark.parametrize("typed", ["", "0212345678", "0812", "+1 812 3456 7890", "08123456789012",
                                   "08l2345678", "0812\u06613456789", "9" * 41])
def test_what_is_no_indonesian_mobile_number_is_refused_without_repeating_it(typed: str) -> None:
    with pytest.raises(InvalidPhoneNumber) as refused:
        normalise_phone(typed)
    assert len(typed.strip()) < 5 or typed not in refused.value.detail


def ago(seconds: int) -> datetime:
    return NOW - timedelta(seconds=seconds)


def test_a_first_code_may_be_sent() -> None:
    check_send_allowed([], [], now=NOW, rules=RULES)


def test_a_second_code_waits_a_minute_after_the_first() -> None:
    with pytest.raises(SignInRateLimited) as limited:
        check_send_allowed([ago(20)], [ago(20)], now=NOW, rules=RULES)
    assert limited.value.retry_after_s == 40
    check_send_allowed([ago(60)], [ago(60)], now=NOW, rules=RULES)


def test_a_phone_gets_three_codes_a_quarter_of_an_hour() -> None:
    sends = [ago(800), ago(400), ago(100)]
    with pytest.raises(SignInRateLimited) as limited:
        check_send_allowed(sends, [], now=NOW, rules=RULES)
    assert limited.value.retry_after_s == 900 - 800  # when the oldest leaves the window
    check_send_allowed([ago(901), ago(400), ago(100)], [], now=NOW, rules=RULES)


def test_an_address_gets_ten_codes_an_hour_whatever_the_phones() -> None:
    sends = [ago(300 * i + 100) for i in range(10)]  # the oldest 2800 s ago
    with pytest.raises(SignInRateLimited) as limited:
        check_send_allowed([], sends, now=NOW, rules=RULES)
    assert limited.value.retry_after_s == 3600 - 2800
    check_send_allowed([], sends[:9], now=NOW, rules=RULES)


def check(matches: bool = True, age_s: int = 0, attempts: int = 0, consumed: bool = False
          ) -> CodeCheck:
    return check_code(matches=matches, created_at=ago(age_s), attempts=attempts,
                      consumed=consumed, now=NOW, rules=RULES)


def test_a_code_is_accepted_within_five_minutes_and_refused_after() -> None:
    assert check(age_s=299) is CodeCheck.ACCEPTED
    assert check(age_s=300) is CodeCheck.EXPIRED
    assert check(matches=False, age_s=10) is CodeCheck.WRONG


def test_a_used_code_or_one_guessed_five_times_stays_refused_even_when_right() -> None:
    assert check(consumed=True) is CodeCheck.EXHAUSTED
    assert check(attempts=4) is CodeCheck.ACCEPTED
    assert check(attempts=5) is CodeCheck.EXHAUSTED


@given(code=st.from_regex(r"[0-9]{6}", fullmatch=True))
def test_a_digest_is_bound_to_its_challenge_and_is_not_the_code(code: str) -> None:
    digester = SignInCodeDigester(KEY)
    digest = digester.digest("signin-a", code)
    assert code.encode() not in digest
    assert digester.matches("signin-a", code, digest)
    assert not digester.matches("signin-b", code, digest)
    other = f"{(int(code) + 1) % 1_000_000:06d}"
    assert not digester.matches("signin-a", other, digest)


def test_phone_hashes_are_keyed_and_the_cipher_is_bound_to_the_member() -> None:
    phones = PhoneProtector(KEY)
    other = PhoneProtector(base64.b64encode(b"n" * 32).decode())
    assert phones.hash("+6281234567890") == phones.hash("+6281234567890")
    assert phones.hash("+6281234567890") != other.hash("+6281234567890")
    blob = phones.encrypt("+6281234567890", associated="member-1")
    assert b"81234567890" not in blob
    assert phones.decrypt(blob, associated="member-1") == "+6281234567890"
    with pytest.raises(InvalidTag):  # the row was moved to another member
        phones.decrypt(blob, associated="member-2")

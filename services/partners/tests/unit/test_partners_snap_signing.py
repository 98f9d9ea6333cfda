"""Signed (SNAP) requests, without I/O: the string to sign and its body minification, the
headers' form, which keys are accepted, and how a key rotates."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from hypothesis import given
from hypothesis import strategies as st

from gotong_platform.domain import DomainError, event_payload
from gotong_testing.deciders import refused
from partners.adapters.signing_keys import CryptographyKeys
from partners.domain import (
    ROTATION_OVERLAP,
    Contact,
    InvalidPublicKey,
    KeyAlgorithm,
    PartnerKind,
    PartnerNotFound,
    PartnerRegistered,
    PrivateKeySent,
    RegisterSigningKey,
    SigningKeyAlreadyRegistered,
    SigningKeyRegistered,
    SnapHeaderInvalid,
    SnapHeaderMissing,
    SnapTimestampOutsideWindow,
    UnsupportedKeyType,
    WeakPublicKey,
    evolve_partner,
    minify_json,
    partner_event_from_payload,
    register_signing_key,
    snap_headers,
    string_to_sign,
)

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

# --- minify and the string to sign -----------------------------------------------------------

json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20)
layouts = st.fixed_dictionaries({
    "indent": st.none() | st.integers(min_value=0, max_value=4) | st.sampled_from(["\t", " \r\n"]),
    "separators": st.sampled_from([None, (",", ":"), (" , ", " : "), (",\n", ":\t")]),
    "sort_keys": st.booleans(),
})


@given(value=json_values, layout=layouts, ascii_only=st.booleans())
def test_minify_drops_exactly_the_whitespace_between_tokens(
    value: Any, layout: dict[str, Any], ascii_only: bool,
) -> None:
    sent = json.dumps(value, ensure_ascii=ascii_only, **layout).encode()
    compact = json.dumps(value, ensure_ascii=ascii_only, sort_keys=layout["sort_keys"],
                         separators=(",", ":")).encode()

    assert minify_json(sent) == compact  # string contents (and their blanks) kept as sent
    assert minify_json(compact) == compact
    assert json.loads(minify_json(sent)) == json.loads(sent)


def test_the_string_to_sign_is_snaps_and_a_get_hashes_the_empty_body() -> None:
    body = b'{ "url" : "https://bank.example/hook",\n  "note": "a b" }'
    digest = hashlib.sha256(b'{"url":"https://bank.example/hook","note":"a b"}').hexdigest()

    assert string_to_sign("post", "/partner/webhook", body, "2026-11-18T09:00:00+07:00") == (
        f"POST:/partner/webhook:{digest}:2026-11-18T09:00:00+07:00".encode())
    assert string_to_sign("GET", "/partner/feed?after=0", b"", "2026-11-18T09:00:00+07:00") == (
        f"GET:/partner/feed?after=0:{EMPTY_SHA256}:2026-11-18T09:00:00+07:00".encode())


# --- the headers -----------------------------------------------------------------------------

def headers(**changes: str | None) -> dict[str, str | None]:
    return {"X-PARTNER-ID": "Partner-ABC", "X-TIMESTAMP": "2026-11-18T09:00:00+07:00",
            "X-EXTERNAL-ID": "41807553358950093184162180797837",
            "X-SIGNATURE": "c2lnbmF0dXJl", **changes}


def test_a_request_without_snap_headers_is_a_bearer_request() -> None:
    assert snap_headers(dict.fromkeys(headers())) is None


def test_the_headers_are_read_with_the_day_of_the_timestamp_in_wib() -> None:
    read = snap_headers(headers(**{"X-TIMESTAMP": "2026-11-18T17:30:00Z"}))

    assert read is not None
    assert (read.partner_id, read.day.isoformat()) == ("partner-abc", "2026-11-19")
    read.check_window(read.at + timedelta(minutes=5))
    with pytest.raises(SnapTimestampOutsideWindow):
        read.check_window(read.at - timedelta(minutes=5, seconds=1))


@pytest.mark.parametrize(("changes", "error"), [
    ({"X-SIGNATURE": None}, SnapHeaderMissing),
    ({"X-EXTERNAL-ID": ""}, SnapHeaderMissing),
    ({"X-TIMESTAMP": "2026-11-18T09:00:00"}, SnapHeaderInvalid),  # no offset: whose 09:00?
    ({"X-TIMESTAMP": "2026-02-30T09:00:00+07:00"}, SnapHeaderInvalid),
    ({"X-TIMESTAMP": "18/11/2026 09:00"}, SnapHeaderInvalid),
    ({"X-EXTERNAL-ID": "x" * 37}, SnapHeaderInvalid),
    ({"X-EXTERNAL-ID": "id with spaces"}, SnapHeaderInvalid),
    ({"X-PARTNER-ID": "p" * 65}, SnapHeaderInvalid),
    ({"X-SIGNATURE": "not base64!"}, SnapHeaderInvalid),
    ({"X-SIGNATURE": "A" * 1025}, SnapHeaderInvalid),
])
def test_malformed_or_missing_headers_are_refused(
    changes: dict[str, str | None], error: type[Exception],
) -> None:
    with pytest.raises(error):
        snap_headers(headers(**changes))


# --- the keys --------------------------------------------------------------------------------

def pem(private: Any) -> str:
    text: str = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return text


P256 = ec.generate_private_key(ec.SECP256R1())
KEYS = CryptographyKeys()


@pytest.mark.parametrize(("private", "error"), [
    # The weak key the rule is there to refuse.
    (rsa.generate_private_key(public_exponent=65537, key_size=1024), WeakPublicKey),  # noqa: S505
    (ec.generate_private_key(ec.SECP384R1()), UnsupportedKeyType),
    (ed25519.Ed25519PrivateKey.generate(), UnsupportedKeyType),
])
def test_only_rsa_of_2048_bits_or_more_and_p256_are_accepted(
    private: Any, error: type[DomainError],
) -> None:
    refused(error, register_signing_key, partner(), RegisterSigningKey(
        key=KEYS.parse(pem(private))), key_id="key-1", now=NOW, actor="office")


@pytest.mark.parametrize("text", [
    "", "hello", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    "-----BEGIN PUBLIC KEY-----\n" + "A" * 10_001,
])
def test_what_is_no_pem_public_key_is_invalid(text: str) -> None:
    with pytest.raises(InvalidPublicKey):
        KEYS.parse(text)


def test_a_private_key_is_named_as_such_and_not_echoed() -> None:
    private = P256.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()).decode()
    with pytest.raises(PrivateKeySent) as caught:
        KEYS.parse(private)
    assert private.splitlines()[1] not in str(caught.value)


# --- rotation --------------------------------------------------------------------------------

def partner() -> Any:
    return evolve_partner(None, PartnerRegistered(
        partner_id="partner-1", name="Bank NTT", kind=PartnerKind.BANK,
        contacts=(Contact(name="Dewi", email="dewi@bank.example"),), registered_at=NOW,
        registered_by="office"))


def registered_key(state: Any, private: Any, at: datetime, key_id: str) -> Any:
    events = register_signing_key(state, RegisterSigningKey(key=KEYS.parse(pem(private))),
                                  key_id=key_id, now=at, actor="office")
    for event in events:
        # What the store keeps is what the stream replays.
        assert partner_event_from_payload(event.event_type, event_payload(event)) == event
        state = evolve_partner(state, event)
    return state, events


def test_a_new_key_replaces_the_current_one_after_a_days_overlap() -> None:
    first_private, second_private = rsa.generate_private_key(65537, 2048), P256
    third_private = ec.generate_private_key(ec.SECP256R1())
    state, (first,) = registered_key(partner(), first_private, NOW, "key-1")
    assert isinstance(first, SigningKeyRegistered)
    assert (first.algorithm, first.bits, first.replaced_key_id) == (KeyAlgorithm.RSA, 2048, None)
    assert [k.key_id for k in state.keys_valid_at(NOW)] == ["key-1"]

    later = NOW + timedelta(hours=2)
    state, (second,) = registered_key(state, second_private, later, "key-2")
    assert (second.replaced_key_id, second.replaced_valid_until) == (
        "key-1", later + ROTATION_OVERLAP)
    assert [k.key_id for k in state.keys_valid_at(later)] == ["key-2", "key-1"]
    assert [k.key_id for k in state.keys_valid_at(later + ROTATION_OVERLAP)] == ["key-2"]
    assert second.algorithm == KeyAlgorithm.ECDSA_P256

    # A third key within the overlap: the second is replaced, the first ends at once.
    third_at = later + timedelta(hours=1)
    state, _ = registered_key(state, third_private, third_at, "key-3")
    assert [k.key_id for k in state.keys_valid_at(third_at)] == ["key-3", "key-2"]


def test_a_key_already_verifying_or_an_unknown_partner_is_refused() -> None:
    state, _ = registered_key(partner(), P256, NOW, "key-1")
    command = RegisterSigningKey(key=KEYS.parse(pem(P256)))
    refused(SigningKeyAlreadyRegistered, register_signing_key, state, command, key_id="key-2",
            now=NOW, actor="office")
    refused(PartnerNotFound, register_signing_key, None, command, key_id="key-2", now=NOW,
            actor="office")


def test_a_signature_verifies_with_its_key_only() -> None:
    state, _ = registered_key(partner(), P256, NOW, "key-1")
    (key,) = state.keys_valid_at(NOW)
    message = string_to_sign("GET", "/partner/feed", b"", "2026-11-18T09:00:00+07:00")
    signature = base64.b64encode(P256.sign(message, ec.ECDSA(hashes.SHA256()))).decode()

    assert KEYS.verify(key, message, signature)
    assert not KEYS.verify(key, message + b"x", signature)
    assert not KEYS.verify(key, message, "AAAA")

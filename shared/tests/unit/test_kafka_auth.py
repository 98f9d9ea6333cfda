"""Kafka client authentication settings."""

from __future__ import annotations

import pytest

from gotong_platform.kafka import KafkaAuth
from gotong_platform.settings import KafkaClientSettings

pytestmark = pytest.mark.unit


def test_plaintext_by_default_without_sasl_arguments() -> None:
    assert KafkaAuth().client_kwargs() == {"security_protocol": "PLAINTEXT"}


def test_scram_settings_reach_the_client_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    monkeypatch.setenv("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "members")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "s3cret")
    kwargs = KafkaClientSettings().kafka_auth().client_kwargs()
    assert kwargs == {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512",
                      "sasl_plain_username": "members", "sasl_plain_password": "s3cret"}


def test_ssl_protocols_get_a_verifying_ssl_context() -> None:
    kwargs = KafkaAuth(security_protocol="SASL_SSL", sasl_mechanism="SCRAM-SHA-512",
                       username="u", password="p").client_kwargs()
    assert kwargs["ssl_context"].check_hostname is True

"""Settings every service shares (each service adds its own prefix).

Mixed into a service's ``BaseSettings`` class; values come from the environment
in the composition root, never at import.
"""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings

from gotong_platform.kafka import KafkaAuth

__all__ = ["KafkaClientSettings"]


class KafkaClientSettings(BaseSettings):
    kafka_bootstrap: str = "127.0.0.1:59092"
    kafka_security_protocol: str = "PLAINTEXT"
    kafka_sasl_mechanism: str | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None

    def kafka_auth(self) -> KafkaAuth:
        return KafkaAuth(
            security_protocol=self.kafka_security_protocol,
            sasl_mechanism=self.kafka_sasl_mechanism,
            username=self.kafka_sasl_username,
            password=(self.kafka_sasl_password.get_secret_value()
                      if self.kafka_sasl_password else None),
        )

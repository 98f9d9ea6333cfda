"""A partner's own Kafka topic, user and ACLs, through Kafka's Admin API (the
``PartnerKafka`` port).

aiokafka's admin client creates topics but knows neither ACLs nor SCRAM credentials, and
the ACL requests it has (CreateAcls v0 and v1) are gone from Kafka 4. The two requests
needed are written here with aiokafka's own protocol types: ``CreateAcls`` v3 and
``AlterUserScramCredentials`` v0 (both flexible versions: compact strings and tagged
fields), sent to any broker, which forwards them to the controller. The caller needs
``Alter`` on the cluster (the local stack's internal user is a super user).

SCRAM is salted on this side, as Kafka's own tools do: the broker stores the salt, the
iteration count and PBKDF2-HMAC-SHA-512 of the password, never the password.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar, TypeAlias

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import for_code
from aiokafka.protocol.api import Request, RequestStruct, Response

# aiokafka ships no type information: its protocol classes are Any to mypy, hence the
# ignores on the subclasses below.
from aiokafka.protocol.types import (
    CompactArray,
    CompactBytes,
    CompactString,
    Int8,
    Int16,
    Int32,
    Schema,
    TaggedFields,
)

from gotong_platform.kafka import KafkaAuth, create_topics
from partners.domain import PartnerKafkaAccess

__all__ = ["AdminApiPartnerKafka", "DeclaredPartnerKafka", "scram_sha512_upsertion"]

# Kafka's codes (org.apache.kafka.common.acl / resource / ScramMechanism).
_TOPIC, _GROUP = 2, 3
_LITERAL, _PREFIXED = 3, 4
_READ, _DESCRIBE = 3, 8
_ALLOW = 3
_SCRAM_SHA_512 = 2
# Kafka refuses fewer than 4096 iterations for SCRAM-SHA-512.
SCRAM_ITERATIONS = 8192
_TIMEOUT_MS = 30_000


class CreateAclsResponse_v3(Response):  # type: ignore[misc]  # aiokafka is untyped
    API_KEY = 30
    API_VERSION = 3
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        ("results", CompactArray(("error_code", Int16),
                                 ("error_message", CompactString("utf-8")),
                                 ("tags", TaggedFields))),
        ("tags", TaggedFields),
    )


class CreateAclsRequest_v3(RequestStruct):  # type: ignore[misc]  # aiokafka is untyped
    FLEXIBLE_VERSION = True
    API_KEY = 30
    API_VERSION = 3
    RESPONSE_TYPE = CreateAclsResponse_v3
    SCHEMA = Schema(
        ("creations", CompactArray(("resource_type", Int8),
                                   ("resource_name", CompactString("utf-8")),
                                   ("resource_pattern_type", Int8),
                                   ("principal", CompactString("utf-8")),
                                   ("host", CompactString("utf-8")),
                                   ("operation", Int8),
                                   ("permission_type", Int8),
                                   ("tags", TaggedFields))),
        ("tags", TaggedFields),
    )


CreateAclsStruct: TypeAlias = CreateAclsRequest_v3


class CreateAcls(Request[CreateAclsStruct]):  # type: ignore[misc]  # aiokafka is untyped
    API_KEY: ClassVar[int] = 30

    def __init__(self, creations: list[tuple[Any, ...]]) -> None:
        self._creations = creations

    def build(self, request_struct_class: type[CreateAclsStruct]) -> CreateAclsStruct:
        return request_struct_class(self._creations, {})


class AlterUserScramCredentialsResponse_v0(Response):  # type: ignore[misc]  # aiokafka is untyped
    API_KEY = 51
    API_VERSION = 0
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        ("results", CompactArray(("user", CompactString("utf-8")),
                                 ("error_code", Int16),
                                 ("error_message", CompactString("utf-8")),
                                 ("tags", TaggedFields))),
        ("tags", TaggedFields),
    )


class AlterUserScramCredentialsRequest_v0(RequestStruct):  # type: ignore[misc]  # aiokafka is untyped
    FLEXIBLE_VERSION = True
    API_KEY = 51
    API_VERSION = 0
    RESPONSE_TYPE = AlterUserScramCredentialsResponse_v0
    SCHEMA = Schema(
        ("deletions", CompactArray(("name", CompactString("utf-8")),
                                   ("mechanism", Int8),
                                   ("tags", TaggedFields))),
        ("upsertions", CompactArray(("name", CompactString("utf-8")),
                                    ("mechanism", Int8),
                                    ("iterations", Int32),
                                    ("salt", CompactBytes),
                                    ("salted_password", CompactBytes),
                                    ("tags", TaggedFields))),
        ("tags", TaggedFields),
    )


AlterScramStruct: TypeAlias = AlterUserScramCredentialsRequest_v0


class AlterUserScramCredentials(Request[AlterScramStruct]):  # type: ignore[misc]  # aiokafka is untyped
    API_KEY: ClassVar[int] = 51

    def __init__(self, upsertions: list[tuple[Any, ...]]) -> None:
        self._upsertions = upsertions

    def build(self, request_struct_class: type[AlterScramStruct]) -> AlterScramStruct:
        return request_struct_class([], self._upsertions, {})


def scram_sha512_upsertion(username: str, password: str, *, salt: bytes | None = None,
                           iterations: int = SCRAM_ITERATIONS) -> tuple[Any, ...]:
    """One upsertion of ``AlterUserScramCredentials``: the salted password (RFC 5802's
    SaltedPassword, PBKDF2 with HMAC-SHA-512) the broker checks logins against."""
    salt = salt if salt is not None else secrets.token_bytes(32)
    salted = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)
    return (username, _SCRAM_SHA_512, iterations, salt, salted, {})


def _raise_errors(results: list[Any], what: str) -> None:
    for result in results:
        code, message = result[-3], result[-2]
        if code:
            raise for_code(code)(f"{what}: {message}")


class AdminApiPartnerKafka:
    """The gateway manages the partners' topics, users and ACLs itself (the local stack,
    the tests, a cluster without a user operator)."""

    def __init__(self, bootstrap: str, auth: KafkaAuth, *, partitions: int = 3,
                 replication: int | None = None) -> None:
        self._bootstrap = bootstrap
        self._auth = auth
        self._partitions = partitions
        self._replication = replication

    @property
    def issues_credentials(self) -> bool:
        return True

    def _admin(self) -> AIOKafkaAdminClient:
        return AIOKafkaAdminClient(bootstrap_servers=self._bootstrap,
                                   client_id="partners-kafka-access",
                                   request_timeout_ms=_TIMEOUT_MS,
                                   **self._auth.client_kwargs())

    async def open(self, access: PartnerKafkaAccess) -> None:
        """The partner's topic (kept forever, as the domain topics) and its ACLs: Read and
        Describe on that topic, and on the consumer groups named with its prefix. Both
        are idempotent: Kafka keeps one copy of an ACL created twice."""
        # The platform's topic rule: kept forever, and the replication of the domain
        # topics (GOTONG_KAFKA_REPLICATION, else three replicas on three brokers or more)
        # with its min.insync.replicas, unless the setting names one.
        await create_topics(self._bootstrap, [access.topic], partitions=self._partitions,
                            replication=self._replication, auth=self._auth,
                            dead_letters=False)
        admin = self._admin()
        await admin.start()
        try:
            principal = f"User:{access.username}"
            creations: list[tuple[Any, ...]] = [
                (resource_type, name, pattern, principal, "*", operation, _ALLOW, {})
                for resource_type, name, pattern in (
                    (_TOPIC, access.topic, _LITERAL), (_GROUP, access.group_prefix, _PREFIXED))
                for operation in (_READ, _DESCRIBE)]
            answer = await admin._send_request(CreateAcls(creations))
            _raise_errors(answer.results, f"ACLs of {access.username}")
        finally:
            await admin.close()

    async def set_password(self, access: PartnerKafkaAccess, password: str) -> None:
        """Create the partner's SCRAM-SHA-512 user, or replace its password."""
        admin = self._admin()
        await admin.start()
        try:
            answer = await admin._send_request(AlterUserScramCredentials(
                [scram_sha512_upsertion(access.username, password)]))
            _raise_errors(answer.results, f"SCRAM credentials of {access.username}")
        finally:
            await admin.close()


class DeclaredPartnerKafka:
    """The partners' topics and users are declared by the federation office (Strimzi:
    a KafkaTopic and a KafkaUser per partner, deploy/k8s/base/kafka); the gateway only
    writes to the topic and issues no credentials (the partner gets the user's password
    from the office, out of the User Operator's Secret)."""

    @property
    def issues_credentials(self) -> bool:
        return False

    async def open(self, access: PartnerKafkaAccess) -> None:
        return None

    async def set_password(self, access: PartnerKafkaAccess, password: str) -> None:
        raise RuntimeError("declared partner Kafka users have no password set by the gateway")

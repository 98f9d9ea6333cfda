"""DDL of one read-model version, created inside its own PostgreSQL schema."""

from __future__ import annotations

import hashlib
import re

from gotong_platform.consumer.dead_letters import DEAD_LETTERS_V1
from gotong_platform.eventstore import CONSUMER_V1
from reporting.adapters.read_model.contributions import FACT_CONTRIBUTIONS, contributions_of
from reporting.adapters.read_model.facts import FACTS_DDL
from reporting.adapters.read_model.ledgers import MAINTAINED_DDL

__all__ = ["READ_MODEL_DDL", "READ_MODEL_FINGERPRINT", "checked_schema_name"]

READ_MODEL_DDL = CONSUMER_V1 + DEAD_LETTERS_V1 + FACTS_DDL + """
-- Rows may be created by any event of their stream, in any order: columns that
-- only some events carry are nullable, and `*_version` keeps the latest state.
CREATE TABLE cooperatives (
    cooperative_id      text PRIMARY KEY,
    name                text,
    coop_type           text,
    province_code       text,
    regency_code        text,
    time_zone           text,
    in_federation       boolean NOT NULL DEFAULT false,
    joined_on           date,
    left_on             date,
    federation_version  integer NOT NULL DEFAULT 0,
    fiscal_year_start_month integer
);
CREATE INDEX cooperatives_by_regency ON cooperatives (regency_code);
CREATE TABLE members (
    member_id       text PRIMARY KEY,
    cooperative_id  text NOT NULL,
    status          text NOT NULL,
    status_since    date NOT NULL,
    version         integer NOT NULL,
    gender          text,
    village_code    text,
    age_band        text,
    applied_on      date,
    admitted_on     date,
    member_no       text
);
CREATE INDEX members_by_cooperative ON members (cooperative_id, status, gender);
-- Data freshness: the last event seen from each cooperative, by both clocks. Kept per
-- Kafka partition, which only one consumer writes at a time, so consumers of other
-- partitions never wait for each other's rows; read through the view.
CREATE TABLE freshness_by_partition (
    cooperative_id     text NOT NULL,
    topic              text NOT NULL,
    partition          integer NOT NULL,
    last_recorded_at   timestamptz NOT NULL,
    last_business_date date NOT NULL,
    events             bigint NOT NULL,
    PRIMARY KEY (cooperative_id, topic, partition)
);
CREATE VIEW freshness AS
SELECT cooperative_id, max(last_recorded_at) AS last_recorded_at,
       max(last_business_date) AS last_business_date, sum(events)::bigint AS events
FROM freshness_by_partition GROUP BY cooperative_id;
-- Which DDL built this version: a live version built by other code is replaced.
CREATE TABLE read_model_meta (
    ddl_sha256  text NOT NULL
);
""" + MAINTAINED_DDL
# What a fact adds to the maintained tables is part of the model's shape: a change of
# it, like one of the DDL, needs a version built from offset 0.
READ_MODEL_FINGERPRINT = hashlib.sha256("\n".join(
    [READ_MODEL_DDL, *(contributions_of(table) or "" for table in sorted(FACT_CONTRIBUTIONS))]
).encode()).hexdigest()

_NAME = re.compile(r"^rm_[a-z0-9_]{1,40}$")


def checked_schema_name(name: str) -> str:
    """Schema names are interpolated into SQL, so only our own pattern is accepted."""
    if not _NAME.match(name):
        raise ValueError(f"not a read-model schema name: {name!r}")
    return name

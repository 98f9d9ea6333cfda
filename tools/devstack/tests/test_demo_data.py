"""The demo federation's data (gotong_devstack.demo): pure generation, no server."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from gotong_devstack import demo
from gotong_devstack.demo_dates import DemoDates
from gotong_devstack.run import service_dsn
from members.domain import nik as members_nik
from members.domain import values as members_values
from reporting.domain.regions import region_name

pytestmark = pytest.mark.unit

TODAY = date(2026, 12, 7)
# From the earliest day the demo accepts to years later: the 1st, month ends, 29 February.
TODAYS = [demo.EARLIEST_TODAY, date(2026, 12, 1), TODAY, date(2026, 12, 31), date(2028, 2, 29),
          date(2028, 3, 1), date(2031, 5, 1)]


def everyone(federation: tuple[demo.DemoCoop, ...]) -> list[tuple[demo.DemoCoop, demo.Applicant]]:
    return [(coop, a) for coop in federation for a in coop.applicants]


def test_the_data_is_deterministic() -> None:
    first, second = demo.build_demo(TODAY), demo.build_demo(TODAY)
    assert first == second
    steps = [[(s.key, json.dumps(s.body)) for s in demo.coop_steps(c)] for c in first]
    assert steps == [[(s.key, json.dumps(s.body)) for s in demo.coop_steps(c)] for c in second]


@pytest.mark.parametrize("today", TODAYS)
def test_the_members_dates_follow_the_day_the_demo_is_seeded(today: date) -> None:
    # Every date is relative to `today` (make run keeps the day of the first seeding, so the
    # bodies hashed with their Idempotency-Keys stay the same on every later run).
    dates = DemoDates.of(today)
    federation = demo.build_demo(today)
    applied = [a.applied_on for _, a in everyone(federation)]
    assert dates.applications_from <= min(applied)
    assert max(applied) <= dates.horizon < dates.money_from + timedelta(days=31) < today
    assert max(applied) >= dates.horizon - timedelta(days=21)  # pending ones are recent
    # The same federation on any day: only its dates move.
    assert demo.status_counts(federation) == demo.status_counts(demo.build_demo(TODAY))


def test_a_clock_before_the_demo_period_is_refused() -> None:
    with pytest.raises(ValueError, match="clock"):
        demo.build_demo(demo.EARLIEST_TODAY - timedelta(days=1))


@pytest.mark.parametrize("today", TODAYS)
def test_niks_are_16_digits_and_match_birth_date_and_gender(today: date) -> None:
    for coop, a in everyone(demo.build_demo(today)):
        nik = a.nik
        assert len(nik) == 16
        assert nik.isascii()
        assert nik.isdigit()
        day = int(nik[6:8])
        if a.gender == "P":
            assert day == a.birth_date.day + 40
        else:
            assert day == a.birth_date.day
        assert int(nik[8:10]) == a.birth_date.month
        assert int(nik[10:12]) == a.birth_date.year % 100
        assert nik[12:] == f"{a.nik_sequence:04d}"
        assert nik[12:] != "0000"
        # Registered where they live: the NIK's regency and kecamatan are the village's.
        assert nik[:6] == a.village_code[:6]
        assert nik.startswith(coop.spec.regency.code)


def test_niks_agree_with_the_members_domain_check() -> None:
    for _, a in everyone(demo.build_demo(TODAY)):
        members_nik.check_nik_matches(a.nik, birth_date=a.birth_date,
                                      gender=members_values.Gender(a.gender))


def test_village_codes_lie_in_the_cooperatives_regency() -> None:
    for coop, a in everyone(demo.build_demo(TODAY)):
        assert len(a.village_code) == 10
        assert a.village_code.isdigit()
        assert a.village_code.startswith(coop.spec.regency.code)
        assert 1 <= int(a.village_code[4:6]) <= 5  # kecamatan
        assert 2001 <= int(a.village_code[6:]) <= 2010  # desa (2xxx), not kelurahan (1xxx)


def test_the_demo_regencies_are_named_as_in_the_kemendagri_table() -> None:
    # The table the reports show (reporting/regions): Kemendagri codes, not BPS's.
    for regency in demo.REGENCIES.values():
        assert region_name(regency.code) == f"Kabupaten {regency.name}"
        assert region_name(regency.province_code) == regency.province_name


def test_nik_sequences_and_niks_are_unique_per_cooperative() -> None:
    for coop in demo.build_demo(TODAY):
        sequences = [a.nik_sequence for a in coop.applicants]
        assert len(set(sequences)) == len(sequences)
        assert len({a.nik for a in coop.applicants}) == len(coop.applicants)
        assert [a.seq for a in coop.applicants] == list(range(1, len(coop.applicants) + 1))
        assert len({a.full_name for a in coop.applicants}) == len(coop.applicants)


@pytest.mark.parametrize("today", TODAYS)
def test_no_date_is_in_the_future_and_every_step_follows_the_one_before(today: date) -> None:
    for coop, a in everyone(demo.build_demo(today)):
        spec = coop.spec
        assert spec.registered_on <= spec.joined_on <= today
        assert spec.joined_on <= a.applied_on <= today
        assert DemoDates.of(today).applications_from <= a.applied_on
        # 17 is the members service's default minimum age (the age of the KTP)
        assert a.birth_date.replace(year=a.birth_date.year + 17) <= a.applied_on
        for later in (a.admitted_on, a.rejected_on):
            assert later is None or a.applied_on <= later <= today
        for later in (a.suspended_on, a.exited_on):
            assert later is None or (a.admitted_on is not None
                                     and a.admitted_on <= later <= today)


def test_each_outcome_has_exactly_the_dates_it_needs() -> None:
    for _, a in everyone(demo.build_demo(TODAY)):
        assert (a.admitted_on is not None) == (a.outcome in ("admitted", "suspended", "exited"))
        assert (a.rejected_on is not None) == (a.outcome == "rejected")
        assert (a.suspended_on is not None) == (a.outcome == "suspended")
        assert (a.exited_on is not None) == (a.outcome == "exited")
        assert (a.reason is not None) == (a.outcome in ("rejected", "suspended"))


def test_the_federation_has_the_shape_of_handbook_section_8() -> None:
    federation = demo.build_demo(TODAY)
    specs = [c.spec for c in federation]
    assert len(specs) == 5
    assert {s.regency.province_code for s in specs} == {"53", "81"}
    assert {s.regency.time_zone for s in specs} == {"WITA", "WIT"}
    assert {s.coop_type for s in specs} >= {"savings_and_loan", "producer", "marketing",
                                             "multi_purpose"}
    for spec in specs:
        assert spec.regency.code.startswith(spec.regency.province_code)
        assert date(2024, 1, 1) <= spec.joined_on <= date(2025, 12, 31)
    counts = demo.status_counts(federation)
    assert counts["suspended"] == 1
    assert counts["exited"] == 1
    assert counts["rejected"] >= 2
    assert counts["admitted"] > sum(counts.values()) / 2
    assert len({s.legal_registration_number for s in specs}) == 5


def test_genders_are_mixed_and_weaving_has_the_most_women() -> None:
    shares: dict[str, float] = {}
    for coop in demo.build_demo(TODAY):
        genders = Counter(a.gender for a in coop.applicants)
        assert 8 <= len(coop.applicants) <= 20
        assert genders["L"] > 0
        assert genders["P"] > 0
        shares[coop.spec.coop_type + ":" + coop.spec.slug] = genders["P"] / len(coop.applicants)
    weaving = next(share for name, share in shares.items() if name.startswith("marketing:"))
    assert weaving == max(shares.values())
    assert weaving > 0.7


def test_steps_are_keyed_stably_and_decisions_follow_applications() -> None:
    federation = demo.build_demo(TODAY)
    keys: list[str] = []
    for coop in federation:
        keys += demo.coop_keys(coop.spec)
        steps = demo.coop_steps(coop)
        keys += [s.key for s in steps]
        applied: set[int] = set()
        for s in steps:
            assert s.key == f"demo-{demo.DEMO_VERSION}-{s.kind}-{coop.spec.slug}-{s.seq}"
            if s.kind == "apply":
                applied.add(s.seq)
            else:
                assert s.seq in applied
        assert [s.on for s in steps] == sorted(s.on for s in steps)
        exits = [s.body for s in steps if s.kind == "exit"]
        assert all(body["reason"] == "moved_away" for body in exits)
    assert len(keys) == len(set(keys))
    assert all(" " <= ch <= "~" for key in keys for ch in key)
    assert all(len(key) <= 255 for key in keys)


def test_the_earliest_zone_gives_the_business_date() -> None:
    # 15:30 UTC: 23:30 on 1 January in WITA, already 2 January in WIT.
    assert demo.business_today(datetime(2026, 1, 1, 15, 30, tzinfo=UTC)) == date(2026, 1, 1)
    assert demo.business_today(datetime(2026, 1, 1, 16, 30, tzinfo=UTC)) == date(2026, 1, 2)


@pytest.mark.parametrize(
    ("summary", "admitted"),
    [
        ({"cooperatives": 5, "members": {"by_status": {"admitted": 67, "rejected": 6}}}, 67),
        ({"members": {"by_status": {"admitted": {"total": 3, "women": 2}}}}, 3),
        ({"members": {"admitted": 4}}, 4),
        ({"members": {"by_status": {}}}, None),
        ({"cooperatives": 5}, None),
        ([], None),
        ({"members": {"by_status": {"admitted": True}}}, None),
    ],
)
def test_the_summary_is_read_leniently(summary: object, admitted: int | None) -> None:
    assert demo.admitted_in_summary(summary) == admitted


def test_service_databases_share_the_admin_server() -> None:
    assert (service_dsn("postgresql://postgres@127.0.0.1:55432/postgres", "gotong_members")
            == "postgresql://postgres@127.0.0.1:55432/gotong_members")
    assert (service_dsn("postgresql://u:p@db:5433/postgres?sslmode=require", "gotong_reporting")
            == "postgresql://u:p@db:5433/gotong_reporting?sslmode=require")

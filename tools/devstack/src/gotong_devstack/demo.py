"""The demo federation that `make run` seeds (handbook domain.md §8), over the public HTTP API.

Two halves, kept apart so the data can be tested without a server:

* pure data: `build_demo(today)` returns five cooperatives in two provinces and two time
  zones, each with its applicants and their fate, and `coop_steps` turns one cooperative
  into the ordered HTTP commands that create it. A fixed seed makes both deterministic;
  every date is relative to `today` (`demo_dates.DemoDates`), the day the demo is seeded.
* HTTP: `seed()` sends those commands to the members API with `urllib.request`.

Seeding is idempotent: every POST carries an `Idempotency-Key` derived from the demo item
(`demo-v1-coop-<slug>`, `demo-v1-apply-<slug>-<seq>`, ...) and is sent with a token whose
subject never changes (keys are scoped per subject). A second `make run` therefore creates
nothing: the API replays the first answer, including the ids it assigned then.

The API hashes the raw request body with the key, so the bodies must be byte-identical on
every run. The dates come from the day the demo was first seeded, which `make run` keeps
(`.stack/demo-today`), so a later run sends the same bodies whatever the clock says. Data
changed after a database was seeded makes the API answer 422 `idempotency-key-reused`;
bumping `DEMO_VERSION` alone does not help, since the cooperatives' legal registration
numbers are unique too, so start from empty databases (delete `.stack/`). The cooperatives'
own dates (registration, joining the federation) are history and do not move.
"""

from __future__ import annotations

import calendar
import json
import random
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, Literal

from gotong_devstack.demo_dates import EARLIEST_TODAY, DemoDates

__all__ = [
    "ADMIN_SUBJECT",
    "COOPERATIVES",
    "DEMO_VERSION",
    "EARLIEST_TODAY",
    "REGENCIES",
    "SEED",
    "AfterJoin",
    "ApiError",
    "Applicant",
    "CoopSpec",
    "DemoCoop",
    "Mint",
    "Regency",
    "Reply",
    "ReplyCounts",
    "SeedResult",
    "Step",
    "admitted_in_summary",
    "build_demo",
    "business_today",
    "call",
    "coop_admin_subject",
    "coop_keys",
    "coop_steps",
    "nik_for",
    "seed",
    "status_counts",
]

# In every Idempotency-Key (see the module docstring about changing the data).
DEMO_VERSION = "v1"
SEED = 20250817

TimeZoneName = Literal["WITA", "WIT"]
Gender = Literal["L", "P"]
Outcome = Literal["applied", "admitted", "rejected", "suspended", "exited"]
StepKind = Literal["apply", "admit", "reject", "suspend", "exit"]

# Indonesia has no daylight saving time, so fixed offsets are exact.
_ZONES: dict[TimeZoneName, timezone] = {
    "WITA": timezone(timedelta(hours=8), "WITA"),
    "WIT": timezone(timedelta(hours=9), "WIT"),
}


def business_today(now: datetime | None = None) -> date:
    """The earliest business date among the demo's time zones (WITA's, never after WIT's).

    The members API refuses dates after the cooperative's own business date, so a date that
    is not after this day is valid for every demo cooperative.
    """
    moment = now if now is not None else datetime.now(UTC)
    return min(moment.astimezone(zone).date() for zone in _ZONES.values())


# --- regions ---------------------------------------------------------------------


@dataclass(frozen=True)
class Regency:
    code: str  # Kemendagri kabupaten code (4 digits, starts with the province code)
    name: str
    province_code: str
    province_name: str
    time_zone: TimeZoneName


# Kemendagri codes (Kepmendagri 100.1.1-6117/2022, the "53.11" style), which is what the NIK
# and the village codes use. They are NOT the BPS codes, and the two numberings disagree here:
# BPS has Sumba Timur 5302, Alor 5307, Sumba Barat Daya 5317, Kepulauan Aru 8105 and
# Seram Bagian Timur 8107. Kemendagri 5302 is Timor Tengah Selatan and 8104 is Buru, so the
# codes first suggested for Sumba Timur (5302) and Seram Bagian Timur (8104) were corrected
# to 5311 and 8105, checked against the Kemendagri list as published in the cahyadsn/wilayah
# data. The kecamatan (01..05) and desa (2001..2010, "2" = desa, "1" = kelurahan) parts of
# the village codes have the right shape but were not checked one by one.
REGENCIES: dict[str, Regency] = {
    r.code: r
    for r in (
        Regency("5311", "Sumba Timur", "53", "Nusa Tenggara Timur", "WITA"),
        Regency("5318", "Sumba Barat Daya", "53", "Nusa Tenggara Timur", "WITA"),
        Regency("5305", "Alor", "53", "Nusa Tenggara Timur", "WITA"),
        Regency("8107", "Kepulauan Aru", "81", "Maluku", "WIT"),
        Regency("8105", "Seram Bagian Timur", "81", "Maluku", "WIT"),
    )
}


# --- names ------------------------------------------------------------------------


@dataclass(frozen=True)
class NamePool:
    men: tuple[str, ...]
    women: tuple[str, ...]
    families: tuple[str, ...]
    # East Sumba: Umbu and Rambu, for men and women of the noble (maramba) families.
    title_men: str | None = None
    title_women: str | None = None


_SUMBA_TIMUR = NamePool(
    men=("Yohanis", "Markus", "Daniel", "Yakobus", "Petrus", "Lukas", "Melkianus", "Stefanus",
         "Hendrik", "Yosef", "Umbu Hina", "Umbu Ndaha"),
    women=("Maria", "Yuliana", "Margaretha", "Elisabeth", "Ribka", "Debora", "Marta", "Lidia",
           "Yohana", "Adriana", "Katarina", "Naomi", "Dorkas", "Ester", "Sarlina", "Konda"),
    families=("Ndapa", "Kapita", "Hamba", "Lakawa", "Nggaba", "Landu", "Praing", "Kahi",
              "Mbani", "Djawa", "Hunga", "Ranja", "Windi", "Meha", "Tanya", "Taralandu"),
    title_men="Umbu",
    title_women="Rambu",
)
_SUMBA_BARAT_DAYA = NamePool(
    men=("Fransiskus", "Yulius", "Agustinus", "Paulus", "Yohanes", "Petrus", "Lukas",
         "Bernardus", "Simon", "Dominikus", "Antonius", "Kornelis"),
    women=("Maria", "Veronika", "Agustina", "Theresia", "Kristina", "Yasinta", "Marta",
           "Bernadeta", "Yuliana", "Anastasia", "Fransiska", "Skolastika"),
    families=("Bili", "Lende", "Ngongo", "Kaleka", "Malo", "Lede", "Bulu", "Tanggu", "Dairo",
              "Kaka", "Pati", "Kondi", "Wolla", "Horo", "Loghe", "Dapa", "Mete", "Bora"),
)
_ALOR = NamePool(
    men=("Yusak", "Obed", "Marthen", "Simon", "Yonas", "Ferdinand", "Abdul Rahman",
         "Muhammad Saleh", "Bahrun", "Ismail", "Yakob", "Nikodemus"),
    women=("Ester", "Naomi", "Sarlota", "Adriana", "Yuliana", "Siti Hawa", "Nurhayati",
           "Marlina", "Orpa", "Rut", "Hana", "Aisyah"),
    families=("Maro", "Laukon", "Malaikosa", "Padafani", "Djahamou", "Lapenangga", "Retebana",
              "Atamau", "Kolly", "Blegur", "Maufani", "Mokoni", "Mau", "Molina", "Lauata"),
)
_SERAM_TIMUR = NamePool(
    men=("Abdullah", "Hasan", "Ismail", "Rahman", "Yusuf", "Salim", "Ahmad", "Umar", "Ali",
         "Jafar", "Husein", "Samsudin"),
    women=("Fatimah", "Halimah", "Nurlaila", "Saadia", "Aisyah", "Hadijah", "Rosmina", "Sitti",
           "Nurjana", "Salma", "Hawa", "Zainab"),
    families=("Rumalutur", "Rumfot", "Kelian", "Rumakat", "Rumadan", "Rumain", "Keliobas",
              "Rumatiga", "Rumakey", "Kelilauw", "Wokanubun", "Rumonin", "Rumagesan",
              "Wailissa"),
)
_ARU = NamePool(
    men=("Yohanis", "Dominggus", "Petrus", "Obaja", "Yesaya", "Johan", "Simson", "Markus",
         "Nikolas", "Stevanus", "Hengky", "Agustinus"),
    women=("Yakomina", "Yohana", "Magdalena", "Marthina", "Salomina", "Agustina", "Paulina",
           "Maria", "Welhelmina", "Yosina", "Dina", "Ruth"),
    families=("Djabumir", "Gaelagoy", "Karelauw", "Siarukin", "Ubjaan", "Gainau", "Rahanra",
              "Labok", "Darakay", "Ngaitubun", "Djonler", "Kuahaty", "Lerebulan",
              "Kalorbobir"),
)


# --- cooperatives -----------------------------------------------------------------


@dataclass(frozen=True)
class CoopSpec:
    """One demo cooperative and the shape of its membership."""

    slug: str  # stable: part of every Idempotency-Key and of the coop_admin token subject
    name: str
    legal_registration_number: str
    coop_type: str
    regency: Regency
    registered_on: date
    joined_on: date
    loop: str
    names: NamePool
    occupations: tuple[str, ...]
    applicants: int
    women: int  # how many of the applicants are women
    rejected: int
    pending: int  # applications still waiting for a decision (the latest ones)
    suspended: int = 0
    exited: int = 0
    # The villages the members come from, as (kecamatan, desa) suffixes of the regency code.
    villages: tuple[tuple[int, int], ...] = ()

    def register_body(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "legal_registration_number": self.legal_registration_number,
            "coop_type": self.coop_type,
            "province_code": self.regency.province_code,
            "regency_code": self.regency.code,
            "time_zone": self.regency.time_zone,
            "fiscal_year_start_month": 1,
            "loop": self.loop,
            "registered_on": self.registered_on.isoformat(),
        }

    def join_body(self) -> dict[str, Any]:
        return {"effective_date": self.joined_on.isoformat()}


COOPERATIVES: tuple[CoopSpec, ...] = (
    CoopSpec(
        slug="tenun-lambanapu",
        name="Koperasi Pemasaran Tenun Ikat Lambanapu Lestari",
        legal_registration_number="AHU-0004127.AH.01.26.TAHUN 2016",
        coop_type="marketing",  # sells the members' hinggi and lau on consignment
        regency=REGENCIES["5311"],
        registered_on=date(2016, 3, 14),
        joined_on=date(2024, 2, 1),
        loop="closed",
        names=_SUMBA_TIMUR,
        occupations=("penenun", "penenun", "penenun", "pewarna alami", "petani"),
        applicants=16, women=14, rejected=1, pending=1,
        villages=((1, 2003), (1, 2007), (2, 2002)),
    ),
    CoopSpec(
        slug="kopi-wewewa",
        name="Koperasi Produsen Kopi Wewewa Mandiri",
        legal_registration_number="AHU-0011862.AH.01.26.TAHUN 2019",
        coop_type="producer",  # arabika and robusta from the Wewewa highlands
        regency=REGENCIES["5318"],
        registered_on=date(2019, 8, 5),
        joined_on=date(2024, 5, 15),
        loop="closed",
        names=_SUMBA_BARAT_DAYA,
        occupations=("petani kopi", "petani kopi", "pengolah kopi", "petani"),
        applicants=18, women=7, rejected=2, pending=1,
        villages=((3, 2001), (3, 2005), (4, 2002), (4, 2008)),
    ),
    CoopSpec(
        slug="ksp-nusa-kenari",
        name="Koperasi Simpan Pinjam Nusa Kenari Alor",
        legal_registration_number="AHU-0002291.AH.01.26.TAHUN 2012",
        coop_type="savings_and_loan",
        regency=REGENCIES["5305"],
        registered_on=date(2012, 11, 20),
        joined_on=date(2024, 1, 2),
        loop="closed",  # members only: open loop would put it under OJK (UU P2SK)
        names=_ALOR,
        occupations=("petani kenari", "pedagang", "guru", "nelayan", "ibu rumah tangga",
                     "tukang kayu", "peternak"),
        applicants=20, women=11, rejected=1, pending=2, suspended=1,
        villages=((1, 2001), (2, 2004), (2, 2006), (5, 2003)),
    ),
    CoopSpec(
        slug="kdkmp-kilwaru",
        name="Koperasi Desa Merah Putih Kilwaru",
        coop_type="multi_purpose",  # KDKMP: shop, savings-and-loan unit, cold storage
        legal_registration_number="AHU-0031457.AH.01.26.TAHUN 2025",
        regency=REGENCIES["8105"],
        registered_on=date(2025, 7, 21),  # KDKMP were founded from July 2025 (Inpres 9/2025)
        joined_on=date(2025, 8, 18),
        loop="open",  # the village shop also serves non-members
        names=_SERAM_TIMUR,
        occupations=("petani cengkeh", "petani pala", "nelayan", "pedagang kios",
                     "ibu rumah tangga", "perangkat desa"),
        applicants=12, women=5, rejected=1, pending=1,
        villages=((3, 2004),),  # a village cooperative: one desa
    ),
    CoopSpec(
        slug="nelayan-jargaria",
        name="Koperasi Produsen Perikanan Jargaria Aru",
        legal_registration_number="AHU-0017730.AH.01.26.TAHUN 2018",
        coop_type="producer",  # fish, sea cucumber (teripang) and seaweed
        regency=REGENCIES["8107"],
        registered_on=date(2018, 10, 9),
        joined_on=date(2024, 9, 2),
        loop="closed",
        names=_ARU,
        occupations=("nelayan", "nelayan", "pengolah ikan", "pembudidaya rumput laut",
                     "pedagang ikan"),
        applicants=14, women=4, rejected=1, pending=0, exited=1,
        villages=((1, 2002), (1, 2009), (4, 2005)),
    ),
)

REJECT_REASONS = (
    "dokumen tidak lengkap: fotokopi KTP dan KK belum dilampirkan",
    "simpanan pokok belum disetor",
    "belum mengikuti pendidikan dasar perkoperasian",
)
HOMEMAKER = "ibu rumah tangga"  # given to women only
SUSPEND_REASON = "simpanan wajib tidak dibayar selama 6 bulan"
EXIT_NOTE = "pindah ke Kota Ambon"


# --- applicants -------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    """One person's application and what became of it (dates up to the demo's horizon)."""

    coop: str  # the cooperative's slug
    seq: int  # 1.. in application order within the cooperative; part of the keys
    full_name: str
    gender: Gender
    birth_date: date
    nik: str
    nik_sequence: int  # the NIK's last four digits; unique within the cooperative
    village_code: str
    occupation: str
    applied_on: date
    outcome: Outcome
    admitted_on: date | None = None  # also set for the suspended and the exited
    rejected_on: date | None = None
    suspended_on: date | None = None
    exited_on: date | None = None
    reason: str | None = None  # rejection or suspension reason

    def apply_body(self) -> dict[str, Any]:
        return {
            "full_name": self.full_name,
            "nik": self.nik,
            "gender": self.gender,
            "birth_date": self.birth_date.isoformat(),
            "village_code": self.village_code,
            "occupation": self.occupation,
            "applied_on": self.applied_on.isoformat(),
        }


@dataclass(frozen=True)
class DemoCoop:
    spec: CoopSpec
    applicants: tuple[Applicant, ...]


def nik_for(regency: str, kecamatan: int, birth: date, gender: Gender, sequence: int) -> str:
    """A NIK consistent with the birth date and gender: women's day of birth plus 40."""
    if not 1 <= sequence <= 9999:
        raise ValueError("the NIK sequence is four digits, 0001..9999")
    day = birth.day + (40 if gender == "P" else 0)
    return f"{regency}{kecamatan:02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}{sequence:04d}"


def build_demo(today: date) -> tuple[DemoCoop, ...]:
    """The whole demo federation, seeded on `today` (see `business_today`). Pure: the same
    `today` always gives the same data; ValueError before `EARLIEST_TODAY`.

    The members' dates end on the calendar's `horizon`, a month into the three months of
    money and goods (`economy`): applications from 21 months before it, pending ones in
    its last three weeks.
    """
    dates = DemoDates.of(today)
    return tuple(DemoCoop(spec, _applicants(spec, dates)) for spec in COOPERATIVES)


def _applicants(spec: CoopSpec, dates: DemoDates) -> tuple[Applicant, ...]:
    # One generator per cooperative: adding applicants to one leaves the others unchanged.
    # Seeding with a str is deterministic across runs (it does not use hash()).
    rng = random.Random(f"{SEED}:{spec.slug}")  # noqa: S311 - demo data, not security
    n = spec.applicants
    special = spec.rejected + spec.pending + spec.suspended + spec.exited
    if not 0 <= spec.women <= n or special > n:
        raise ValueError(f"inconsistent counts for {spec.slug}")

    horizon = dates.horizon
    first = max(spec.joined_on + timedelta(days=7), dates.applications_from)
    decided_window = (horizon - timedelta(days=45) - first).days
    # Decided applications spread over the whole period; pending ones are recent.
    applied = sorted(
        [first + timedelta(days=rng.randrange(decided_window)) for _ in range(n - spec.pending)]
    ) + sorted(
        horizon - timedelta(days=rng.randrange(2, 21)) for _ in range(spec.pending)
    )
    woman: Gender = "P"
    man: Gender = "L"
    genders = [woman] * spec.women + [man] * (n - spec.women)
    rng.shuffle(genders)
    sequences = rng.sample(range(1, 300), n)

    # Outcomes by application order: the earliest admitted members are the ones suspended
    # or exited later (so those dates fit before the horizon), the latest are pending.
    outcomes: list[Outcome] = ["admitted"] * n
    for i in range(n - spec.pending, n):
        outcomes[i] = "applied"
    for i in range(spec.suspended):
        outcomes[1 + i] = "suspended"
    for i in range(spec.exited):
        outcomes[1 + spec.suspended + i] = "exited"
    open_slots = [i for i in range(n) if outcomes[i] == "admitted" and i > 2]
    for i in rng.sample(open_slots, spec.rejected):
        outcomes[i] = "rejected"

    used_names: set[str] = set()
    people: list[Applicant] = []
    for i in range(n):
        gender = genders[i]
        name = _unique_name(rng, spec.names, gender, used_names)
        birth = _birth_date(rng)
        kecamatan, desa = rng.choice(spec.villages)
        applied_on = applied[i]
        outcome = outcomes[i]
        admitted_on = rejected_on = suspended_on = exited_on = None
        reason = None
        if outcome in ("admitted", "suspended", "exited"):
            admitted_on = _later(rng, applied_on, 3, 40, horizon)
            if outcome == "suspended":
                suspended_on = _later(rng, admitted_on, 90, 180, horizon)
                reason = SUSPEND_REASON
            elif outcome == "exited":
                exited_on = _later(rng, admitted_on, 60, 200, horizon)
        elif outcome == "rejected":
            rejected_on = _later(rng, applied_on, 5, 30, horizon)
            reason = rng.choice(REJECT_REASONS)
        people.append(
            Applicant(
                coop=spec.slug,
                seq=i + 1,
                full_name=name,
                gender=gender,
                birth_date=birth,
                nik=nik_for(spec.regency.code, kecamatan, birth, gender, sequences[i]),
                nik_sequence=sequences[i],
                village_code=f"{spec.regency.code}{kecamatan:02d}{desa:04d}",
                occupation=_occupation(rng, spec.occupations, gender),
                applied_on=applied_on,
                outcome=outcome,
                admitted_on=admitted_on,
                rejected_on=rejected_on,
                suspended_on=suspended_on,
                exited_on=exited_on,
                reason=reason,
            )
        )
    return tuple(people)


def _later(rng: random.Random, day: date, low: int, high: int, horizon: date) -> date:
    """A day `low`..`high` days after `day`, but not after the horizon."""
    return min(day + timedelta(days=rng.randint(low, high)), horizon)


def _unique_name(rng: random.Random, pool: NamePool, gender: Gender, used: set[str]) -> str:
    given = pool.women if gender == "P" else pool.men
    title = pool.title_women if gender == "P" else pool.title_men
    for _ in range(200):
        parts = [rng.choice(given), rng.choice(pool.families)]
        if title is not None and not parts[0].startswith(title) and rng.random() < 0.2:
            parts.insert(0, title)
        name = " ".join(parts)
        if name not in used:
            used.add(name)
            return name
    raise ValueError("the name pool is too small for this many applicants")


def _occupation(rng: random.Random, choices: tuple[str, ...], gender: Gender) -> str:
    if gender == "L":
        choices = tuple(c for c in choices if c != HOMEMAKER) or choices
    return rng.choice(choices)


def _birth_date(rng: random.Random) -> date:
    year = rng.randint(1962, 2004)  # 20 to 63 years old when the applications start
    month = rng.randint(1, 12)
    return date(year, month, rng.randint(1, calendar.monthrange(year, month)[1]))


def status_counts(demo: Sequence[DemoCoop]) -> Counter[str]:
    """How many members end up in each status (what the reporting summary should show)."""
    return Counter(a.outcome for coop in demo for a in coop.applicants)


# --- commands ---------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One POST for one applicant; the path needs the member id the API assigned."""

    kind: StepKind
    seq: int
    on: date
    key: str
    body: Mapping[str, Any] = field(hash=False)


def _key(*parts: object) -> str:
    return "-".join(["demo", DEMO_VERSION, *(str(p) for p in parts)])


def coop_keys(spec: CoopSpec) -> tuple[str, str]:
    """The Idempotency-Keys of registering the cooperative and of it joining."""
    return _key("coop", spec.slug), _key("join", spec.slug)


def _step(kind: StepKind, slug: str, a: Applicant, on: date, body: dict[str, Any]) -> Step:
    return Step(kind, a.seq, on, _key(kind, slug, a.seq), body)


_PHASE: dict[StepKind, int] = {"apply": 0, "admit": 1, "reject": 1, "suspend": 2, "exit": 2}


def coop_steps(coop: DemoCoop) -> list[Step]:
    """The member commands of one cooperative, in date order.

    Sorting by date makes the member numbers (given at admission) follow admission dates;
    an application always precedes its decision, also on the same day.
    """
    slug = coop.spec.slug
    steps: list[Step] = []
    for a in coop.applicants:
        steps.append(_step("apply", slug, a, a.applied_on, a.apply_body()))
        if a.admitted_on is not None:
            steps.append(_step("admit", slug, a, a.admitted_on,
                               {"admitted_on": a.admitted_on.isoformat()}))
        if a.rejected_on is not None:
            steps.append(_step("reject", slug, a, a.rejected_on,
                               {"reason": a.reason, "rejected_on": a.rejected_on.isoformat()}))
        if a.suspended_on is not None:
            steps.append(_step("suspend", slug, a, a.suspended_on,
                               {"reason": a.reason, "suspended_on": a.suspended_on.isoformat()}))
        if a.exited_on is not None:
            steps.append(_step("exit", slug, a, a.exited_on,
                               {"reason": "moved_away", "note": EXIT_NOTE,
                                "exited_on": a.exited_on.isoformat()}))
    return sorted(steps, key=lambda s: (s.on, _PHASE[s.kind], s.seq))


# --- HTTP ---------------------------------------------------------------------------


class ApiError(Exception):
    """A request failed: an HTTP error status (with its problem+json body) or no answer."""

    def __init__(self, method: str, url: str, status: int | None, body: str) -> None:
        self.method = method
        self.url = url
        self.status = status
        self.body = body
        what = f"HTTP {status}" if status is not None else "no answer"
        super().__init__(f"{method} {url}: {what}")

    @property
    def problem(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.body)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def pretty_body(self) -> str:
        problem = self.problem
        return json.dumps(problem, indent=2, ensure_ascii=False) if problem else self.body


@dataclass(frozen=True)
class Reply:
    status: int
    replayed: bool  # the API answered from its idempotency store
    data: Any


def call(
    base_url: str,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: Mapping[str, Any] | None = None,
    key: str | None = None,
    timeout: float = 30.0,
    raw: tuple[bytes, str] | None = None,
) -> Reply:
    """One JSON request; ApiError for an error status, an unreadable answer or none at all.
    ``raw`` sends bytes of a media type instead of a JSON body (an image upload).

    A 429 (the per-principal rate limit) is waited out and tried again, as its
    Retry-After says (at most ``RATE_LIMITED_TRIES`` tries)."""
    url = base_url.rstrip("/") + path
    headers = {"Accept": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if key is not None:
        headers["Idempotency-Key"] = key
    data = None
    if body is not None:
        # The same bytes every run: the API hashes them together with the key.
        data = json.dumps(body, ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json"
    elif raw is not None:
        data, headers["Content-Type"] = raw
    # S310: the URL is built here from the http:// base URLs of the local services.
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    for _ in range(RATE_LIMITED_TRIES - 1):
        try:
            return _send(request, method, url, timeout)
        except _RateLimited as limited:
            # The APIs limit requests per principal (docs/operations.md): the seeding
            # goes faster than a person, so it waits as the answer asks and tries again.
            sleep(min(limited.retry_after, MAX_RATE_LIMIT_WAIT_S))
    try:
        return _send(request, method, url, timeout)
    except _RateLimited as limited:
        raise ApiError(method, url, 429, limited.body) from None


RATE_LIMITED_TRIES = 60
MAX_RATE_LIMIT_WAIT_S = 10.0
sleep: Callable[[float], None] = time.sleep  # replaced in tests


class _RateLimited(Exception):
    def __init__(self, retry_after: float, body: str) -> None:
        super().__init__(body)
        self.retry_after = retry_after
        self.body = body


def _send(request: urllib.request.Request, method: str, url: str, timeout: float) -> Reply:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            raw = response.read()
            replayed = response.headers.get("Idempotency-Replayed", "").lower() == "true"
            return Reply(response.status, replayed, json.loads(raw) if raw else None)
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", "replace")
        if exc.code == 429:
            raise _RateLimited(_seconds(exc.headers.get("Retry-After")), body) from None
        raise ApiError(method, url, exc.code, body) from None
    except urllib.error.URLError as exc:
        raise ApiError(method, url, None, str(exc.reason)) from None
    except (OSError, ValueError) as exc:  # timeouts, resets, a body that is not JSON
        raise ApiError(method, url, None, f"{type(exc).__name__}: {exc}") from None


def _seconds(retry_after: str | None) -> float:
    try:
        return max(1.0, float(retry_after or 1))
    except ValueError:
        return 1.0


# role, subject, cooperative id (None for a federation admin) -> a bearer token
Mint = Callable[[str, str, str | None], str]

ADMIN_SUBJECT = "demo-admin"


@dataclass
class ReplyCounts:
    """What the API did with the seeding's commands: recorded them now (``created``), or
    answered them from an earlier run under the same Idempotency-Key (``replayed``)."""

    created: int = 0
    replayed: int = 0

    def count(self, reply: Reply) -> Reply:
        if reply.replayed:
            self.replayed += 1
        else:
            self.created += 1
        return reply


@dataclass
class SeedResult(ReplyCounts):
    cooperative_ids: dict[str, str] = field(default_factory=dict)
    # slug -> applicant seq -> the member id the API assigned
    member_ids: dict[str, dict[int, str]] = field(default_factory=dict)


# Called with the cooperative and its id once it has joined, before its members apply.
AfterJoin = Callable[[CoopSpec, str], None]


def seed(demo: Sequence[DemoCoop], base_url: str, mint: Mint,
         after_join: AfterJoin | None = None) -> SeedResult:
    """Create the demo through the members API; safe to repeat (every POST is keyed).

    `after_join` runs between a cooperative joining and its first member applying (e.g.
    to set its savings policy before payments opens the members' accounts). The requests
    to the members API are the same with or without it.
    """
    result = SeedResult()
    admin = mint("federation_admin", ADMIN_SUBJECT, None)
    for coop in demo:
        spec = coop.spec
        register_key, join_key = coop_keys(spec)
        reply = result.count(call(base_url, "POST", "/cooperatives", token=admin,
                                  body=spec.register_body(), key=register_key))
        cooperative_id = _text(reply.data, "cooperative_id")
        result.cooperative_ids[spec.slug] = cooperative_id
        base = f"/cooperatives/{cooperative_id}"
        result.count(call(base_url, "POST", f"{base}/join-federation", token=admin,
                          body=spec.join_body(), key=join_key))
        if after_join is not None:
            after_join(spec, cooperative_id)

        token = mint("coop_admin", coop_admin_subject(spec.slug), cooperative_id)
        member_ids = result.member_ids.setdefault(spec.slug, {})
        for step in coop_steps(coop):
            if step.kind == "apply":
                path = f"{base}/members"
            else:
                path = f"{base}/members/{member_ids[step.seq]}/{step.kind}"
            reply = result.count(call(base_url, "POST", path, token=token, body=step.body,
                                      key=step.key))
            if step.kind == "apply":
                member_ids[step.seq] = _text(reply.data, "member_id")
    return result


def coop_admin_subject(slug: str) -> str:
    """The token subject of the cooperative's pengurus (Idempotency-Keys are per subject)."""
    return f"demo-{slug}"


def _text(data: Any, name: str) -> str:
    value = data.get(name) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value:
        raise ApiError("POST", "(members API)", None, f"the answer has no {name!r}: {data!r}")
    return value


# --- reporting ----------------------------------------------------------------------


def admitted_in_summary(data: Any) -> int | None:
    """The admitted-member total in a reporting federation summary, None if it has none.

    Lenient about the shape: `members.by_status.admitted` or `members.admitted`, either a
    number or an object with a `total` (or `count`).
    """
    members = data.get("members") if isinstance(data, dict) else None
    if not isinstance(members, dict):
        return None
    by_status = members.get("by_status")
    candidates = [by_status.get("admitted") if isinstance(by_status, dict) else None,
                  members.get("admitted")]
    for value in candidates:
        if isinstance(value, dict):
            value = value.get("total", value.get("count"))
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None

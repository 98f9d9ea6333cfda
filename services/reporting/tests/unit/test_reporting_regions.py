"""The committed Kemendagri table of regions, and the names the reports carry."""

from __future__ import annotations

import re

import pytest

from reporting.domain.regions import region_name, regions
from reporting.domain.reports.consolidate import COOP_ROW_COLUMNS, coop_row
from reporting.domain.reports.cooperatives import CoopInfo
from reporting.domain.reports.figures import AMOUNT_KEYS

pytestmark = pytest.mark.unit


def test_the_table_holds_every_province_and_every_regency_and_city() -> None:
    table = regions()
    provinces = {code for code in table if len(code) == 2}
    regencies = {code for code in table if len(code) == 4}
    assert (len(provinces), len(regencies)) == (38, 514)
    assert provinces | regencies == set(table)
    assert all(code[:2] in provinces for code in regencies)
    assert all(re.fullmatch(r"(Kabupaten|Kota) \S.*", table[code]) for code in regencies)
    assert all(name.strip() == name and name for name in table.values())


@pytest.mark.parametrize(("code", "name"), [
    ("53", "Nusa Tenggara Timur"), ("81", "Maluku"), ("96", "Papua Barat Daya"),
    ("5311", "Kabupaten Sumba Timur"), ("5318", "Kabupaten Sumba Barat Daya"),
    # Kemendagri, not BPS: BPS numbers Sumba Timur 5302 and Seram Bagian Timur 8107
    ("5302", "Kabupaten Timor Tengah Selatan"), ("8105", "Kabupaten Seram Bagian Timur"),
    ("8107", "Kabupaten Kepulauan Aru"), ("5371", "Kota Kupang"),
])
def test_codes_are_named_by_kemendagri(code: str, name: str) -> None:
    assert region_name(code) == name


def test_a_code_the_table_does_not_hold_stands_for_itself() -> None:
    assert region_name("5399") == "5399"
    assert region_name("00") == "00"
    assert region_name(None) is None


def test_a_cooperatives_row_and_scope_carry_the_names_beside_the_codes() -> None:
    known = CoopInfo("cooperative-a", "Koperasi A", "producer", "53", "5311", "WITA")
    unknown = CoopInfo("cooperative-b", "Koperasi B", "producer", "53", "5399", "WITA")
    zero = dict.fromkeys(AMOUNT_KEYS, 0)
    freshness = {"last_recorded_at": None, "stale": True}
    row = coop_row(known, zero, zero, freshness)
    assert (row["province_name"], row["regency_name"]) == ("Nusa Tenggara Timur",
                                                           "Kabupaten Sumba Timur")
    assert coop_row(unknown, zero, zero, freshness)["regency_name"] == "5399"
    assert set(COOP_ROW_COLUMNS) == set(row)  # the CSV's columns
    assert known.as_dict()["regency_name"] == "Kabupaten Sumba Timur"

"""The soak's arithmetic: the RSS slope, the latency windows, the verdict, the chart and
the metrics parsing. Pure: no stack, no clock."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gotong_soak.analysis import (
    LatencyWindow,
    drained,
    judge,
    latency_windows,
    percentile,
    slope_per_window,
    summarise_rss,
)
from gotong_soak.chart import Panel, nice_ceiling, render_svg, scale
from gotong_soak.load import MIX, _nik, choose
from gotong_soak.sampler import parse_metric, rss_mb

pytestmark = pytest.mark.unit

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
times = st.lists(st.floats(min_value=0, max_value=36_000, allow_nan=False), min_size=2,
                 max_size=60, unique=True)


@given(times=times, slope=st.floats(min_value=-100, max_value=100), intercept=finite)
def test_the_slope_of_a_straight_line_is_its_slope_per_ten_minutes(
        times: list[float], slope: float, intercept: float) -> None:
    # Spread out enough for the fit to be well conditioned.
    if max(times) - min(times) < 1.0:
        return
    points = [(t, intercept + slope * t / 600) for t in times]
    fitted = slope_per_window(points)
    assert fitted is not None
    assert math.isclose(fitted, slope, rel_tol=1e-6, abs_tol=1e-6)


@given(times=times, level=finite, shift=finite)
def test_a_flat_series_has_no_slope_and_shifting_it_changes_nothing(
        times: list[float], level: float, shift: float) -> None:
    if max(times) - min(times) < 1.0:
        return
    points = [(t, level) for t in times]
    assert slope_per_window(points) == pytest.approx(0.0, abs=1e-6)
    noisy = [(t, level + (1.0 if i % 2 else -1.0)) for i, t in enumerate(sorted(times))]
    moved = [(t, v + shift) for t, v in noisy]
    a, b = slope_per_window(noisy), slope_per_window(moved)
    assert a is not None
    assert b is not None
    assert a == pytest.approx(b, abs=1e-6)


def test_least_squares_is_not_fooled_by_one_high_end_sample() -> None:
    """A spike in the last sample (a collection, a burst) would double an end-minus-start
    estimate; the fitted line barely moves."""
    flat = [(10.0 * i, 100.0) for i in range(360)]
    spiked = [*flat[:-1], (flat[-1][0], 110.0)]
    slope = slope_per_window(spiked)
    assert slope is not None
    assert slope < 0.1
    assert (spiked[-1][1] - spiked[0][1]) / (spiked[-1][0] / 600) > 1.0


def test_no_slope_without_two_distinct_times() -> None:
    assert slope_per_window([]) is None
    assert slope_per_window([(5.0, 1.0)]) is None
    assert slope_per_window([(5.0, 1.0), (5.0, 3.0)]) is None


def test_the_warm_up_is_left_out_of_the_slope() -> None:
    # Growth during the first 10 minutes (pools, caches), flat after it.
    points = [(float(t), min(t, 600) / 20) for t in range(0, 3600, 10)]
    summary = summarise_rss("api", points, warmup_s=600)
    assert summary.slope_per_10_min == pytest.approx(0.0, abs=1e-9)
    assert summary.start == 0.0
    assert summary.end == summary.max == 30.0
    assert summarise_rss("api", points, warmup_s=0).slope_per_10_min > 1.0  # type: ignore[operator]


@given(st.lists(st.floats(min_value=0, max_value=1e5, allow_nan=False), min_size=1),
       st.floats(min_value=0, max_value=100))
def test_a_percentile_is_a_measured_value_and_orders_like_q(
        values: list[float], q: float) -> None:
    p = percentile(values, q)
    assert p in values
    assert min(values) <= p <= max(values)
    assert percentile(values, 100) == max(values)
    assert percentile(values, q) <= percentile(values, min(100.0, q + 10))


def test_percentile_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 99) == 99.0
    assert percentile(values, 50) == 50.0
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


@given(st.lists(st.tuples(st.floats(min_value=-10, max_value=4000, allow_nan=False),
                          st.floats(min_value=0, max_value=1e5, allow_nan=False)),
                max_size=200),
       st.floats(min_value=1, max_value=3600))
def test_every_latency_inside_the_run_lands_in_exactly_one_window(
        latencies: list[tuple[float, float]], duration: float) -> None:
    windows = latency_windows(latencies, duration)
    assert len(windows) == math.ceil(duration / 600)
    assert windows[0].start_s == 0
    assert windows[-1].end_s == duration
    assert all(a.end_s == b.start_s for a, b in itertools.pairwise(windows))
    inside = [ms for t, ms in latencies if 0 <= t < duration]
    assert sum(w.count for w in windows) == len(inside)
    for w in windows:
        if w.count:
            assert w.p50_ms is not None
            assert w.p99_ms is not None
            assert w.max_ms is not None
            assert w.p50_ms <= w.p99_ms <= w.max_ms
        else:
            assert w.p99_ms is None


def test_latency_windows_of_an_hour() -> None:
    # 10 ms in the first window, 20 ms in the last one: the p99 per window tells them apart.
    latencies = [(float(t), 10.0 if t < 600 else 20.0) for t in range(3600)]
    windows = latency_windows(latencies, 3600)
    assert [w.count for w in windows] == [600] * 6
    assert [w.p99_ms for w in windows] == [10.0, 20.0, 20.0, 20.0, 20.0, 20.0]
    assert windows[0] == LatencyWindow(0, 600, 600, 10.0, 10.0, 10.0)


def test_the_verdict() -> None:
    flat = [(float(t), 100.0) for t in range(0, 3600, 10)]
    growing = [(float(t), 100.0 + t / 600 * 1.5) for t in range(0, 3600, 10)]
    rss = [summarise_rss("flat", flat, 600), summarise_rss("leaky", growing, 600)]
    assert judge(rss[:1], {"r": [(0, 5), (10, 0)]}, {"c": [(0, 3), (10, 0)]},
                 {"201": 10, "409": 2}) == []
    failures = judge(rss, {"r": [(0, 5), (10, 4)]}, {"c": [(0, 0)]},
                     {"201": 10, "503": 1, "500": 1, "ConnectError": 3})
    assert failures == [
        "leaky: RSS grows 1.50 MB per 10 minutes (limit 1)",
        "2 answers were 5xx",
        "3 requests got no answer (connection errors, timeouts)",
        "outbox backlog of r did not drain: 4 at the end",
    ]
    exactly = [(float(t), t / 600) for t in range(0, 3600, 10)]
    assert judge([summarise_rss("edge", exactly, 0)], {}, {}, {}) != []  # >= 1 fails
    assert judge([summarise_rss("short", flat[:1], 0)], {}, {}, {}) != []  # no slope


def test_drained() -> None:
    assert drained([])
    assert drained([(0, 7), (10, 0)])
    assert not drained([(0, 0), (10, 1)])


@given(st.floats(min_value=1e-6, max_value=1e12, allow_nan=False))
def test_an_axis_top_is_1_2_or_5_times_a_power_of_ten_at_or_above_the_value(
        value: float) -> None:
    top = nice_ceiling(value)
    assert top >= value * (1 - 1e-9)
    mantissa = top / 10 ** math.floor(math.log10(top) + 1e-12)
    assert any(math.isclose(mantissa, m, rel_tol=1e-9) for m in (1, 2, 5, 10))
    assert top < value * 10 + 1e-12


def test_scale() -> None:
    assert scale(5, 0, 10, 100, 200) == 150
    assert scale(0, 0, 10, 300, 100) == 300  # y grows downwards in SVG
    assert scale(3, 3, 3, 0, 10) == 5  # an empty range is drawn in the middle


@given(st.dictionaries(st.text(min_size=1, max_size=20),
                       st.lists(st.tuples(st.floats(min_value=0, max_value=7200,
                                                    allow_nan=False),
                                          st.floats(min_value=-500, max_value=5000,
                                                    allow_nan=False)), max_size=30),
                       max_size=16))
def test_the_chart_is_well_formed_and_every_point_is_inside_its_panel(
        series: dict[str, list[tuple[float, float]]]) -> None:
    svg = render_svg([Panel("RSS <growth> & more", "MB", series), Panel("lag", "events", {})])
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    ns = "{http://www.w3.org/2000/svg}"
    lines = root.findall(f"{ns}polyline")
    assert len(lines) == sum(1 for pts in series.values() if pts)
    for line in lines:
        for pair in line.attrib["points"].split():
            x, y = (float(c) for c in pair.split(","))
            assert 60 - 1e-6 <= x <= 900 - 190 + 1e-6
            assert 28 - 1e-6 <= y <= 220 - 30 + 1e-6  # the first panel's plot area


def test_prometheus_text_is_summed_per_label() -> None:
    text = """# HELP gotong_consumer_lag_events High watermark minus the consumer's position
# TYPE gotong_consumer_lag_events gauge
gotong_consumer_lag_events{consumer="readmodel",partition="0",topic="gotong.members.events"} 3.0
gotong_consumer_lag_events{consumer="readmodel",partition="1",topic="gotong.members.events"} 4.0
gotong_consumer_lag_events{consumer="reactions",partition="0",topic="t"} 0.0
gotong_consumer_lag_events_total 99
gotong_outbox_backlog_events{service="payments"} 12.0
"""
    assert parse_metric(text, "gotong_consumer_lag_events", "consumer") == {
        "readmodel": 7.0, "reactions": 0.0}
    assert parse_metric(text, "gotong_outbox_backlog_events", "service") == {"payments": 12.0}
    assert parse_metric(text, "gotong_relay_leader", "service") == {}


def test_rss_is_read_from_proc_status(tmp_path: object) -> None:
    from pathlib import Path

    proc = Path(str(tmp_path))
    (proc / "42").mkdir()
    (proc / "42" / "status").write_text("Name:\tpython\nVmRSS:\t  102400 kB\n", "ascii")
    assert rss_mb(42, proc) == pytest.approx(104.8576)
    assert rss_mb(43, proc) is None


def test_applicants_nik_encode_their_gender_and_birth_date_and_never_repeat() -> None:
    seen = set()
    for n in range(0, 300_000, 7):
        nik, gender, birth = _nik(n, "5312")
        assert len(nik) == 16
        assert nik.isdigit()
        born = date.fromisoformat(birth)
        day = int(nik[6:8]) - (40 if gender == "P" else 0)
        assert (day, int(nik[8:10]), int(nik[10:12])) == (born.day, born.month,
                                                          born.year % 100)
        assert nik[12:16] != "0000"
        seen.add(nik)
    assert len(seen) == len(range(0, 300_000, 7))


def test_the_mix_draws_every_kind() -> None:
    import random

    rng = random.Random(1)
    drawn = {choose(rng) for _ in range(2000)}
    assert drawn == set(MIX)

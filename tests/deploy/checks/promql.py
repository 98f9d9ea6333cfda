"""The metric names a PromQL expression reads, and the names Gotong's processes export.

Not a PromQL parser (``promtool`` parses, in test_monitoring.py): enough to find the series
an expression selects, so that a renamed or misspelt metric in an alert or a dashboard panel
fails a test instead of matching nothing, which PromQL accepts without a word.
"""

from __future__ import annotations

import re
from functools import cache

from gotong_platform.telemetry import PlatformMetrics

# Series Prometheus makes itself (the scrape's health), not Gotong's.
PROMETHEUS_SERIES = frozenset({"up"})

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_MATCHERS = re.compile(r"\{[^{}]*\}")
_RANGE = re.compile(r"\[[^\[\]]*\]")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")
_IDENTIFIER = re.compile(r"(?<![\w.:])([A-Za-z_:][\w:]*)(\s*\()?")
_KEYWORDS = frozenset({"and", "or", "unless", "bool", "offset", "inf", "nan"})


def metric_names(expr: str) -> set[str]:
    """The metric names ``expr`` selects (functions, keywords and label names left out)."""
    text = _STRING.sub('""', expr)
    text = _MATCHERS.sub("", text)
    text = _RANGE.sub("", text)
    text = _GROUPING.sub("", text)
    return {name for name, call in _IDENTIFIER.findall(text)
            if not call and name.lower() not in _KEYWORDS}


@cache
def exported_names() -> frozenset[str]:
    """Every series name the platform's metrics expose, as Prometheus stores them: a counter
    with ``_total``, a histogram's ``_bucket``/``_sum``/``_count``."""
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"),
                "gauge": ("",)}
    return frozenset(family.name + suffix
                     for family in PlatformMetrics().registry.collect()
                     for suffix in suffixes[family.type])

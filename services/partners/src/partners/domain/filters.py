"""The CloudEvents Subscriptions API's filter dialects, parsed and evaluated.

A filter is one JSON object with one key, its dialect (Subscriptions API 0.1, 3.2.4):
``exact``, ``prefix`` and ``suffix`` map attribute names to strings, and every named
attribute must equal, start with or end with its string (case sensitive); ``all`` and
``any`` hold a non-empty list of filters; ``not`` holds one. A subscription's list of
filters is an implicit ``all``, and an empty list selects everything. The optional
``sql`` dialect (CloudEvents SQL) is refused, as the spec requires for a dialect a
subscription manager does not support.

Filters are evaluated against the CloudEvent the partner receives (the pull feed's and
the webhook's JSON: ``partners.adapters.queries.cloud_event``), each attribute read as a
string (``position`` as its decimal digits). An attribute the event lacks matches
nothing. Attributes the gateway never sends are refused when the filter is parsed: such
a filter could never match, which is a partner's mistake worth saying at once.

Sizes are bounded (depth, nodes, keys, lengths) so that a stored subscription costs the
dispatcher a bounded evaluation per event.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from partners.domain.errors import InvalidFilter, UnsupportedFilterDialect

__all__ = [
    "ATTRIBUTES",
    "MAX_DEPTH",
    "MAX_FILTERS",
    "MAX_NODES",
    "AllOf",
    "AnyOf",
    "Filter",
    "Match",
    "Not",
    "Selector",
    "evaluate",
    "filter_json",
    "parse_filters",
    "selects",
]

# The context attributes of the CloudEvents the gateway sends (``cloud_event``).
ATTRIBUTES = frozenset({
    "specversion", "id", "source", "type", "time", "dataschema", "datacontenttype",
    "subject", "cooperativeid", "businessdate", "position"})
MATCH_DIALECTS = ("exact", "prefix", "suffix")
MAX_FILTERS = 20  # in a subscription's list
MAX_NODES = 64  # dialect objects in all of a subscription's filters together
MAX_DEPTH = 8  # nesting of all / any / not
MAX_KEYS = 10  # attributes in one exact / prefix / suffix
VALUE_MAX = 500


@dataclasses.dataclass(frozen=True, slots=True)
class Match:
    """``exact``, ``prefix`` or ``suffix``: every attribute named matches its string."""

    dialect: str
    attributes: tuple[tuple[str, str], ...]


@dataclasses.dataclass(frozen=True, slots=True)
class AllOf:
    filters: tuple[Filter, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class AnyOf:
    filters: tuple[Filter, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Not:
    filter: Filter


Filter = Match | AllOf | AnyOf | Not


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Selector:
    """What a subscription selects among the partner's feed."""

    source: str | None = None
    types: tuple[str, ...] = ()
    filters: tuple[Filter, ...] = ()


def selects(selector: Selector, event: Mapping[str, Any]) -> bool:
    """Whether the CloudEvent ``event`` is one ``selector`` wants: its source (when one is
    named), one of its types (any when none is named), and every filter."""
    if selector.source is not None and event.get("source") != selector.source:
        return False
    if selector.types and event.get("type") not in selector.types:
        return False
    return all(evaluate(f, event) for f in selector.filters)


def evaluate(f: Filter, event: Mapping[str, Any]) -> bool:
    """Whether the CloudEvent ``event`` (its JSON object) passes ``f``."""
    match f:
        case Match():
            return all(_matches(f.dialect, _text(event, k), v) for k, v in f.attributes)
        case AllOf():
            return all(evaluate(g, event) for g in f.filters)
        case AnyOf():
            return any(evaluate(g, event) for g in f.filters)
        case Not():
            return not evaluate(f.filter, event)


def _matches(dialect: str, actual: str | None, wanted: str) -> bool:
    if actual is None:  # an attribute the event lacks matches nothing
        return False
    if dialect == "exact":
        return actual == wanted
    if dialect == "prefix":
        return actual.startswith(wanted)
    return actual.endswith(wanted)


def _text(event: Mapping[str, Any], attribute: str) -> str | None:
    value = event.get(attribute)
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):  # a CloudEvents Boolean is "true" / "false"
        return "true" if value else "false"
    return str(value)


def filter_json(f: Filter) -> dict[str, Any]:
    """``f`` as the Subscriptions API writes it: ``{dialect: ...}``."""
    match f:
        case Match():
            return {f.dialect: dict(f.attributes)}
        case AllOf():
            return {"all": [filter_json(g) for g in f.filters]}
        case AnyOf():
            return {"any": [filter_json(g) for g in f.filters]}
        case Not():
            return {"not": filter_json(f.filter)}


def parse_filters(raw: Sequence[Any]) -> tuple[Filter, ...]:
    """A subscription's ``filters`` as sent; ``InvalidFilter`` or
    ``UnsupportedFilterDialect`` (naming where) when any cannot be used."""
    if len(raw) > MAX_FILTERS:
        raise InvalidFilter(f"A subscription may have at most {MAX_FILTERS} filters; "
                            f"{len(raw)} were given.")
    budget = [MAX_NODES]
    return tuple(_parse(item, f"filters[{n}]", 1, budget) for n, item in enumerate(raw))


def _parse(raw: Any, where: str, depth: int, budget: list[int]) -> Filter:
    if depth > MAX_DEPTH:
        raise InvalidFilter(f"{where}: filters nest at most {MAX_DEPTH} deep.")
    budget[0] -= 1
    if budget[0] < 0:
        raise InvalidFilter(f"A subscription's filters may hold at most {MAX_NODES} "
                            "expressions in all.")
    if not isinstance(raw, dict) or len(raw) != 1:
        raise InvalidFilter(f"{where}: a filter is an object with exactly one key, its "
                            "dialect (exact, prefix, suffix, all, any, not).")
    ((dialect, body),) = raw.items()
    if dialect in MATCH_DIALECTS:
        return Match(dialect, _attributes(body, f"{where}.{dialect}"))
    if dialect in ("all", "any"):
        if not isinstance(body, list) or not body:
            raise InvalidFilter(f"{where}.{dialect}: a non-empty list of filters is needed.")
        nested = tuple(_parse(item, f"{where}.{dialect}[{n}]", depth + 1, budget)
                       for n, item in enumerate(body))
        return AllOf(nested) if dialect == "all" else AnyOf(nested)
    if dialect == "not":
        return Not(_parse(body, f"{where}.not", depth + 1, budget))
    if dialect == "sql":
        raise UnsupportedFilterDialect(
            f"{where}: the 'sql' dialect (CloudEvents SQL) is not supported by this gateway; "
            "use exact, prefix, suffix, all, any or not.")
    raise UnsupportedFilterDialect(
        f"{where}: unknown filter dialect {str(dialect)[:40]!r}; the gateway supports exact, "
        "prefix, suffix, all, any and not.")


def _attributes(body: Any, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(body, dict) or not body:
        raise InvalidFilter(f"{where}: an object of attribute names and strings is needed.")
    if len(body) > MAX_KEYS:
        raise InvalidFilter(f"{where}: at most {MAX_KEYS} attributes.")
    pairs: list[tuple[str, str]] = []
    for name, value in body.items():
        if name not in ATTRIBUTES:
            raise InvalidFilter(
                f"{where}: the gateway's events have no attribute {str(name)[:40]!r}; they "
                f"have {', '.join(sorted(ATTRIBUTES))}.")
        if not isinstance(value, str) or not value:
            raise InvalidFilter(f"{where}.{name}: a non-empty string is needed.")
        if len(value) > VALUE_MAX:
            raise InvalidFilter(f"{where}.{name}: at most {VALUE_MAX} characters.")
        pairs.append((name, value))
    return tuple(sorted(pairs))

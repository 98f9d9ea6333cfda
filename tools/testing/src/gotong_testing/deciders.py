"""Asserting a refusal of a pure decider, as every service's domain tests do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from gotong_platform.domain import DomainError

__all__ = ["refused"]

_E = TypeVar("_E", bound=DomainError)


def refused(error: type[_E], decide: Callable[..., Any], *args: Any, **kwargs: Any) -> _E:
    """Run a decider that must refuse with ``error``; check it produced no events.

    The error must be exactly ``error`` (the specific rule, not a sibling or a base) and
    its detail a sentence for the clerk. Returns it, for a test that reads the detail.
    """
    events: Any = []
    with pytest.raises(error) as caught:
        events = decide(*args, **kwargs)
    assert events == []
    assert type(caught.value) is error  # the specific rule, not a sibling or a base
    assert caught.value.detail.endswith(".")  # a sentence for the clerk
    return caught.value

"""Refusals the application layer decides (facts outside one aggregate)."""

from gotong_platform.domain import NotFound

__all__ = ["CooperativeUnknown"]


class CooperativeUnknown(NotFound):
    """The read model does not know the cooperative (yet)."""

    code = "cooperative-not-found"

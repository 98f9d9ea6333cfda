"""Consumer runner: manual offsets, exactly-once effects, dead-letter topic."""

from gotong_platform.consumer.claims import apply_new, first_deliveries
from gotong_platform.consumer.events import ConsumedEvent
from gotong_platform.consumer.handlers import (
    BatchHandler,
    Handler,
    PerEvent,
    SelfClaimingHandler,
    as_batch_handler,
)
from gotong_platform.consumer.runner import ConsumerRunner, RunnerConfig

__all__ = [
    "BatchHandler",
    "ConsumedEvent",
    "ConsumerRunner",
    "Handler",
    "PerEvent",
    "RunnerConfig",
    "SelfClaimingHandler",
    "apply_new",
    "as_batch_handler",
    "first_deliveries",
]

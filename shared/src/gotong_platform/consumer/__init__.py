"""Consumer runner: manual offsets, exactly-once effects, dead-letter topic."""

from gotong_platform.consumer.runner import (
    BatchHandler,
    ConsumedEvent,
    ConsumerRunner,
    Handler,
    PerEvent,
    RunnerConfig,
    SelfClaimingHandler,
    apply_new,
    as_batch_handler,
    first_deliveries,
)

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

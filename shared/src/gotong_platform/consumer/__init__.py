"""Consumer runner: manual offsets, exactly-once effects, dead-letter topic."""

from gotong_platform.consumer.runner import (
    BatchHandler,
    ConsumedEvent,
    ConsumerRunner,
    Handler,
    PerEvent,
    RunnerConfig,
    apply_new,
    as_batch_handler,
)

__all__ = [
    "BatchHandler",
    "ConsumedEvent",
    "ConsumerRunner",
    "Handler",
    "PerEvent",
    "RunnerConfig",
    "apply_new",
    "as_batch_handler",
]

"""Consumer runner: manual offsets, exactly-once effects, dead-letter topic."""

from gotong_platform.consumer.runner import ConsumedEvent, ConsumerRunner, Handler, RunnerConfig

__all__ = ["ConsumedEvent", "ConsumerRunner", "Handler", "RunnerConfig"]

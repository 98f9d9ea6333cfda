"""Transactional outbox relay."""

from gotong_platform.outbox.relay import OutboxRelay, RelayConfig, measure_backlog, outbox_backlog

__all__ = ["OutboxRelay", "RelayConfig", "measure_backlog", "outbox_backlog"]

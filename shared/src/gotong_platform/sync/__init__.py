"""Offline batch sync: the mechanism behind every service's ``POST /cooperatives/{id}/sync``.

A service installs ``DEVICE_SYNC_DDL`` in its database, writes one ``ItemHandler``
per fact type it accepts (a ``BatchItemHandler`` to decide a run of facts of its type
set-wise, recorded in one transaction), and calls ``process_batch`` from its route::

    @router.post("/cooperatives/{cooperative_id}/sync")
    async def sync(cooperative_id: str, batch: SyncBatch, ...) -> SyncBatchResult:
        return await process_batch(pool, cooperative_id=cooperative_id, batch=batch,
                                   handlers={"sale": record_sale}, actor=principal.subject,
                                   correlation=request.headers.get("X-Correlation-Id"))
"""

from gotong_platform.sync.models import (
    MAX_BATCH_ITEMS,
    SyncBatch,
    SyncBatchResult,
    SyncItem,
    SyncItemResult,
    SyncItemStatus,
)
from gotong_platform.sync.processor import (
    CLIENT_ID_REUSED,
    DEVICE_SEQ_CONFLICT,
    FLAG_CLOCK_SKEW,
    FLAG_LATE_UPLOAD,
    UNKNOWN_FACT_TYPE,
    BatchDecision,
    BatchItemHandler,
    HandlerOutcome,
    ItemHandler,
    SyncContext,
    process_batch,
    process_batch_json,
)
from gotong_platform.sync.store import DEVICE_SYNC_DDL, missing_ranges

__all__ = [
    "CLIENT_ID_REUSED",
    "DEVICE_SEQ_CONFLICT",
    "DEVICE_SYNC_DDL",
    "FLAG_CLOCK_SKEW",
    "FLAG_LATE_UPLOAD",
    "MAX_BATCH_ITEMS",
    "UNKNOWN_FACT_TYPE",
    "BatchDecision",
    "BatchItemHandler",
    "HandlerOutcome",
    "ItemHandler",
    "SyncBatch",
    "SyncBatchResult",
    "SyncContext",
    "SyncItem",
    "SyncItemResult",
    "SyncItemStatus",
    "missing_ranges",
    "process_batch",
    "process_batch_json",
]

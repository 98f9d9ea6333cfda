"""The offline batch-sync API: what a field device uploads and what it gets back.

A device (a collector's phone, a gerai laptop) records facts while offline, numbers
them with its own monotonic ``device_seq`` and a client-generated ``client_id``
(UUIDv7/ULID), and uploads them later in batches (domain handbook §6 rules 1-4).
The answer has one result per item (accepted / duplicate / rejected) and the
ranges of ``device_seq`` numbers the server has never received, so the device
can resend them.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "MAX_BATCH_ITEMS",
    "SyncBatch",
    "SyncBatchResult",
    "SyncItem",
    "SyncItemResult",
    "SyncItemStatus",
]

MAX_BATCH_ITEMS = 500
_MAX_DEVICE_SEQ = 2**63 - 1  # the column is a bigint

# Visible ASCII, no spaces: UUIDs, ULIDs and device names all fit.
_ID_PATTERN = r"^[!-~]+$"

SyncItemStatus = Literal["accepted", "duplicate", "rejected"]

_SALE_EXAMPLE: dict[str, Any] = {
    "client_id": "01JD3Q8Z6X4T9KQ2M7V5R1B8NC",
    "device_seq": 41,
    "type": "sale",
    "occurred_at": "2026-11-28T09:15:00+08:00",
    "business_date": "2026-11-28",
    "payload": {"member_id": "M-0042", "item_id": "beras-5kg", "quantity": 2,
                "amount_idr": 150000},
}
_DEPOSIT_EXAMPLE: dict[str, Any] = {
    "client_id": "0193a6c2-7b1e-7c3a-9f2d-5e8b1a4c6d20",
    "device_seq": 42,
    "type": "savings_deposit",
    "occurred_at": "2026-11-28T09:40:00+08:00",
    "business_date": "2026-11-28",
    "payload": {"member_id": "M-0042", "kind": "wajib", "amount_idr": 50000},
}


class _Api(BaseModel):
    # Unknown fields are refused (a typo must not silently drop data).
    model_config = ConfigDict(extra="forbid")


class SyncItem(_Api):
    """One fact recorded on the device: it already happened, the server records it."""

    model_config = ConfigDict(json_schema_extra={"examples": [_SALE_EXAMPLE]})

    client_id: str = Field(
        min_length=1, max_length=100, pattern=_ID_PATTERN,
        description="generated on the device (UUIDv7 or ULID); the same on every resend",
        examples=["01JD3Q8Z6X4T9KQ2M7V5R1B8NC"],
    )
    device_seq: int = Field(
        ge=1, le=_MAX_DEVICE_SEQ, strict=True,
        description="the device's own counter: 1, 2, 3, ... without holes",
        examples=[41],
    )
    type: str = Field(
        min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$",
        description="the kind of fact; the service decides which kinds it accepts",
        examples=["sale", "savings_deposit", "loan_repayment", "produce_receipt"],
    )
    occurred_at: AwareDatetime = Field(
        description="when it happened, by the device's clock (with an offset)",
        examples=["2026-11-28T09:15:00+08:00"],
    )
    business_date: date = Field(
        description="the accounting date in the cooperative's own time zone",
        examples=["2026-11-28"],
    )
    payload: dict[str, Any] = Field(
        description="the fact itself; its shape depends on ``type``",
        examples=[_SALE_EXAMPLE["payload"]],
    )


class SyncBatch(_Api):
    """Facts of one device in ``device_seq`` order (an upload may skip numbers)."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"device_id": "kop-tani-makmur-gerai-1-hp-03", "items": [_SALE_EXAMPLE, _DEPOSIT_EXAMPLE]},
    ]})

    device_id: str = Field(
        min_length=1, max_length=100, pattern=_ID_PATTERN,
        description="the device's registered id", examples=["kop-tani-makmur-gerai-1-hp-03"],
    )
    items: list[SyncItem] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)

    @model_validator(mode="after")
    def _ordered_and_unique(self) -> SyncBatch:
        previous = 0
        for item in self.items:
            if item.device_seq <= previous:
                raise ValueError(
                    f"device_seq must be strictly increasing within a batch: {item.device_seq} "
                    f"follows {previous}"
                )
            previous = item.device_seq
        seen: set[str] = set()
        for item in self.items:
            if item.client_id in seen:
                raise ValueError(f"client_id {item.client_id!r} appears more than once")
            seen.add(item.client_id)
        return self


class SyncItemResult(_Api):
    """What became of one item.

    - ``accepted``: recorded now; ``result`` is what the service made of it.
    - ``duplicate``: received before; nothing changed. ``result`` holds the first
      answer: ``{"status": "accepted"|"rejected", "code": ..., "result": ...}``;
      ``code``, ``detail`` and ``flags`` repeat the first answer's.
    - ``rejected``: refused; ``code`` says why (a stable slug), ``detail`` explains.
      A rejected fact stays rejected: resending it answers ``duplicate``.
    """

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"client_id": "01JD3Q8Z6X4T9KQ2M7V5R1B8NC", "device_seq": 41, "status": "accepted",
         "code": None, "detail": None, "result": {"receipt_no": "KTM-G1-HP03-41"},
         "flags": ["went_negative"]},
        {"client_id": "0193a6c2-7b1e-7c3a-9f2d-5e8b1a4c6d20", "device_seq": 42,
         "status": "rejected", "code": "unknown-fact-type",
         "detail": "this service does not accept facts of type 'savings_deposit'",
         "result": None, "flags": []},
    ]})

    client_id: str
    device_seq: int
    status: SyncItemStatus
    code: str | None = None
    detail: str | None = None
    result: dict[str, Any] | None = None
    flags: list[str] = Field(
        default_factory=list,
        description="for staff review, e.g. went_negative, overpayment, late_upload, clock_skew",
    )


class SyncBatchResult(_Api):
    """One result per item (in ``device_seq`` order) and what the server still lacks."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"device_id": "kop-tani-makmur-gerai-1-hp-03",
         "results": [{"client_id": "01JD3Q8Z6X4T9KQ2M7V5R1B8NC", "device_seq": 41,
                      "status": "accepted", "code": None, "detail": None,
                      "result": {"receipt_no": "KTM-G1-HP03-41"}, "flags": []}],
         "gaps": [[3, 4]], "highest_seq": 41},
    ]})

    device_id: str
    results: list[SyncItemResult]
    gaps: list[tuple[int, int]] = Field(
        description="inclusive ranges of device_seq never received, between 1 and highest_seq; "
        "the device should resend them",
        examples=[[[3, 4], [17, 17]]],
    )
    highest_seq: int = Field(
        description="the highest device_seq ever received from this device (0: none)",
        examples=[41],
    )

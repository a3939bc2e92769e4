"""API schemas of orders of state bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class OrderRead(BaseModel):
    number: str = Field(description="Senim's number of the order, e.g. O-7K4M-Q2XZ.")
    reference: str = Field(description="The body's own number.")
    issuing_body: str
    kind: str
    status: str = Field(description="received, accepted, rejected or executed")
    basis_type: str
    basis_number: str
    basis_date: str | None
    basis_article: str
    category: str | None
    measures: list[str]
    requested_fields: list[str]
    targets: list[dict[str, str]]
    channel: str
    received_at: datetime
    due_at: datetime = Field(description="The statutory deadline (24 h, 2 h, or at once).")
    rejection_reason: str
    executed_at: datetime | None
    outcome: list[dict[str, Any]] = Field(description="What was done, per target and measure.")
    period_start: str | None = Field(description="A request for the number of users: its first day.")
    period_end: str | None = Field(description="A request for the number of users: its last day.")


class OrderList(BaseModel):
    items: list[OrderRead]


class MeasuresReportRead(BaseModel):
    id: uuid.UUID
    period_start: str
    period_end: str
    created_at: datetime
    data: dict[str, Any] = Field(description="Decisions by category and action, orders with their times.")


class MeasuresReportList(BaseModel):
    items: list[MeasuresReportRead]


class DisclosureRead(BaseModel):
    """A disclosure package as the body sees it: never its contents, which are in the encrypted archive."""

    id: uuid.UUID
    status: str = Field(description="awaiting_approval, returned, approved, delivered or acknowledged")
    fields: list[str] = Field(
        description="The fields disclosed (those the request named, less any withheld)."
    )
    archive: str | None = Field(description="Where to download the encrypted archive (AES-256 ZIP).")
    archive_sha256: str | None
    manifest: dict[str, str] | None = Field(description="SHA-256 of each file inside the archive.")
    approved_at: str | None
    delivered_at: str | None
    acknowledged_at: str | None


class CompletionReport(BaseModel):
    """What the platform did on an order: times against the deadline, each measure's result, the numbers
    or information asked for, the disclosure package's hashes."""

    number: str
    reference: str
    kind: str
    law: str
    status: str
    received_at: str
    due_at: str
    executed_at: str | None
    within_deadline: bool | None
    rejection_reason: str | None
    outcome: list[dict[str, Any]]
    answer: str | None
    affected_told: bool
    disclosure: DisclosureRead | None

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
    outcome: list[dict[str, str]] = Field(description="What was done, per target and measure.")


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

"""Evidence files attached to complaints: images (decoded and re-encoded without metadata, like post
images) and PDF documents (checked by signature and size). Prepared before the request's first
database statement, like post images (``content.media.PreparedUploads``)."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData, UploadFile

from senim.config import Settings
from senim.content import media
from senim.content.errors import ContentInvalid
from senim.errors import AppError
from senim.web.forms import files
from senim.web.i18n import N_

MAX_FILES = 5
FIELD = "evidence"
PDF = "application/pdf"
NOT_EVIDENCE = N_("Evidence can be an image (JPEG, PNG, WebP or GIF) or a PDF document.")


@dataclass(frozen=True)
class PreparedEvidence:
    filename: str
    content_type: str
    data: bytes
    sha256: str
    ext: str


@dataclass(frozen=True)
class EvidenceUploads:
    files: tuple[PreparedEvidence, ...] = ()
    error: AppError | None = None

    def get(self) -> list[PreparedEvidence]:
        if self.error is not None:
            raise self.error
        return list(self.files)


def _safe_name(name: str) -> str:
    base = re.sub(r"[^\w.\- ]", "_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip() or "evidence"
    return base[:200]


def prepare_one(filename: str, data: bytes, settings: Settings) -> PreparedEvidence:
    if len(data) > settings.max_upload_bytes:
        raise media.too_large(settings.max_upload_bytes)
    if data.startswith(b"%PDF-"):
        return PreparedEvidence(_safe_name(filename), PDF, data, hashlib.sha256(data).hexdigest(), "pdf")
    try:
        image = media.prepare_image(
            data, max_bytes=settings.max_upload_bytes, max_pixels=settings.max_image_pixels
        )
    except AppError as exc:
        if exc.message == media.NOT_AN_IMAGE:
            raise ContentInvalid(NOT_EVIDENCE) from exc
        raise
    return PreparedEvidence(_safe_name(filename), image.content_type, image.data, image.sha256, image.ext)


def prepare_evidence(uploads: list[UploadFile], settings: Settings) -> EvidenceUploads:
    try:
        if len(uploads) > MAX_FILES:
            raise ContentInvalid(N_("At most {n} evidence files."), n=MAX_FILES)
        prepared = [
            prepare_one(u.filename or "", media.read_upload(u, settings.max_upload_bytes), settings)
            for u in uploads
        ]
    except AppError as exc:
        return EvidenceUploads(error=exc)
    return EvidenceUploads(files=tuple(prepared))


async def complaint_form(request: Request) -> FormData:
    """A complaint form (multipart), refused (413) before it is parsed when it is longer than its
    evidence may be. Runs on the event loop; touches no database."""
    settings = request.app.state.settings
    limit = MAX_FILES * settings.max_upload_bytes + media.FORM_OVERHEAD_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise media.too_large(settings.max_upload_bytes)
    return await request.form()


ComplaintForm = Annotated[FormData, Depends(complaint_form)]


def form_evidence(form: ComplaintForm, request: Request) -> EvidenceUploads:
    """The evidence files of the form, prepared in the thread pool before the database is touched."""
    return prepare_evidence(files(form, FIELD), request.app.state.settings)


def storage_key(evidence: PreparedEvidence) -> str:
    return f"evidence/{evidence.sha256[:2]}/{uuid.uuid4().hex}.{evidence.ext}"


FormEvidence = Annotated[EvidenceUploads, Depends(form_evidence)]

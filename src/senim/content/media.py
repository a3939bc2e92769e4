"""Images: decoded with Pillow, turned upright, re-encoded without any metadata, then stored.

An upload is accepted only if Pillow decodes it as JPEG, PNG, WebP or GIF (the filename and the declared
content type are ignored). Its size is checked before decoding, its pixel count from the header before
the pixels are loaded, so a decompression bomb is refused without being expanded. The stored file is a
new image built from the pixels alone: no EXIF (so no GPS), no XMP, no comments, no ICC profile (colours
are converted to sRGB first when a profile is present). GIFs keep their first frame, stored as PNG.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from starlette.datastructures import FormData, UploadFile

from senim.config import Settings
from senim.content.errors import ContentInvalid, ImageRefused, UploadTooLarge
from senim.content.policy import MAX_IMAGES_PER_POST
from senim.detection.pdq import pdq_hash
from senim.errors import AppError
from senim.web.forms import files
from senim.web.i18n import N_


@dataclass(frozen=True)
class Encoding:
    pil_format: str
    content_type: str
    ext: str


JPEG = Encoding("JPEG", "image/jpeg", "jpg")
PNG = Encoding("PNG", "image/png", "png")
WEBP = Encoding("WEBP", "image/webp", "webp")

# Decoded format -> how it is stored.
ACCEPTED: dict[str, Encoding] = {"JPEG": JPEG, "PNG": PNG, "WEBP": WEBP, "GIF": PNG}
CONTENT_TYPES = frozenset(e.content_type for e in ACCEPTED.values())
JPEG_QUALITY = 85
FORM_OVERHEAD_BYTES = 1024 * 1024  # room for the text fields and multipart boundaries
WEBP_QUALITY = 85

NOT_AN_IMAGE = N_("This file is not an image Senim accepts (JPEG, PNG, WebP or GIF).")
TOO_MANY_PIXELS = N_("The image is too large: at most {pixels} million pixels.")
TOO_MANY_BYTES = N_("The file is too large: at most {mb} MB.")

# What Pillow raises for damaged or hostile input, besides the errors it documents.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, ZeroDivisionError)


@dataclass(frozen=True)
class PreparedImage:
    """A validated, re-encoded image, ready to be written."""

    data: bytes
    content_type: str
    ext: str
    width: int
    height: int
    sha256: str  # of the stored, re-encoded file
    upload_sha256: str = ""  # of the bytes as uploaded: what exact-hash lists of known images hold
    pdq: str = ""  # perceptual hash of the pixels (detection.pdq), for hash banks
    pdq_quality: int = 0

    @property
    def size_bytes(self) -> int:
        return len(self.data)


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g}"


def _millions(n: int) -> str:
    return f"{n / 1_000_000:g}"


def too_large(max_bytes: int) -> UploadTooLarge:
    return UploadTooLarge(TOO_MANY_BYTES, mb=_megabytes(max_bytes))


def read_upload(upload: UploadFile, max_bytes: int) -> bytes:
    """Read an uploaded (already spooled) file, refusing it (413) when it is longer than ``max_bytes``."""
    upload.file.seek(0)
    data = upload.file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    return data


async def upload_form(request: Request) -> FormData:
    """The multipart form of a request that may carry images, refused (413) before it is parsed when its
    declared length exceeds what a post may carry. Runs on the event loop; touches no database."""
    settings = request.app.state.settings
    limit = MAX_IMAGES_PER_POST * settings.max_upload_bytes + FORM_OVERHEAD_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(settings.max_upload_bytes)
    return await request.form()


UploadForm = Annotated[FormData, Depends(upload_form)]


def _to_srgb(im: Image.Image) -> Image.Image:
    """Convert colours described by an embedded ICC profile to sRGB, since the profile is not kept."""
    icc = im.info.get("icc_profile")
    if not icc or im.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return im
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "srgb" in ImageCms.getProfileDescription(source).lower():
            return im
        target = ImageCms.createProfile("sRGB")
        converted = ImageCms.profileToProfile(
            im, source, target, outputMode="RGBA" if im.mode == "RGBA" else "RGB"
        )
    except (ImageCms.PyCMSError, *_DECODE_ERRORS, TypeError):
        return im  # an unusable profile: keep the pixels as they are, untagged
    return converted if converted is not None else im


def _has_alpha(im: Image.Image) -> bool:
    return im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in im.info


def _normalise_mode(im: Image.Image, encoding: Encoding) -> Image.Image:
    if im.mode in ("I", "F") or im.mode.startswith("I;16"):
        # High bit-depth greyscale: scale to 8 bits instead of clipping.
        im = (
            im.convert("I").point(lambda v: v * (1 / 256)).convert("L") if im.mode != "F" else im.convert("L")
        )
    if encoding is JPEG:
        return im if im.mode in ("L", "RGB") else im.convert("RGB")
    target = "RGBA" if _has_alpha(im) else "RGB"
    return im if im.mode == target else im.convert(target)


def _pixels_only(im: Image.Image) -> Image.Image:
    """A new image holding the same pixels and nothing else (no info, EXIF, XMP, ICC, comments)."""
    clean = Image.new(im.mode, im.size)
    clean.paste(im)
    return clean


def prepare_image(data: bytes, *, max_bytes: int, max_pixels: int) -> PreparedImage:
    """Validate and re-encode one upload. Raises 413 ``UploadTooLarge`` or 422 ``ImageRefused``."""
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    if not data:
        raise ImageRefused(NOT_AN_IMAGE)
    try:
        with Image.open(io.BytesIO(data), formats=list(ACCEPTED)) as opened:
            encoding = ACCEPTED[str(opened.format)]
            width, height = opened.size
            # Checked from the header, before any pixel is decoded.
            if width < 1 or height < 1 or width * height > max_pixels:
                raise ImageRefused(TOO_MANY_PIXELS, pixels=_millions(max_pixels))
            opened.seek(0)  # the first frame of an animation
            opened.load()
            upright = ImageOps.exif_transpose(opened) or opened
            image = _normalise_mode(_to_srgb(upright), encoding)
            clean = _pixels_only(image)
        out = io.BytesIO()
        if encoding is JPEG:
            clean.save(out, format="JPEG", quality=JPEG_QUALITY)
        elif encoding is WEBP:
            clean.save(out, format="WEBP", quality=WEBP_QUALITY)
        else:
            clean.save(out, format="PNG")
    except Image.DecompressionBombError as exc:
        raise ImageRefused(TOO_MANY_PIXELS, pixels=_millions(max_pixels)) from exc
    except UnidentifiedImageError as exc:
        raise ImageRefused(NOT_AN_IMAGE) from exc
    except _DECODE_ERRORS as exc:
        raise ImageRefused(NOT_AN_IMAGE) from exc
    stored = out.getvalue()
    pdq, quality = pdq_hash(clean)
    return PreparedImage(
        data=stored,
        content_type=encoding.content_type,
        ext=encoding.ext,
        width=clean.width,
        height=clean.height,
        sha256=hashlib.sha256(stored).hexdigest(),
        upload_sha256=hashlib.sha256(data).hexdigest(),
        pdq=pdq,
        pdq_quality=quality,
    )


def prepare_images(
    images: Sequence[bytes | PreparedImage], *, max_bytes: int, max_pixels: int
) -> list[PreparedImage]:
    """Prepare a post's images (those already prepared are kept), refusing more than a post may carry."""
    if len(images) > MAX_IMAGES_PER_POST:
        raise ContentInvalid("At most {n} images per post.", n=MAX_IMAGES_PER_POST)
    return [
        image
        if isinstance(image, PreparedImage)
        else prepare_image(image, max_bytes=max_bytes, max_pixels=max_pixels)
        for image in images
    ]


# --- uploads prepared before the request touches the database --------------------------------------


@dataclass(frozen=True)
class PreparedUploads:
    """The images of a request, decoded and re-encoded before its first database statement.

    On SQLite a writing request holds the write lock from its first statement (the sign-in check) until
    it commits, so Pillow's work must come before that: a dependency declared ahead of the session and
    the permission does it. A refusal is kept rather than raised, so the route reports it after the
    permission check, in its usual place (an error page or the form shown again with the problem).
    """

    images: tuple[PreparedImage, ...] = ()
    error: AppError | None = None

    def get(self) -> list[PreparedImage]:
        """The prepared images; raises the refusal (413 or 422) if an upload was refused."""
        if self.error is not None:
            raise self.error
        return list(self.images)


def prepare_uploads(uploads: Sequence[UploadFile], settings: Settings) -> PreparedUploads:
    """Read and prepare a request's uploaded images; a refusal is kept in the result, not raised."""
    try:
        if len(uploads) > MAX_IMAGES_PER_POST:
            raise ContentInvalid("At most {n} images per post.", n=MAX_IMAGES_PER_POST)
        data = [read_upload(upload, settings.max_upload_bytes) for upload in uploads]
        prepared = prepare_images(
            data, max_bytes=settings.max_upload_bytes, max_pixels=settings.max_image_pixels
        )
    except AppError as exc:
        return PreparedUploads(error=exc)
    return PreparedUploads(images=tuple(prepared))


IMAGE_FIELD = "images"


def form_images(form: UploadForm, request: Request) -> PreparedUploads:
    """The images of an HTML post form. A plain ``def``: FastAPI runs it in the thread pool."""
    return prepare_uploads(files(form, IMAGE_FIELD), request.app.state.settings)


FormImages = Annotated[PreparedUploads, Depends(form_images)]


# --- storage -------------------------------------------------------------------------------------


def new_storage_key(image: PreparedImage) -> str:
    """``<first two hex digits of the sha256>/<uuid>.<ext>``, relative to the media directory."""
    return f"{image.sha256[:2]}/{uuid.uuid4().hex}.{image.ext}"


def write_file(media_dir: Path, key: str, data: bytes) -> Path:
    """Write atomically: a reader never sees a half-written file under its final name."""
    path = media_dir / key
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def stored_path(media_dir: Path, key: str) -> Path | None:
    """The file for ``key`` if it exists inside the media directory, else None."""
    root = media_dir.resolve()
    path = (root / key).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path

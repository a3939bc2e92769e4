"""Images are decoded, turned upright and re-encoded without metadata; anything else is refused."""

from __future__ import annotations

import io

import pytest
from PIL import ExifTags, Image

from senim.content.errors import ImageRefused, UploadTooLarge
from senim.content.media import prepare_image, stored_path, write_file
from tests.fixtures.content import (
    animated_gif,
    jpeg_with_gps,
    open_image,
    png_bytes,
    png_declaring,
    webp_bytes,
)

LIMITS = {"max_bytes": 1024 * 1024, "max_pixels": 1_000_000}


def assert_no_metadata(im: Image.Image) -> None:
    assert len(im.getexif()) == 0
    assert im.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "dpi"):
        assert key not in im.info, key


def test_jpeg_loses_exif_gps_comment_xmp_and_icc() -> None:
    original = jpeg_with_gps()
    assert b"SecretCam" in original
    assert b"secret-xmp" in original
    prepared = prepare_image(original, **LIMITS)
    assert prepared.content_type == "image/jpeg"
    assert prepared.ext == "jpg"
    assert b"SecretCam" not in prepared.data
    assert b"secret comment" not in prepared.data
    assert b"secret-xmp" not in prepared.data
    assert b"Exif" not in prepared.data
    stored = open_image(prepared.data)
    assert stored.format == "JPEG"
    assert_no_metadata(stored)


def test_exif_orientation_is_applied_before_stripping() -> None:
    # 40x30 with orientation 6 (rotate 90° clockwise to display): stored upright as 30x40.
    prepared = prepare_image(jpeg_with_gps((40, 30), orientation=6), **LIMITS)
    stored = open_image(prepared.data)
    assert (prepared.width, prepared.height) == stored.size == (30, 40)
    top, bottom = stored.getpixel((15, 2)), stored.getpixel((15, 37))
    assert isinstance(top, tuple)
    assert isinstance(bottom, tuple)
    assert top[0] > 150
    assert top[2] < 100
    assert bottom[2] > 150
    assert bottom[0] < 100


@pytest.mark.parametrize(
    ("data", "content_type", "fmt"),
    [
        (png_bytes(), "image/png", "PNG"),
        (png_bytes(alpha=True), "image/png", "PNG"),
        (webp_bytes(), "image/webp", "WEBP"),
        (animated_gif(), "image/png", "PNG"),
    ],
    ids=["png", "png-alpha", "webp", "gif"],
)
def test_accepted_formats_are_re_encoded(data: bytes, content_type: str, fmt: str) -> None:
    prepared = prepare_image(data, **LIMITS)
    stored = open_image(prepared.data)
    assert prepared.content_type == content_type
    assert stored.format == fmt
    assert getattr(stored, "n_frames", 1) == 1
    assert_no_metadata(stored)


def test_png_alpha_is_kept() -> None:
    stored = open_image(prepare_image(png_bytes(alpha=True), **LIMITS).data)
    assert stored.mode == "RGBA"


def test_gif_keeps_its_first_frame() -> None:
    stored = open_image(prepare_image(animated_gif(), **LIMITS).data).convert("RGB")
    assert stored.getpixel((0, 0)) == (255, 0, 0)


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xd8\xff\xe0 this is not really a jpeg",
        b"%PDF-1.7 not an image",
        b"",
        jpeg_with_gps()[:200],  # truncated
    ],
    ids=["fake-jpeg", "pdf", "empty", "truncated"],
)
def test_non_images_are_refused(data: bytes) -> None:
    with pytest.raises(ImageRefused):
        prepare_image(data, **LIMITS)


def test_other_image_formats_are_refused() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buf, format="BMP")
    with pytest.raises(ImageRefused):
        prepare_image(buf.getvalue(), **LIMITS)


@pytest.mark.parametrize(("width", "height"), [(100_000, 100_000), (2000, 501), (1, 1_000_001)])
def test_too_many_pixels_refused_from_the_header(width: int, height: int) -> None:
    with pytest.raises(ImageRefused) as caught:
        prepare_image(png_declaring(width, height), **LIMITS)
    assert caught.value.status_code == 422


def test_too_many_bytes_is_413() -> None:
    with pytest.raises(UploadTooLarge) as caught:
        prepare_image(jpeg_with_gps(), max_bytes=100, max_pixels=1_000_000)
    assert caught.value.status_code == 413


def test_sha256_is_of_the_stored_bytes() -> None:
    import hashlib

    prepared = prepare_image(png_bytes(), **LIMITS)
    assert prepared.sha256 == hashlib.sha256(prepared.data).hexdigest()
    assert prepared.size_bytes == len(prepared.data)


def test_stored_path_stays_inside_the_media_dir(tmp_path: pytest.TempPathFactory) -> None:
    root = tmp_path / "media"  # type: ignore[operator]
    write_file(root, "ab/file.png", b"x")
    assert stored_path(root, "ab/file.png") == (root / "ab/file.png").resolve()
    assert stored_path(root, "../outside.png") is None
    assert stored_path(root, "ab/missing.png") is None

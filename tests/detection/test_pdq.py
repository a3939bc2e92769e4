"""PDQ hashing: the same hashes as Meta's C++ reference, and the distances that make it useful.

``data/pdq_reference.json`` holds recipes for test images and the hashes that the C++ reference gave
for them (the ``pdqhash`` 0.2.8 bindings, run outside the project on each image after Pillow's
``thumbnail((512, 512))`` and ``convert("RGB")``, as ThreatExchange's Python hasher prepares a file).
The images are drawn again here from the recipes with :func:`render`.
"""

from __future__ import annotations

import io
import json
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

from senim.detection.pdq import HASH_HEX_LENGTH, hamming, pdq_hash

REFERENCE = json.loads((Path(__file__).parent / "data" / "pdq_reference.json").read_text(encoding="utf-8"))
IMAGES: list[dict[str, Any]] = REFERENCE["images"]
BY_NAME = {entry["name"]: entry for entry in IMAGES}


def _colour(value: list[int]) -> tuple[int, ...]:
    return tuple(value)


def _gradient(width: int, height: int, step: dict[str, Any]) -> Image.Image:
    xs = np.linspace(0.0, 1.0, width)[None, :]
    ys = np.linspace(0.0, 1.0, height)[:, None]
    direction = step["direction"]
    if direction == "horizontal":
        t = np.broadcast_to(xs, (height, width))
    elif direction == "vertical":
        t = np.broadcast_to(ys, (height, width))
    else:
        t = (xs + ys) / 2.0
    start = np.array(step["from"], dtype=np.float64)
    end = np.array(step["to"], dtype=np.float64)
    pixels = start + (end - start) * t[:, :, None]
    return Image.fromarray(np.rint(pixels).astype(np.uint8), "RGB")


def _rings(width: int, height: int, step: dict[str, Any]) -> Image.Image:
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    radius = np.hypot(xs - width * step["centre"][0], ys - height * step["centre"][1])
    grey = np.rint(127.5 + 127.0 * np.cos(radius * (2.0 * np.pi / step["period"]))).astype(np.uint8)
    return Image.fromarray(grey, "L").convert("RGB")


def _checker(width: int, height: int, step: dict[str, Any]) -> Image.Image:
    ys, xs = np.mgrid[0:height, 0:width]
    odd = ((xs // step["cell"] + ys // step["cell"]) % 2).astype(bool)
    pixels = np.where(odd[:, :, None], np.array(step["on"]), np.array(step["off"])).astype(np.uint8)
    return Image.fromarray(pixels, "RGB")


def _text(image: Image.Image, step: dict[str, Any]) -> None:
    # Pillow's built-in bitmap font, so the glyphs do not depend on FreeType.
    font = ImageFont.load_default_imagefont()
    left, top, right, bottom = font.getbbox(step["text"])
    mask = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(mask).text((-left, -top), step["text"], fill=255, font=font)
    scale = step["scale"]
    mask = mask.resize((mask.width * scale, mask.height * scale), Image.Resampling.NEAREST)
    image.paste(Image.new("RGB", mask.size, _colour(step["fill"])), tuple(step["xy"]), mask)


def render(recipe: dict[str, Any]) -> Image.Image:
    """Draw a test image from its recipe: a canvas, steps drawn in order, then a final mode."""
    width, height = recipe["size"]
    image = Image.new("RGB", (width, height), _colour(recipe.get("background", [255, 255, 255])))
    for step in recipe.get("steps", []):
        op = step["op"]
        if op == "gradient":
            image = _gradient(width, height, step)
        elif op == "rings":
            image = _rings(width, height, step)
        elif op == "checker":
            image = _checker(width, height, step)
        elif op == "noise":
            rng = np.random.default_rng(step["seed"])
            image = Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8), "RGB")
        elif op == "blur":
            image = image.filter(ImageFilter.GaussianBlur(step["radius"]))
        elif op in ("rectangle", "ellipse"):
            getattr(ImageDraw.Draw(image), op)(step["box"], fill=_colour(step["fill"]))
        elif op == "polygon":
            ImageDraw.Draw(image).polygon([tuple(p) for p in step["points"]], fill=_colour(step["fill"]))
        elif op == "line":
            ImageDraw.Draw(image).line(
                [tuple(p) for p in step["points"]], fill=_colour(step["fill"]), width=step["width"]
            )
        elif op == "text":
            _text(image, step)
        else:
            raise AssertionError(f"unknown recipe step {op!r}")
    mode = recipe.get("mode", "RGB")
    if mode == "L":
        image = image.convert("L")
    elif mode == "P":
        image = image.quantize(colors=recipe["colours"])
    elif mode == "RGBA":
        ramp = np.rint(np.linspace(255.0, 40.0, width)).astype(np.uint8)
        image.putalpha(Image.fromarray(np.broadcast_to(ramp, (height, width)).copy(), "L"))
    return image


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    reloaded = Image.open(buffer)
    reloaded.load()
    return reloaded


def test_reference_covers_varied_images() -> None:
    sizes = {tuple(entry["recipe"]["size"]) for entry in IMAGES}
    modes = {entry["recipe"].get("mode", "RGB") for entry in IMAGES}
    assert len(IMAGES) >= 12
    assert {"L", "RGBA", "P"} <= modes
    assert any(max(size) > 512 for size in sizes)
    assert any(width > 3 * height for width, height in sizes)
    assert any(height > 3 * width for width, height in sizes)


@pytest.mark.parametrize("entry", IMAGES, ids=[entry["name"] for entry in IMAGES])
def test_hash_matches_cpp_reference(entry: dict[str, Any]) -> None:
    image = render(entry["recipe"])
    digest, quality = pdq_hash(image)
    assert len(digest) == HASH_HEX_LENGTH
    assert digest == digest.lower()
    # Bit-exact on this machine; a couple of bits of slack for another platform's maths library.
    assert hamming(digest, entry["pdq"]) <= 2
    assert abs(quality - entry["quality"]) <= 1


def test_image_too_small_to_hash_gets_zero_hash_and_quality() -> None:
    assert pdq_hash(Image.new("RGB", (4, 100), (10, 200, 30))) == ("0" * 64, 0)
    assert BY_NAME["tiny"]["pdq"] == "0" * 64


def test_flat_image_has_quality_zero() -> None:
    _, quality = pdq_hash(Image.new("RGB", (200, 200), (90, 90, 90)))
    assert quality == 0


def test_large_image_is_not_changed_by_hashing() -> None:
    image = render(BY_NAME["checker_large"]["recipe"])
    before = image.tobytes()
    pdq_hash(image)
    assert image.size == (1024, 768)
    assert image.tobytes() == before


@pytest.mark.parametrize("name", ["photo_like", "shapes", "text"])
def test_near_duplicates_stay_close(name: str) -> None:
    original = render(BY_NAME[name]["recipe"]).convert("RGB")
    digest, _ = pdq_hash(original)
    width, height = original.size
    variants = {
        "jpeg q70": _jpeg(original, 70),
        "jpeg q40": _jpeg(original, 40),
        "resized to 90%": original.resize((width * 9 // 10, height * 9 // 10), Image.Resampling.BILINEAR),
        "resized to 130%": original.resize((width * 13 // 10, height * 13 // 10), Image.Resampling.BICUBIC),
        "brighter by 8%": ImageEnhance.Brightness(original).enhance(1.08),
        "darker by 8%": ImageEnhance.Brightness(original).enhance(0.92),
    }
    distances = {label: hamming(digest, pdq_hash(variant)[0]) for label, variant in variants.items()}
    assert all(distance <= 31 for distance in distances.values()), distances


def test_unrelated_images_are_far_apart() -> None:
    # Images with enough detail to trust (quality >= 50); flat gradients are too alike in frequency.
    detailed = [entry for entry in IMAGES if entry["quality"] >= 50]
    assert len(detailed) >= 6
    hashes = {entry["name"]: pdq_hash(render(entry["recipe"]))[0] for entry in detailed}
    distances = {(a, b): hamming(hashes[a], hashes[b]) for a, b in combinations(hashes, 2)}
    assert min(distances.values()) > 80, sorted(distances.items(), key=lambda item: item[1])[:3]


def test_hash_of_a_transformed_image_differs() -> None:
    image = render(BY_NAME["shapes"]["recipe"])
    digest, _ = pdq_hash(image)
    assert hamming(digest, pdq_hash(image.transpose(Image.Transpose.ROTATE_90))[0]) > 80


def test_hamming_counts_differing_bits() -> None:
    zero = "0" * 64
    assert hamming(zero, zero) == 0
    assert hamming(zero, "f" * 64) == 256
    assert hamming(zero, "0" * 63 + "1") == 1
    assert hamming("8" + "0" * 63, zero) == 1
    assert hamming("a5" * 32, "5a" * 32) == 256
    a, b = BY_NAME["shapes"]["pdq"], BY_NAME["text"]["pdq"]
    assert hamming(a, b) == hamming(b, a)
    assert hamming(a.upper(), a) == 0


def test_hamming_refuses_hashes_of_different_length() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        hamming("0" * 64, "0" * 63)

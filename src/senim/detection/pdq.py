"""PDQ, Meta's 256-bit perceptual image hash, in pure numpy, with its 0-100 quality score.

Pure: no I/O. :func:`pdq_hash` gives the same hash as the C++ reference in facebook/ThreatExchange
(``pdq/cpp``; the tests check it against hashes from the ``pdqhash`` bindings, which it matches bit for
bit) and :func:`hamming` compares two hashes. Near-duplicates of an image usually lie within distance 31
of it; unrelated images around 128.

The steps, as the reference does them:

1. Shrink to at most 512 x 512 keeping the aspect ratio with Pillow's ``thumbnail`` (what the reference's
   Python hasher does before hashing; the Jarosz filter is too slow on large images). Unlike the
   reference, which hashes a file, the caller's image is never changed and a JPEG is not decoded in
   Pillow's reduced "draft" mode, so a large JPEG may land a few bits away from the reference's hash of
   the same file. EXIF orientation is not applied.
2. Convert to RGB (alpha is dropped, not composited) and take luminance ``0.299 R + 0.587 G + 0.114 B``
   as float32 (computed in double then rounded, as the reference's Python bindings do).
3. Blur with two passes of a box filter along rows then columns (Jarosz's tent filter), window
   ``ceil(size / 128)``, keeping the reference's float32 running sums so rounding matches; a 64 x 64
   image is not blurred (the reference's shortcut for pre-shrunk frames).
4. Decimate to 64 x 64 by taking the pixel at each cell's centre.
5. Quality: the sum over neighbouring pixels of ``trunc(|difference| * 100 / 255)``, divided by 90
   (integer division), capped at 100.
6. DCT: the 16 x 64 matrix ``D[i, j] = sqrt(2/64) cos(pi / 128 (i + 1)(2 j + 1))`` gives ``D A Dt``, the
   16 x 16 lowest frequencies except the DC term, summed in float32 in the reference's order.
7. Bit ``16 i + j`` is set when coefficient ``(i, j)`` is greater than the median (the 128th smallest).
8. Hex: the 256 bits read as one big-endian number, bit 255 first (64 lower-case hex digits).

An image smaller than 5 pixels on a side gets the all-zero hash and quality 0, as in the reference.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PIL import Image

__all__ = ["HASH_HEX_LENGTH", "hamming", "pdq_hash"]

HASH_HEX_LENGTH = 64

_MAX_SIDE = 512
_MIN_SIDE = 5
_JAROSZ_PASSES = 2
_ZERO_HASH = "0" * HASH_HEX_LENGTH

Floats = npt.NDArray[np.float32]


def _dct_matrix() -> Floats:
    """The reference's 16 x 64 DCT matrix: a float32 scale times a double cosine, rounded to float32."""
    scale = float(np.float32(np.sqrt(2.0 / 64.0)))
    rows = np.arange(1, 17, dtype=np.float64)[:, None]
    cols = np.arange(64, dtype=np.float64)[None, :]
    return (scale * np.cos((np.pi / 2.0 / 64.0) * rows * (2.0 * cols + 1.0))).astype(np.float32)


_DCT = _dct_matrix()


def _box_rows(data: Floats, window: int) -> Floats:
    """Box-filter every row, as the reference's ``box1DFloat``: one running float32 sum, added to on
    the right and subtracted from on the left, divided by the number of pixels in the window.

    The rows are filtered together, one column position at a time, so the sums round exactly as the
    reference's do.
    """
    length = data.shape[1]
    source = np.ascontiguousarray(data.T)
    out = np.empty_like(source)
    half = (window + 2) // 2
    total = np.zeros(source.shape[1], dtype=np.float32)
    size = 0
    right = 0
    # Fill the first half window without writing.
    for _ in range(half - 1):
        total += source[right]
        size += 1
        right += 1
    # Growing window at the left edge.
    for written in range(window - half + 1):
        total += source[right]
        size += 1
        right += 1
        out[written] = total / np.float32(size)
    # Full window.
    left = 0
    written = window - half + 1
    for _ in range(length - window):
        total += source[right]
        total -= source[left]
        out[written] = total / np.float32(size)
        right += 1
        left += 1
        written += 1
    # Shrinking window at the right edge.
    for _ in range(half - 1):
        total -= source[left]
        size -= 1
        out[written] = total / np.float32(size)
        left += 1
        written += 1
    return np.ascontiguousarray(out.T)


def _window(size: int) -> int:
    """Jarosz window for shrinking ``size`` pixels to 64: half a 64th, rounded up."""
    return (size + 2 * 64 - 1) // (2 * 64)


def _downsample(luma: Floats) -> Floats:
    rows, cols = luma.shape
    if rows == 64 and cols == 64:
        return luma
    along_rows, along_cols = _window(cols), _window(rows)
    blurred = luma
    for _ in range(_JAROSZ_PASSES):
        blurred = _box_rows(blurred, along_rows)
        blurred = _box_rows(blurred.T, along_cols).T
    # The pixel nearest each of the 64 x 64 cell centres.
    row_index = ((np.arange(64) + 0.5) * rows / 64).astype(np.int64)
    col_index = ((np.arange(64) + 0.5) * cols / 64).astype(np.int64)
    return np.ascontiguousarray(blurred[np.ix_(row_index, col_index)])


def _quality(block: Floats) -> int:
    hundred, full = np.float32(100), np.float32(255)
    vertical = np.trunc((block[:-1, :] - block[1:, :]) * hundred / full)
    horizontal = np.trunc((block[:, :-1] - block[:, 1:]) * hundred / full)
    gradient_sum = int(np.abs(vertical).astype(np.int64).sum() + np.abs(horizontal).astype(np.int64).sum())
    return min(gradient_sum // 90, 100)


def _dct16(block: Floats) -> Floats:
    """``D A Dt`` with each sum accumulated in float32, term by term, as the reference loops do."""
    partial = np.zeros((16, 64), dtype=np.float32)
    for k in range(64):
        partial += _DCT[:, k : k + 1] * block[k : k + 1, :]
    coefficients = np.zeros((16, 16), dtype=np.float32)
    for k in range(64):
        coefficients += partial[:, k : k + 1] * _DCT[:, k][None, :]
    return coefficients


def _luma(image: Image.Image) -> Floats:
    if max(image.size) > _MAX_SIDE:
        image = image.copy()
        image.thumbnail((_MAX_SIDE, _MAX_SIDE))
    rgb = np.asarray(image.convert("RGB"), dtype=np.float64)
    return (rgb[:, :, 0] * 0.299 + rgb[:, :, 1] * 0.587 + rgb[:, :, 2] * 0.114).astype(np.float32)


def pdq_hash(image: Image.Image) -> tuple[str, int]:
    """Return the PDQ hash of ``image`` as 64 lower-case hex digits, and its quality from 0 to 100.

    Hashes of quality below about 50 (flat or nearly blank images) match too many other images to be
    trusted.
    """
    luma = _luma(image)
    if min(luma.shape) < _MIN_SIDE:
        return _ZERO_HASH, 0
    block = _downsample(luma)
    quality = _quality(block)
    coefficients = _dct16(block).ravel()
    median = np.partition(coefficients, 127)[127]
    bits = coefficients > median
    # Bit 255 comes first in the hex form.
    return np.packbits(bits[::-1]).tobytes().hex(), quality


def hamming(a_hex: str, b_hex: str) -> int:
    """Number of bits that differ between two hashes given in hex (of the same length)."""
    if len(a_hex) != len(b_hex):
        raise ValueError(f"hashes differ in length: {len(a_hex)} and {len(b_hex)} hex digits")
    return (int(a_hex, 16) ^ int(b_hex, 16)).bit_count()

"""docs/compliance-matrix.md and the tests' law markers agree."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| ((?:LAW|DEF)-\d+a?)(?: … ((?:LAW|DEF)-\d+a?))? \| [^|]+\| (\w[\w/ ]*?) \|", re.M)
MARK = re.compile(r"""mark\.law\(\s*["']((?:LAW|DEF)-\d+a?)["']""")


def _matrix() -> dict[str, str]:
    rows: dict[str, str] = {}
    for first, _last, status in ROW.findall(
        (ROOT / "docs" / "compliance-matrix.md").read_text(encoding="utf-8")
    ):
        rows[first] = status.strip()
    return rows


def _marked() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in (ROOT / "tests").rglob("test_*.py"):
        for law_id in MARK.findall(path.read_text(encoding="utf-8")):
            found.setdefault(law_id, []).append(str(path.relative_to(ROOT)))
    return found


def test_every_implemented_id_has_a_marked_test() -> None:
    matrix, marked = _matrix(), _marked()
    missing = [i for i, status in matrix.items() if status in {"implemented", "partial"} and i not in marked]
    assert not missing, (
        f"marked implemented/partial in the matrix but no test carries the law marker: {missing}"
    )


def test_every_marked_id_is_in_the_matrix_and_not_planned() -> None:
    matrix, marked = _matrix(), _marked()
    unknown = sorted(set(marked) - set(matrix))
    assert not unknown, f"tests cite ids the matrix does not list: {unknown}"
    planned = sorted(i for i in marked if matrix[i] in {"planned", "n/a"})
    assert not planned, f"tests prove ids the matrix still calls planned: {planned}"

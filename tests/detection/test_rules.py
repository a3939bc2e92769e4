"""Detection rules are validated when saved, with the path of each problem, and move through their
lifecycle only along the allowed transitions."""

from __future__ import annotations

import pytest

from senim.detection.rules import RuleStatus, may_move, problems

VALID = {
    "category": "unlawful.suicide",
    "matchers": [{"type": "terms", "kind": "exact", "terms": ["суицид", "өзін-өзі өлтіру"]}],
}


def test_a_valid_rule_has_no_problems() -> None:
    assert problems(VALID) == []


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"category": "no.such.category"}, "category"),
        ({"matchers": []}, "matchers"),
        ({"matchers": [{"type": "regex", "pattern": "(unclosed"}]}, "matchers.0.regex"),
        ({"matchers": [{"type": "regex", "pattern": "a*"}]}, "matchers.0.regex"),
        ({"matchers": [{"type": "pii", "kinds": ["passport"]}]}, "matchers.0.pii.kinds.0"),
        ({"matchers": [{"type": "terms", "terms": ["x"]}]}, "matchers.0.terms.terms.0"),
        ({"action": {"type": "age_restrict"}}, "action"),
        ({"action": {"type": "open_case", "priority": 9}}, "action.priority"),
        ({"languages": ["de"]}, "languages.0"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_each_problem_points_at_its_place(change: dict[str, object], path: str) -> None:
    found = problems({**VALID, **change})
    assert found, change
    assert any(p.startswith(path) for p in found), found


@pytest.mark.parametrize(
    ("current", "to", "allowed"),
    [
        (RuleStatus.draft, RuleStatus.shadow, True),
        (RuleStatus.draft, RuleStatus.live, False),  # never live without a shadow run
        (RuleStatus.shadow, RuleStatus.live, True),
        (RuleStatus.live, RuleStatus.shadow, True),
        (RuleStatus.live, RuleStatus.retired, True),
        (RuleStatus.retired, RuleStatus.live, False),
        (RuleStatus.retired, RuleStatus.draft, True),
    ],
)
def test_the_lifecycle(current: RuleStatus, to: RuleStatus, allowed: bool) -> None:
    assert may_move(current, to) is allowed

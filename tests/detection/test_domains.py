"""Domain lists (issue 5 item 3): a listed domain and its subdomains are found in links written with or
without a scheme and with disguised dots; a longer domain that merely ends in the same letters is not."""

from __future__ import annotations

import pytest

from senim.detection import engine
from senim.detection.rules import RuleSpec, RuleStatus

RULE = engine.compile_rule(
    "r",
    "casino-domains",
    1,
    RuleStatus.live,
    RuleSpec.model_validate(
        {
            "category": "unlawful.online_casino",
            "matchers": [{"type": "domains", "domains": ["Vavada.com", "1xbet.kz"]}],
        }
    ),
)


@pytest.mark.law("LAW-15")
@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Заходи на https://vavada.com/ru/bonus и забирай бонус", "vavada.com"),
        ("зеркало: mirror3.VAVADA.com", "mirror3.VAVADA.com"),
        ("пиши: vavada[.]com", "vavada[.]com"),
        ("ставки тут 1xbet(.)kz", "1xbet(.)kz"),
        ("www.1xbet.kz/registration", "www.1xbet.kz"),
    ],
)
def test_listed_domains_are_found_with_their_span(text: str, found: str) -> None:
    [finding] = engine.evaluate([RULE], text)
    hit = finding.hits[0]
    assert text[hit.start : hit.end] == found and hit.matcher == "domains:0"


@pytest.mark.parametrize(
    "text",
    [
        "notvavada.com is a different site",
        "vavada.community forum",
        "vavada com without a dot",
        "e-mail me at someone@mail.kz",
        "1xbet.kz.example.org is not 1xbet",
    ],
)
def test_other_domains_are_not(text: str) -> None:
    assert engine.evaluate([RULE], text) == []


def test_a_bad_domain_is_refused_when_saved() -> None:
    with pytest.raises(ValueError, match="domains"):
        RuleSpec.model_validate(
            {
                "category": "unlawful.online_casino",
                "matchers": [{"type": "domains", "domains": ["not a domain"]}],
            }
        )

"""The pure rules of advertising, table-tested: identities, money in tiyn, landing pages, the screen,
targeting (LAW-60, 61), age bands, matching, ad positions and the repository's retention (LAW-64)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from senim.ads import policy
from tests.ads.helpers import VALID_BIN, VALID_IIN, bad_check_digit


@pytest.mark.parametrize(
    ("kind", "number", "ok"),
    [
        ("legal_entity", VALID_BIN, True),
        ("individual", VALID_IIN, True),
        ("legal_entity", bad_check_digit(VALID_BIN), False),
        ("individual", bad_check_digit(VALID_IIN), False),
        ("legal_entity", VALID_IIN, False),
        ("individual", VALID_BIN, False),
        ("legal_entity", "１２３４５６７８９０１２", False),  # full-width digits are not digits here
        ("legal_entity", "", False),
        ("other", VALID_BIN, False),
    ],
)
def test_identity_numbers_carry_the_kazakh_check_digit(kind: str, number: str, ok: bool) -> None:
    assert (policy.identity_problem(kind, number) is None) is ok


@pytest.mark.parametrize(
    ("value", "tiyn"),
    [
        ("1500", 150_000),
        ("1500.5", 150_050),
        ("1 500,25", 150_025),
        (1500, 150_000),
        (Decimal("0.01"), 1),
        ("0.001", None),
        ("0", None),
        ("-1", None),
        ("NaN", None),
        ("1e3", 100_000),
        ("abc", None),
        (1500.0, None),  # a float is never money
        ("2000000000", None),
    ],
)
def test_tenge_become_integer_tiyn(value: object, tiyn: int | None) -> None:
    assert policy.tenge_to_tiyn(value) == tiyn  # type: ignore[arg-type]


def test_spending_rounds_down_to_the_tiyn() -> None:
    assert policy.spent_tiyn(3, 150_050, 10_000) == 450


def test_spending_never_exceeds_the_budget() -> None:
    assert policy.spent_tiyn(3, 150_000, 300) == 300
    assert policy.spent_tiyn(2, 150_000, 300) == 300


def test_small_counts_are_published_as_under_ten() -> None:
    assert policy.published_counts({"astana": 9, "almaty": 10, "unspecified": 1}) == {
        "astana": "<10",
        "almaty": 10,
        "unspecified": "<10",
    }
    assert policy.tiyn_to_tenge(5_000_050) == Decimal("50000.50")


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://dala.kz/menu?x=1", True),
        ("http://dala.kz/", False),
        ("https://localhost/", False),
        ("https://user:pw@dala.kz/", False),
        ("https://dala.kz/a b", False),
        ("javascript:alert(1)", False),
        ("", False),
        ("https://" + "a" * 500 + ".kz", False),
    ],
)
def test_landing_pages_are_https(url: str, ok: bool) -> None:
    assert (policy.landing_url_problem(url) is None) is ok


@pytest.mark.parametrize(
    ("headline", "body", "url", "categories"),
    [
        ("Fresh coffee", "Roasted daily", "https://dala.kz", set()),
        ("Play now", "", "https://www.mostbet.com/kz", {"gambling"}),
        ("Қыста темекі", "", "https://a.kz", {"tobacco"}),
        ("Wine tasting", "and cognac", "https://a.kz", {"alcohol"}),
        ("Casino nights", "vape lounge", "https://a.kz", {"gambling", "tobacco"}),
        ("Кепілді табыс", "", "https://a.kz", {"pyramid"}),
    ],
)
def test_the_screen_pre_flags_by_keyword_and_domain(
    headline: str, body: str, url: str, categories: set[str]
) -> None:
    assert {f["category"] for f in policy.screen(headline, body, url)} == categories


def test_every_prohibited_category_cites_the_law() -> None:
    assert all(p.law for p in policy.PROHIBITED)
    assert {"gambling", "tobacco", "alcohol", "weapons", "pyramid", "medicines"} <= set(
        policy.PROHIBITED_BY_KEY
    )


@pytest.mark.law("LAW-60")
@pytest.mark.parametrize(
    "name",
    [
        "race",
        "nationality",
        "political_views",
        "biometrics",
        "health",
        "religion",
        "sexual_life",
        "user_ids",
        "emails",
    ],
)
def test_protected_grounds_are_refused_as_parameters(name: str) -> None:
    clean, problems = policy.check_targeting({name: ["x"], "languages": ["kk"]})
    assert clean == {"languages": ["kk"]}
    assert [p.parameter for p in problems] == [name] and p_message(problems) == policy.REFUSED_PARAMETER


def p_message(problems: list[policy.TargetingProblem]) -> str:
    return problems[0].message


def test_allowed_targeting_is_normalised() -> None:
    clean, problems = policy.check_targeting(
        {"Languages": "kk", "regions": ["astana", "Astana"], "age_bands": ["25-34"], "interests": []}
    )
    assert problems == []
    assert clean == {"languages": ["kk"], "regions": ["astana"], "age_bands": ["25-34"]}


@pytest.mark.law("LAW-61")
@pytest.mark.parametrize(
    ("age", "band"), [(None, ""), (15, ""), (17, ""), (18, "18-24"), (40, "35-44"), (80, "65+")]
)
def test_age_bands_are_for_adults_only(age: int | None, band: str) -> None:
    assert policy.age_band(age) == band


@pytest.mark.law("LAW-61")
def test_an_untargetable_viewer_matches_only_untargeted_ads() -> None:
    child = policy.Viewer(targetable=False, reason="minor")
    adult = policy.Viewer(targetable=True, language="kk", region="astana", age_band="25-34")
    assert policy.matches({}, child) and policy.matches({}, adult)
    assert not policy.matches({"languages": ["kk"]}, child)
    assert policy.matches({"languages": ["kk"], "regions": ["astana"]}, adult)
    assert not policy.matches({"regions": ["shymkent"]}, adult)
    assert not policy.matches({"interests": ["sport"]}, adult)
    assert policy.matched_parameters({"languages": ["kk", "ru"]}, adult) == {"languages": ["kk"]}
    assert policy.matched_parameters({"languages": ["kk"]}, child) == {}


@pytest.mark.parametrize(
    ("count", "every", "positions"), [(20, 5, [5, 10, 15, 20]), (4, 5, []), (9, 0, []), (3, 1, [1, 2, 3])]
)
def test_ad_positions(count: int, every: int, positions: list[int]) -> None:
    assert policy.ad_positions(count, every) == positions


@pytest.mark.law("LAW-64")
def test_the_repository_keeps_an_ad_a_year_after_it_was_last_shown() -> None:
    assert policy.repository_kept_until(date(2026, 3, 1)) == date(2027, 3, 1)

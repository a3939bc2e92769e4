"""Which webhook URLs, event names and notice links are accepted."""

from __future__ import annotations

import pytest

from senim.notification import policy


@pytest.mark.parametrize(
    ("url", "production", "ok"),
    [
        ("https://platform.example.kz/senim/hooks?x=1", True, True),
        ("https://платформа.қаз/hook", True, True),
        ("https://203.0.113.7:8443/hook", True, False),  # documentation range: not global
        ("https://8.8.8.8/hook", True, True),
        ("http://platform.example.kz/hook", True, False),
        ("http://platform.example.kz/hook", False, True),
        ("http://127.0.0.1:8080/hook", False, True),
        ("https://127.0.0.1/hook", True, False),
        ("https://localhost/hook", True, False),
        ("https://10.1.2.3/hook", True, False),
        ("https://[::1]/hook", True, False),
        ("https://intranet/hook", True, False),
        ("https://db.internal/hook", True, False),
        ("ftp://platform.example.kz/hook", False, False),
        ("javascript:alert(1)", False, False),
        ("platform.example.kz/hook", False, False),
        ("https://", False, False),
        ("https://user:pw@platform.example.kz/hook", False, False),
        ("https://platform.example.kz/hook#frag", False, False),
        ("https://platform.example.kz:99999/hook", False, False),
        ("https://platform.example.kz/ho ok", False, False),
        ("https://platform.example.kz/hook\r\nX: y", False, False),
        ("https://bad_host!.kz/hook", False, False),
        ("https://platform.example.kz/" + "a" * 2000, False, False),
        ("", False, False),
    ],
)
def test_webhook_url(url: str, production: bool, ok: bool) -> None:
    assert (policy.url_problem(url, production=production) is None) is ok


@pytest.mark.parametrize(
    ("events", "ok"),
    [
        (["decision.recorded"], True),
        (["*"], True),
        (["decision.recorded", "order.received"], True),
        ([], False),
        (["Decision.Recorded"], False),
        (["decision"], False),
        (["decision.recorded", "bad event"], False),
        ([f"e.n{i}" for i in range(51)], False),
    ],
)
def test_event_subscriptions(events: list[str], ok: bool) -> None:
    assert (policy.events_problem(events) is None) is ok


def test_star_means_everything() -> None:
    assert policy.normalise_events(["b.x", "a.y", "b.x"]) == ["a.y", "b.x"]
    assert policy.normalise_events(["a.y", "*"]) == ["*"]
    assert policy.subscribed(["*"], "any.thing")
    assert policy.subscribed(["a.y"], "a.y")
    assert not policy.subscribed(["a.y"], "a.z")


@pytest.mark.parametrize(
    ("link", "ok"),
    [
        ("/posts/1", True),
        ("/notifications?x=1#top", True),
        ("https://evil.example/", False),
        ("//evil.example/", False),
        ("/\\evil.example", False),
        ("posts/1", False),
        ("javascript:alert(1)", False),
        ("/a\nb", False),
    ],
)
def test_notice_links_stay_on_this_site(link: str, ok: bool) -> None:
    assert policy.link_is_valid(link) is ok


def test_shorten_makes_one_line() -> None:
    assert policy.shorten("a\r\nb") == "a b"
    assert policy.shorten("x" * 200, 10) == "x" * 9 + "…"

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
    "url",
    [
        "https://127.1/hook",  # 127.0.0.1 to inet_aton
        "https://0x7f.1/hook",
        "https://0x7F000001/hook",
        "https://0177.0.0.1/hook",  # octal
        "https://2130706433/hook",  # one 32-bit number
        "https://10.1/hook",  # 10.0.0.1
        "https://192.168.1/hook",
        "https://8.8.8.010/hook",  # a leading zero reads as octal: not the address it seems
        "https://0x8.0x8.0x8.0x8/hook",  # even a public one: only the canonical form is accepted
        "https://1.2.3.4.5/hook",
        "https://127.0.0.1./hook",
        "https://169.254.169.254/latest/meta-data",  # cloud metadata: link-local
        "https://100.64.0.1/hook",  # shared address space (carrier-grade NAT)
        "https://0.0.0.0/hook",
        "https://[::ffff:127.0.0.1]/hook",  # IPv4-mapped IPv6
        "https://[::ffff:7f00:1]/hook",
        "https://[64:ff9b::a00:1]/hook",  # NAT64 of 10.0.0.1
        "https://[2002:a00:1::]/hook",  # 6to4 of 10.0.0.1
        "https://[fe80::1]/hook",
    ],
)
def test_production_refuses_hosts_that_resolve_to_private_addresses(url: str) -> None:
    assert policy.url_problem(url, production=True) is not None


@pytest.mark.parametrize("url", ["http://127.1/hook", "http://0x7f.1/hook", "http://0177.0.0.1/hook"])
def test_non_canonical_numeric_hosts_are_refused_everywhere(url: str) -> None:
    assert policy.url_problem(url, production=False) == "The webhook URL is not a valid address."


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.kz/senim",
        "https://8.8.8.8/hook",
        "https://8.8.8.8./hook",
        "https://1e100.net/hook",  # digits and letters: a name, not a number
        "https://0x7f.example.kz/hook",
        "https://123.example.kz/hook",
        "https://[2001:4860:4860::8888]/hook",
    ],
)
def test_production_accepts_public_names_and_canonical_public_addresses(url: str) -> None:
    assert policy.url_problem(url, production=True) is None


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.0.0.5", False),
        ("172.16.0.1", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),  # noqa: S104 - an address to refuse, not one to bind
        ("::1", False),
        ("fd00::1", False),
        ("fe80::1%eth0", False),
        ("::ffff:10.0.0.1", False),
        ("64:ff9b::a00:1", False),
        ("not an address", False),
    ],
)
def test_address_is_public(address: str, public: bool) -> None:
    assert policy.address_is_public(address) is public


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

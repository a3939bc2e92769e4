"""Counting users in Kazakhstan: address ranges, phone numbers, monthly figures, the 100 000 threshold."""

from __future__ import annotations

import ipaddress
import random
import time
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from senim.authority.usercount import (
    Access,
    DailyCount,
    KazakhstanNetworks,
    LocationMethod,
    MonthAverage,
    WindowAverage,
    count_users_in_kazakhstan,
    daily_series,
    declares_kazakhstan,
    is_kazakh_phone,
    last_six_months,
    located_in_kazakhstan,
    monthly_averages,
    parse_ranges,
    rolling_threshold_crossed,
    threshold_crossed,
)

RIPE = """\
# a cut of RIPE NCC's delegated-extended file
2|ripencc|20260101|5|19830705|20251231|+0100
ripencc|*|ipv4|*|3|summary
ripencc|*|ipv6|*|1|summary
ripencc|KZ|ipv4|2.72.0.0|65536|20100303|allocated|aa-11
ripencc|KZ|ipv4|5.34.0.0|1536|20120101|assigned|bb-22
ripencc|RU|ipv4|5.8.0.0|1024|20110101|allocated|cc-33
ripencc|KZ|asn|9198|1|19980101|allocated|aa-11
ripencc||ipv4|5.9.0.0|256||available|
ripencc|ZZ|ipv4|5.10.0.0|256||reserved|
ripencc|KZ|ipv6|2001:db8::|32|20100101|allocated|aa-11
"""


def kz_networks() -> KazakhstanNetworks:
    parsed = parse_ranges(RIPE)
    assert parsed.problems == []
    return parsed.networks


# --- Parsing ----------------------------------------------------------------------------------------


@pytest.mark.law("LAW-12")
def test_cidr_lines_with_comments_blanks_and_single_addresses() -> None:
    parsed = parse_ranges(
        "2.72.0.0/16\n\n# comment\n  95.56.0.0/14   # Kazakhtelecom\n2001:db8::/48\n10.0.0.7\n"
    )
    assert parsed.problems == []
    assert [str(n) for n in parsed.networks.networks()] == [
        "2.72.0.0/16",
        "10.0.0.7/32",
        "95.56.0.0/14",
        "2001:db8::/48",
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param("2.72.0.1/16", "has host bits set", id="host-bits"),
        pytest.param("not-an-ip", "does not appear to be an IPv4 or IPv6 network", id="garbage"),
        pytest.param("2.72.0.0/33", "does not appear to be an IPv4 or IPv6 network", id="v4-prefix-too-long"),
        pytest.param(
            "2001:db8::/129", "does not appear to be an IPv4 or IPv6 network", id="v6-prefix-too-long"
        ),
        pytest.param("300.1.1.0/24", "does not appear to be an IPv4 or IPv6 network", id="octet-too-big"),
    ],
)
def test_bad_cidr_line_is_reported_and_others_kept(line: str, message: str) -> None:
    parsed = parse_ranges(f"2.72.0.0/16\n{line}\n2001:db8::/32\n")
    assert len(parsed.problems) == 1
    assert parsed.problems[0].startswith("line 2: ")
    assert message in parsed.problems[0]
    assert parsed.networks.contains("2.72.1.1")
    assert parsed.networks.contains("2001:db8::1")
    assert len(parsed.networks) == 2


@pytest.mark.law("LAW-12")
def test_ripe_file_keeps_allocated_and_assigned_kz_address_records_only() -> None:
    networks = kz_networks()
    assert [str(n) for n in networks.networks()] == [
        "2.72.0.0/16",
        "5.34.0.0/22",  # 1536 addresses: not a power of two, so two networks
        "5.34.4.0/23",
        "2001:db8::/32",
    ]
    assert not networks.contains("5.8.0.1")  # RU
    assert not networks.contains("5.9.0.1")  # available
    assert not networks.contains("5.10.0.1")  # reserved


def test_ripe_country_can_be_chosen() -> None:
    parsed = parse_ranges(RIPE, country="ru")
    assert parsed.problems == []
    assert [str(n) for n in parsed.networks.networks()] == ["5.8.0.0/22"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param("ripencc|KZ|ipv4|2.72.0.0|65536", "expected at least 7 fields", id="too-few-fields"),
        pytest.param("ripencc|KZ|ipv5|2.72.0.0|256|20100303|allocated", "unknown type 'ipv5'", id="bad-type"),
        pytest.param(
            "ripencc|KZ|ipv4|2.72.0.0|lots|20100303|allocated", "not a whole number", id="bad-count"
        ),
        pytest.param("ripencc|KZ|ipv4|2.72.0.0|-1|20100303|allocated", "not a whole number", id="negative"),
        pytest.param("ripencc|KZ|ipv4|2.72.0.0|0|20100303|allocated", "do not fit", id="zero-count"),
        pytest.param("ripencc|KZ|ipv4|255.255.255.0|512|20100303|allocated", "do not fit", id="past-end"),
        pytest.param("ripencc|KZ|ipv4|2.72.0|256|20100303|allocated", "Expected 4 octets", id="bad-start"),
        pytest.param("ripencc|KZ|ipv4|2001:db8::|256|20100303|allocated", "Expected 4 octets", id="v6-as-v4"),
        pytest.param("ripencc|KZ|ipv6|2001:db8::1|32|20100101|allocated", "has host bits set", id="v6-host"),
        pytest.param(
            "ripencc|KZ|ipv6|2001:db8::|129|20100101|allocated", "not a valid netmask", id="v6-prefix"
        ),
    ],
)
def test_bad_ripe_line_is_reported_and_others_kept(line: str, message: str) -> None:
    parsed = parse_ranges(f"{RIPE}{line}\n")
    bad_line = len(RIPE.splitlines()) + 1
    assert len(parsed.problems) == 1
    assert parsed.problems[0].startswith(f"line {bad_line}: ")
    assert message in parsed.problems[0]
    assert parsed.networks.contains("2.72.0.1")


def test_bad_lines_of_other_countries_are_not_inspected() -> None:
    # The whole world file may be given; only the wanted country's records are checked.
    assert parse_ranges("ripencc|DE|ipv4|nonsense|x|20100303|allocated\n").problems == []


def test_cidr_and_ripe_lines_mix() -> None:
    parsed = parse_ranges("95.56.0.0/14\nripencc|KZ|ipv4|2.72.0.0|256|20100303|allocated\n")
    assert parsed.problems == []
    assert parsed.networks.contains("95.59.255.255")
    assert parsed.networks.contains("2.72.0.255")


def test_empty_text_gives_no_ranges() -> None:
    parsed = parse_ranges("")
    assert parsed.problems == []
    assert len(parsed.networks) == 0
    assert not parsed.networks.contains("2.72.0.1")


def test_overlapping_and_adjacent_ranges_are_merged() -> None:
    networks = KazakhstanNetworks(
        ipaddress.ip_network(n)
        for n in (
            "10.0.0.0/24",
            "10.0.1.0/24",
            "10.0.0.128/25",
            "10.0.3.0/24",
            "2001:db8::/33",
            "2001:db8:8000::/33",
        )
    )
    assert len(networks) == 3
    assert [str(n) for n in networks.networks()] == ["10.0.0.0/23", "10.0.3.0/24", "2001:db8::/32"]


# --- Membership -------------------------------------------------------------------------------------


@pytest.mark.law("LAW-12")
@pytest.mark.parametrize(
    ("ip", "inside"),
    [
        pytest.param("2.72.0.0", True, id="v4-first"),
        pytest.param("2.72.255.255", True, id="v4-last"),
        pytest.param("2.71.255.255", False, id="v4-before"),
        pytest.param("2.73.0.0", False, id="v4-after"),
        pytest.param("5.34.5.255", True, id="odd-count-last"),
        pytest.param("5.34.6.0", False, id="odd-count-after"),
        pytest.param("0.0.0.1", False, id="v4-below-every-range"),
        pytest.param("255.255.255.255", False, id="v4-top"),
        pytest.param("2001:db8::", True, id="v6-first"),
        pytest.param("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", True, id="v6-last"),
        pytest.param("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", False, id="v6-before"),
        pytest.param("2001:db9::", False, id="v6-after"),
        pytest.param("::", False, id="v6-zero"),
        pytest.param("::ffff:2.72.0.1", True, id="v4-mapped-inside"),
        pytest.param("::ffff:2.73.0.1", False, id="v4-mapped-outside"),
        pytest.param("::2.72.0.1", False, id="v4-compatible-is-not-mapped"),
        pytest.param(" 2.72.0.1 ", True, id="surrounding-spaces"),
        pytest.param("2.72.0.1/32", False, id="network-not-address"),
        pytest.param("2.72.0", False, id="short"),
        pytest.param("02.72.0.1", False, id="leading-zero"),
        pytest.param("2.72.0.1\x00", False, id="nul"),
        pytest.param("2001:db8::1%eth0", True, id="v6-scope-id"),
        pytest.param("", False, id="empty"),
        pytest.param("localhost", False, id="name"),
    ],
)
def test_membership_at_range_edges(ip: str, inside: bool) -> None:
    networks = kz_networks()
    assert networks.contains(ip) is inside
    assert (ip in networks) is inside


def test_only_strings_are_in_networks() -> None:
    assert 0x02480001 not in kz_networks()


def test_hundred_thousand_lookups_take_under_a_second() -> None:
    rng = random.Random(12)
    networks = KazakhstanNetworks(
        ipaddress.IPv4Network((rng.getrandbits(32) & ~0xFFFF, 16)) for _ in range(2_000)
    )
    ips = [str(ipaddress.IPv4Address(rng.getrandbits(32))) for _ in range(90_000)]
    ips += [str(ipaddress.IPv6Address(rng.getrandbits(128))) for _ in range(10_000)]
    started = time.perf_counter()
    found = sum(networks.contains(ip) for ip in ips)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0
    # About 2 000 random /16s of 65 536 cover some 3 % of IPv4.
    assert 1_000 < found < 5_000


ipv4_networks = st.builds(
    lambda address, prefix: ipaddress.IPv4Network((address, prefix), strict=False),
    st.integers(0, 2**32 - 1),
    st.integers(0, 32),
)
ipv6_networks = st.builds(
    lambda address, prefix: ipaddress.IPv6Network((address, prefix), strict=False),
    st.integers(0, 2**128 - 1),
    st.integers(0, 128),
)


@settings(max_examples=80, deadline=None)
@given(
    networks=st.lists(st.one_of(ipv4_networks, ipv6_networks), max_size=12),
    v4=st.lists(st.integers(0, 2**32 - 1), max_size=20),
    v6=st.lists(st.integers(0, 2**128 - 1), max_size=20),
)
def test_contains_agrees_with_checking_every_network(
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network], v4: list[int], v6: list[int]
) -> None:
    index = KazakhstanNetworks(networks)
    addresses = [ipaddress.IPv4Address(a) for a in v4] + [ipaddress.IPv6Address(a) for a in v6]
    # Probe each network's edges and just outside them as well as random addresses.
    for network in networks:
        addresses += [network.network_address, network.broadcast_address]
        if int(network.network_address) > 0:
            addresses.append(network.network_address - 1)
        if int(network.broadcast_address) < 2**network.max_prefixlen - 1:
            addresses.append(network.broadcast_address + 1)
    for address in addresses:
        # An IPv4-mapped IPv6 address is looked up as IPv4.
        plain = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
        probe = plain or address
        expected = any(probe.version == n.version and probe in n for n in networks)
        assert index.contains(str(address)) is expected


@settings(max_examples=60, deadline=None)
@given(networks=st.lists(st.one_of(ipv4_networks, ipv6_networks), max_size=12))
def test_merged_networks_cover_exactly_the_input(
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network],
) -> None:
    merged = list(KazakhstanNetworks(networks).networks())
    v4 = [n for n in networks if isinstance(n, ipaddress.IPv4Network)]
    v6 = [n for n in networks if isinstance(n, ipaddress.IPv6Network)]
    assert merged == [*ipaddress.collapse_addresses(v4), *ipaddress.collapse_addresses(v6)]


# --- Phones and declared country --------------------------------------------------------------------


@pytest.mark.law("LAW-12")
@pytest.mark.parametrize(
    ("phone", "kazakh"),
    [
        pytest.param("+7 701 123 45 67", True, id="beeline-kz-e164"),
        pytest.param("+77011234567", True, id="compact-e164"),
        pytest.param("8 701 123 45 67", True, id="national-prefix-8"),
        pytest.param("8 (701) 123-45-67", True, id="national-with-brackets"),
        pytest.param("7 727 250 00 00", True, id="almaty-without-plus"),
        pytest.param("+7 7172 55 55 55", True, id="astana-geographic"),
        pytest.param("+7 747 000 00 00", True, id="tele2-747"),
        pytest.param("+7 777 000 00 00", True, id="kcell-777"),
        pytest.param("007 705 123 45 67", True, id="international-00"),
        pytest.param("7011234567", True, id="bare-national-number"),
        pytest.param("701.123.45.67", True, id="dots"),
        pytest.param("+7 600 000 00 00", True, id="zone-6-reserved-for-kz"),
        pytest.param("+7 336 22 12345", True, id="baikonur"),
        pytest.param("+7 336 21 12345", False, id="zone-3-next-to-baikonur-is-russian"),
        pytest.param("+7 495 123 45 67", False, id="moscow"),
        pytest.param("8 495 123 45 67", False, id="moscow-national"),
        pytest.param("+7 812 123 45 67", False, id="saint-petersburg"),
        pytest.param("+7 916 123 45 67", False, id="russian-mobile"),
        pytest.param("+7 999 123 45 67", False, id="russian-mobile-999"),
        pytest.param("+7 383 123 45 67", False, id="novosibirsk"),
        pytest.param("+7 800 123 45 67", False, id="toll-free-shared"),
        pytest.param("8 800 123 45 67", False, id="toll-free-national"),
        pytest.param("+7 701 123 45 6", False, id="one-digit-short"),
        pytest.param("+7 701 123 45 678", False, id="one-digit-long"),
        pytest.param("+8 701 123 45 67", False, id="plus-8-is-not-a-prefix"),
        pytest.param("+997 701 123 4567", False, id="other-country-code"),
        pytest.param("+44 20 7946 0958", False, id="london"),
        pytest.param("7 701 12x 45 67", False, id="letter-inside"),
        pytest.param("+7 701 123 45 67 ext 2", False, id="extension-text"),
        pytest.param("7+701 123 45 67", False, id="plus-in-middle"),
        pytest.param("+7 ٧٠١ 123 45 67", False, id="arabic-indic-digits"),
        pytest.param("", False, id="empty"),
        pytest.param("+", False, id="only-plus"),
        pytest.param("telephone", False, id="word"),
    ],
)
def test_kazakh_phone(phone: str, kazakh: bool) -> None:
    assert is_kazakh_phone(phone) is kazakh


@settings(max_examples=100, deadline=None)
@given(zone=st.integers(300, 999), subscriber=st.integers(0, 9_999_999))
def test_phone_forms_agree_and_follow_the_zone(zone: int, subscriber: int) -> None:
    national = f"{zone}{subscriber:07d}"
    forms = [f"+7{national}", f"+7 ({zone}) {subscriber:07d}", f"8{national}", f"7{national}", national]
    results = {is_kazakh_phone(form) for form in forms}
    assert results == {zone // 100 in (6, 7) or national.startswith("33622")}


@pytest.mark.parametrize(
    ("country", "kazakh"),
    [
        ("KZ", True),
        ("kz", True),
        (" KAZ ", True),
        ("RU", False),
        ("RUS", False),
        ("", None),
        ("Kazakhstan", None),
        ("398", None),
    ],
)
def test_declared_country(country: str, kazakh: bool | None) -> None:
    assert declares_kazakhstan(country) is kazakh


# --- Locating a user and counting a day -------------------------------------------------------------


@pytest.mark.law("LAW-12")
@pytest.mark.parametrize(
    ("method", "given_", "located"),
    [
        pytest.param(LocationMethod.IP_RANGES, {"ip": "2.72.0.9"}, True, id="ip-inside"),
        pytest.param(LocationMethod.IP_RANGES, {"ip": "5.8.0.1"}, False, id="ip-outside"),
        pytest.param(LocationMethod.IP_RANGES, {"ip": "bad"}, None, id="ip-unreadable"),
        pytest.param(LocationMethod.IP_RANGES, {"ip": "fe80::1%eth0"}, False, id="ip-link-local"),
        pytest.param(LocationMethod.IP_RANGES, {"ip": "2001:db8::9"}, True, id="ip-v6-inside"),
        pytest.param(LocationMethod.IP_RANGES, {"phone": "+77011234567"}, None, id="ip-missing"),
        pytest.param(LocationMethod.DECLARED_COUNTRY, {"declared_country": "KZ"}, True, id="declared-kz"),
        pytest.param(LocationMethod.DECLARED_COUNTRY, {"declared_country": "UZ"}, False, id="declared-uz"),
        pytest.param(LocationMethod.DECLARED_COUNTRY, {"declared_country": "?"}, None, id="declared-bad"),
        pytest.param(LocationMethod.DECLARED_COUNTRY, {"ip": "2.72.0.9"}, None, id="declared-missing"),
        pytest.param(LocationMethod.PHONE_CODE, {"phone": "8 701 123 45 67"}, True, id="phone-kz"),
        pytest.param(LocationMethod.PHONE_CODE, {"phone": "+7 495 123 45 67"}, False, id="phone-ru"),
        pytest.param(LocationMethod.PHONE_CODE, {"phone": "+44 20 7946 0958"}, None, id="phone-not-plus-7"),
        pytest.param(LocationMethod.PHONE_CODE, {"phone": "call me"}, None, id="phone-garbage"),
        pytest.param(LocationMethod.PHONE_CODE, {}, None, id="phone-missing"),
        pytest.param(
            LocationMethod.PLATFORM_FIGURES,
            {"ip": "2.72.0.9", "declared_country": "KZ", "phone": "+77011234567"},
            None,
            id="platform-figures-decide-nothing-per-user",
        ),
    ],
)
def test_located_in_kazakhstan(method: LocationMethod, given_: dict[str, str], located: bool | None) -> None:
    assert located_in_kazakhstan(method, networks=kz_networks(), **given_) is located


def test_locating_by_ip_needs_networks() -> None:
    with pytest.raises(ValueError, match="needs the networks"):
        located_in_kazakhstan(LocationMethod.IP_RANGES, ip="2.72.0.9")


def test_location_method_values() -> None:
    assert [m.value for m in LocationMethod] == [
        "ip_ranges",
        "declared_country",
        "phone_code",
        "platform_figures",
    ]


@pytest.mark.law("LAW-12")
def test_day_count_counts_each_located_user_once() -> None:
    accesses = [
        Access("aigerim", ip="2.72.0.1"),
        Access("aigerim", ip="2.72.0.2"),
        Access("boris", ip="5.8.0.1"),
        Access("boris", ip="2.72.3.3"),  # once from Kazakhstan that day: counted
        Access("chen", ip="5.8.0.2"),
        Access("dana", ip=None),
        Access("erlan", ip="::ffff:2.72.9.9"),
    ]
    assert count_users_in_kazakhstan(accesses, LocationMethod.IP_RANGES, networks=kz_networks()) == 3


def test_day_count_by_phone_and_declared_country() -> None:
    accesses = [
        Access(1, phone="+7 701 000 00 01", declared_country="RU"),
        Access(2, phone="+7 916 000 00 02", declared_country="KZ"),
        Access(3, phone=None, declared_country="KAZ"),
    ]
    assert count_users_in_kazakhstan(accesses, LocationMethod.PHONE_CODE) == 1
    assert count_users_in_kazakhstan(accesses, LocationMethod.DECLARED_COUNTRY) == 2
    assert count_users_in_kazakhstan([], LocationMethod.PHONE_CODE) == 0


def test_day_count_with_platform_figures_or_without_networks_is_refused() -> None:
    with pytest.raises(ValueError, match="reports the daily count itself"):
        count_users_in_kazakhstan([Access(1, ip="2.72.0.1")], LocationMethod.PLATFORM_FIGURES)
    with pytest.raises(ValueError, match="needs the networks"):
        count_users_in_kazakhstan([], LocationMethod.IP_RANGES)


# --- Daily series, monthly averages, the published figure -------------------------------------------


def month(year: int, month: int, users: int, skip: frozenset[int] = frozenset()) -> dict[date, int]:
    """A count of ``users`` for every day of a month, but the days in ``skip``."""
    days: dict[date, int] = {}
    day = date(year, month, 1)
    while day.month == month:
        if day.day not in skip:
            days[day] = users
        day += timedelta(days=1)
    return days


@pytest.mark.law("LAW-25")
def test_daily_series_shows_missing_days_as_none() -> None:
    daily = {date(2026, 3, 1): 10, date(2026, 3, 3): 30}
    assert daily_series(daily, date(2026, 2, 28), date(2026, 3, 3)) == [
        DailyCount(date(2026, 2, 28), None),
        DailyCount(date(2026, 3, 1), 10),
        DailyCount(date(2026, 3, 2), None),
        DailyCount(date(2026, 3, 3), 30),
    ]
    assert daily_series(daily, date(2026, 3, 1), date(2026, 3, 1)) == [(date(2026, 3, 1), 10)]
    with pytest.raises(ValueError, match="before the first"):
        daily_series(daily, date(2026, 3, 2), date(2026, 3, 1))


@pytest.mark.law("LAW-21")
@pytest.mark.parametrize(
    ("daily", "expected"),
    [
        pytest.param(month(2026, 1, 50), {(2026, 1): 50.0}, id="full-month"),
        pytest.param(
            {date(2026, 1, 1): 10, date(2026, 1, 2): 20, date(2026, 1, 31): 60},
            {(2026, 1): 30.0},
            id="missing-days-left-out-not-zero",
        ),
        pytest.param(
            {date(2026, 1, 1): 0, date(2026, 1, 2): 30},
            {(2026, 1): 15.0},
            id="a-stored-zero-counts",
        ),
        pytest.param(
            {**month(2024, 2, 29), date(2024, 2, 29): 29 + 29},
            {(2024, 2): 30.0},
            id="leap-february-has-29-days",
        ),
        pytest.param(month(2023, 2, 7), {(2023, 2): 7.0}, id="common-february"),
        pytest.param(
            {date(2025, 12, 31): 100, date(2026, 1, 1): 200},
            {(2025, 12): 100.0, (2026, 1): 200.0},
            id="year-boundary",
        ),
        pytest.param({}, {}, id="no-counts"),
    ],
)
def test_monthly_averages(daily: dict[date, int], expected: dict[tuple[int, int], float]) -> None:
    assert monthly_averages(daily) == expected


def test_leap_february_month_builder_has_29_days() -> None:
    assert len(month(2024, 2, 1)) == 29
    assert len(month(2023, 2, 1)) == 28


def test_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="negative count -1 on 2026-01-02"):
        monthly_averages({date(2026, 1, 1): 5, date(2026, 1, 2): -1})


@pytest.mark.law("LAW-21")
def test_last_six_months_across_a_year_boundary_oldest_first() -> None:
    daily: dict[date, int] = {}
    for year, number, users in [
        (2025, 7, 700),  # seven months back: outside the window
        (2025, 8, 800),
        (2025, 9, 900),
        (2025, 10, 1000),
        (2025, 11, 1100),
        (2025, 12, 1200),
        (2026, 1, 100),
        (2026, 2, 200),  # the current month: not over
    ]:
        daily.update(month(year, number, users))
    assert last_six_months(daily, date(2026, 2, 10)) == [
        MonthAverage(2025, 8, 800.0),
        MonthAverage(2025, 9, 900.0),
        MonthAverage(2025, 10, 1000.0),
        MonthAverage(2025, 11, 1100.0),
        MonthAverage(2025, 12, 1200.0),
        MonthAverage(2026, 1, 100.0),
    ]


@pytest.mark.law("LAW-21")
def test_last_six_months_leaves_out_months_without_counts() -> None:
    daily = {**month(2025, 10, 10), **month(2025, 12, 30, skip=frozenset(range(1, 31)))}
    assert last_six_months(daily, date(2026, 1, 1)) == [
        MonthAverage(2025, 10, 10.0),
        MonthAverage(2025, 12, 30.0),
    ]
    assert last_six_months({}, date(2026, 1, 1)) == []


def test_last_six_months_on_the_first_of_january() -> None:
    daily = month(2025, 12, 5) | month(2025, 7, 4) | month(2025, 6, 3)
    assert last_six_months(daily, date(2026, 1, 1)) == [(2025, 7, 4.0), (2025, 12, 5.0)]


# --- The legal-representative threshold -------------------------------------------------------------


@pytest.mark.law("LAW-10")
@pytest.mark.parametrize(
    ("daily", "crossed"),
    [
        pytest.param(month(2026, 4, 100_000), None, id="exactly-100000-is-not-more"),
        pytest.param(month(2026, 4, 100_001), MonthAverage(2026, 4, 100_001.0), id="100001-crosses"),
        pytest.param(
            {**month(2026, 4, 100_000), date(2026, 4, 30): 100_001},
            MonthAverage(2026, 4, (29 * 100_000 + 100_001) / 30),
            id="one-user-over-on-one-day-lifts-the-average-over",
        ),
        pytest.param(
            {**month(2026, 4, 200_000), date(2026, 4, 30): 0},
            MonthAverage(2026, 4, 29 * 200_000 / 30),
            id="average-not-every-day",
        ),
        pytest.param(
            {**month(2026, 4, 150_000), **month(2026, 4, 0, skip=frozenset(range(1, 16)))},
            None,
            id="half-the-month-at-zero",
        ),
        pytest.param(
            month(2026, 4, 150_000, skip=frozenset(range(2, 31))),
            MonthAverage(2026, 4, 150_000.0),
            id="one-counted-day-is-the-average",
        ),
        pytest.param(month(2026, 5, 500_000), None, id="current-month-is-not-over"),
        pytest.param(month(2026, 3, 500_000), None, id="earlier-month-is-not-the-last"),
        pytest.param({}, None, id="no-counts"),
    ],
)
def test_threshold_over_the_last_calendar_month(daily: dict[date, int], crossed: MonthAverage | None) -> None:
    assert threshold_crossed(daily, date(2026, 5, 20)) == crossed


@pytest.mark.law("LAW-10")
def test_threshold_in_january_looks_at_december() -> None:
    daily = month(2025, 12, 100_001)
    assert threshold_crossed(daily, date(2026, 1, 1)) == MonthAverage(2025, 12, 100_001.0)
    assert threshold_crossed(daily, date(2026, 2, 1)) is None


def test_threshold_can_be_set() -> None:
    assert threshold_crossed(month(2026, 4, 11), date(2026, 5, 1), threshold=10) == (2026, 4, 11.0)
    assert threshold_crossed(month(2026, 4, 10), date(2026, 5, 1), threshold=10) is None


@settings(max_examples=100, deadline=None)
@given(counts=st.lists(st.integers(0, 300_000), min_size=1, max_size=30))
def test_threshold_crossed_exactly_when_the_sum_beats_threshold_times_days(counts: list[int]) -> None:
    daily = {date(2026, 4, 1) + timedelta(days=n): users for n, users in enumerate(counts)}
    crossed = threshold_crossed(daily, date(2026, 5, 3))
    assert (crossed is not None) is (sum(counts) > 100_000 * len(counts))
    average = monthly_averages(daily)[(2026, 4)]
    assert min(counts) <= average <= max(counts)
    if crossed is not None:
        assert crossed == (2026, 4, average)


@pytest.mark.law("LAW-10")
@pytest.mark.parametrize(
    ("users", "crossed"),
    [
        pytest.param(100_000, None, id="exactly-100000-is-not-more"),
        pytest.param(100_001, WindowAverage(date(2026, 4, 20), date(2026, 5, 19), 100_001.0), id="crosses"),
    ],
)
def test_rolling_window_ends_yesterday(users: int, crossed: WindowAverage | None) -> None:
    daily = {date(2026, 4, 20) + timedelta(days=n): users for n in range(30)}
    daily[date(2026, 4, 19)] = 10**9  # before the window
    daily[date(2026, 5, 20)] = 10**9  # today: not over
    assert rolling_threshold_crossed(daily, date(2026, 5, 20)) == crossed


def test_rolling_window_warns_before_the_calendar_month_does() -> None:
    # The second half of April and the first of May are busy; neither calendar month averages over.
    daily = {**month(2026, 4, 50_000), **month(2026, 5, 50_000)}
    for n in range(30):
        daily[date(2026, 4, 16) + timedelta(days=n)] = 120_000
    assert threshold_crossed(daily, date(2026, 5, 16)) is None
    assert rolling_threshold_crossed(daily, date(2026, 5, 16)) == WindowAverage(
        date(2026, 4, 16), date(2026, 5, 15), 120_000.0
    )


def test_rolling_window_averages_counted_days_and_checks_its_size() -> None:
    daily = {date(2026, 5, 19): 100_002, date(2026, 5, 18): 100_000}
    assert rolling_threshold_crossed(daily, date(2026, 5, 20), window=7) == WindowAverage(
        date(2026, 5, 13), date(2026, 5, 19), 100_001.0
    )
    assert rolling_threshold_crossed({}, date(2026, 5, 20)) is None
    assert rolling_threshold_crossed(daily, date(2026, 5, 20), window=1) == (
        date(2026, 5, 19),
        date(2026, 5, 19),
        100_002.0,
    )
    with pytest.raises(ValueError, match="at least one day"):
        rolling_threshold_crossed(daily, date(2026, 5, 20), window=0)

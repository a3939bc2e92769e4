"""Counting users located in Kazakhstan and the figures built on the counts (LAW-10, 12, 21, 25).

Pure: no I/O. The caller stores one count per day and passes the counts in as ``{date: users}``.

**Where a user is.** How location is decided is the operator's choice (:class:`LocationMethod`):

- ``ip_ranges``: the address the user came from is in Kazakhstan's address ranges
  (:class:`KazakhstanNetworks`). Senim ships no list and downloads nothing; the operator supplies one,
  best RIPE NCC's daily statistics file (``delegated-ripencc-extended-latest`` from
  ``https://ftp.ripe.net/pub/stats/ripencc/``), passed whole or cut down to its ``KZ`` lines. Each
  record line is ``registry|cc|type|start|value|date|status[|opaque-id]``, for instance
  ``ripencc|KZ|ipv4|2.72.0.0|65536|20100303|allocated|<id>``: for ``ipv4`` the value is a number of
  addresses from ``start`` (not always a power of two), for ``ipv6`` it is a prefix length
  (start ``2001:db8::`` with value ``32`` is ``2001:db8::/32``). A plain list of CIDR ranges, one a
  line, works too. :func:`parse_ranges` reads both, line by line. Registry country is where an
  address is registered, not where its user sits (VPNs, roaming): it is an estimate, as are all methods.
- ``declared_country``: the country the user gave (ISO 3166 ``KZ`` or ``KAZ``).
- ``phone_code``: the user's phone number is a Kazakhstan one (:func:`is_kazakh_phone`).
- ``platform_figures``: the integrating platform counts its own users and reports the daily figures;
  Senim decides nothing per user.

**Daily count (LAW-12, 25).** :func:`count_users_in_kazakhstan` counts the distinct users of one day's
accesses: a user is counted once, if at least one of their accesses that day is located in Kazakhstan.

**Missing days.** A day without a count is a day the counter did not run or did not report, not a day
with no users: averages are taken over the days that have a count. To count a day as zero, store 0.

**Monthly figures (LAW-21).** :func:`monthly_averages` gives the average daily users of each calendar
month; :func:`last_six_months` the published figure: the six complete calendar months before the
current one, oldest first, leaving out months without any count (a platform newer than six months
publishes fewer). The current month is never included: it is not over.

**Legal-representative threshold (LAW-10).** Art. 9(1) applies when "average daily access ... during a
month is more than one hundred thousand users located in Kazakhstan". :func:`threshold_crossed` reads
"a month" as the last complete calendar month, the same figure as the published monthly average, and
"more than" strictly: an average of exactly 100 000 does not cross it. The comparison is exact (whole
numbers, no floating point). The law does not say calendar month, so :func:`rolling_threshold_crossed`
gives an earlier warning over the last 30 days, which an operator may prefer.

``today`` is the Kazakhstan calendar date (:func:`senim.kit.clock.today_in`).
"""

from __future__ import annotations

import bisect
import contextlib
import ipaddress
import re
import socket
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "LEGAL_REPRESENTATIVE_THRESHOLD",
    "Access",
    "DailyCount",
    "KazakhstanNetworks",
    "LocationMethod",
    "MonthAverage",
    "ParsedRanges",
    "WindowAverage",
    "count_users_in_kazakhstan",
    "daily_series",
    "declares_kazakhstan",
    "is_kazakh_phone",
    "last_six_months",
    "located_in_kazakhstan",
    "monthly_averages",
    "parse_ranges",
    "rolling_threshold_crossed",
    "threshold_crossed",
]

# Art. 9(1): more than one hundred thousand average daily users located in Kazakhstan over a month.
LEGAL_REPRESENTATIVE_THRESHOLD = 100_000

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# The upper 96 bits of an IPv4-mapped IPv6 address (::ffff:a.b.c.d).
_V4_MAPPED = 0xFFFF


class LocationMethod(StrEnum):
    IP_RANGES = "ip_ranges"
    DECLARED_COUNTRY = "declared_country"
    PHONE_CODE = "phone_code"
    PLATFORM_FIGURES = "platform_figures"


# ---------------------------------------------------------------------------------------------------
# Address ranges


def _address(ip: str) -> tuple[int, int] | None:
    """``(version, value)`` of an address, None when unreadable; IPv4-mapped IPv6 gives its IPv4 address.

    ``inet_pton`` (a conversion, no I/O) reads the usual forms some ten times faster than ``ipaddress``;
    ``ipaddress`` reads the rest (an IPv6 scope id).
    """
    text = ip.strip()
    with contextlib.suppress(OSError, ValueError):
        return 4, int.from_bytes(socket.inet_pton(socket.AF_INET, text))
    try:
        value = int.from_bytes(socket.inet_pton(socket.AF_INET6, text))
    except (OSError, ValueError):
        try:
            value = int(ipaddress.IPv6Address(text))
        except ValueError:
            return None
    return (4, value & 0xFFFF_FFFF) if value >> 32 == _V4_MAPPED else (6, value)


def _merge(ranges: Iterable[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Sorted starts and ends of the union of inclusive ``(start, end)`` ranges, touching ones joined."""
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(ranges):
        if ends and start <= ends[-1] + 1:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


class KazakhstanNetworks:
    """A set of IPv4 and IPv6 ranges answering "is this address inside?" by binary search.

    Overlapping and adjacent ranges are merged, so a lookup is one ``bisect`` over a sorted list.
    An IPv4-mapped IPv6 address (``::ffff:2.72.0.1``) is looked up as the IPv4 address it carries.
    """

    __slots__ = ("_v4_ends", "_v4_starts", "_v6_ends", "_v6_starts")

    def __init__(self, networks: Iterable[Network] = ()) -> None:
        v4: list[tuple[int, int]] = []
        v6: list[tuple[int, int]] = []
        for network in networks:
            bounds = (int(network.network_address), int(network.broadcast_address))
            (v4 if network.version == 4 else v6).append(bounds)
        self._v4_starts, self._v4_ends = _merge(v4)
        self._v6_starts, self._v6_ends = _merge(v6)

    def contains(self, ip: str) -> bool:
        """Whether ``ip`` is inside one of the ranges; an unreadable address is not."""
        address = _address(ip)
        return address is not None and self._holds(*address)

    def _holds(self, version: int, value: int) -> bool:
        starts, ends = (self._v4_starts, self._v4_ends) if version == 4 else (self._v6_starts, self._v6_ends)
        index = bisect.bisect_right(starts, value) - 1
        return index >= 0 and value <= ends[index]

    def __contains__(self, ip: object) -> bool:
        return isinstance(ip, str) and self.contains(ip)

    def __len__(self) -> int:
        """Number of ranges after merging."""
        return len(self._v4_starts) + len(self._v6_starts)

    def networks(self) -> Iterator[Network]:
        """The merged ranges as the fewest CIDR networks, IPv4 first, each in address order."""
        for starts, ends, make in (
            (self._v4_starts, self._v4_ends, ipaddress.IPv4Address),
            (self._v6_starts, self._v6_ends, ipaddress.IPv6Address),
        ):
            for start, end in zip(starts, ends, strict=True):
                yield from ipaddress.summarize_address_range(make(start), make(end))


@dataclass(frozen=True, slots=True)
class ParsedRanges:
    networks: KazakhstanNetworks
    problems: list[str] = field(default_factory=list)


_RIPE_USED = frozenset({"allocated", "assigned"})
_RIPE_TYPES = frozenset({"asn", "ipv4", "ipv6"})
_VERSION = re.compile(r"\d+(\.\d+)?")


def _ripe_line(fields: list[str], country: str) -> list[Network] | str | None:
    """The networks of one delegated-file line, None when the line is not for us, or a problem."""
    if _VERSION.fullmatch(fields[0]) or fields[-1] == "summary":
        return None  # version header or per-type summary
    if len(fields) < 7:
        return f"expected at least 7 fields separated by '|', found {len(fields)}"
    cc, kind, start, value, status = fields[1].upper(), fields[2].lower(), fields[3], fields[4], fields[6]
    if kind not in _RIPE_TYPES:
        return f"unknown type {fields[2]!r} (expected asn, ipv4 or ipv6)"
    if kind == "asn" or cc != country or status.lower() not in _RIPE_USED:
        return None
    if not value.isdigit():
        return f"value {value!r} is not a whole number"
    try:
        if kind == "ipv4":
            first = ipaddress.IPv4Address(start)
            count = int(value)
            if count == 0 or int(first) + count - 1 > int(ipaddress.IPv4Address("255.255.255.255")):
                return f"{count} addresses from {first} do not fit in IPv4"
            return list(ipaddress.summarize_address_range(first, first + (count - 1)))
        return [ipaddress.IPv6Network(f"{start}/{value}")]
    except ValueError as error:
        return str(error)


def parse_ranges(text: str, *, country: str = "KZ") -> ParsedRanges:
    """Read address ranges: CIDR lines and RIPE delegated-file lines, mixed freely.

    A line holding ``|`` is a delegated-file line; only its ``ipv4``/``ipv6`` records for ``country``
    with status ``allocated`` or ``assigned`` are kept (so the whole world file may be given). Any other
    line is one CIDR range or single address. Blank lines and ``#`` comments are skipped. Never raises
    on bad input: bad lines are left out and reported as ``"line N: message"``.
    """
    networks: list[Network] = []
    problems: list[str] = []
    wanted = country.strip().upper()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if "|" in line:
            found = _ripe_line([part.strip() for part in line.split("|")], wanted)
            if isinstance(found, str):
                problems.append(f"line {number}: {found}")
            elif found:
                networks.extend(found)
            continue
        try:
            networks.append(ipaddress.ip_network(line))
        except ValueError as error:
            problems.append(f"line {number}: {error}")
    return ParsedRanges(KazakhstanNetworks(networks), problems)


# ---------------------------------------------------------------------------------------------------
# Phone numbers and declared country

_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_KAZAKH_PHONE = re.compile(r"[67]\d{9}|33622\d{5}")


def _national_number(phone: str) -> str | None:
    """The 10-digit national number of a number in zone +7, None when ``phone`` is not one.

    Accepted: ``+7 …`` and ``007 …`` (international), ``8 …`` (national prefix), ``7 …`` (country
    code without the plus), each followed by 10 digits, or the 10 digits alone. Spaces, hyphens,
    dots and brackets are ignored.
    """
    compact = _PHONE_SEPARATORS.sub("", phone)
    international = compact.startswith("+")
    if international:
        compact = compact[1:]
    elif compact.startswith("00"):
        compact = compact[2:]
        international = True
    if not compact.isascii() or not compact.isdigit():
        return None
    if international:
        return compact[1:] if len(compact) == 11 and compact[0] == "7" else None
    if len(compact) == 11 and compact[0] in "78":
        return compact[1:]
    return compact if len(compact) == 10 else None


def is_kazakh_phone(e164_or_local: str) -> bool:
    """Whether the number is a Kazakhstan one.

    Kazakhstan and Russia share country code +7. The zones after it decide: Kazakhstan has zones 6
    and 7 (mobile such as +7 701, 747 and 777, geographic such as +7 727 Almaty and +7 7172 Astana;
    zone 6 is reserved for it and not yet in use), Russia zones 3, 4, 8 and 9. One
    exception: Baikonur, Kazakh territory leased to Russia, keeps Russian numbers +7 336 22 xxxxx;
    they are taken as Kazakhstan, as libphonenumber does. Toll-free and premium +7 8xx numbers,
    shared by both countries, are not anyone's phone and do not count.
    """
    national = _national_number(e164_or_local)
    return national is not None and _KAZAKH_PHONE.fullmatch(national) is not None


def declares_kazakhstan(country: str) -> bool | None:
    """Whether an ISO 3166 country code (alpha-2 or alpha-3, any case) is Kazakhstan; None if not a code."""
    code = country.strip().upper()
    if not re.fullmatch(r"[A-Z]{2,3}", code):
        return None
    return code in ("KZ", "KAZ")


def located_in_kazakhstan(
    method: LocationMethod,
    *,
    ip: str | None = None,
    declared_country: str | None = None,
    phone: str | None = None,
    networks: KazakhstanNetworks | None = None,
) -> bool | None:
    """Whether a user is in Kazakhstan by ``method``; None when that method cannot tell.

    Unknown means: the input the method needs is missing or unreadable, or the method is
    ``platform_figures`` (the platform counts, not Senim). ``ip_ranges`` needs ``networks``.
    """
    match method:
        case LocationMethod.IP_RANGES:
            if networks is None:
                raise ValueError("locating by IP ranges needs the networks")
            address = None if ip is None else _address(ip)
            return None if address is None else networks._holds(*address)
        case LocationMethod.DECLARED_COUNTRY:
            return None if declared_country is None else declares_kazakhstan(declared_country)
        case LocationMethod.PHONE_CODE:
            if phone is None or _national_number(phone) is None:
                return None
            return is_kazakh_phone(phone)
        case LocationMethod.PLATFORM_FIGURES:
            return None


@dataclass(frozen=True, slots=True)
class Access:
    """One access by a user: ``user`` is whatever identifies them (account id, or a visitor id)."""

    user: Hashable
    ip: str | None = None
    declared_country: str | None = None
    phone: str | None = None


def count_users_in_kazakhstan(
    accesses: Iterable[Access], method: LocationMethod, *, networks: KazakhstanNetworks | None = None
) -> int:
    """Distinct users with at least one access located in Kazakhstan (the day's count, LAW-12).

    Accesses whose location is unknown are not counted. ``platform_figures`` has no accesses to
    count and is refused.
    """
    if method is LocationMethod.PLATFORM_FIGURES:
        raise ValueError("with platform figures the platform reports the daily count itself")
    if method is LocationMethod.IP_RANGES and networks is None:
        raise ValueError("locating by IP ranges needs the networks")
    counted: set[Hashable] = set()
    for access in accesses:
        if access.user in counted:
            continue
        located = located_in_kazakhstan(
            method,
            ip=access.ip,
            declared_country=access.declared_country,
            phone=access.phone,
            networks=networks,
        )
        if located:
            counted.add(access.user)
    return len(counted)


# ---------------------------------------------------------------------------------------------------
# Daily counts, monthly averages, the threshold


class DailyCount(NamedTuple):
    day: date
    users: int | None  # None: no count for that day


class MonthAverage(NamedTuple):
    year: int
    month: int
    average: float


class WindowAverage(NamedTuple):
    first: date
    last: date
    average: float


def _check(daily: Mapping[date, int]) -> None:
    for day, users in daily.items():
        if users < 0:
            raise ValueError(f"negative count {users} on {day.isoformat()}")


def daily_series(daily: Mapping[date, int], first: date, last: date) -> list[DailyCount]:
    """Every day from ``first`` to ``last`` inclusive with its count, None where there is none (LAW-25)."""
    if last < first:
        raise ValueError("the last day is before the first")
    return [
        DailyCount(first + timedelta(days=n), daily.get(first + timedelta(days=n)))
        for n in range((last - first).days + 1)
    ]


def _month_sums(daily: Mapping[date, int]) -> dict[tuple[int, int], tuple[int, int]]:
    """Per ``(year, month)``: the sum of the counts and the number of days counted."""
    _check(daily)
    sums: dict[tuple[int, int], tuple[int, int]] = {}
    for day, users in daily.items():
        total, days = sums.get((day.year, day.month), (0, 0))
        sums[(day.year, day.month)] = (total + users, days + 1)
    return sums


def monthly_averages(daily: Mapping[date, int]) -> dict[tuple[int, int], float]:
    """Average daily users of each month that has a count, over the days that have one."""
    return {month: total / days for month, (total, days) in sorted(_month_sums(daily).items())}


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def last_six_months(daily: Mapping[date, int], today: date) -> list[MonthAverage]:
    """The published figure (LAW-21): the six complete months before ``today``'s, oldest first.

    Months with no count at all are left out.
    """
    averages = monthly_averages(daily)
    months: list[tuple[int, int]] = []
    year, month = today.year, today.month
    for _ in range(6):
        year, month = _month_before(year, month)
        months.append((year, month))
    return [MonthAverage(y, m, averages[(y, m)]) for y, m in reversed(months) if (y, m) in averages]


def threshold_crossed(
    daily: Mapping[date, int], today: date, threshold: int = LEGAL_REPRESENTATIVE_THRESHOLD
) -> MonthAverage | None:
    """The last complete calendar month if its average daily users is more than ``threshold`` (LAW-10)."""
    year, month = _month_before(today.year, today.month)
    total, days = _month_sums(daily).get((year, month), (0, 0))
    if days == 0 or total <= threshold * days:
        return None
    return MonthAverage(year, month, total / days)


def rolling_threshold_crossed(
    daily: Mapping[date, int],
    today: date,
    threshold: int = LEGAL_REPRESENTATIVE_THRESHOLD,
    window: int = 30,
) -> WindowAverage | None:
    """The ``window`` days ending yesterday if their average daily users is more than ``threshold``.

    An early warning: the law's "during a month" read as any month-long period rather than a calendar
    month. Averaged over the days that have a count; today is left out as it is not over.
    """
    if window < 1:
        raise ValueError("the window must be at least one day")
    _check(daily)
    last = today - timedelta(days=1)
    first = today - timedelta(days=window)
    counts = [users for day, users in daily.items() if first <= day <= last]
    if not counts or sum(counts) <= threshold * len(counts):
        return None
    return WindowAverage(first, last, sum(counts) / len(counts))

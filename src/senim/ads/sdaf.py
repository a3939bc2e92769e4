"""The ad repository in an SDAF-style JSON document (a standard ad-repository format, after the proposal
for DSA Art. 39 repositories): per ad its content, advertiser, who paid, the period it was shown, the
targeting parameters, and reach in aggregate. Built from repository entries only, so it can hold nothing
about the people who saw an ad. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from senim.ads import policy
from senim.ads.repository import Reach
from senim.models.ads import AdRepositoryEntry

FORMAT = "SDAF"
VERSION = "1.0"
LEGAL_BASIS = "Law of the Republic of Kazakhstan On online platforms and online advertising, Art. 22(2)"


def ad(entry: AdRepositoryEntry, reach: Reach | None, base_url: str) -> dict[str, Any]:
    advertiser = {
        "name": entry.advertiser_name,
        "identifier": {"scheme": "KZ-BIN", "value": entry.advertiser_bin} if entry.advertiser_bin else None,
        "account": f"{base_url}/u/{entry.advertiser_account}",
    }
    return {
        "ad_id": str(entry.id),
        "ad_type": entry.kind,
        "label": entry.label,
        "content": {
            "headline": entry.headline,
            "body": entry.body,
            "landing_url": entry.landing_url or None,
            "image_url": f"{base_url}/ads/creatives/{entry.creative_id}/image"
            if entry.has_image and entry.creative_id
            else None,
        },
        "campaign": entry.campaign_name,
        "advertiser": advertiser,
        "payer": advertiser,  # the advertiser pays for its own campaigns on this platform
        "period": {
            "first_shown": entry.first_shown_on.isoformat(),
            "last_shown": entry.last_shown_on.isoformat(),
        },
        "targeting": {
            "targeted": policy.is_targeted(entry.targeting),
            "parameters": {k: list(v) for k, v in entry.targeting.items() if v},
            "minors_excluded_from_targeting": True,
        },
        "reach": {
            "total_impressions": reach.total if reach else 0,
            "by_region": dict(reach.by_region) if reach else {},
            "by_age_band": dict(reach.by_age_band) if reach else {},
        },
        "retained_until": policy.repository_kept_until(entry.last_shown_on).isoformat(),
    }


def document(
    entries: Iterable[AdRepositoryEntry],
    reach: Mapping[Any, Reach],
    *,
    base_url: str,
    platform_name: str,
    platform_bin: str,
    generated_at: datetime,
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": generated_at.isoformat(),
        "platform": {"name": platform_name, "bin": platform_bin, "country": "KZ"},
        "legal_basis": LEGAL_BASIS,
        "ads": [ad(e, reach.get(e.creative_id), base_url) for e in entries],
    }

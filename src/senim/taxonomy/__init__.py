"""The versioned taxonomy of categories: unlawful content (OPL Art. 14(1)), information harmful to
children (CHL Art. 16(2)), rights, platform and terms-of-use grounds (DESIGN.md §6, invariant 6).

Pure data and lookups live in :mod:`senim.taxonomy.categories`; decisions freeze a
:class:`CategoryRef` (category key and taxonomy version).
"""

from __future__ import annotations

from senim.taxonomy.categories import (
    DSA_CATEGORIES,
    Category,
    CategoryRef,
    Group,
    Severity,
    TaxonomyVersion,
    current,
    effective_until,
    freeze,
    get,
    resolve,
    version,
    versions,
)

__all__ = [
    "DSA_CATEGORIES",
    "Category",
    "CategoryRef",
    "Group",
    "Severity",
    "TaxonomyVersion",
    "current",
    "effective_until",
    "freeze",
    "get",
    "resolve",
    "version",
    "versions",
]

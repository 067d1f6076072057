"""SQLModel tables, one module per feature; importing this package registers them all."""

from seowatch.store.models.ranks import (  # noqa: F401
    KIND_AD,
    KIND_ORGANIC,
    KIND_SPECIAL,
    STATUS_NOT_RANKED,
    STATUS_RANKED,
    STATUS_UNKNOWN,
    STATUSES,
    Keyword,
    RankCheck,
    RankObservation,
    ResolvedLink,
    SerpPageRecord,
    SerpResult,
    Site,
)

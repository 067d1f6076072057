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
from seowatch.store.models.partners import Partner, PartnerCheck  # noqa: F401,E402
from seowatch.store.models.audits import ROLE_COMPETITOR, ROLE_OURS, ROLE_TARGET, ROLES, PageAuditRecord  # noqa: F401,E402
from seowatch.store.models.alerts import AlertKey, AlertOutbox  # noqa: F401,E402
from seowatch.store.models.schedule import SCHEDULER_JOBS_TABLE, scheduler_jobs  # noqa: F401,E402

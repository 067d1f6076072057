"""The job store table of `seowatch schedule`, exactly as APScheduler 3's SQLAlchemyJobStore defines it.

APScheduler reads and writes it (a pickled job per row); it is declared here only so that the
migrations create it and the models-and-migrations check covers it. APScheduler is pinned below 4,
whose store has another schema.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, LargeBinary, Table, Unicode
from sqlmodel import SQLModel

SCHEDULER_JOBS_TABLE = "apscheduler_jobs"

scheduler_jobs = Table(
    SCHEDULER_JOBS_TABLE,
    SQLModel.metadata,
    Column("id", Unicode(191), primary_key=True),  # the job's name from [[schedule.jobs]]
    Column("next_run_time", Float(25), index=True),  # UTC timestamp; NULL: paused
    Column("job_state", LargeBinary, nullable=False),
)

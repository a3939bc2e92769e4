"""JSON API for the job queue: list and inspect jobs (staff), retry and cancel them (administrators)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from senim.account.policy import Perm
from senim.jobs import service as jobs_service
from senim.jobs.schemas import JobCounts, JobRead
from senim.models import Job, JobStatus
from senim.web.auth import DbSession, Principal, requires

router = APIRouter(prefix="/api/v1", tags=["jobs"])


@router.get("/jobs", response_model=list[JobRead])
def list_jobs(
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.jobs_read))],
    status: JobStatus | None = None,
    name: Annotated[str | None, Query(max_length=80)] = None,
    limit: Annotated[int, Query(ge=1, le=jobs_service.MAX_LIST_LIMIT)] = 100,
) -> list[Job]:
    """The newest jobs first, optionally of one status (``dead`` for the dead letters) and one name."""
    return jobs_service.list_jobs(session, status=status, name=name, limit=limit)


@router.get("/jobs/counts", response_model=JobCounts)
def count_jobs(
    session: DbSession, principal: Annotated[Principal, Depends(requires(Perm.jobs_read))]
) -> JobCounts:
    """How many jobs are in each state."""
    return JobCounts(**{str(status): n for status, n in jobs_service.counts(session).items()})


@router.get("/jobs/{job_id}", response_model=JobRead)
def read_job(
    job_id: uuid.UUID, session: DbSession, principal: Annotated[Principal, Depends(requires(Perm.jobs_read))]
) -> Job:
    return jobs_service.get(session, job_id)


@router.post("/jobs/{job_id}/retry", response_model=JobRead)
def retry_job(
    job_id: uuid.UUID,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.jobs_manage))],
) -> Job:
    """Run a dead or waiting job again now, with its attempts reset."""
    return jobs_service.retry(session, principal.actor, job_id)


@router.post("/jobs/{job_id}/cancel", response_model=JobRead)
def cancel_job(
    job_id: uuid.UUID,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.jobs_manage))],
) -> Job:
    """Give up a waiting or dead job. A running job cannot be cancelled (409)."""
    return jobs_service.cancel(session, principal.actor, job_id)

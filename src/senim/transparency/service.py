"""The annual transparency report's versions (LAW-37): build a draft from the records, publish it, read
what is published.

A year has versions 1, 2, …: building rewrites the latest draft in place (staff see it, nobody else);
publishing freezes a draft — its figures, hash and number never change again — and makes it public. A build
after a publication makes a new draft version; publishing that one supersedes the earlier publication on
the public page, which still serves every published version. Both steps are audited
(``transparency_report:build``, ``transparency_report:publish``) in the same transaction. Never commits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from senim import audit
from senim.audit import Actor
from senim.kit.clock import today_in, utcnow
from senim.models import User
from senim.models.transparency import ReportStatus, TransparencyReport
from senim.transparency import aggregation, policy, report
from senim.transparency.errors import ReportInvalid, ReportNotFound, ReportPublished
from senim.web.i18n import N_

NOT_FOUND = N_("No such transparency report.")
ALREADY_PUBLISHED = N_("This version is published: it is frozen. Build the report again to make a new draft.")
TAMPERED = N_("The draft's figures do not match their content hash: build it again before publishing.")


class ReportService:
    def build(
        self,
        session: Session,
        actor: Actor,
        year: int,
        *,
        today: date | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> TransparencyReport:
        """Build the year's report from the records into its latest draft (a new version after a
        publication); audited ``transparency_report:build``. A year out of range: ReportInvalid, nothing
        written."""
        try:
            policy.check_year(year, today or today_in())
        except policy.Problem as exc:
            raise ReportInvalid(exc.message, **exc.params) from None
        versions = list(
            session.scalars(
                select(TransparencyReport).where(TransparencyReport.year == year).with_for_update()
            )
        )
        version, new = policy.next_version([(v.version, str(v.status)) for v in versions])
        figures = report.build_figures(session, year, progress=progress)
        digest = aggregation.content_hash(figures)
        now = utcnow()
        built_by = actor.id
        if new:
            draft = TransparencyReport(
                year=year,
                version=version,
                status=ReportStatus.draft,
                figures=figures,
                content_hash=digest,
                built_at=now,
                built_by_id=built_by,
            )
            session.add(draft)
        else:
            draft = next(v for v in versions if v.version == version)
            draft.figures, draft.content_hash = figures, digest
            draft.built_at, draft.built_by_id = now, built_by
        session.flush()
        audit.record(
            session,
            actor=actor,
            tag="transparency_report:build",
            target=draft,
            data={"year": year, "version": version, "new_version": new, "content_hash": digest},
        )
        return draft

    def publish(self, session: Session, user: User, year: int, version: int) -> TransparencyReport:
        """Publish a draft: its figures are frozen and public from now on; audited
        ``transparency_report:publish``. A published version: ReportPublished (409), nothing written."""
        draft = self.get(session, year, version, for_update=True)
        if not policy.may_publish(str(draft.status)):
            raise ReportPublished(ALREADY_PUBLISHED)
        if aggregation.content_hash(draft.figures) != draft.content_hash:
            raise ReportInvalid(TAMPERED)
        draft.status = ReportStatus.published
        draft.published_at, draft.published_by_id = utcnow(), user.id
        audit.record(
            session,
            actor=Actor.of(user),
            tag="transparency_report:publish",
            target=draft,
            data={"year": year, "version": version, "content_hash": draft.content_hash},
        )
        return draft

    # --- reading ------------------------------------------------------------------------------------

    def get(
        self, session: Session, year: int, version: int, *, for_update: bool = False
    ) -> TransparencyReport:
        query = select(TransparencyReport).where(
            TransparencyReport.year == year, TransparencyReport.version == version
        )
        found = session.scalars(query.with_for_update() if for_update else query).one_or_none()
        if found is None:
            raise ReportNotFound(NOT_FOUND)
        return found

    def list_all(self, session: Session) -> list[TransparencyReport]:
        """Every version, the latest year and version first (staff)."""
        return list(
            session.scalars(
                select(TransparencyReport).order_by(
                    TransparencyReport.year.desc(), TransparencyReport.version.desc()
                )
            )
        )

    def published(self, session: Session) -> list[TransparencyReport]:
        """Every published version, the latest year and version first (public)."""
        return list(
            session.scalars(
                select(TransparencyReport)
                .where(TransparencyReport.status == ReportStatus.published)
                .order_by(TransparencyReport.year.desc(), TransparencyReport.version.desc())
            )
        )

    def published_version(
        self, session: Session, year: int, version: int | None = None
    ) -> TransparencyReport:
        """The year's latest published version (or the one asked for); ReportNotFound for a draft."""
        query = select(TransparencyReport).where(
            TransparencyReport.year == year, TransparencyReport.status == ReportStatus.published
        )
        if version is not None:
            query = query.where(TransparencyReport.version == version)
        found = session.scalars(query.order_by(TransparencyReport.version.desc()).limit(1)).first()
        if found is None:
            raise ReportNotFound(NOT_FOUND)
        return found

    def meta(self, row: TransparencyReport) -> dict[str, Any]:
        """The report's identity, as the renderings take it."""
        return {
            "year": row.year,
            "version": row.version,
            "status": str(row.status),
            "content_hash": row.content_hash,
            "published_at": row.published_at,
        }


report_service = ReportService()

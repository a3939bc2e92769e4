"""foundation

Revision ID: 0001
Revises:
Create Date: 2026-11-28 23:40:18.447326
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import senim.kit.encrypted
import senim.models.base

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "audit_record",
        sa.Column(
            "seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False
        ),
        sa.Column("at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_label", sa.String(length=120), nullable=False),
        sa.Column("tag", sa.String(length=80), nullable=False),
        sa.Column("target_type", sa.String(length=40), nullable=True),
        sa.Column("target_id", sa.String(length=64), nullable=True),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_record")),
    )
    with op.batch_alter_table("audit_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_record_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_record_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_record_tag"), ["tag"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_record_target_id"), ["target_id"], unique=False)

    op.create_table(
        "detection_rule",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detection_rule")),
        sa.UniqueConstraint("name", name=op.f("uq_detection_rule_name")),
    )
    op.create_table(
        "hash_bank",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hash_bank")),
        sa.UniqueConstraint("name", name=op.f("uq_hash_bank_name")),
    )
    op.create_table(
        "job",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("run_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("locked_by", sa.String(length=120), nullable=True),
        sa.Column("locked_until", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("finished_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_job_idempotency_key")),
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index("ix_job_claim", ["status", "priority", "run_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_name"), ["name"], unique=False)

    op.create_table(
        "job_schedule",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("next_run_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_schedule")),
    )
    op.create_table(
        "login_attempt",
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_login_attempt_key_at", ["key_digest", "at"], unique=False)

    op.create_table(
        "measures_report",
        sa.Column("period_start", sa.String(length=10), nullable=False),
        sa.Column("period_end", sa.String(length=10), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("sent_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measures_report")),
        sa.UniqueConstraint("period_start", name=op.f("uq_measures_report_period_start")),
    )
    op.create_table(
        "threshold_alert",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("average", sa.Double(), nullable=False),
        sa.Column("alerted_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threshold_alert")),
        sa.UniqueConstraint("month", name=op.f("uq_threshold_alert_month")),
    )
    op.create_table(
        "translation",
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("source_language", sa.String(length=8), nullable=False),
        sa.Column("target_language", sa.String(length=8), nullable=False),
        sa.Column("model_version", sa.String(length=200), nullable=False),
        sa.Column("engine", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_translation")),
        sa.UniqueConstraint(
            "text_sha256",
            "source_language",
            "target_language",
            "model_version",
            name=op.f("uq_translation_text_sha256_source_language_target_language_model_version"),
        ),
    )
    with op.batch_alter_table("translation", schema=None) as batch_op:
        batch_op.create_index("ix_translation_text", ["text_sha256"], unique=False)

    op.create_table(
        "user_account",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("email", senim.kit.encrypted.Encrypted("user_account.email"), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column(
            "date_of_birth", senim.kit.encrypted.EncryptedDate("user_account.date_of_birth"), nullable=True
        ),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("phone", senim.kit.encrypted.Encrypted("user_account.phone"), nullable=True),
        sa.Column("platform_id", sa.Uuid(), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("updated_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "languages",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("suspended_until", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("complaints_blocked_until", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["user_account.id"], name=op.f("fk_user_account_platform_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint(
            "platform_id", "external_id", name=op.f("uq_user_account_platform_id_external_id")
        ),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
    )
    op.create_table(
        "user_presence",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("visitor", sa.String(length=64), nullable=False),
        sa.Column("in_kazakhstan", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("day", "visitor", name=op.f("pk_user_presence")),
    )
    op.create_table(
        "access_log",
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column(
            "fields",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["user_account.id"], name=op.f("fk_access_log_staff_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["user_account.id"], name=op.f("fk_access_log_subject_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_access_log_staff_id"), ["staff_id"], unique=False)
        batch_op.create_index("ix_access_log_subject_at", ["subject_id", "at"], unique=False)

    op.create_table(
        "ad_preference",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("personalised", sa.Boolean(), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column(
            "interests",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_ad_preference_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_ad_preference")),
    )
    op.create_table(
        "advertiser",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("legal_name", sa.String(length=300), nullable=False),
        sa.Column("bin", sa.String(length=12), nullable=True),
        sa.Column("iin", senim.kit.encrypted.Encrypted("advertiser.iin"), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("submitted_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by_id", sa.Uuid(), nullable=True),
        sa.Column("reviewed_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["user_account.id"], name=op.f("fk_advertiser_reviewed_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_advertiser_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advertiser")),
        sa.UniqueConstraint("user_id", name=op.f("uq_advertiser_user_id")),
    )
    op.create_table(
        "api_token",
        sa.Column("principal_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column(
            "scopes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("expires_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_api_token_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["principal_id"], ["user_account.id"], name=op.f("fk_api_token_principal_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_api_token_token_digest")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_principal_id"), ["principal_id"], unique=False)

    op.create_table(
        "breach",
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("detected_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "data_classes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "affected_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("affects_all", sa.Boolean(), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("authority_due_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("users_notified_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("users_notified", sa.Integer(), nullable=False),
        sa.Column("authority_notified_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("authority_channel", sa.String(length=300), nullable=False),
        sa.Column("authority_failed_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("warned_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("closed_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Uuid(), nullable=True),
        sa.Column("closing_note", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["user_account.id"], name=op.f("fk_breach_closed_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user_account.id"], name=op.f("fk_breach_recorded_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach")),
        sa.UniqueConstraint("number", name=op.f("uq_breach_number")),
    )
    op.create_table(
        "community",
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=False),
        sa.Column("platform_id", sa.Uuid(), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("updated_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_community_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["user_account.id"], name=op.f("fk_community_platform_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community")),
        sa.UniqueConstraint("platform_id", "external_id", name=op.f("uq_community_platform_id_external_id")),
        sa.UniqueConstraint("slug", name=op.f("uq_community_slug")),
    )
    op.create_table(
        "complaint_rule_set",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "rules",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_complaint_rule_set_created_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_rule_set")),
        sa.UniqueConstraint("version", name=op.f("uq_complaint_rule_set_version")),
    )
    op.create_table(
        "consent",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("operator_name", sa.String(length=300), nullable=False),
        sa.Column("operator_bin", sa.String(length=12), nullable=False),
        sa.Column("policy_version", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column(
            "data_list",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "purposes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("duration", sa.String(length=32), nullable=False),
        sa.Column("third_parties", sa.Boolean(), nullable=False),
        sa.Column("cross_border", sa.Boolean(), nullable=False),
        sa.Column(
            "published",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("given_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_consent_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_user_id"), ["user_id"], unique=False)

    op.create_table(
        "daily_user_count",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("users", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=80), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("reported_by_id", sa.Uuid(), nullable=True),
        sa.Column("computed_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["user_account.id"],
            name=op.f("fk_daily_user_count_reported_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_user_count")),
        sa.UniqueConstraint("day", name=op.f("uq_daily_user_count_day")),
    )
    op.create_table(
        "detection_rule_version",
        sa.Column("rule_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "spec",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_detection_rule_version_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["detection_rule.id"], name=op.f("fk_detection_rule_version_rule_id_detection_rule")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detection_rule_version")),
        sa.UniqueConstraint("rule_id", "version", name=op.f("uq_detection_rule_version_rule_id_version")),
    )
    op.create_table(
        "document_acceptance",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("accepted_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_document_acceptance_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_acceptance")),
    )
    with op.batch_alter_table("document_acceptance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_acceptance_user_id"), ["user_id"], unique=False)

    op.create_table(
        "hash_bank_entry",
        sa.Column("bank_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("added_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["user_account.id"], name=op.f("fk_hash_bank_entry_added_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["bank_id"], ["hash_bank.id"], name=op.f("fk_hash_bank_entry_bank_id_hash_bank")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hash_bank_entry")),
        sa.UniqueConstraint("bank_id", "kind", "hash", name=op.f("uq_hash_bank_entry_bank_id_kind_hash")),
    )
    with op.batch_alter_table("hash_bank_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hash_bank_entry_bank_id"), ["bank_id"], unique=False)

    op.create_table(
        "hidden_item",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("target_type", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_hidden_item_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hidden_item")),
        sa.UniqueConstraint(
            "user_id", "target_type", "target_id", name=op.f("uq_hidden_item_user_id_target_type_target_id")
        ),
    )
    with op.batch_alter_table("hidden_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hidden_item_user_id"), ["user_id"], unique=False)

    op.create_table(
        "legal_representative",
        sa.Column("name", senim.kit.encrypted.Encrypted("legal_representative.name"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column(
            "identifier", senim.kit.encrypted.Encrypted("legal_representative.identifier"), nullable=False
        ),
        sa.Column("address", senim.kit.encrypted.Encrypted("legal_representative.address"), nullable=False),
        sa.Column("email", senim.kit.encrypted.Encrypted("legal_representative.email"), nullable=False),
        sa.Column("phone", senim.kit.encrypted.Encrypted("legal_representative.phone"), nullable=False),
        sa.Column("power_of_attorney", sa.String(length=300), nullable=False),
        sa.Column("appointed_on", sa.String(length=10), nullable=False),
        sa.Column("tax_body", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("ended_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_legal_representative_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_representative")),
    )
    op.create_table(
        "notification",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=255), nullable=False),
        sa.Column(
            "params",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("read_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_notification_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index("ix_notification_user_created", ["user_id", "created_at"], unique=False)

    op.create_table(
        "risk",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("likelihood", sa.Integer(), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("mitigations", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("identified_on", sa.Date(), nullable=False),
        sa.Column("reviewed_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closing_note", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["user_account.id"], name=op.f("fk_risk_owner_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk")),
    )
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index("ix_risk_status_score", ["status", "score"], unique=False)

    op.create_table(
        "signing_secret",
        sa.Column("principal_id", sa.Uuid(), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("revoked_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_signing_secret_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["principal_id"], ["user_account.id"], name=op.f("fk_signing_secret_principal_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_secret")),
    )
    with op.batch_alter_table("signing_secret", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signing_secret_principal_id"), ["principal_id"], unique=False)

    op.create_table(
        "state_order",
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("principal_id", sa.Uuid(), nullable=True),
        sa.Column("issuing_body", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("basis_type", sa.String(length=32), nullable=False),
        sa.Column("basis_number", sa.String(length=200), nullable=False),
        sa.Column("basis_date", sa.String(length=10), nullable=True),
        sa.Column("basis_article", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column(
            "measures",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "requested_fields",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "targets",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("signature_verified", sa.Boolean(), nullable=False),
        sa.Column("entered_by_id", sa.Uuid(), nullable=True),
        sa.Column("received_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("warn_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("warned_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("breached_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reviewed_by_id", sa.Uuid(), nullable=True),
        sa.Column("reviewed_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=False),
        sa.Column("executed_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "outcome",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("affected_told", sa.Boolean(), nullable=False),
        sa.Column("not_told_reason", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("period_start", sa.String(length=10), nullable=True),
        sa.Column("period_end", sa.String(length=10), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["user_account.id"], name=op.f("fk_state_order_entered_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["principal_id"], ["user_account.id"], name=op.f("fk_state_order_principal_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["user_account.id"], name=op.f("fk_state_order_reviewed_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_state_order")),
        sa.UniqueConstraint("number", name=op.f("uq_state_order_number")),
    )
    with op.batch_alter_table("state_order", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_state_order_principal_id"), ["principal_id"], unique=False)
        batch_op.create_index("ix_state_order_status_due", ["status", "due_at"], unique=False)

    op.create_table(
        "subject_request",
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("received_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("breached_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user_account.id"], name=op.f("fk_subject_request_decided_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_subject_request_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_request")),
        sa.UniqueConstraint("number", name=op.f("uq_subject_request_number")),
    )
    with op.batch_alter_table("subject_request", schema=None) as batch_op:
        batch_op.create_index("ix_subject_request_status_due", ["status", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_subject_request_user_id"), ["user_id"], unique=False)

    op.create_table(
        "transparency_report",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "figures",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("content_hash", sa.String(length=80), nullable=False),
        sa.Column("built_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("built_by_id", sa.Uuid(), nullable=True),
        sa.Column("published_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["built_by_id"], ["user_account.id"], name=op.f("fk_transparency_report_built_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["user_account.id"],
            name=op.f("fk_transparency_report_published_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transparency_report")),
        sa.UniqueConstraint("year", "version", name=op.f("uq_transparency_report_year_version")),
    )
    with op.batch_alter_table("transparency_report", schema=None) as batch_op:
        batch_op.create_index("ix_transparency_report_status", ["status"], unique=False)

    op.create_table(
        "user_session",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("expires_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_user_session_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_user_session_token_digest")),
    )
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_session_user_id"), ["user_id"], unique=False)

    op.create_table(
        "webhook_endpoint",
        sa.Column("principal_id", sa.Uuid(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column(
            "events",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["principal_id"], ["user_account.id"], name=op.f("fk_webhook_endpoint_principal_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoint")),
    )
    with op.batch_alter_table("webhook_endpoint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_endpoint_principal_id"), ["principal_id"], unique=False)

    op.create_table(
        "ad_campaign",
        sa.Column("advertiser_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("budget_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("cpm_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column(
            "targeting",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("impressions", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["advertiser_id"], ["advertiser.id"], name=op.f("fk_ad_campaign_advertiser_id_advertiser")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad_campaign")),
    )
    with op.batch_alter_table("ad_campaign", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ad_campaign_advertiser_id"), ["advertiser_id"], unique=False)

    op.create_table(
        "community_member",
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("joined_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
            name=op.f("fk_community_member_community_id_community"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_community_member_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_member")),
        sa.UniqueConstraint("community_id", "user_id", name=op.f("uq_community_member_community_id_user_id")),
    )
    with op.batch_alter_table("community_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_community_member_community_id"), ["community_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_community_member_user_id"), ["user_id"], unique=False)

    op.create_table(
        "content_item",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=True),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("platform_id", sa.Uuid(), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("external_url", sa.String(length=2000), nullable=True),
        sa.Column("updated_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("age_sign", sa.String(length=4), nullable=True),
        sa.Column("own_age_sign", sa.String(length=4), nullable=True),
        sa.Column("label", sa.String(length=32), nullable=True),
        sa.Column("demoted", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("language_confidence", sa.Double(), nullable=True),
        sa.Column("sponsored_label", sa.String(length=64), nullable=True),
        sa.Column("sponsor_name", sa.String(length=200), nullable=True),
        sa.Column("sponsor_bin", sa.String(length=12), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_content_item_author_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f("fk_content_item_community_id_community")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["content_item.id"], name=op.f("fk_content_item_parent_id_content_item")
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["user_account.id"], name=op.f("fk_content_item_platform_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_item")),
        sa.UniqueConstraint(
            "platform_id", "external_id", name=op.f("uq_content_item_platform_id_external_id")
        ),
    )
    with op.batch_alter_table("content_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_content_item_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_content_item_community_id"), ["community_id"], unique=False)
        batch_op.create_index("ix_content_item_feed", ["kind", "status", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_content_item_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "disclosure",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column(
            "fields",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "withheld",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("prepared_by_id", sa.Uuid(), nullable=False),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=False),
        sa.Column("tell_affected", sa.Boolean(), nullable=False),
        sa.Column("not_told_reason", sa.Text(), nullable=False),
        sa.Column("password_channel", sa.String(length=300), nullable=False),
        sa.Column("archive_key", sa.String(length=200), nullable=True),
        sa.Column("archive_sha256", sa.String(length=64), nullable=True),
        sa.Column("archive_size", sa.Integer(), nullable=True),
        sa.Column(
            "manifest",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("delivered_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["user_account.id"],
            name=op.f("fk_disclosure_acknowledged_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user_account.id"], name=op.f("fk_disclosure_decided_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["state_order.id"], name=op.f("fk_disclosure_order_id_state_order")
        ),
        sa.ForeignKeyConstraint(
            ["prepared_by_id"], ["user_account.id"], name=op.f("fk_disclosure_prepared_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure")),
    )
    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disclosure_order_id"), ["order_id"], unique=False)

    op.create_table(
        "state_order_document",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["state_order.id"], name=op.f("fk_state_order_document_order_id_state_order")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_state_order_document")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_state_order_document_storage_key")),
    )
    with op.batch_alter_table("state_order_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_state_order_document_order_id"), ["order_id"], unique=False)

    op.create_table(
        "ad_creative",
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("headline", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("landing_url", sa.String(length=500), nullable=False),
        sa.Column("image_key", sa.String(length=200), nullable=True),
        sa.Column("image_content_type", sa.String(length=32), nullable=True),
        sa.Column("image_width", sa.Integer(), nullable=True),
        sa.Column("image_height", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "flags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("reviewed_by_id", sa.Uuid(), nullable=True),
        sa.Column("reviewed_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("refusal_category", sa.String(length=32), nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["ad_campaign.id"], name=op.f("fk_ad_creative_campaign_id_ad_campaign")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["user_account.id"], name=op.f("fk_ad_creative_reviewed_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad_creative")),
    )
    with op.batch_alter_table("ad_creative", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ad_creative_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index("ix_ad_creative_status", ["status"], unique=False)

    op.create_table(
        "legal_hold",
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("released_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("released_by_id", sa.Uuid(), nullable=True),
        sa.Column("release_reason", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_legal_hold_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["content_item.id"], name=op.f("fk_legal_hold_item_id_content_item")
        ),
        sa.ForeignKeyConstraint(
            ["released_by_id"], ["user_account.id"], name=op.f("fk_legal_hold_released_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_hold")),
    )
    with op.batch_alter_table("legal_hold", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_hold_item_id"), ["item_id"], unique=False)

    op.create_table(
        "media",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("upload_sha256", sa.String(length=64), nullable=True),
        sa.Column("pdq", sa.String(length=64), nullable=True),
        sa.Column("pdq_quality", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["content_item.id"], name=op.f("fk_media_item_id_content_item")),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["user_account.id"], name=op.f("fk_media_owner_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_media_storage_key")),
    )
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_sha256"), ["sha256"], unique=False)

    op.create_table(
        "moderation_case",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("open_key", sa.String(length=80), nullable=True),
        sa.Column("subject", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("account_id", sa.Uuid(), nullable=True),
        sa.Column("community_id", sa.Uuid(), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("queue", sa.String(length=64), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("opened_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("warn_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("warned_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("breached_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("assignee_id", sa.Uuid(), nullable=True),
        sa.Column("claimed_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("excluded_moderator_id", sa.Uuid(), nullable=True),
        sa.Column("interim_hidden", sa.Boolean(), nullable=False),
        sa.Column("closed_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["user_account.id"], name=op.f("fk_moderation_case_account_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["user_account.id"], name=op.f("fk_moderation_case_assignee_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f("fk_moderation_case_community_id_community")
        ),
        sa.ForeignKeyConstraint(
            ["excluded_moderator_id"],
            ["user_account.id"],
            name=op.f("fk_moderation_case_excluded_moderator_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["content_item.id"], name=op.f("fk_moderation_case_item_id_content_item")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_case")),
        sa.UniqueConstraint("open_key", name=op.f("uq_moderation_case_open_key")),
    )
    with op.batch_alter_table("moderation_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moderation_case_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_moderation_case_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_moderation_case_community_id"), ["community_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_moderation_case_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            "ix_moderation_case_queue", ["status", "queue", "priority", "due_at"], unique=False
        )

    op.create_table(
        "signal",
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("account_id", sa.Uuid(), nullable=True),
        sa.Column("community_id", sa.Uuid(), nullable=True),
        sa.Column("rule_id", sa.Uuid(), nullable=False),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column(
            "evidence",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("shadow", sa.Boolean(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["user_account.id"], name=op.f("fk_signal_account_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f("fk_signal_community_id_community")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["content_item.id"], name=op.f("fk_signal_item_id_content_item")
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["detection_rule.id"], name=op.f("fk_signal_rule_id_detection_rule")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal")),
    )
    with op.batch_alter_table("signal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signal_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_signal_community_id"), ["community_id"], unique=False)
        batch_op.create_index("ix_signal_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_signal_item_created", ["item_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_signal_rule_id"), ["rule_id"], unique=False)

    op.create_table(
        "ad_impression_count",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("creative_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("age_band", sa.String(length=16), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["creative_id"], ["ad_creative.id"], name=op.f("fk_ad_impression_count_creative_id_ad_creative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad_impression_count")),
        sa.UniqueConstraint(
            "creative_id",
            "day",
            "region",
            "age_band",
            name=op.f("uq_ad_impression_count_creative_id_day_region_age_band"),
        ),
    )
    op.create_table(
        "ad_repository_entry",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("creative_id", sa.Uuid(), nullable=True),
        sa.Column("advertiser_name", sa.String(length=300), nullable=False),
        sa.Column("advertiser_bin", sa.String(length=12), nullable=True),
        sa.Column("advertiser_account", sa.String(length=64), nullable=False),
        sa.Column("campaign_name", sa.String(length=200), nullable=False),
        sa.Column("headline", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("landing_url", sa.String(length=500), nullable=False),
        sa.Column("has_image", sa.Boolean(), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column(
            "targeting",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("first_shown_on", sa.Date(), nullable=False),
        sa.Column("last_shown_on", sa.Date(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["creative_id"],
            ["ad_creative.id"],
            name=op.f("fk_ad_repository_entry_creative_id_ad_creative"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad_repository_entry")),
        sa.UniqueConstraint("creative_id", name=op.f("uq_ad_repository_entry_creative_id")),
    )
    with op.batch_alter_table("ad_repository_entry", schema=None) as batch_op:
        batch_op.create_index("ix_ad_repository_entry_last_shown_on", ["last_shown_on"], unique=False)

    op.create_table(
        "case_event",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_case_event_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["moderation_case.id"], name=op.f("fk_case_event_case_id_moderation_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_event")),
    )
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.create_index("ix_case_event_case_at", ["case_id", "at"], unique=False)

    op.create_table(
        "decision",
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("subject", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("account_id", sa.Uuid(), nullable=True),
        sa.Column("community_id", sa.Uuid(), nullable=True),
        sa.Column("affected_user_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("age_sign", sa.String(length=4), nullable=True),
        sa.Column("label", sa.String(length=32), nullable=True),
        sa.Column("restriction_until", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ground_kind", sa.String(length=8), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("taxonomy_version", sa.String(length=16), nullable=True),
        sa.Column("legal_basis", sa.String(length=500), nullable=False),
        sa.Column("terms_clause", sa.String(length=200), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("source_identity", sa.String(length=200), nullable=False),
        sa.Column("automated_detection", sa.Boolean(), nullable=False),
        sa.Column("automated_decision", sa.String(length=16), nullable=False),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("content_created_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("content_language", sa.String(length=8), nullable=True),
        sa.Column("had_images", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("appealable_until", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reversed_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("previous_status", sa.String(length=16), nullable=True),
        sa.Column("follows_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["user_account.id"], name=op.f("fk_decision_account_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["affected_user_id"], ["user_account.id"], name=op.f("fk_decision_affected_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["moderation_case.id"], name=op.f("fk_decision_case_id_moderation_case")
        ),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f("fk_decision_community_id_community")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user_account.id"], name=op.f("fk_decision_decided_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["follows_id"], ["decision.id"], name=op.f("fk_decision_follows_id_decision")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["content_item.id"], name=op.f("fk_decision_item_id_content_item")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_affected_user_id"), ["affected_user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_community_id"), ["community_id"], unique=False)
        batch_op.create_index("ix_decision_decided_at", ["decided_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_decided_by_id"), ["decided_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_item_id"), ["item_id"], unique=False)

    op.create_table(
        "escalation",
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("signal_id", sa.Uuid(), nullable=True),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("dispatched_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Uuid(), nullable=True),
        sa.Column("acknowledgement", sa.String(length=500), nullable=False),
        sa.Column("confirm_by", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reviewed_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_id", sa.Uuid(), nullable=True),
        sa.Column("review_note", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["user_account.id"],
            name=op.f("fk_escalation_acknowledged_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["moderation_case.id"], name=op.f("fk_escalation_case_id_moderation_case")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_escalation_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["content_item.id"], name=op.f("fk_escalation_item_id_content_item")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["user_account.id"], name=op.f("fk_escalation_reviewed_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["signal_id"], ["signal.id"], name=op.f("fk_escalation_signal_id_signal")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation")),
    )
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_escalation_item_id"), ["item_id"], unique=False)
        batch_op.create_index("ix_escalation_status_created", ["status", "created_at"], unique=False)

    op.create_table(
        "complaint",
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("complainant_id", sa.Uuid(), nullable=True),
        sa.Column("platform_id", sa.Uuid(), nullable=True),
        sa.Column("external_reporter_id", sa.String(length=200), nullable=True),
        sa.Column("contact_name", senim.kit.encrypted.Encrypted("complaint.contact_name"), nullable=True),
        sa.Column("contact_email", senim.kit.encrypted.Encrypted("complaint.contact_email"), nullable=True),
        sa.Column("contact_email_index", sa.String(length=64), nullable=True),
        sa.Column("verify_digest", sa.String(length=64), nullable=True),
        sa.Column("subject", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("account_id", sa.Uuid(), nullable=True),
        sa.Column("community_id", sa.Uuid(), nullable=True),
        sa.Column("decision_id", sa.Uuid(), nullable=True),
        sa.Column("target_ref", sa.String(length=500), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("rules_version", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("received_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("legal_due_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("answer_decision_id", sa.Uuid(), nullable=True),
        sa.Column("manifestly_unfounded", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["user_account.id"], name=op.f("fk_complaint_account_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["answer_decision_id"], ["decision.id"], name=op.f("fk_complaint_answer_decision_id_decision")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["moderation_case.id"], name=op.f("fk_complaint_case_id_moderation_case")
        ),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f("fk_complaint_community_id_community")
        ),
        sa.ForeignKeyConstraint(
            ["complainant_id"], ["user_account.id"], name=op.f("fk_complaint_complainant_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_complaint_decision_id_decision")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["content_item.id"], name=op.f("fk_complaint_item_id_content_item")
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["user_account.id"], name=op.f("fk_complaint_platform_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint")),
        sa.UniqueConstraint("number", name=op.f("uq_complaint_number")),
        sa.UniqueConstraint("verify_digest", name=op.f("uq_complaint_verify_digest")),
    )
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_answered_at"), ["answered_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_community_id"), ["community_id"], unique=False)
        batch_op.create_index(
            "ix_complaint_complainant_received", ["complainant_id", "received_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_complaint_contact_email_index"), ["contact_email_index"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_complaint_decision_id"), ["decision_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_platform_id"), ["platform_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_received_at"), ["received_at"], unique=False)

    op.create_table(
        "public_statement",
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("content_type", sa.String(length=16), nullable=False),
        sa.Column("had_images", sa.Boolean(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("ground_kind", sa.String(length=8), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("taxonomy_version", sa.String(length=16), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("automated_detection", sa.Boolean(), nullable=False),
        sa.Column("automated_decision", sa.String(length=16), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("terms_clause", sa.Text(), nullable=False),
        sa.Column("masked_text", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_public_statement_decision_id_decision")
        ),
        sa.PrimaryKeyConstraint("decision_id", name=op.f("pk_public_statement")),
    )
    with op.batch_alter_table("public_statement", schema=None) as batch_op:
        batch_op.create_index("ix_public_statement_day_decision", ["day", "decision_id"], unique=False)

    op.create_table(
        "appeal",
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("appellant_id", sa.Uuid(), nullable=True),
        sa.Column("appellant_role", sa.String(length=16), nullable=False),
        sa.Column("complaint_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("received_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("new_decision_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["appellant_id"], ["user_account.id"], name=op.f("fk_appeal_appellant_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["moderation_case.id"], name=op.f("fk_appeal_case_id_moderation_case")
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaint.id"], name=op.f("fk_appeal_complaint_id_complaint")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user_account.id"], name=op.f("fk_appeal_decided_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_appeal_decision_id_decision")
        ),
        sa.ForeignKeyConstraint(
            ["new_decision_id"], ["decision.id"], name=op.f("fk_appeal_new_decision_id_decision")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal")),
    )
    with op.batch_alter_table("appeal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appeal_appellant_id"), ["appellant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeal_decided_at"), ["decided_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeal_decision_id"), ["decision_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeal_received_at"), ["received_at"], unique=False)

    op.create_table(
        "complaint_evidence",
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaint.id"], name=op.f("fk_complaint_evidence_complaint_id_complaint")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_evidence")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_complaint_evidence_storage_key")),
    )
    with op.batch_alter_table("complaint_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaint_evidence_complaint_id"), ["complaint_id"], unique=False
        )

    op.create_table(
        "strike",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=True),
        sa.Column("complaint_id", sa.Uuid(), nullable=True),
        sa.Column("removed_at", senim.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaint.id"], name=op.f("fk_strike_complaint_id_complaint")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_strike_decision_id_decision")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_strike_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strike")),
    )
    with op.batch_alter_table("strike", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_strike_decision_id"), ["decision_id"], unique=False)
        batch_op.create_index("ix_strike_user_kind_created", ["user_id", "kind", "created_at"], unique=False)

    op.create_table(
        "statement",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=True),
        sa.Column("complaint_id", sa.Uuid(), nullable=True),
        sa.Column("appeal_id", sa.Uuid(), nullable=True),
        sa.Column("recipient_id", sa.Uuid(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", senim.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeal.id"], name=op.f("fk_statement_appeal_id_appeal")),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaint.id"], name=op.f("fk_statement_complaint_id_complaint")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_statement_decision_id_decision")
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["user_account.id"], name=op.f("fk_statement_recipient_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement")),
    )
    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_statement_appeal_id"), ["appeal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_statement_complaint_id"), ["complaint_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_statement_decision_id"), ["decision_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_statement_recipient_id"), ["recipient_id"], unique=False)

    # ### end Alembic commands ###


def downgrade() -> None:

    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_recipient_id"))
        batch_op.drop_index(batch_op.f("ix_statement_decision_id"))
        batch_op.drop_index(batch_op.f("ix_statement_complaint_id"))
        batch_op.drop_index(batch_op.f("ix_statement_appeal_id"))

    op.drop_table("statement")
    with op.batch_alter_table("strike", schema=None) as batch_op:
        batch_op.drop_index("ix_strike_user_kind_created")
        batch_op.drop_index(batch_op.f("ix_strike_decision_id"))

    op.drop_table("strike")
    with op.batch_alter_table("complaint_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_evidence_complaint_id"))

    op.drop_table("complaint_evidence")
    with op.batch_alter_table("appeal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appeal_received_at"))
        batch_op.drop_index(batch_op.f("ix_appeal_decision_id"))
        batch_op.drop_index(batch_op.f("ix_appeal_decided_at"))
        batch_op.drop_index(batch_op.f("ix_appeal_appellant_id"))

    op.drop_table("appeal")
    with op.batch_alter_table("public_statement", schema=None) as batch_op:
        batch_op.drop_index("ix_public_statement_day_decision")

    op.drop_table("public_statement")
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_received_at"))
        batch_op.drop_index(batch_op.f("ix_complaint_platform_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_item_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_decision_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_contact_email_index"))
        batch_op.drop_index("ix_complaint_complainant_received")
        batch_op.drop_index(batch_op.f("ix_complaint_community_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_case_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_answered_at"))
        batch_op.drop_index(batch_op.f("ix_complaint_account_id"))

    op.drop_table("complaint")
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_index("ix_escalation_status_created")
        batch_op.drop_index(batch_op.f("ix_escalation_item_id"))

    op.drop_table("escalation")
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_item_id"))
        batch_op.drop_index(batch_op.f("ix_decision_decided_by_id"))
        batch_op.drop_index("ix_decision_decided_at")
        batch_op.drop_index(batch_op.f("ix_decision_community_id"))
        batch_op.drop_index(batch_op.f("ix_decision_case_id"))
        batch_op.drop_index(batch_op.f("ix_decision_affected_user_id"))
        batch_op.drop_index(batch_op.f("ix_decision_account_id"))

    op.drop_table("decision")
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.drop_index("ix_case_event_case_at")

    op.drop_table("case_event")
    with op.batch_alter_table("ad_repository_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_ad_repository_entry_last_shown_on")

    op.drop_table("ad_repository_entry")
    op.drop_table("ad_impression_count")
    with op.batch_alter_table("signal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signal_rule_id"))
        batch_op.drop_index("ix_signal_item_created")
        batch_op.drop_index("ix_signal_created_at")
        batch_op.drop_index(batch_op.f("ix_signal_community_id"))
        batch_op.drop_index(batch_op.f("ix_signal_account_id"))

    op.drop_table("signal")
    with op.batch_alter_table("moderation_case", schema=None) as batch_op:
        batch_op.drop_index("ix_moderation_case_queue")
        batch_op.drop_index(batch_op.f("ix_moderation_case_item_id"))
        batch_op.drop_index(batch_op.f("ix_moderation_case_community_id"))
        batch_op.drop_index(batch_op.f("ix_moderation_case_assignee_id"))
        batch_op.drop_index(batch_op.f("ix_moderation_case_account_id"))

    op.drop_table("moderation_case")
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_sha256"))
        batch_op.drop_index(batch_op.f("ix_media_owner_id"))
        batch_op.drop_index(batch_op.f("ix_media_item_id"))

    op.drop_table("media")
    with op.batch_alter_table("legal_hold", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_hold_item_id"))

    op.drop_table("legal_hold")
    with op.batch_alter_table("ad_creative", schema=None) as batch_op:
        batch_op.drop_index("ix_ad_creative_status")
        batch_op.drop_index(batch_op.f("ix_ad_creative_campaign_id"))

    op.drop_table("ad_creative")
    with op.batch_alter_table("state_order_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_state_order_document_order_id"))

    op.drop_table("state_order_document")
    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disclosure_order_id"))

    op.drop_table("disclosure")
    with op.batch_alter_table("content_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_item_parent_id"))
        batch_op.drop_index("ix_content_item_feed")
        batch_op.drop_index(batch_op.f("ix_content_item_community_id"))
        batch_op.drop_index(batch_op.f("ix_content_item_author_id"))

    op.drop_table("content_item")
    with op.batch_alter_table("community_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_member_user_id"))
        batch_op.drop_index(batch_op.f("ix_community_member_community_id"))

    op.drop_table("community_member")
    with op.batch_alter_table("ad_campaign", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ad_campaign_advertiser_id"))

    op.drop_table("ad_campaign")
    with op.batch_alter_table("webhook_endpoint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_endpoint_principal_id"))

    op.drop_table("webhook_endpoint")
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_session_user_id"))

    op.drop_table("user_session")
    with op.batch_alter_table("transparency_report", schema=None) as batch_op:
        batch_op.drop_index("ix_transparency_report_status")

    op.drop_table("transparency_report")
    with op.batch_alter_table("subject_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subject_request_user_id"))
        batch_op.drop_index("ix_subject_request_status_due")

    op.drop_table("subject_request")
    with op.batch_alter_table("state_order", schema=None) as batch_op:
        batch_op.drop_index("ix_state_order_status_due")
        batch_op.drop_index(batch_op.f("ix_state_order_principal_id"))

    op.drop_table("state_order")
    with op.batch_alter_table("signing_secret", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signing_secret_principal_id"))

    op.drop_table("signing_secret")
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_status_score")
        batch_op.drop_index(batch_op.f("ix_risk_owner_id"))

    op.drop_table("risk")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_user_created")

    op.drop_table("notification")
    op.drop_table("legal_representative")
    with op.batch_alter_table("hidden_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hidden_item_user_id"))

    op.drop_table("hidden_item")
    with op.batch_alter_table("hash_bank_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hash_bank_entry_bank_id"))

    op.drop_table("hash_bank_entry")
    with op.batch_alter_table("document_acceptance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_acceptance_user_id"))

    op.drop_table("document_acceptance")
    op.drop_table("detection_rule_version")
    op.drop_table("daily_user_count")
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_user_id"))

    op.drop_table("consent")
    op.drop_table("complaint_rule_set")
    op.drop_table("community")
    op.drop_table("breach")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_principal_id"))

    op.drop_table("api_token")
    op.drop_table("advertiser")
    op.drop_table("ad_preference")
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.drop_index("ix_access_log_subject_at")
        batch_op.drop_index(batch_op.f("ix_access_log_staff_id"))
        batch_op.drop_index(batch_op.f("ix_access_log_at"))

    op.drop_table("access_log")
    op.drop_table("user_presence")
    op.drop_table("user_account")
    with op.batch_alter_table("translation", schema=None) as batch_op:
        batch_op.drop_index("ix_translation_text")

    op.drop_table("translation")
    op.drop_table("threshold_alert")
    op.drop_table("measures_report")
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempt_key_at")

    op.drop_table("login_attempt")
    op.drop_table("job_schedule")
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_name"))
        batch_op.drop_index("ix_job_claim")

    op.drop_table("job")
    op.drop_table("hash_bank")
    op.drop_table("detection_rule")
    with op.batch_alter_table("audit_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_record_target_id"))
        batch_op.drop_index(batch_op.f("ix_audit_record_tag"))
        batch_op.drop_index(batch_op.f("ix_audit_record_at"))
        batch_op.drop_index(batch_op.f("ix_audit_record_actor_id"))

    op.drop_table("audit_record")
    op.drop_table("audit_head")
    # ### end Alembic commands ###

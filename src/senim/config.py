"""One settings object, read once from the environment (prefix ``SENIM_``)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from senim.kit.crypto import (
    DERIVED_DATA_KEY,
    DERIVED_INDEX_KEY,
    CryptoError,
    Keyring,
    derive_key,
    parse_key,
    parse_keys,
)

DEV_SECRET = "dev-only-secret-change-me"  # noqa: S105 - the known development value production refuses


class Mode(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SENIM_", env_file=".env", extra="ignore")

    mode: Mode = Mode.development
    database_url: str = "sqlite:///./var/senim.db"
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    base_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    time_zone: str = "Asia/Almaty"
    default_language: str = "kk"
    media_dir: Path = Path("var/media")
    model_dir: Path = Path("var/models")  # trained classifiers, one directory per model name
    # Machine translation into Kazakh (LAW-09): "none", "ctranslate2" (an NLLB-200-family model converted
    # with `senim translation convert`, at translation_model_dir) or "libretranslate" (an HTTP server).
    translation_engine: str = "none"
    translation_model_dir: Path | None = None
    translation_compute_type: str = "int8"
    translation_threads: int = 0  # 0: as many as the machine has
    translation_beam_size: int = 2
    libretranslate_url: str = ""
    libretranslate_api_key: SecretStr = SecretStr("")
    translation_timeout_seconds: float = 30.0
    # Translate new posts and comments in background jobs as they arrive; otherwise on demand.
    translation_pretranslate: bool = False
    max_upload_bytes: int = 8 * 1024 * 1024
    max_image_pixels: int = 40_000_000
    embedded_worker: bool = True
    worker_concurrency: int = 1
    job_lease_seconds: int = 300
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    mail_from: str = "Senim <no-reply@senim.local>"
    # Reports of measures to the authorized body (LAW-20): months per period (1: monthly) and its e-mail.
    measures_report_months: int = 1
    authority_email: str = ""
    # Counting users located in Kazakhstan (LAW-12, 25): how a user's location is decided, methods tried in
    # order until one can tell (ip_ranges, declared_country, phone_code), or "platform_figures" alone when
    # the integrating platform reports its own daily counts; the file of Kazakhstan's address ranges (RIPE
    # delegated statistics or one CIDR a line); whether visitors who are not signed in are counted too.
    user_location_methods: str = "ip_ranges,declared_country,phone_code"
    kz_ranges_file: Path | None = None
    count_visitors: bool = True
    # Where personal data is stored (LAW-74: in Kazakhstan), shown in the console and stated in consents.
    data_location: str = "Kazakhstan"
    data_location_country: str = "KZ"
    # Who else receives personal data (LAW-78, 79): "name|country|purpose|ground" entries separated by ";",
    # ground one of processor, consent, treaty, law (privacy.transfers); and the states the operator holds
    # to ensure the protection of personal data, two-letter codes separated by commas (PDL Art. 16).
    data_recipients: str = ""
    adequate_countries: str = ""
    # The youngest age at which a person may register (0: no minimum; a draft law proposes 16).
    min_registration_age: int = 0
    # Law enforcement's e-mail for escalations (LAW-19), beside the signed webhook; empty: webhook only.
    law_enforcement_email: str = ""
    webhook_timeout_seconds: float = 10.0
    webhook_replay_window_seconds: int = 300
    login_max_failures: int = 5
    login_max_failures_per_address: int = 50
    login_window_seconds: int = 900
    max_request_bytes: int = 40 * 1024 * 1024
    session_days: int = 14
    # Ads in the home feed (issue 10): one ad slot after every this many posts; 0 shows no ads.
    ads_every_n_items: int = 5
    operator_name: str = "Senim demo operator"
    operator_bin: str = "000000000000"
    # Personal data (issue 8): the personal-data authority's e-mail for breach notices (LAW-76; empty: the
    # data protection officer records the notice sent by another channel), the person responsible for
    # organising the processing of personal data and their contact (LAW-77), and how long each class of
    # data is kept, in days (privacy.retention; under 1 counts as 1).
    pd_authority_email: str = ""
    dpo_name: str = ""
    dpo_contact: str = ""
    retention_sessions_days: int = 30  # ended or expired sign-in sessions
    retention_login_attempts_days: int = 30
    retention_notifications_days: int = 365
    retention_finished_jobs_days: int = 90
    retention_deleted_content_days: int = 180  # text of deleted or removed posts and comments (not held)
    retention_complaint_contact_days: int = 365  # after the answer, for complaints without an account
    # Encryption of personal data at rest (docs/privacy.md): the data keys "3:<base64>,2:<base64>" (the
    # highest version encrypts, the others only decrypt until `senim keys rotate` has re-encrypted) and
    # the key of the blind indexes (never rotated). Both empty: derived from secret_key (not in production).
    data_keys: SecretStr = SecretStr("")
    index_key: SecretStr = SecretStr("")

    @model_validator(mode="after")
    def _refuse_dev_secrets_in_production(self) -> Settings:
        if self.mode is Mode.production:
            secret = self.secret_key.get_secret_value()
            if secret == DEV_SECRET or len(secret) < 32:
                raise ValueError(
                    "SENIM_SECRET_KEY must be set to a random value of at least 32 characters in production"
                )
            if not self.data_keys.get_secret_value().strip() or not self.index_key.get_secret_value().strip():
                raise ValueError(
                    "SENIM_DATA_KEYS and SENIM_INDEX_KEY must be set in production (make them with "
                    "`senim keys generate`)"
                )
        try:
            self.keyring  # noqa: B018 - parsed now, so a malformed key stops the start, not a request
        except CryptoError as exc:
            raise ValueError(f"SENIM_DATA_KEYS or SENIM_INDEX_KEY is not valid: {exc}") from None
        return self

    @property
    def secret_bytes(self) -> bytes:
        return self.secret_key.get_secret_value().encode()

    @property
    def keyring(self) -> Keyring:
        """The keys that encrypt personal data at rest (``senim.kit.crypto``); derived from ``secret_key``
        where they are not set (development and tests)."""
        data, index = self.data_keys.get_secret_value().strip(), self.index_key.get_secret_value().strip()
        return Keyring(
            parse_keys(data) if data else {1: derive_key(self.secret_bytes, DERIVED_DATA_KEY)},
            parse_key(index) if index else derive_key(self.secret_bytes, DERIVED_INDEX_KEY),
        )


@lru_cache
def get_settings() -> Settings:
    return Settings()

"""The list of personal data Senim processes (LAW-77: the operator approves a list of personal data): each
class with what it holds, why, and how long it is kept (LAW-74: storage ends when the purpose is met). The
overview page shows it, the breach register names the classes a breach touched, and the retention purge
(``privacy.retention``) applies the periods read from the settings. Pure data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

from senim.config import Settings
from senim.web.i18n import N_, gettext

# Retention values under one day count as one day: a zero would erase what the clock needs (sign-in
# attempts within the rate-limit window, a session ended a minute ago).
MIN_RETENTION_DAYS = 1


@dataclass(frozen=True)
class DataClass:
    key: str
    label: str  # catalog message ids, rendered in the reader's language
    holds: str
    purpose: str
    retention: str  # may name {placeholders}, each filled from a retention setting (days)
    settings: dict[str, str] = field(default_factory=dict)  # placeholder -> Settings attribute
    in_breach: bool = True  # offered in the breach register's form


DATA_CLASSES: tuple[DataClass, ...] = (
    DataClass(
        "name",
        N_("Name"),
        N_("Username, display name and profile text"),
        N_("Running the account and showing who published what"),
        N_(
            "While the account exists; when it is deleted the display name and profile text are erased and "
            "the username stays reserved, so nobody else can pass for the person"
        ),
    ),
    DataClass(
        "email",
        N_("E-mail address"),
        N_("The account's e-mail address"),
        N_("Notices to the person: decisions, answers to complaints, breaches of their data"),
        N_("While the account exists; erased when it is deleted"),
    ),
    DataClass(
        "phone",
        N_("Phone number"),
        N_("A phone number an integrating platform passes with the account"),
        N_("Telling whether a user is in Kazakhstan for the daily count of users"),
        N_("While the account exists; erased when it is deleted"),
    ),
    DataClass(
        "country",
        N_("Country of residence"),
        N_("The country a person declared, passed by an integrating platform"),
        N_("Telling whether a user is in Kazakhstan for the daily count of users"),
        N_("While the account exists; erased when it is deleted"),
    ),
    DataClass(
        "date_of_birth",
        N_("Date of birth"),
        N_("The date of birth given at registration"),
        N_("Protecting minors and checking the minimum age"),
        N_("While the account exists; erased when it is deleted"),
    ),
    DataClass(
        "content",
        N_("Posts, comments and images"),
        N_("What a person publishes, and its translations"),
        N_("Publishing what the author writes"),
        N_(
            "While published; the text of a post or comment deleted by its author or removed by a decision "
            "is erased {days} days later (the row stays as a trace), never while it is kept as evidence "
            "under a legal hold or can still be appealed"
        ),
        {"days": "retention_deleted_content_days"},
    ),
    DataClass(
        "sign_in",
        N_("Sign-in data"),
        N_("Password hash, sessions, API tokens and sign-in attempts (keyed hashes, no addresses)"),
        N_("Keeping accounts secure"),
        N_(
            "Sessions: {sessions} days after they end or expire; sign-in attempts: {attempts} days; the "
            "password hash while the account exists"
        ),
        {"sessions": "retention_sessions_days", "attempts": "retention_login_attempts_days"},
    ),
    DataClass(
        "complaints",
        N_("Complaints and appeals"),
        N_(
            "What a complaint or appeal says, and the name and e-mail address of a person who complains "
            "without an account"
        ),
        N_("Handling complaints and appeals and giving the reasoned answer the law requires"),
        N_(
            "The name and e-mail address of a person without an account are erased {days} days after the "
            "answer; the complaint stays as the record of what was decided"
        ),
        {"days": "retention_complaint_contact_days"},
    ),
    DataClass(
        "documents",
        N_("Documents"),
        N_("Evidence attached to complaints, scanned letters of state bodies, disclosure packages"),
        N_("Evidence for complaints and for orders of state bodies"),
        N_("Kept with the complaint or order they belong to"),
    ),
    DataClass(
        "notifications",
        N_("Notices"),
        N_("Notices to a person, in the app and by e-mail"),
        N_("Telling people about decisions, answers and breaches"),
        N_("Deleted {days} days after they were written"),
        {"days": "retention_notifications_days"},
    ),
    DataClass(
        "consent",
        N_("Consents and acceptances"),
        N_("The consents a person gave and the versions of the documents they accepted"),
        N_("Proof of consent (Personal Data Law)"),
        N_("Kept as proof, also after the account is deleted"),
    ),
    DataClass(
        "representative",
        N_("Legal representative"),
        N_(
            "Name, IIN or BIN, address, e-mail and phone of the platform's legal representative in Kazakhstan"
        ),
        N_("Registering the representative with the authorized body and answering its requests"),
        N_("Kept as the record of who represented the platform and when"),
    ),
    DataClass(
        "advertisers",
        N_("Identity of advertisers"),
        N_("The legal name and BIN or IIN of a person or company that advertises"),
        N_("Showing who is behind each ad and keeping the public ad repository"),
        N_("While the ads of the advertiser are shown and kept in the ad repository"),
    ),
    DataClass(
        "ad_preferences",
        N_("Advertising choices"),
        N_("Whether a person wants personalised ads, and the region and interests they declare for them"),
        N_("Showing only the ads a person agreed to; never inferred from behaviour, never used for minors"),
        N_("While the account exists; erased when it is deleted"),
    ),
    DataClass(
        "jobs",
        N_("Records of background work"),
        N_("E-mails and deliveries waiting or done, naming accounts by id only"),
        N_("Delivering notices and tracing failures"),
        N_("Deleted {days} days after they finish"),
        {"days": "retention_finished_jobs_days"},
        in_breach=False,
    ),
    DataClass(
        "audit",
        N_("Audit log"),
        N_("Who did what and when, staff and system alike"),
        N_("Accountability to users, the authorized body and courts"),
        N_(
            "Never purged: decisions, orders, disclosures and breaches must stay provable, and the log is a "
            "hash chain that a deletion would break"
        ),
        in_breach=False,
    ),
)
BY_KEY: dict[str, DataClass] = {c.key: c for c in DATA_CLASSES}
# Every column that holds personal data in encrypted form, and the class of this list it belongs to: a
# column collected for no listed purpose is excessive data (PDL Art. 7(8), LAW-81); a test keeps the two
# in step with the models.
COLUMNS: dict[str, str] = {
    "user_account.email": "email",
    "user_account.date_of_birth": "date_of_birth",
    "user_account.phone": "phone",
    "complaint.contact_name": "complaints",
    "complaint.contact_email": "complaints",
    "legal_representative.name": "representative",
    "legal_representative.identifier": "representative",
    "legal_representative.address": "representative",
    "legal_representative.email": "representative",
    "legal_representative.phone": "representative",
    "advertiser.iin": "advertisers",
}
# What Senim's own sign-up form asks for, each with its class: nothing more is collected at registration.
REGISTRATION_FIELDS: dict[str, str] = {
    "username": "name",
    "display_name": "name",
    "email": "email",
    "password": "sign_in",
    "date_of_birth": "date_of_birth",
}
BREACH_CLASSES: tuple[DataClass, ...] = tuple(c for c in DATA_CLASSES if c.in_breach)


def retention_days(settings: Settings, name: str) -> int:
    """A retention setting in days (at least one day)."""
    return max(MIN_RETENTION_DAYS, int(getattr(settings, name)))


def retention_text(data_class: DataClass, settings: Settings) -> str:
    """How long ``data_class`` is kept, in the current language, with the periods of the settings."""
    return gettext(
        data_class.retention, **{k: retention_days(settings, v) for k, v in data_class.settings.items()}
    )


def labels(keys: list[str]) -> str:
    """The classes named by ``keys``, in the current language, in the list's order."""
    return ", ".join(gettext(BY_KEY[k].label) for k in keys if k in BY_KEY)

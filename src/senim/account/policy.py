"""Who may do what: permissions, the roles that hold them, and pure account rules. No I/O here."""

from __future__ import annotations

import re
from enum import StrEnum

from senim.models.account import STAFF_ROLES, Role


class Perm(StrEnum):
    """A route declares exactly one of these (``senim.web.auth.requires``)."""

    public = "public"  # anyone, signed in or not
    anonymous = "anonymous"  # visitors only (register, log in)
    signed_in = "signed_in"  # any signed-in person or principal
    participate = "participate"  # post, comment, create and join communities, hide items
    console = "console"  # open the staff console
    users_manage = "users:manage"  # create users, change roles, suspend
    tokens_manage = "tokens:manage"  # issue and revoke API tokens, webhook endpoints
    audit_read = "audit:read"
    jobs_read = "jobs:read"
    jobs_manage = "jobs:manage"  # retry and cancel jobs
    platform_push = "platform:push"  # integrating platforms push accounts and content
    complain = "complain"  # file complaints and appeals (people and integrating platforms)
    moderate = "moderate"  # claim and decide cases, decide appeals
    moderate_senior = "moderate:senior"  # cases escalated to senior moderators
    cases_read = "cases:read"  # read cases, decisions and their statements (oversight)
    complaint_rules_manage = "complaint_rules:manage"  # the owner's complaint rules
    detection_manage = "detection:manage"  # detection rules: edit, shadow, go live, retire
    escalate = "escalate"  # mark content as a threat to life or safety (notifies law enforcement)
    escalations_read = "escalations:read"  # the escalation console; law enforcement reads its own
    escalations_acknowledge = "escalations:acknowledge"  # record the recipient's acknowledgement
    escalations_confirm = "escalations:confirm"  # confirm or decline a detected threat before dispatch
    orders_submit = "orders:submit"  # a state body sends orders and requests (signed, through the API)
    orders_read = "orders:read"  # orders of state bodies: staff see all, a body its own
    orders_manage = "orders:manage"  # enter received letters, review and execute orders
    disclosures_approve = "disclosures:approve"  # the second pair of eyes on a disclosure of user data
    user_counts_read = "user_counts:read"  # daily counts of users in Kazakhstan, the threshold monitor
    user_counts_report = "user_counts:report"  # an integrating platform reports its own daily figures
    representative_manage = "representative:manage"  # the legal representative's details (LAW-10, 11)
    privacy_read = "privacy:read"  # the data-protection overview, the breach register, the access log
    privacy_manage = "privacy:manage"  # record breaches, answer data subjects' requests
    transparency_read = "transparency:read"  # report drafts, the risk register, statistics (staff)
    transparency_manage = "transparency:manage"  # keep the risk register, build and publish reports
    advertise = "advertise"  # an advertiser's own campaigns and creatives
    ads_read = "ads:read"  # campaigns under review and their history (staff)
    ads_review = "ads:review"  # approve or refuse ads before they go live


CONSOLE = STAFF_ROLES
# People who take part in the platform: users and staff, except auditors, who read and never change.
PARTICIPANTS = frozenset({Role.user} | (STAFF_ROLES - {Role.auditor}))

ROLE_PERMS: dict[Role, frozenset[Perm]] = {
    role: frozenset(
        {Perm.public, Perm.signed_in}
        | ({Perm.participate} if role in PARTICIPANTS else set())
        | ({Perm.console, Perm.jobs_read} if role in CONSOLE else set())
    )
    for role in Role
}
ROLE_PERMS[Role.administrator] |= {Perm.users_manage, Perm.tokens_manage, Perm.audit_read, Perm.jobs_manage}
ROLE_PERMS[Role.auditor] |= {Perm.audit_read, Perm.cases_read}
ROLE_PERMS[Role.integrating_platform] |= {Perm.platform_push, Perm.complain}
for _role in PARTICIPANTS:
    ROLE_PERMS[_role] |= {Perm.complain}
for _role in (Role.moderator, Role.senior_moderator, Role.safety_officer):
    ROLE_PERMS[_role] |= {Perm.moderate, Perm.cases_read}
ROLE_PERMS[Role.senior_moderator] |= {Perm.moderate_senior}
ROLE_PERMS[Role.legal_officer] |= {Perm.cases_read}
ROLE_PERMS[Role.administrator] |= {Perm.cases_read, Perm.complaint_rules_manage, Perm.detection_manage}
for _role in (Role.moderator, Role.senior_moderator, Role.safety_officer):
    ROLE_PERMS[_role] |= {Perm.escalate}
ROLE_PERMS[Role.safety_officer] |= {
    Perm.escalations_read,
    Perm.escalations_acknowledge,
    Perm.escalations_confirm,
}
ROLE_PERMS[Role.law_enforcement] |= {Perm.escalations_read, Perm.escalations_acknowledge}
ROLE_PERMS[Role.legal_officer] |= {Perm.orders_read, Perm.orders_manage}
ROLE_PERMS[Role.data_protection_officer] |= {Perm.orders_read}
for _role in (Role.legal_officer, Role.data_protection_officer):
    ROLE_PERMS[_role] |= {Perm.disclosures_approve}
for _role in (Role.legal_officer, Role.administrator, Role.auditor, Role.authorized_body):
    ROLE_PERMS[_role] |= {Perm.user_counts_read}
ROLE_PERMS[Role.integrating_platform] |= {Perm.user_counts_report}
ROLE_PERMS[Role.administrator] |= {Perm.representative_manage}
for _role in (Role.data_protection_officer, Role.administrator, Role.auditor):
    ROLE_PERMS[_role] |= {Perm.privacy_read}
ROLE_PERMS[Role.data_protection_officer] |= {Perm.privacy_manage}
ROLE_PERMS[Role.administrator] |= {Perm.orders_read}
ROLE_PERMS[Role.auditor] |= {Perm.orders_read}
ROLE_PERMS[Role.authorized_body] |= {Perm.orders_submit, Perm.orders_read}
for _role in (
    Role.administrator,
    Role.legal_officer,
    Role.auditor,
    Role.data_protection_officer,
    Role.safety_officer,
):
    ROLE_PERMS[_role] |= {Perm.transparency_read}
for _role in (Role.administrator, Role.legal_officer):
    ROLE_PERMS[_role] |= {Perm.transparency_manage}
ROLE_PERMS[Role.user] |= {Perm.advertise}
for _role in (Role.ads_reviewer, Role.administrator, Role.auditor):
    ROLE_PERMS[_role] |= {Perm.ads_read}
ROLE_PERMS[Role.ads_reviewer] |= {Perm.ads_review}

# Scopes an API token may carry; a token acts with its principal's permissions within its scopes.
TOKEN_SCOPES: dict[Role, frozenset[str]] = {
    Role.integrating_platform: frozenset({"platform:push", "platform:read", "user_counts:report"}),
    Role.authorized_body: frozenset({"authority:submit", "authority:read", "user_counts:read"}),
    Role.law_enforcement: frozenset({"escalation:acknowledge", "escalation:read"}),
}


def has_perm(role: Role | None, perm: Perm) -> bool:
    if perm is Perm.public:
        return True
    if perm is Perm.anonymous:
        return role is None
    return role is not None and perm in ROLE_PERMS[role]


USERNAME_RE = re.compile(r"^[a-z0-9_][a-z0-9_.-]{2,31}$")
MIN_PASSWORD_LENGTH = 10


def normalise_username(username: str) -> str:
    return username.strip().lower()


def username_is_valid(username: str) -> bool:
    return bool(USERNAME_RE.match(username))


def password_problem(password: str, username: str) -> str | None:
    """The message id of what is wrong with a new password, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "The password must be at least {n} characters long."
    if username and username.lower() in password.lower():
        return "The password must not contain the username."
    return None

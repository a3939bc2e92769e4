"""Plain-text UTF-8 e-mail through the configured SMTP relay.

The Message-ID is derived from the job's idempotency key, so a message sent again after a crash between
sending and committing carries the same Message-ID and the mail system (or the reader) can recognise it.
"""

from __future__ import annotations

import hashlib
import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from senim.config import Settings
from senim.kit.clock import utcnow
from senim.notification.errors import DeliveryFailed

SMTP_TIMEOUT_SECONDS = 30.0


def message_id(idempotency_key: str, mail_from: str) -> str:
    _name, address = parseaddr(mail_from)
    domain = address.rpartition("@")[2] or "senim.local"
    return f"<{hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]}@{domain}>"


def build_message(
    settings: Settings, *, to: str, subject: str, body: str, idempotency_key: str
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = to
    msg["Subject"] = " ".join(subject.split())  # one line: no header injection through a subject
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = message_id(idempotency_key, settings.mail_from)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to notices
    # base64 keeps any UTF-8 text intact through relays that are not 8-bit clean.
    msg.set_content(body, charset="utf-8", cte="base64")
    return msg


def send(settings: Settings, msg: EmailMessage) -> None:
    """Hand the message to the SMTP relay; any refusal or network error raises ``DeliveryFailed``."""
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            smtp.send_message(msg)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(f"e-mail delivery failed: {type(exc).__name__}: {exc}") from exc

"""Mail through the standard library's SMTP client, sent once the request's changes are committed.

MAIL_BACKEND chooses: "smtp" (MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS, MAIL_USERNAME/MAIL_PASSWORD, MAIL_SENDER),
"log" (development: each mail written to the log, nothing sent) or "none" (tests: nothing sent; the mails are
kept in `outbox` for the tests to read). A mail is queued with `send_after_commit`: a change that rolls back
sends nothing, and a server that does not answer is logged, never an error for the person who saved.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

from facilities.database import after_commit

log = logging.getLogger(__name__)
outbox: list[EmailMessage] = []  # what the "none" backend would have sent (tests empty it)


def message(to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text mail from MAIL_SENDER."""
    mail = EmailMessage()
    mail["From"] = current_app.config.get("MAIL_SENDER") or "facilities@localhost"
    mail["To"] = to
    mail["Subject"] = subject.replace("\r", " ").replace("\n", " ")
    mail.set_content(body)
    return mail


def deliver(mail: EmailMessage) -> None:
    """Hand one mail to the configured backend now."""
    config = current_app.config
    backend = config.get("MAIL_BACKEND", "log")
    if backend == "none":
        outbox.append(mail)
        return
    if backend == "log":
        log.info("mail (MAIL_BACKEND=log, not sent) to %s: %s\n%s", mail["To"], mail["Subject"], mail.get_content())
        return
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT_SECONDS"]) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(mail)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("mail to %s not sent (%s): %s", mail["To"], error, mail["Subject"])


def send_after_commit(to: str | None, subject: str, body: str) -> None:
    """Send a mail once the current request or command has committed (never for a change rolled back)."""
    if not to:
        return
    mail = message(to, subject, body)
    app = current_app._get_current_object()

    def send() -> None:
        with app.app_context():
            deliver(mail)

    after_commit(send)

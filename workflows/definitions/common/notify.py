"""Sending a notification: the tenant's template (`content.notifications.render_notification`),
sent as e-mail through Django's e-mail backend (console in development, locmem in tests, SMTP in
production).

A missing template or one using a placeholder the context does not provide is not a reason to
undo an order: the step records why nothing was sent and goes on. A mail server that cannot be
reached is a `NetworkError`, retried with the content policy (seeds §4.5.2).
"""
import logging
import smtplib
import socket

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from cityos.errors import NotFound, Unprocessable
from integrations import errors

logger = logging.getLogger("cityos.workflows")


def send(key: str, *, to, context: dict, locale: str | None = None) -> dict:
    """Render the e-mail template `key` and send it to `to` (an address or a list). Returns
    `{"sent": True, "to", "subject", "template"}` or `{"sent": False, "skipped": why}`."""
    from content.notifications import render_notification

    recipients = [address for address in ([to] if isinstance(to, str) else list(to)) if address]
    if not recipients:
        return {"sent": False, "skipped": "no recipient", "template": key}
    try:
        message = render_notification(key, "email", context, locale=locale)
    except (NotFound, Unprocessable) as exc:
        logger.warning("notification %s not sent: %s", key, exc.message)
        return {"sent": False, "skipped": exc.message, "template": key}
    email = EmailMultiAlternatives(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, recipients)
    if message.html:
        email.attach_alternative(message.html, "text/html")
    try:
        email.send()
    except (smtplib.SMTPException, OSError, socket.timeout) as exc:
        raise errors.NetworkError(f"the mail server could not be reached: {exc}", system="content") from exc
    return {"sent": True, "to": recipients, "subject": message.subject, "template": key, "locale": message.locale}

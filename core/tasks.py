"""Celery tasks: thin wrappers around services (STYLE.md). Late-acked, so each is safe to run twice."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.core.cache import cache
from django.core.mail import EmailMessage

from core import reminders

logger = logging.getLogger(__name__)

SENT_KEY_TIMEOUT = 60 * 60 * 24 * 14  # a redelivery comes within minutes; two weeks is plenty
SENDING_LOCK_TIMEOUT = 60 * 5


def _sent_key(key: str) -> str:
    return f"core:email-sent:{key}"


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=60 * 30,
    retry_jitter=True,
    max_retries=8,
)
def send_email(self, *, key: str, recipients: list[str], subject: str, body: str) -> bool:
    """Send one message once: a message already sent under `key` is not sent again (False).

    The record of sent keys lives in Django's cache (Redis in production): checked before sending, written
    after; a short lock keeps two deliveries running at the same moment from both sending.
    """
    sent = _sent_key(key)
    if cache.get(sent):
        logger.info("email %s already sent; skipping the redelivered task", key)
        return False
    lock = f"core:email-sending:{key}"
    if not cache.add(lock, self.request.id or "1", SENDING_LOCK_TIMEOUT):
        logger.info("email %s is being sent by another delivery; skipping", key)
        return False
    try:
        EmailMessage(subject=subject, body=body, to=list(recipients)).send(fail_silently=False)
        cache.set(sent, True, SENT_KEY_TIMEOUT)
    finally:
        cache.delete(lock)
    return True


@shared_task
def remind_calls_closing() -> int:
    return reminders.remind_calls_closing()


@shared_task
def remind_information_overdue() -> int:
    return reminders.remind_information_overdue()


@shared_task
def remind_mou_commitments_due() -> int:
    return reminders.remind_mou_commitments_due()


@shared_task
def remind_exemptions_expiring() -> int:
    return reminders.remind_exemptions_expiring()


@shared_task
def remind_selfreports_overdue() -> int:
    return reminders.remind_selfreports_overdue()


@shared_task
def remind_annual_report_due() -> int:
    return reminders.remind_annual_report_due()

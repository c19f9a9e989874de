"""Celery tasks: thin wrappers around services (STYLE.md). Late-acked, so each is safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task

from core import notifications, reminders

logger = logging.getLogger(__name__)


@shared_task
def send_email(outbox_id: int | None = None, **queued_before_the_outbox) -> bool:
    """Send one outbox row once (`core.notifications.outgoing_email_send`); False when there was nothing to send.

    A message queued by an older release (key, recipients, subject, body) is written to the outbox first.
    """
    if outbox_id is None:
        message = notifications.outbox_adopt(**queued_before_the_outbox)
        if message is None:
            return False
        outbox_id = message.pk
    return notifications.outgoing_email_send(outbox_id=outbox_id)


@shared_task
def dispatch_outbox() -> int:
    """Every minute (beat) and when a worker starts: send the due e-mails nobody sent, drop old sent ones."""
    sent = notifications.outbox_dispatch()
    purged = notifications.outbox_purge_sent()
    if sent or purged:
        logger.info("outbox: %d e-mail(s) sent, %d old sent e-mail(s) deleted", sent, purged)
    return sent


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

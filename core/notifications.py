"""E-mail notifications, sent by a Celery task queued when the current transaction commits.

The caller writes the text (Korean first, then English, in the body); this module finds the addresses,
adds the subject prefix and queues one `core.tasks.send_email` task per message. Each message carries a key
so a task the broker delivers twice (late acks, a worker lost mid-send) sends once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction

SUBJECT_PREFIX = "[AI 특구] "


def company_emails(company: Any) -> list[str]:
    """The addresses of the company's active members (active users with an address), sorted, once each."""
    from companies.models import CompanyMember

    company_id = getattr(company, "pk", company)
    return sorted(
        set(
            CompanyMember.objects.filter(company_id=company_id, is_active=True, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def _emails(users_or_emails: Iterable[Any]) -> list[str]:
    emails = set()
    for item in users_or_emails:
        if isinstance(item, str):
            address = item.strip()
        else:
            if not getattr(item, "is_active", True):
                continue
            address = (getattr(item, "email", "") or "").strip()
        if address:
            emails.add(address)
    return sorted(emails)


def _queue(recipients: list[str], subject: str, body: str, key: str | None) -> None:
    if not recipients:
        return
    from core.tasks import send_email

    if not subject.startswith(SUBJECT_PREFIX):
        subject = SUBJECT_PREFIX + subject
    # The key is fixed now, so every delivery of this task carries the same one.
    message_key = key or uuid.uuid4().hex
    transaction.on_commit(lambda: send_email.delay(key=message_key, recipients=recipients, subject=subject, body=body))


def notify_company(company: Any, *, subject: str, body: str, key: str | None = None) -> None:
    """One e-mail to the company's active members, sent after the current transaction commits."""
    _queue(company_emails(company), subject, body, key)


def notify_users(users_or_emails: Iterable[Any], *, subject: str, body: str, key: str | None = None) -> None:
    """One e-mail to these users (inactive ones and empty addresses left out) or addresses, after commit."""
    _queue(_emails(users_or_emails), subject, body, key)

"""E-mail notifications through a transactional outbox in PostgreSQL (`core.models.OutgoingEmail`).

The caller writes the text (Korean first, then English, in the body); this module finds the addresses, adds
the subject prefix and writes one outbox row per message in the caller's transaction, so the message exists
exactly when the change it tells about was committed. Each row carries a key (the caller's, or a random one): a
second message under the same key (a reminder run twice) adds no row.

Once the transaction commits, `core.tasks.send_email` is published for the row, so the message goes out within
seconds. If the broker cannot be reached, the request still succeeds: the row stays pending and
`core.tasks.dispatch_outbox` (every minute, and when a worker starts) sends it. Sending locks the row, so a
message is sent once however many deliveries of the task there are, on however many machines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import smtplib
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models.functions import Now

from core.models import OutgoingEmail, TransitionLog

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "[AI 특구] "
KEY_MAX_LENGTH = OutgoingEmail._meta.get_field("key").max_length

# A failed send is tried again after 30 s, then 1, 2, 4 ... minutes (at most 30 between tries); the 8th failure
# is final (the office may send it again from the admin).
MAX_ATTEMPTS = 8
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 30 * 60
# The dispatcher leaves a row this long to the task published when it was committed.
DISPATCH_AFTER_SECONDS = 10
DISPATCH_BATCH = 200


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


def outbox_key(key: str | None) -> str:
    """The caller's key as stored: a random one when there is none; a long one shortened by its hash."""
    if not key:
        return uuid.uuid4().hex
    if len(key) <= KEY_MAX_LENGTH:
        return key
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return f"{key[: KEY_MAX_LENGTH - len(digest) - 1]}#{digest}"


def _queue(
    recipients: list[str], subject: str, body: str, key: str | None, *, publish_on_commit: bool = True
) -> OutgoingEmail | None:
    """Write the message to the outbox in the current transaction; publish its sending once that commits."""
    if not recipients:
        return None
    if not subject.startswith(SUBJECT_PREFIX):
        subject = SUBJECT_PREFIX + subject
    message, created = OutgoingEmail.objects.get_or_create(
        key=outbox_key(key), defaults={"recipients": recipients, "subject": subject, "body": body}
    )
    if not created:
        logger.info("e-mail %s is in the outbox already; not queued again", message.key)
    elif publish_on_commit:
        transaction.on_commit(lambda: publish(message.pk))
    return message


def outbox_adopt(*, key: str, recipients: list[str], subject: str, body: str) -> OutgoingEmail | None:
    """A message a `send_email` task of an older release carried, written to the outbox (once per key)."""
    return _queue(list(recipients), subject, body, key, publish_on_commit=False)


def publish(outbox_id: int) -> None:
    """Ask a worker to send the row now. If the broker fails, the row waits for `dispatch_outbox`."""
    from core.tasks import send_email

    if send_email.app.conf.task_always_eager:
        send_email.delay(outbox_id)  # run here (tests): its errors are the task's, not a broker's
        return
    try:
        send_email.delay(outbox_id)
    except Exception:
        logger.warning("broker unavailable: e-mail %s waits in the outbox for the dispatcher", outbox_id, exc_info=True)


def notify_company(company: Any, *, subject: str, body: str, key: str | None = None) -> None:
    """One e-mail to the company's active members, sent after the current transaction commits."""
    _queue(company_emails(company), subject, body, key)


def notify_users(users_or_emails: Iterable[Any], *, subject: str, body: str, key: str | None = None) -> None:
    """One e-mail to these users (inactive ones and empty addresses left out) or addresses, after commit."""
    _queue(_emails(users_or_emails), subject, body, key)


@transaction.atomic
def outgoing_emails_resend(*, ids: Iterable[int], acting_user: Any) -> int:
    """Put failed e-mails back in the outbox, due now (their attempts are kept); the others are left alone.

    Each one resent writes its workflow step (failed → pending, by whom). Returns how many were resent.
    """
    failed = list(
        OutgoingEmail.objects.select_for_update()
        .filter(pk__in=list(ids), status=OutgoingEmail.Status.FAILED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not failed:
        return 0
    OutgoingEmail.objects.filter(pk__in=failed).update(status=OutgoingEmail.Status.PENDING, next_attempt_at=Now())
    content_type = ContentType.objects.get_for_model(OutgoingEmail)
    TransitionLog.objects.bulk_create(
        TransitionLog(
            content_type=content_type,
            object_id=pk,
            actor=acting_user,
            from_status=OutgoingEmail.Status.FAILED,
            to_status=OutgoingEmail.Status.PENDING,
        )
        for pk in failed
    )
    for pk in failed:
        transaction.on_commit(lambda pk=pk: publish(pk))
    return len(failed)


# --- sending: one row, once ----------------------------------------------------------------------------------------


def retry_delay(attempts: int) -> dt.timedelta:
    """How long after its `attempts`-th failure a message is tried again."""
    return dt.timedelta(seconds=min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS))


def message_id(key: str) -> str:
    """The Message-ID of the message stored under `key`: the same on every try, so a copy is recognisably one."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"
    return f"<{uuid.uuid5(uuid.NAMESPACE_URL, 'outgoing-email:' + key).hex}@{domain}>"


def _refused_for_good(error: Exception) -> bool:
    """A bad address: malformed (ValueError from the message), or every recipient refused with a 5xx code."""
    if isinstance(error, ValueError):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        return all(int(code) >= 500 for code, _text in error.recipients.values())
    return False


def outgoing_email_send(*, outbox_id: int) -> bool:
    """Send one pending, due outbox row, once; False when there is nothing to send (sent, failed, not due yet,
    or being sent by another delivery right now).

    The row stays locked while its message goes to the mail server and is marked sent in the same transaction:
    a second delivery skips it. A failure is recorded on the row (attempts, error, next try) and never raised;
    a bad address fails the row at once.
    """
    with transaction.atomic():
        message = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=outbox_id, status=OutgoingEmail.Status.PENDING, next_attempt_at__lte=Now())
            .first()
        )
        if message is None:
            return False
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            to=list(message.recipients),
            headers={"Message-ID": message_id(message.key)},
        )
        try:
            email.send(fail_silently=False)
        except (smtplib.SMTPException, OSError, ValueError) as error:
            _record_failure(message, error, final=_refused_for_good(error))
            return False
        except Exception as error:
            logger.exception("e-mail %s: unexpected error while sending", message.pk)
            _record_failure(message, error, final=False)
            return False
        OutgoingEmail.objects.filter(pk=message.pk).update(status=OutgoingEmail.Status.SENT, sent_at=Now())
    return True


def _record_failure(message: OutgoingEmail, error: Exception, *, final: bool) -> None:
    attempts = message.attempts + 1
    changes: dict[str, Any] = {"attempts": attempts, "last_error": f"{type(error).__name__}: {error}"[:2000]}
    if final or attempts >= MAX_ATTEMPTS:
        changes["status"] = OutgoingEmail.Status.FAILED
        logger.error("e-mail %s failed for good after %d attempt(s): %s", message.pk, attempts, changes["last_error"])
    else:
        changes["next_attempt_at"] = Now() + retry_delay(attempts)
        logger.warning("e-mail %s not sent (attempt %d): %s", message.pk, attempts, changes["last_error"])
    OutgoingEmail.objects.filter(pk=message.pk).update(**changes)


def outbox_dispatch(*, limit: int = DISPATCH_BATCH) -> int:
    """Send up to `limit` due pending rows, oldest due first, each in its own transaction. Returns how many were
    sent. Rows committed in the last seconds are left to their own task; were one sent by both, the lock and the
    status would still send it once."""
    due = list(
        OutgoingEmail.objects.filter(
            status=OutgoingEmail.Status.PENDING,
            next_attempt_at__lte=Now() - dt.timedelta(seconds=DISPATCH_AFTER_SECONDS),
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if outgoing_email_send(outbox_id=pk))


def outbox_purge_sent(*, older_than: dt.timedelta | None = None) -> int:
    """Delete sent rows older than the retention (`EMAIL_OUTBOX_RETENTION_DAYS`); failed rows stay for the office."""
    if older_than is None:
        older_than = dt.timedelta(days=settings.EMAIL_OUTBOX_RETENTION_DAYS)
    deleted, _by_model = OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.SENT, sent_at__lt=Now() - older_than
    ).delete()
    return deleted

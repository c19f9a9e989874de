"""E-mail notifications, sent by a Celery task queued when the current transaction commits.

The caller writes the text (Korean first, then English, in the body); this module finds the addresses,
adds the subject prefix and queues one `core.tasks.send_email` task per message. Each message carries a key
so a task the broker delivers twice (late acks, a worker lost mid-send) sends once.

When the broker cannot be reached, the committed request still succeeds: the message is written to a spool
directory (`EMAIL_SPOOL_DIR`, default `VAR_DIR/email-spool`) and queued later, by a thread of the process
that spooled it (retrying every `EMAIL_SPOOL_RETRY_SECONDS`), by the next message that is queued, and by
every worker when it starts. A message queued twice is still sent once (its key).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

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
    if not subject.startswith(SUBJECT_PREFIX):
        subject = SUBJECT_PREFIX + subject
    # The key is fixed now, so every delivery of this task carries the same one.
    message = {"key": key or uuid.uuid4().hex, "recipients": recipients, "subject": subject, "body": body}
    transaction.on_commit(lambda: _publish(message))


# --- the spool: messages the broker could not take ------------------------------------------------------------------

_spool_lock = threading.Lock()
_retry_thread: threading.Thread | None = None


def spool_dir() -> Path:
    return Path(getattr(settings, "EMAIL_SPOOL_DIR", None) or Path(settings.VAR_DIR) / "email-spool")


def _send_task(message: dict) -> None:
    from core.tasks import send_email

    send_email.delay(**message)


def _publish(message: dict) -> None:
    """Queue the message; if the broker fails, spool it instead of failing the request that already committed."""
    from core.tasks import send_email

    if send_email.app.conf.task_always_eager:
        send_email.delay(**message)  # run here (tests): its errors are the task's, not a broker's
        return
    try:
        _send_task(message)
    except Exception:
        logger.warning("broker unavailable: e-mail %s spooled for later", message["key"], exc_info=True)
        _spool(message)
        return
    if _spooled_files():
        flush_spooled_emails()


def _spool(message: dict) -> None:
    directory = spool_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = uuid.uuid5(uuid.NAMESPACE_URL, message["key"]).hex + ".json"
    # Written whole, then renamed: a reader never sees half a message.
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(message, stream, ensure_ascii=False)
    os.replace(temporary, directory / name)
    _start_retry_thread()


def _spooled_files() -> list[Path]:
    directory = spool_dir()
    if not directory.is_dir():
        return []
    return sorted(directory.glob("*.json"), key=_mtime)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def flush_spooled_emails() -> int:
    """Queue every spooled message; stops at the first broker failure (the rest stays). Returns how many."""
    queued = 0
    with _spool_lock:
        for path in _spooled_files():
            try:
                message = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                continue  # another process queued it meanwhile
            except (OSError, ValueError):
                logger.exception("unreadable spooled e-mail %s left in place", path)
                continue
            try:
                _send_task(message)
            except Exception:
                logger.warning("broker still unavailable: %d spooled e-mail(s) wait", len(_spooled_files()))
                return queued
            path.unlink(missing_ok=True)
            queued += 1
    return queued


def _retry_until_empty() -> None:
    global _retry_thread
    interval = float(getattr(settings, "EMAIL_SPOOL_RETRY_SECONDS", 30))
    pause = threading.Event()
    while True:
        pause.wait(interval)
        try:
            flush_spooled_emails()
        except Exception:
            logger.exception("could not queue the spooled e-mails")
        with _spool_lock:
            # Checked under the lock `_start_retry_thread` takes: a message spooled now finds this thread gone.
            if not _spooled_files():
                _retry_thread = None
                return


def _start_retry_thread() -> None:
    global _retry_thread
    with _spool_lock:
        if _retry_thread is not None and _retry_thread.is_alive():
            return
        _retry_thread = threading.Thread(target=_retry_until_empty, name="email-spool", daemon=True)
        _retry_thread.start()


def notify_company(company: Any, *, subject: str, body: str, key: str | None = None) -> None:
    """One e-mail to the company's active members, sent after the current transaction commits."""
    _queue(company_emails(company), subject, body, key)


def notify_users(users_or_emails: Iterable[Any], *, subject: str, body: str, key: str | None = None) -> None:
    """One e-mail to these users (inactive ones and empty addresses left out) or addresses, after commit."""
    _queue(_emails(users_or_emails), subject, body, key)

"""The e-mail outbox (`core.models.OutgoingEmail`): written in the caller's transaction, sent once, retried with
a back-off, failed for good after 8 tries or at once for a refused address, dispatched when its task was lost,
kept for the retention period, and shown read-only in the admin.

Eager Celery (the task runs when the transaction commits); tests/core/test_notifications_worker.py runs the same
through a real worker.
"""

import datetime as dt
import smtplib

import psycopg
import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, transaction
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import notifications, tasks
from core.models import OutgoingEmail, TransitionLog
from core.notifications import notify_company, notify_users
from tests import factories

pytestmark = pytest.mark.django_db


class FlakySmtpBackend(LocmemBackend):
    """A mail server that is down for addresses at down.example.kr, refuses those at refused.example.kr for good
    (550) and those at busy.example.kr for now (450), and takes the others (into `mail.outbox`)."""

    def send_messages(self, messages):
        for message in messages:
            for address in message.recipients():
                if address.endswith("@down.example.kr"):
                    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
                if address.endswith("@refused.example.kr"):
                    raise smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 No such user")})
                if address.endswith("@busy.example.kr"):
                    raise smtplib.SMTPRecipientsRefused({address: (450, b"4.2.1 Mailbox busy, try later")})
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def flaky_smtp(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakySmtpBackend"
    mail.outbox = []


def row(key: str) -> OutgoingEmail:
    return OutgoingEmail.objects.get(key=key)


# --- written with the change it tells about ---------------------------------------------------------------------


def test_the_row_is_written_in_the_callers_transaction_and_rolled_back_with_it(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify_users(["ceo@rollback.example.kr"], subject="선정 / Selected", body="b", key="decision-rolled-back")
            assert OutgoingEmail.objects.filter(key="decision-rolled-back").exists()
            raise RuntimeError("the decision failed")
    assert not OutgoingEmail.objects.filter(key="decision-rolled-back").exists()
    assert callbacks == []
    assert mail.outbox == []


def test_a_committed_message_is_sent_once_with_a_stable_message_id(django_capture_on_commit_callbacks):
    company = factories.CompanyFactory()
    for email in ("cto@sent.example.kr", "ceo@sent.example.kr"):
        factories.CompanyMemberFactory(company=company, user=factories.UserFactory(username=email, email=email))

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify_company(company, subject="선정 안내 / Selected", body="축하합니다.", key="decision-7")
        assert mail.outbox == []  # nothing goes out before the commit

    message = row("decision-7")
    assert (message.status, message.attempts, message.last_error) == (OutgoingEmail.Status.SENT, 0, "")
    assert message.sent_at is not None
    assert message.recipients == ["ceo@sent.example.kr", "cto@sent.example.kr"]
    assert [m.to for m in mail.outbox] == [["ceo@sent.example.kr", "cto@sent.example.kr"]]
    assert mail.outbox[0].subject == "[AI 특구] 선정 안내 / Selected"
    assert mail.outbox[0].extra_headers["Message-ID"] == notifications.message_id("decision-7")
    assert notifications.message_id("decision-7") != notifications.message_id("decision-8")

    # A second delivery of the task finds the row sent.
    assert tasks.send_email.delay(message.pk).get() is False
    assert len(mail.outbox) == 1


def test_a_repeated_key_adds_no_row_and_sends_nothing_more(django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify_users(["office@twice.example.kr"], subject="s", body="b", key="reminder:x:1:2:2026-01-01")
    assert OutgoingEmail.objects.filter(key="reminder:x:1:2:2026-01-01").count() == 1
    assert len(mail.outbox) == 1


def test_messages_without_a_key_or_recipients(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify_users(["a@nokey.example.kr"], subject="s", body="b")
        notify_users(["a@nokey.example.kr"], subject="s", body="b")
        notify_users([], subject="nobody", body="b", key="nobody")
        notify_company(factories.CompanyFactory(), subject="no members", body="b", key="no-members")
    assert OutgoingEmail.objects.count() == 2  # two random keys; nothing for nobody
    assert len(mail.outbox) == 2


def test_a_key_longer_than_the_column_is_kept_unique_by_its_hash(django_capture_on_commit_callbacks):
    long_a = "|".join(f"reminder:selfreport_overdue:12:{n}:2025-03-31" for n in range(20))
    long_b = long_a + "|one-more"
    with django_capture_on_commit_callbacks(execute=True):
        for key in (long_a, long_b, long_a):
            notify_users(["ceo@long.example.kr"], subject="s", body="b", key=key)
    keys = list(OutgoingEmail.objects.values_list("key", flat=True))
    assert len(keys) == 2 and all(len(key) == 255 for key in keys)
    assert len(mail.outbox) == 2


# --- failures ----------------------------------------------------------------------------------------------------


def test_a_failed_send_backs_off_then_fails_after_eight_attempts(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify_users(["ceo@down.example.kr"], subject="s", body="b", key="smtp-down")
    message = row("smtp-down")
    expected = [30, 60, 120, 240, 480, 960, 1800]
    for attempt, seconds in enumerate(expected, start=1):
        message.refresh_from_db()
        assert (message.status, message.attempts) == (OutgoingEmail.Status.PENDING, attempt)
        # The database's clock, at the failure: within a second of the test's start.
        waited = message.next_attempt_at - message.created_at
        assert dt.timedelta(seconds=seconds) <= waited < dt.timedelta(seconds=seconds + 2)
        assert message.last_error.startswith("SMTPServerDisconnected")
        # Not due yet: another delivery does nothing.
        assert tasks.send_email.delay(message.pk).get() is False
        assert OutgoingEmail.objects.get(pk=message.pk).attempts == attempt
        # Time passes.
        OutgoingEmail.objects.filter(pk=message.pk).update(next_attempt_at=Now())
        assert tasks.send_email.delay(message.pk).get() is False

    message.refresh_from_db()
    assert (message.status, message.attempts, message.sent_at) == (OutgoingEmail.Status.FAILED, 8, None)
    assert tasks.send_email.delay(message.pk).get() is False
    assert OutgoingEmail.objects.get(pk=message.pk).attempts == 8
    assert mail.outbox == []


def test_an_address_refused_for_good_fails_at_once_and_a_busy_one_is_retried(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify_users(["nobody@refused.example.kr"], subject="s", body="b", key="refused")
        notify_users(["ceo@busy.example.kr"], subject="s", body="b", key="busy")
        notify_users(["ceo@fine.example.kr"], subject="s", body="b", key="fine")

    refused, busy = row("refused"), row("busy")
    assert (refused.status, refused.attempts) == (OutgoingEmail.Status.FAILED, 1)
    assert "No such user" in refused.last_error
    assert (busy.status, busy.attempts) == (OutgoingEmail.Status.PENDING, 1)
    assert row("fine").status == OutgoingEmail.Status.SENT  # one bad address does not hold up the others
    assert [m.to for m in mail.outbox] == [["ceo@fine.example.kr"]]


def test_a_malformed_address_is_recorded_not_raised(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify_users(["ceo@bad.example.kr\nBcc: all@example.kr"], subject="s", body="b", key="malformed")
    message = row("malformed")
    assert (message.status, message.attempts) == (OutgoingEmail.Status.FAILED, 1)
    assert message.last_error
    assert mail.outbox == []


# --- the dispatcher ------------------------------------------------------------------------------------------------


def pending(key: str, *, committed_ago: dt.timedelta | None = dt.timedelta(minutes=1), **fields) -> OutgoingEmail:
    """A pending row whose task was lost (it was never published, or the broker lost it)."""
    fields = {"recipients": [f"{key}@dispatch.example.kr"], "subject": f"[AI 특구] {key}", "body": "b", **fields}
    message = OutgoingEmail.objects.create(key=key, **fields)
    if committed_ago is not None:
        OutgoingEmail.objects.filter(pk=message.pk).update(next_attempt_at=Now() - committed_ago)
    return message


def test_the_dispatcher_sends_due_rows_whose_task_was_lost_in_bounded_batches():
    for n in range(3):
        pending(f"lost-{n}")
    pending("just-committed", committed_ago=None)  # its own task is on the way
    pending("retry-later", committed_ago=-dt.timedelta(minutes=5))
    pending("failed", status=OutgoingEmail.Status.FAILED, attempts=8)
    pending("sent", status="sent", sent_at=Now())  # a sent row is never sent again

    assert notifications.outbox_dispatch(limit=2) == 2
    assert tasks.dispatch_outbox.delay().get() == 1

    assert sorted(m.subject for m in mail.outbox) == ["[AI 특구] lost-0", "[AI 특구] lost-1", "[AI 특구] lost-2"]
    statuses = dict(OutgoingEmail.objects.values_list("key", "status"))
    assert statuses == {
        "lost-0": "sent",
        "lost-1": "sent",
        "lost-2": "sent",
        "just-committed": "pending",
        "retry-later": "pending",
        "failed": "failed",
        "sent": "sent",
    }
    assert tasks.dispatch_outbox.delay().get() == 0


def test_sent_rows_are_deleted_after_the_retention_period(settings):
    settings.EMAIL_OUTBOX_RETENTION_DAYS = 180
    old_sent = pending("old-sent", status="sent", sent_at=Now() - dt.timedelta(days=181))
    pending("recent-sent", status="sent", sent_at=Now() - dt.timedelta(days=179))
    pending("old-failed", status="failed", attempts=8, committed_ago=dt.timedelta(days=400))
    pending("old-pending", committed_ago=dt.timedelta(days=400))

    tasks.dispatch_outbox.delay().get()

    assert not OutgoingEmail.objects.filter(pk=old_sent.pk).exists()
    assert set(OutgoingEmail.objects.values_list("key", flat=True)) == {"recent-sent", "old-failed", "old-pending"}
    assert row("old-pending").status == "sent"  # an old pending row is sent, not dropped


# --- two deliveries at once ----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_row_being_sent_by_another_delivery_is_skipped_not_waited_for():
    with transaction.atomic():
        notify_users(["ceo@locked.example.kr"], subject="s", body="b", key="locked")
    mail.outbox = []  # eager: sent on commit; make it pending again for the race
    OutgoingEmail.objects.filter(key="locked").update(status="pending", sent_at=None)
    message = row("locked")

    sd = connection.settings_dict
    other = psycopg.connect(
        host=sd["HOST"], port=sd["PORT"], user=sd["USER"], password=sd["PASSWORD"] or None, dbname=sd["NAME"]
    )
    try:
        # Another worker holds the row while it talks to the mail server.
        other.execute(f"SELECT id FROM {OutgoingEmail._meta.db_table} WHERE id = %s FOR UPDATE", [message.pk])  # noqa: S608
        assert notifications.outgoing_email_send(outbox_id=message.pk) is False
        assert mail.outbox == []
    finally:
        other.rollback()
        other.close()
    assert notifications.outgoing_email_send(outbox_id=message.pk) is True
    assert len(mail.outbox) == 1


# --- the admin -----------------------------------------------------------------------------------------------------


def staff_with(*codenames: str):
    user = factories.UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="core", codename__in=codenames))
    return user


@pytest.fixture
def outbox_rows():
    return {
        "sent": pending("sent-row", status="sent", sent_at=Now(), body="주민등록번호 900101-1******"),
        "failed": pending("failed-row", status="failed", attempts=8, last_error="SMTPServerDisconnected: gone"),
    }


def test_superusers_and_staff_with_the_view_permission_read_the_outbox_with_bodies(client, outbox_rows):
    changelist = reverse("admin:core_outgoingemail_changelist")
    detail = reverse("admin:core_outgoingemail_change", args=[outbox_rows["sent"].pk])
    for user in (factories.SuperUserFactory(), staff_with("view_outgoingemail")):
        client.force_login(user)
        response = client.get(changelist, {"q": "failed-row@dispatch"})
        assert response.status_code == 200
        assert [obj.key for obj in response.context["cl"].result_list] == ["failed-row"]
        page = client.get(detail)
        assert page.status_code == 200
        assert "900101-1******" in page.content.decode()
        assert b'name="_save"' not in page.content  # read-only

    client.force_login(staff_with())
    assert client.get(changelist).status_code == 403
    assert client.get(detail).status_code == 403


def test_the_body_needs_the_view_permission(client, outbox_rows):
    client.force_login(staff_with("change_outgoingemail"))
    page = client.get(reverse("admin:core_outgoingemail_change", args=[outbox_rows["sent"].pk]))
    assert page.status_code == 200
    assert "sent-row@dispatch.example.kr" in page.content.decode()
    assert "900101-1******" not in page.content.decode()


def test_nothing_is_added_or_deleted_in_the_admin(admin_client, outbox_rows):
    assert admin_client.get(reverse("admin:core_outgoingemail_add")).status_code == 403
    assert (
        admin_client.get(reverse("admin:core_outgoingemail_delete", args=[outbox_rows["sent"].pk])).status_code == 403
    )
    page = admin_client.get(reverse("admin:core_outgoingemail_changelist"))
    assert "delete_selected" not in dict(page.context["action_form"].fields["action"].choices)


def test_send_again_puts_failed_rows_back_keeping_their_attempts(
    admin_client, superuser, outbox_rows, django_capture_on_commit_callbacks
):
    failed, sent = outbox_rows["failed"], outbox_rows["sent"]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:core_outgoingemail_changelist"),
            {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )
    assert response.status_code == 200
    texts = [str(m) for m in response.context["messages"]]
    assert any("1" in text for text in texts) and len(texts) == 2

    failed.refresh_from_db()
    sent.refresh_from_db()
    # Due now, sent on commit; attempts kept (a ninth try), the sent row untouched.
    assert (failed.status, failed.attempts) == (OutgoingEmail.Status.SENT, 8)
    assert [m.to for m in mail.outbox] == [["failed-row@dispatch.example.kr"]]
    assert sent.status == OutgoingEmail.Status.SENT
    step = TransitionLog.objects.get(object_id=failed.pk, content_type__model="outgoingemail")
    assert (step.actor, step.from_status, step.to_status) == (superuser, "failed", "pending")


def test_send_again_needs_the_change_permission(client, outbox_rows):
    client.force_login(staff_with("view_outgoingemail"))
    response = client.post(
        reverse("admin:core_outgoingemail_changelist"),
        {"action": "send_again", "_selected_action": [outbox_rows["failed"].pk]},
    )
    assert response.status_code in (200, 302)
    assert OutgoingEmail.objects.get(pk=outbox_rows["failed"].pk).status == OutgoingEmail.Status.FAILED


def test_a_task_queued_by_the_previous_release_is_written_to_the_outbox_and_sent_once():
    queued = {"key": "before-the-outbox", "recipients": ["ceo@old.example.kr"], "subject": "[AI 특구] s", "body": "b"}
    assert tasks.send_email.delay(**queued).get() is True
    assert tasks.send_email.delay(**queued).get() is False
    assert row("before-the-outbox").status == OutgoingEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [["ceo@old.example.kr"]]


def test_the_admin_list_takes_the_same_queries_for_one_row_and_fifty(admin_client):
    url = reverse("admin:core_outgoingemail_changelist")
    pending("first")
    admin_client.get(url)  # sessions, content types and permissions cached
    with CaptureQueriesContext(connection) as one:
        assert admin_client.get(url).status_code == 200
    for n in range(49):
        pending(f"more-{n}", status="failed", attempts=8)
    with CaptureQueriesContext(connection) as fifty:
        response = admin_client.get(url)
    assert len(response.context["cl"].result_list) == 50
    assert len(fifty.captured_queries) == len(one.captured_queries)

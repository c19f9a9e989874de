"""The application workflow as the company portal and the zone office drive it.

Every status change goes through `_transition`, which checks `Application.TRANSITIONS`, locks the row and
writes the `ApplicationTransition` audit row in the same transaction. E-mails to the company's members (or
to the zone office) are queued with `transaction.on_commit`, in Korean first and English second.

Rules decided here:
- one live application per company and call: starting again returns the existing one (a double click on
  "Apply" must not fail), a withdrawn one does not count;
- an exemption (special case use) call accepts only companies the zone plan names as operators;
- the deadline binds the first submission; a resubmission answering a request for information is
  accepted after the call closed, since the office asked for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from companies.models import Company, CompanyMember
from core.exceptions import ApplicationError
from core.notifications import notify_users
from programs.models import (
    Application,
    ApplicationMessage,
    ApplicationRevision,
    ApplicationTransition,
    Call,
    Program,
)
from programs.selectors import application_core_fields
from zones.models import ZoneStaff
from zones.selectors import company_is_plan_operator

Status = Application.Status

# Where the company may still change its answers.
EDITABLE_STATUSES = (Status.DRAFT, Status.INFO_REQUESTED)
OFFICE_ROLES = (ZoneStaff.Role.ADMINISTRATOR, ZoneStaff.Role.OFFICER)


class IncompleteApplicationError(ApplicationError):
    """Submission refused: `missing` lists what the company still has to give."""

    def __init__(self, message: str, *, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


# --- permission checks ---------------------------------------------------------


def _ensure_member(company_id: int, user: AbstractBaseUser) -> None:
    if not CompanyMember.objects.filter(company_id=company_id, user=user, is_active=True).exists():
        raise ApplicationError(_("You do not act for this company."))


def _ensure_office(application: Application, user: AbstractBaseUser) -> None:
    if user.is_superuser:
        return
    zone_id = application.call.program.zone_id
    if not ZoneStaff.objects.filter(user=user, zone_id=zone_id, is_active=True, role__in=OFFICE_ROLES).exists():
        raise ApplicationError(_("Only the zone office of this call can do this."))


# --- locking and the transition itself ------------------------------------------


def _lock(application: Application) -> Application:
    """The row, locked for the rest of the transaction (the joined call, program and company are not)."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call__program__zone", "company")
        .get(pk=application.pk)
    )


def _transition(
    application: Application,
    to: str,
    actor: AbstractBaseUser,
    comment: str = "",
    *,
    changes: dict | None = None,
) -> Application:
    """Move a locked application to `to` if the TRANSITIONS table allows it, with its audit row.

    `changes` are other fields set in the same save (submitted_at, form_version, ...).
    """
    locked = _lock(application)
    from_status = locked.status
    if to not in locked.allowed_transitions():
        raise ApplicationError(
            _("An application that is %(from)s cannot become %(to)s.")
            % {"from": Status(from_status).label, "to": Status(to).label}
        )
    for field, value in (changes or {}).items():
        setattr(locked, field, value)
    locked.status = to
    locked._history_user = actor
    locked._change_reason = f"{from_status} -> {to}"
    locked.full_clean()
    locked.save()
    ApplicationTransition.objects.create(
        application=locked, actor=actor, from_status=from_status, to_status=to, comment=comment, at=timezone.now()
    )
    return locked


# --- e-mail ------------------------------------------------------------------------


def _bilingual(render: Callable[[], str]) -> str:
    """The same text in Korean, then English."""
    parts = []
    for language in ("ko", "en"):
        with translation.override(language):
            parts.append(render())
    return "\n\n----\n\n".join(parts)


def _portal_url(name: str, *args) -> str:
    return getattr(settings, "PORTAL_BASE_URL", "").rstrip("/") + reverse(name, args=args)


def _company_emails(company_id: int) -> list[str]:
    return sorted(
        set(
            CompanyMember.objects.filter(company_id=company_id, is_active=True, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def _office_emails(zone_id: int) -> list[str]:
    return sorted(
        set(
            ZoneStaff.objects.filter(zone_id=zone_id, is_active=True, role__in=OFFICE_ROLES, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def _queue_mail(recipients: Iterable[str], subject: Callable[[], str], body: Callable[[], str]) -> None:
    recipients = list(recipients)
    if not recipients:
        return
    with translation.override("ko"):
        subject_text = subject()
    notify_users(recipients, subject=subject_text, body=_bilingual(body))


def _notify_company(application: Application, subject: Callable[[], str], body: Callable[[], str]) -> None:
    _queue_mail(_company_emails(application.company_id), subject, body)


# --- company side ----------------------------------------------------------------


@transaction.atomic
def application_start(*, call: Call, company: Company, acting_user: AbstractBaseUser) -> Application:
    """A draft application of `company` to an open `call`; the existing one if the company already applied."""
    _ensure_member(company.pk, acting_user)
    # Serialises two "Apply" clicks of the same company: the second finds the first one's draft.
    company = Company.objects.select_for_update().get(pk=company.pk)
    existing = (
        Application.objects.active()
        .filter(call=call, company=company)
        .exclude(status=Status.WITHDRAWN)
        .order_by("-created_at")
        .first()
    )
    if existing is not None:
        return existing
    call = Call.objects.select_related("program__zone").get(pk=call.pk)
    if call.is_archived or call.program.is_archived or not call.is_open():
        raise ApplicationError(_("This call is not open for applications."))
    if company.is_archived:
        raise ApplicationError(_("This company's record is archived; it cannot apply."))
    if call.program.kind == Program.Kind.EXEMPTION and not company_is_plan_operator(company, call.program.zone_id):
        raise ApplicationError(
            _(
                "Only businesses named in the zone plan may use its special cases. "
                "Ask the zone office to name your company in the plan first."
            )
        )
    application = Application(
        call=call,
        company=company,
        status=Status.DRAFT,
        title=call.title_ko[:300],
        form_version=call.form_version,
        current_step=0,
    )
    application._history_user = acting_user
    application.full_clean()
    application.save()
    return application


def application_remember_step(*, application: Application, step: int, acting_user: AbstractBaseUser) -> None:
    """Where the company left off in the form, so "Continue" opens that step. A position on screen, not a
    change of the application: no history row, no lock, nothing if the application can no longer be edited."""
    _ensure_member(application.company_id, acting_user)
    Application.objects.filter(pk=application.pk, status__in=EDITABLE_STATUSES).update(current_step=max(step, 0))
    application.current_step = max(step, 0)


@transaction.atomic
def application_submit(*, application: Application, acting_user: AbstractBaseUser) -> Application:
    """Submit a draft, or resubmit after a request for information: a new frozen revision each time."""
    from programs.form_builder import form_snapshot, missing_items

    locked = _lock(application)
    _ensure_member(locked.company_id, acting_user)
    if locked.is_archived:
        raise ApplicationError(_("This application is archived; it can no longer be changed."))
    if locked.status not in EDITABLE_STATUSES:
        raise ApplicationError(
            _("An application that is %(status)s cannot be submitted.") % {"status": locked.get_status_display()}
        )
    call = locked.call
    now = timezone.now()
    if locked.status == Status.DRAFT and not call.is_open(now):
        if call.closes_at <= now:
            closed = timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M")
            raise ApplicationError(
                _("The call closed at %(closed)s (Korea time); late submissions are not accepted.") % {"closed": closed}
            )
        raise ApplicationError(_("This call is not open for applications."))
    missing = missing_items(locked)
    if missing:
        raise IncompleteApplicationError(
            _("The application is not complete. Still missing: %(items)s.") % {"items": "; ".join(missing)},
            missing=list(missing),
        )
    resubmission = locked.status == Status.INFO_REQUESTED
    number = (locked.revisions.aggregate(last=Max("number"))["last"] or 0) + 1
    revision = ApplicationRevision(
        application=locked,
        number=number,
        submitted_at=now,
        submitted_by=acting_user,
        form_version=call.form_version,
        form_snapshot=form_snapshot(call),
        core_fields=application_core_fields(locked),
        answers=dict(locked.answers or {}),
    )
    revision.full_clean()
    revision.save()
    revision.documents.set(locked.documents.filter(removed_at__isnull=True))
    comment = _("Resubmitted as revision %(n)d") % {"n": number} if resubmission else ""
    submitted = _transition(
        locked,
        Status.SUBMITTED,
        acting_user,
        comment,
        changes={"submitted_at": now, "form_version": call.form_version},
    )
    url = _portal_url("programs:application_detail", submitted.pk)
    _notify_company(
        submitted,
        lambda: _("Application received: %(title)s") % {"title": submitted.title},
        lambda: (
            _(
                "We received your application “%(title)s” to “%(call)s” (revision %(n)d) on %(at)s.\n"
                "Follow it here: %(url)s"
            )
            % {
                "title": submitted.title,
                "call": call.title_ko,
                "n": number,
                "at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
                "url": url,
            }
        ),
    )
    if resubmission:
        _queue_mail(
            _office_emails(call.program.zone_id),
            lambda: _("Application resubmitted: %(title)s") % {"title": submitted.title},
            lambda: (
                _("%(company)s answered your request for information and resubmitted “%(title)s” (revision %(n)d).")
                % {"company": submitted.company, "title": submitted.title, "n": number}
            ),
        )
    return submitted


@transaction.atomic
def application_withdraw(*, application: Application, acting_user: AbstractBaseUser, comment: str = "") -> Application:
    """The company withdraws its application, at any time before a decision."""
    _ensure_member(application.company_id, acting_user)
    withdrawn = _transition(application, Status.WITHDRAWN, acting_user, comment.strip())
    _notify_company(
        withdrawn,
        lambda: _("Application withdrawn: %(title)s") % {"title": withdrawn.title},
        lambda: (
            _("Your application “%(title)s” to “%(call)s” was withdrawn.")
            % {"title": withdrawn.title, "call": withdrawn.call.title_ko}
        ),
    )
    return withdrawn


@transaction.atomic
def application_reply(*, application: Application, acting_user: AbstractBaseUser, body: str) -> ApplicationMessage:
    """The company writes to the zone office: a response while information is requested, a message otherwise."""
    body = (body or "").strip()
    if not body:
        raise ApplicationError(_("Write a message first."), field="body")
    locked = _lock(application)
    _ensure_member(locked.company_id, acting_user)
    if locked.status == Status.WITHDRAWN:
        raise ApplicationError(_("This application was withdrawn."))
    kind = (
        ApplicationMessage.Kind.RESPONSE if locked.status == Status.INFO_REQUESTED else ApplicationMessage.Kind.MESSAGE
    )
    message = ApplicationMessage(application=locked, author=acting_user, from_office=False, kind=kind, body=body)
    message.full_clean()
    message.save()
    _queue_mail(
        _office_emails(locked.call.program.zone_id),
        lambda: _("Message from %(company)s: %(title)s") % {"company": locked.company, "title": locked.title},
        lambda: body,
    )
    return message


# --- zone office side --------------------------------------------------------------


def _ensure_expected(locked: Application, expected_from: str | None) -> None:
    """Two people deciding at once: the one who saw an older status is told, nothing is overwritten."""
    if expected_from and locked.status != expected_from:
        raise ApplicationError(
            _(
                "Someone else changed this application while you were deciding: it is now “%(now)s”. "
                "Reload the page and decide again."
            )
            % {"now": locked.get_status_display()}
        )


@transaction.atomic
def application_start_screening(
    *, application: Application, acting_user: AbstractBaseUser, comment: str = "", expected_from: str | None = None
) -> Application:
    """The office takes a submitted application into screening."""
    _ensure_office(application, acting_user)
    _ensure_expected(_lock(application), expected_from)
    return _transition(application, Status.SCREENING, acting_user, comment.strip())


@transaction.atomic
def application_request_info(
    *,
    application: Application,
    acting_user: AbstractBaseUser,
    message: str,
    due_on: dt.date | None = None,
) -> ApplicationMessage:
    """The office asks for more information during screening: the application reopens for editing."""
    message = (message or "").strip()
    if not message:
        raise ApplicationError(_("Say what information is needed."), field="message")
    if due_on is not None and due_on < timezone.localdate():
        raise ApplicationError(_("The answer cannot be due in the past."), field="due_on")
    _ensure_office(application, acting_user)
    reopened = _transition(application, Status.INFO_REQUESTED, acting_user, message)
    request = ApplicationMessage(
        application=reopened,
        author=acting_user,
        from_office=True,
        kind=ApplicationMessage.Kind.INFO_REQUEST,
        body=message,
        due_on=due_on,
    )
    request.full_clean()
    request.save()
    url = _portal_url("programs:application_detail", reopened.pk)
    _notify_company(
        reopened,
        lambda: _("More information requested: %(title)s") % {"title": reopened.title},
        lambda: (
            _(
                "The zone office asks for more information about your application “%(title)s”:\n\n%(message)s\n\n"
                "%(due)sEdit and resubmit it here: %(url)s"
            )
            % {
                "title": reopened.title,
                "message": message,
                "due": (_("Please answer by %(date)s. ") % {"date": due_on.isoformat()}) if due_on else "",
                "url": url,
            }
        ),
    )
    return request


@transaction.atomic
def application_message_from_office(
    *, application: Application, acting_user: AbstractBaseUser, body: str
) -> ApplicationMessage:
    """The office writes to the company without changing the application's status."""
    body = (body or "").strip()
    if not body:
        raise ApplicationError(_("Write a message first."), field="body")
    locked = _lock(application)
    _ensure_office(locked, acting_user)
    message = ApplicationMessage(
        application=locked, author=acting_user, from_office=True, kind=ApplicationMessage.Kind.MESSAGE, body=body
    )
    message.full_clean()
    message.save()
    url = _portal_url("programs:application_detail", locked.pk)
    _notify_company(
        locked,
        lambda: _("Message from the zone office: %(title)s") % {"title": locked.title},
        lambda: _("%(body)s\n\nAnswer here: %(url)s") % {"body": body, "url": url},
    )
    return message

"""The zone office's side of the application workflow: screening, review, decision, agreement, follow-up.

Each step locks the application, checks who acts (see `_ensure_may`), checks the status the person saw
(`expected_from`: two people deciding at once, the second gets a conflict message), checks
`Application.TRANSITIONS`, and writes the `ApplicationTransition` audit row in the same transaction
(through `applications._transition`). Approval creates the outcome record (`outcomes.outcome_create`) in
the same transaction: if that fails, nothing changes and the application stays under review.

Who may do what:
- superusers: everything;
- active staff of the call's zone with role administrator: every office step, and they alone decide
  (approve, reject);
- active staff with role officer: every office step except the decision;
- reviewers and staff of other zones: nothing here (reviewers score, they never move applications).

The company's own steps (submit, withdraw) are in `applications.py`, not here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from programs.models import Application, ApplicationMessage
from programs.services.applications import (
    _bilingual,
    _ensure_expected,
    _lock,
    _notify_company,
    _transition,
    application_request_info,
    application_start_screening,
)
from programs.services.outcomes import ApprovalDetails, outcome_create
from zones.models import ZoneStaff

__all__ = [
    "DECIDING_STEPS",
    "OFFICE_STEPS",
    "ApprovalDetails",
    "application_activate",
    "application_approve",
    "application_close",
    "application_reject",
    "application_request_information",
    "application_send_to_review",
    "application_sign_agreement",
    "application_start_screening",
    "office_steps_for",
]

Status = Application.Status

# The steps the zone office takes; the company submits and withdraws.
OFFICE_STEPS = (
    Status.SCREENING,
    Status.INFO_REQUESTED,
    Status.UNDER_REVIEW,
    Status.APPROVED,
    Status.REJECTED,
    Status.AGREEMENT_SIGNED,
    Status.ACTIVE,
    Status.CLOSED,
)
# The decision: zone administrators only.
DECIDING_STEPS = (Status.APPROVED, Status.REJECTED)


# --- who may act ----------------------------------------------------------------------------------------


def _role(user: AbstractBaseUser, zone_id: int) -> str | None:
    return (
        ZoneStaff.objects.filter(user=user, zone_id=zone_id, is_active=True, user__is_active=True)
        .values_list("role", flat=True)
        .first()
    )


def _ensure_may(application: Application, user: AbstractBaseUser, to: str) -> None:
    if not user.is_active:
        raise ApplicationError(_("This account is not active."))
    if user.is_superuser:
        return
    role = _role(user, application.call.program.zone_id)
    if role is None:
        raise ApplicationError(_("Only the zone office of this call can do this."))
    if role == ZoneStaff.Role.REVIEWER:
        raise ApplicationError(_("Reviewers score applications; they do not move them."))
    if to in DECIDING_STEPS and role != ZoneStaff.Role.ADMINISTRATOR:
        raise ApplicationError(_("Only a zone administrator can approve or reject an application."))


def office_steps_for(application: Application, user: AbstractBaseUser) -> tuple[str, ...]:
    """The next steps this user may take on this application: the buttons the admin shows."""
    allowed = []
    for to in application.allowed_transitions():
        if to not in OFFICE_STEPS:
            continue
        try:
            _ensure_may(application, user, to)
        except ApplicationError:
            continue
        allowed.append(to)
    return tuple(allowed)


# --- notifications -----------------------------------------------------------------------------------------


def _notify(application: Application, subject, body) -> None:
    """Through the shared notifications module when it exists, else the applications e-mail helper.

    Both queue the e-mail for when the transaction commits: a refused step sends nothing.
    """
    try:
        from core.notifications import notify_company
    except ImportError:
        _notify_company(application, subject, body)
        return
    with translation.override("ko"):
        subject_text = subject()
    notify_company(
        application.company,
        subject=subject_text,
        body=_bilingual(body),
        key=f"application:{application.pk}:{application.status}",
    )


# --- the steps ------------------------------------------------------------------------------------------------


def _step(
    application: Application,
    to: str,
    acting_user: AbstractBaseUser,
    comment: str = "",
    expected_from: str | None = None,
    changes: dict | None = None,
) -> Application:
    """Lock, check who acts and what they saw, then move (the TRANSITIONS table is checked by `_transition`)."""
    locked = _lock(application)
    _ensure_may(locked, acting_user, to)
    _ensure_expected(locked, expected_from)
    return _transition(locked, to, acting_user, (comment or "").strip(), changes=changes)


@transaction.atomic
def application_request_information(
    *,
    application: Application,
    acting_user: AbstractBaseUser,
    message: str,
    due_on: dt.date | None = None,
    expected_from: str | None = None,
) -> ApplicationMessage:
    """`application_request_info` with the conflict check of the other office steps."""
    locked = _lock(application)
    _ensure_may(locked, acting_user, Status.INFO_REQUESTED)
    _ensure_expected(locked, expected_from)
    return application_request_info(application=locked, acting_user=acting_user, message=message, due_on=due_on)


@transaction.atomic
def application_send_to_review(
    *, application: Application, acting_user: AbstractBaseUser, comment: str = "", expected_from: str | None = None
) -> Application:
    """Screening passed: the application goes to the reviewers."""
    return _step(application, Status.UNDER_REVIEW, acting_user, comment, expected_from)


@dataclass
class Approval:
    application: Application
    outcome: Model | None = field(default=None)


@transaction.atomic
def application_approve(
    *,
    application: Application,
    acting_user: AbstractBaseUser,
    comment: str = "",
    expected_from: str | None = None,
    details: ApprovalDetails | None = None,
) -> Approval:
    """The decision to award, and the outcome record it creates (tenancy, allocation, investment, grant)."""
    approved = _step(application, Status.APPROVED, acting_user, comment, expected_from, {"decided_at": timezone.now()})
    outcome = outcome_create(application=approved, acting_user=acting_user, details=details)
    _notify(
        approved,
        lambda: _("Application approved: %(title)s") % {"title": approved.title},
        lambda: (
            _(
                "Your application “%(title)s” to “%(call)s” was approved. The zone office will contact you about the agreement."
            )
            % {"title": approved.title, "call": approved.call.title_ko}
        ),
    )
    return Approval(application=approved, outcome=outcome)


@transaction.atomic
def application_reject(
    *, application: Application, acting_user: AbstractBaseUser, reason: str, expected_from: str | None = None
) -> Application:
    """The decision not to award (from screening or review); the reason is kept and sent to the company."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the rejection."), field="reason")
    rejected = _step(application, Status.REJECTED, acting_user, reason, expected_from, {"decided_at": timezone.now()})
    _notify(
        rejected,
        lambda: _("Application not selected: %(title)s") % {"title": rejected.title},
        lambda: (
            _("Your application “%(title)s” to “%(call)s” was not selected.\n\nReason: %(reason)s")
            % {"title": rejected.title, "call": rejected.call.title_ko, "reason": reason}
        ),
    )
    return rejected


@transaction.atomic
def application_sign_agreement(
    *, application: Application, acting_user: AbstractBaseUser, comment: str = "", expected_from: str | None = None
) -> Application:
    """The agreement with the company is signed."""
    return _step(application, Status.AGREEMENT_SIGNED, acting_user, comment, expected_from)


@transaction.atomic
def application_activate(
    *, application: Application, acting_user: AbstractBaseUser, comment: str = "", expected_from: str | None = None
) -> Application:
    """The supported project starts."""
    return _step(application, Status.ACTIVE, acting_user, comment, expected_from)


@transaction.atomic
def application_close(
    *, application: Application, acting_user: AbstractBaseUser, comment: str = "", expected_from: str | None = None
) -> Application:
    """The supported project ended and its follow-up is done."""
    return _step(application, Status.CLOSED, acting_user, comment, expected_from)


def _start_screening(*, application, acting_user, comment="", expected_from=None) -> Application:
    # The portal's service, with this module's permission rules (reviewers refused, zone office only).
    with transaction.atomic():
        _ensure_may(_lock(application), acting_user, Status.SCREENING)
        return application_start_screening(
            application=application, acting_user=acting_user, comment=comment, expected_from=expected_from
        )


def application_step(
    *,
    application: Application,
    to: str,
    acting_user: AbstractBaseUser,
    comment: str = "",
    expected_from: str | None = None,
    details: ApprovalDetails | None = None,
    due_on: dt.date | None = None,
):
    """One office step by its target status: what the admin's buttons and bulk actions call."""
    if to == Status.SCREENING:
        return _start_screening(
            application=application, acting_user=acting_user, comment=comment, expected_from=expected_from
        )
    if to == Status.INFO_REQUESTED:
        return application_request_information(
            application=application,
            acting_user=acting_user,
            message=comment,
            due_on=due_on,
            expected_from=expected_from,
        )
    if to == Status.APPROVED:
        return application_approve(
            application=application,
            acting_user=acting_user,
            comment=comment,
            expected_from=expected_from,
            details=details,
        )
    if to == Status.REJECTED:
        return application_reject(
            application=application, acting_user=acting_user, reason=comment, expected_from=expected_from
        )
    services = {
        Status.UNDER_REVIEW: application_send_to_review,
        Status.AGREEMENT_SIGNED: application_sign_agreement,
        Status.ACTIVE: application_activate,
        Status.CLOSED: application_close,
    }
    service = services.get(to)
    if service is None:
        raise ApplicationError(_("The zone office cannot take this step; only the company can."))
    return service(application=application, acting_user=acting_user, comment=comment, expected_from=expected_from)

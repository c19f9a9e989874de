"""Writing company records from the company portal and the zone office's admin.

Every service is keyword-only, runs in one transaction, locks the row it decides on and refuses with an
ApplicationError whose message can be shown to the person as is. E-mails leave after the commit.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from companies.models import (
    Company,
    CompanyClaim,
    CompanyInvitation,
    CompanyMember,
    Mou,
    MouCommitment,
    SelfReport,
    Tenancy,
)
from companies.selectors import selfreport_period_get, user_emails
from core.exceptions import ApplicationError
from core.services import record_create, record_update, workflow_transition
from core.validators import format_brn, normalize_digits
from zones.models import Zone
from zones.selectors import zone_ids_for_user

INVITATION_VALID_FOR = dt.timedelta(days=7)

COMPANY_PROFILE_FIELDS = Company.PROFILE_FIELDS
SELFREPORT_FIGURES = ("headcount", "revenue_krw", "investment_raised_krw", "patents", "jobs_created")


# --- helpers -------------------------------------------------------------------------


def _send_later(*, template: str, context: dict[str, Any], recipients: list[str]) -> None:
    """Render and send an e-mail once the transaction commits, in the language active now."""
    language = translation.get_language()

    def send() -> None:
        with translation.override(language):
            subject = render_to_string(f"companies/email/{template}_subject.txt", context).strip()
            subject = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "") + " ".join(subject.split())
            body = render_to_string(f"companies/email/{template}_message.txt", context)
        send_mail(subject, body, None, recipients)

    if recipients:
        transaction.on_commit(send)


def _require_owner(*, company: Company, user) -> None:
    is_owner = CompanyMember.objects.filter(
        company=company, user=user, role=CompanyMember.Role.OWNER, is_active=True
    ).exists()
    if not is_owner:
        raise ApplicationError(_("Only an owner of the company can do this."))


def _require_member(*, company: Company, user) -> None:
    if not CompanyMember.objects.filter(company=company, user=user, is_active=True).exists():
        raise ApplicationError(_("You do not act for this company."))


def _active_owner_count(company: Company) -> int:
    return CompanyMember.objects.filter(company=company, role=CompanyMember.Role.OWNER, is_active=True).count()


def _make_member(*, company: Company, user, role: str, acting_user, invited_by=None) -> CompanyMember:
    """Add the user to the company, or bring back an earlier membership with the new role."""
    member = CompanyMember.objects.select_for_update().filter(company=company, user=user).first()
    if member is None:
        member = CompanyMember(company=company, user=user, role=role, invited_by=invited_by)
    else:
        member.role = role
        member.is_active = True
        member.invited_by = invited_by or member.invited_by
    member._history_user = acting_user
    member.full_clean()
    member.save()
    return member


# --- companies -----------------------------------------------------------------------


@transaction.atomic
def company_register(*, acting_user, data: dict[str, Any]) -> Company:
    """Register a new company from the portal; the user who registers it becomes its owner."""
    brn = normalize_digits(data.get("brn", ""))
    if Company.objects.filter(brn=brn).exists():
        raise ApplicationError(
            _(
                "A company with this business registration number is already registered. "
                "If you act for it, claim it instead."
            ),
            field="brn",
        )
    company = Company(brn=brn, **{field: data[field] for field in COMPANY_PROFILE_FIELDS if field in data})
    company._history_user = acting_user
    company.full_clean()
    company.save()
    if "ai_fields" in data:
        company.ai_fields.set(data["ai_fields"])
    _make_member(company=company, user=acting_user, role=CompanyMember.Role.OWNER, acting_user=acting_user)
    return company


@transaction.atomic
def company_record_by_office(*, acting_user, data: dict[str, Any], company: Company | None = None) -> Company:
    """The zone office registers or corrects a company in the registry without becoming one of its users
    (`company_register` makes the registering portal user its owner): the company claims its record later."""
    data = dict(data)
    ai_fields = data.pop("ai_fields", None)
    if company is None:
        company = record_create(model=Company, acting_user=acting_user, **data)
    else:
        company = record_update(obj=company, acting_user=acting_user, **data)
    if ai_fields is not None:
        company.ai_fields.set(ai_fields)
    return company


@transaction.atomic
def company_update(*, company: Company, acting_user, data: dict[str, Any]) -> Company:
    """An owner edits the profile. The business registration number is the company: the office changes it."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    _require_owner(company=company, user=acting_user)
    if company.is_archived:
        raise ApplicationError(_("This company is archived: ask the zone office."))
    for field in COMPANY_PROFILE_FIELDS:
        if field in data:
            setattr(company, field, data[field])
    company._history_user = acting_user
    company.full_clean()
    company.save()
    if "ai_fields" in data:
        company.ai_fields.set(data["ai_fields"])
    return company


# --- claims --------------------------------------------------------------------------


@transaction.atomic
def company_claim_request(*, acting_user, brn: str, position: str = "", message: str = "") -> CompanyClaim:
    """Ask the zone office to make the user owner of a registered company that has no owner in the portal."""
    company = Company.objects.select_for_update().filter(brn=normalize_digits(brn)).first()
    if company is None:
        raise ApplicationError(
            _("No company is registered with this business registration number: register it instead."),
            field="brn",
        )
    if company.is_archived:
        raise ApplicationError(_("This company's record is archived: please contact the zone office."), field="brn")
    if CompanyMember.objects.filter(company=company, user=acting_user, is_active=True).exists():
        raise ApplicationError(_("You already act for this company."), field="brn")
    if _active_owner_count(company):
        raise ApplicationError(
            _(
                "This company already has an owner in the portal. Ask the owner to invite you "
                "from the company's members page."
            ),
            field="brn",
        )
    if CompanyClaim.objects.filter(company=company, user=acting_user, status=CompanyClaim.Status.PENDING).exists():
        raise ApplicationError(
            _("You have already claimed this company; the zone office will answer soon."), field="brn"
        )
    claim = CompanyClaim(company=company, user=acting_user, position=position, message=message)
    claim._history_user = acting_user
    claim.full_clean()
    claim.save()
    return claim


def _lock_pending_claim(claim: CompanyClaim) -> CompanyClaim:
    claim = CompanyClaim.objects.select_for_update().select_related("company", "user").get(pk=claim.pk)
    if claim.status != CompanyClaim.Status.PENDING:
        raise ApplicationError(
            _("The claim of %(user)s for %(company)s was already decided (%(status)s).")
            % {"user": claim.user, "company": claim.company, "status": claim.get_status_display()}
        )
    return claim


def _decide_claim(*, claim: CompanyClaim, status: str, acting_user, note: str) -> None:
    claim.status = status
    claim.decided_by = acting_user
    claim.decided_at = timezone.now()
    claim.decision_note = note
    claim._history_user = acting_user
    claim.full_clean()
    claim.save()
    _send_later(
        template="claim_decided",
        context={"claim": claim, "company": claim.company, "brn": format_brn(claim.company.brn)},
        recipients=[claim.user.email] if claim.user.email else [],
    )


@transaction.atomic
def company_claim_approve(*, claim: CompanyClaim, acting_user, note: str = "") -> CompanyMember:
    """The zone office confirms the claimant acts for the company: the claimant becomes its owner."""
    claim = _lock_pending_claim(claim)
    Company.objects.select_for_update().get(pk=claim.company_id)
    if _active_owner_count(claim.company):
        raise ApplicationError(
            _("%(company)s has an owner in the portal now: refuse this claim instead.") % {"company": claim.company}
        )
    member = _make_member(
        company=claim.company, user=claim.user, role=CompanyMember.Role.OWNER, acting_user=acting_user
    )
    _decide_claim(claim=claim, status=CompanyClaim.Status.APPROVED, acting_user=acting_user, note=note)
    return member


@transaction.atomic
def company_claim_refuse(*, claim: CompanyClaim, acting_user, note: str = "") -> CompanyClaim:
    claim = _lock_pending_claim(claim)
    _decide_claim(claim=claim, status=CompanyClaim.Status.REFUSED, acting_user=acting_user, note=note)
    return claim


# --- members and invitations ---------------------------------------------------------


@transaction.atomic
def company_invitation_send(
    *, company: Company, email: str, role: str = CompanyMember.Role.MEMBER, acting_user, base_url: str
) -> CompanyInvitation:
    """An owner invites a colleague by e-mail; the link is valid for seven days.

    An earlier open invitation to the same address is withdrawn, so only the newest link works.
    `base_url` is the portal's address ("https://portal.example.kr") for the link in the e-mail.
    """
    company = Company.objects.select_for_update().get(pk=company.pk)
    _require_owner(company=company, user=acting_user)
    email = email.strip().lower()
    already = CompanyMember.objects.filter(company=company, is_active=True, user__email__iexact=email)
    if already.exists():
        raise ApplicationError(_("%(email)s already acts for this company.") % {"email": email}, field="email")
    now = timezone.now()
    earlier = CompanyInvitation.objects.filter(
        company=company, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    )
    for invitation in earlier.select_for_update():
        invitation.revoked_at = now
        invitation._history_user = acting_user
        invitation.save(update_fields=["revoked_at", "updated_at"])
    invitation = CompanyInvitation(
        company=company, email=email, role=role, invited_by=acting_user, expires_at=now + INVITATION_VALID_FOR
    )
    invitation._history_user = acting_user
    invitation.full_clean()
    invitation.save()
    accept_url = base_url.rstrip("/") + reverse("companies:invitation_accept", args=[invitation.token])
    _send_later(
        template="invitation",
        context={"invitation": invitation, "company": company, "inviter": acting_user, "accept_url": accept_url},
        recipients=[email],
    )
    return invitation


@transaction.atomic
def company_invitation_revoke(*, invitation: CompanyInvitation, acting_user) -> CompanyInvitation:
    invitation = CompanyInvitation.objects.select_for_update().get(pk=invitation.pk)
    _require_owner(company=invitation.company, user=acting_user)
    if invitation.accepted_at or invitation.revoked_at:
        raise ApplicationError(_("This invitation is no longer open."))
    invitation.revoked_at = timezone.now()
    invitation._history_user = acting_user
    invitation.save(update_fields=["revoked_at", "updated_at"])
    return invitation


def invitation_refusal(invitation: CompanyInvitation | None, user) -> str | None:
    """Why this user cannot accept this invitation now; None when it can. Shown before and on accepting."""
    if invitation is None:
        return _("This invitation link is not valid. Check that you copied the whole link.")
    if invitation.revoked_at:
        return _("This invitation was withdrawn. Ask the company's owner for a new one.")
    if invitation.accepted_at:
        return _("This invitation has already been used.")
    if invitation.expires_at <= timezone.now():
        return _("This invitation expired on %(date)s. Ask the company's owner to send a new one.") % {
            "date": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d %H:%M")
        }
    if invitation.company.is_archived:
        return _("This company's record is archived: please contact the zone office.")
    if invitation.email.lower() not in user_emails(user):
        return _(
            "This invitation was sent to %(email)s. Log in with that address, or ask the owner "
            "to invite the address you use."
        ) % {"email": invitation.email}
    if CompanyMember.objects.filter(company=invitation.company, user=user, is_active=True).exists():
        return _("You already act for this company.")
    return None


@transaction.atomic
def company_invitation_accept(*, token: str, acting_user) -> CompanyMember:
    """A logged-in user whose address the invitation was sent to joins the company."""
    invitation = CompanyInvitation.objects.select_for_update().select_related("company").filter(token=token).first()
    refusal = invitation_refusal(invitation, acting_user)
    if refusal:
        raise ApplicationError(refusal)
    member = _make_member(
        company=invitation.company,
        user=acting_user,
        role=invitation.role,
        invited_by=invitation.invited_by,
        acting_user=acting_user,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = acting_user
    invitation._history_user = acting_user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    return member


@transaction.atomic
def company_member_deactivate(*, member: CompanyMember, acting_user) -> CompanyMember:
    """An owner stops a person acting for the company. The last owner cannot leave it without one."""
    member = CompanyMember.objects.select_for_update().select_related("company", "user").get(pk=member.pk)
    Company.objects.select_for_update().get(pk=member.company_id)
    _require_owner(company=member.company, user=acting_user)
    if not member.is_active:
        raise ApplicationError(_("%(user)s no longer acts for this company.") % {"user": member.user})
    if member.role == CompanyMember.Role.OWNER and _active_owner_count(member.company) <= 1:
        raise ApplicationError(_("You are the company's last owner: invite another owner before you leave."))
    member.is_active = False
    member._history_user = acting_user
    member.save(update_fields=["is_active", "updated_at"])
    return member


# --- self-reports --------------------------------------------------------------------


@transaction.atomic
def selfreport_save(
    *,
    company: Company,
    zone: Zone,
    year: int,
    quarter: int,
    data: dict[str, Any],
    submit: bool,
    acting_user,
) -> SelfReport:
    """Save a period's self-report as a draft, or submit it (again, as a correction) until the office locks it.

    A submitted report is corrected by submitting again: saving it back to a draft would withdraw figures
    the office may already be reading.
    """
    _require_member(company=company, user=acting_user)
    # The company row serialises the first save of a period, when there is no report row to lock yet.
    Company.objects.select_for_update().get(pk=company.pk)
    report = (
        SelfReport.objects.select_for_update().filter(company=company, zone=zone, year=year, quarter=quarter).first()
    )
    if report is None:
        if selfreport_period_get(company=company, zone_id=zone.pk, year=year, quarter=quarter) is None:
            raise ApplicationError(_("Your company owes this zone no report for this quarter."))
        report = SelfReport(company=company, zone=zone, year=year, quarter=quarter)
    if report.status == SelfReport.Status.LOCKED:
        raise ApplicationError(_("This report was locked by the zone office and can no longer be changed."))
    if not submit and report.status == SelfReport.Status.SUBMITTED:
        raise ApplicationError(_("This report has been submitted: submit your corrections instead of saving a draft."))
    for field in (*SELFREPORT_FIGURES, "note"):
        if field in data:
            setattr(report, field, data[field])
    if submit:
        for field in SELFREPORT_FIGURES:
            if getattr(report, field) is None:
                raise ApplicationError(_("Fill in every figure before you submit (0 if there was none)."), field=field)
        report.status = SelfReport.Status.SUBMITTED
        report.submitted_at = timezone.now()
        report.submitted_by = acting_user
    report._history_user = acting_user
    report.full_clean()
    report.save()
    return report


def _lock_report_for_office(*, report: SelfReport, acting_user) -> SelfReport:
    report = SelfReport.objects.select_for_update().select_related("company", "zone").get(pk=report.pk)
    zone_ids = zone_ids_for_user(acting_user)
    if zone_ids is not None and report.zone_id not in zone_ids:
        raise ApplicationError(_("This report belongs to a zone you do not work for."))
    if report.status == SelfReport.Status.LOCKED:
        raise ApplicationError(_("%(report)s is already accepted and locked.") % {"report": report})
    if report.status != SelfReport.Status.SUBMITTED:
        raise ApplicationError(
            _("%(report)s has not been submitted: only a submitted report can be accepted or returned.")
            % {"report": report}
        )
    return report


@transaction.atomic
def selfreport_lock(*, report: SelfReport, acting_user) -> SelfReport:
    """The zone office accepts a submitted report; from then on nobody changes it."""
    report = _lock_report_for_office(report=report, acting_user=acting_user)
    report.status = SelfReport.Status.LOCKED
    report.locked_at = timezone.now()
    report.locked_by = acting_user
    report._history_user = acting_user
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def selfreport_return(*, report: SelfReport, acting_user, comment: str, base_url: str = "") -> SelfReport:
    """The zone office sends a submitted report back with what to correct; the company's members are told.

    `base_url` is the portal's address for the link in the e-mail.
    """
    comment = (comment or "").strip()
    if not comment:
        raise ApplicationError(_("Say what the company should correct."), field="comment")
    report = _lock_report_for_office(report=report, acting_user=acting_user)
    report.status = SelfReport.Status.RETURNED
    report.office_comment = comment
    report._history_user = acting_user
    report.full_clean()
    report.save()
    recipients = list(
        CompanyMember.objects.filter(company=report.company, is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    _send_later(
        template="selfreport_returned",
        context={
            "report": report,
            "company": report.company,
            "url": base_url.rstrip("/")
            + reverse("companies:selfreport_edit", args=[report.zone_id, report.year, report.quarter]),
        },
        recipients=recipients,
    )
    return report


# --- tenancy workflow ------------------------------------------------------------------


def _refuse_unless_step_allowed(*, obj, to: str, acting_user, expected_from: str | None) -> None:
    """A stale page or a step the table does not allow is refused first, with workflow_transition's own
    messages, before the step's data is checked. `obj` is the locked row."""
    current = obj.status
    if (expected_from is not None and current != expected_from) or to not in type(obj).TRANSITIONS.get(current, ()):
        workflow_transition(obj=obj, to=to, acting_user=acting_user, expected_from=expected_from)  # raises


# The date each step records: moving in, graduating, leaving for good. Becoming a member keeps the
# dates it has (the company stays in the zone's community, holding no space); the step's day is in its log.
TENANCY_STEP_DATES = {
    Tenancy.Status.RESIDENT: "moved_in_on",
    Tenancy.Status.GRADUATED: "graduated_on",
    Tenancy.Status.EXITED: "ended_on",
}


@transaction.atomic
def tenancy_transition(
    *,
    tenancy: Tenancy,
    to: str,
    acting_user,
    on: dt.date | None = None,
    comment: str = "",
    expected_from: str | None = None,
) -> Tenancy:
    """Move a tenancy along Tenancy.TRANSITIONS, recording the step's date (today unless `on` is given)."""
    tenancy = Tenancy.objects.select_for_update().get(pk=tenancy.pk)
    _refuse_unless_step_allowed(obj=tenancy, to=to, acting_user=acting_user, expected_from=expected_from)
    changes: dict[str, Any] = {}
    date_field = TENANCY_STEP_DATES.get(to)
    if date_field:
        day = on or timezone.localdate()
        moved_in_on = tenancy.moved_in_on if to != Tenancy.Status.RESIDENT else day
        if moved_in_on is not None and day < moved_in_on:
            raise ApplicationError(
                _("%(field)s cannot be before the move-in date (%(moved_in_on)s).")
                % {
                    "field": Tenancy._meta.get_field(date_field).verbose_name,
                    "moved_in_on": moved_in_on.isoformat(),
                },
                field=date_field,
            )
        changes[date_field] = day
    return workflow_transition(
        obj=tenancy, to=to, acting_user=acting_user, comment=comment, expected_from=expected_from, **changes
    )


# --- MOU workflow ----------------------------------------------------------------------


@transaction.atomic
def mou_commitment_record_actual(
    *,
    commitment: MouCommitment,
    actual_value: int,
    actual_on: dt.date,
    evidence: str = "",
    acting_user,
) -> MouCommitment:
    """Record what was actually delivered on a promise (people, won, 1 for an office opened) and when."""
    commitment = MouCommitment.objects.select_for_update().select_related("mou").get(pk=commitment.pk)
    mou = Mou.objects.select_for_update().get(pk=commitment.mou_id)
    if mou.status not in (Mou.Status.SIGNED, Mou.Status.IN_PROGRESS, Mou.Status.PARTLY_FULFILLED):
        raise ApplicationError(
            _("This MOU is “%(status)s”: its commitments are closed.") % {"status": mou.get_status_display()}
        )
    if actual_value is None or actual_value < 0:
        raise ApplicationError(_("Give the actual value (0 or more)."), field="actual_value")
    if actual_on is None:
        raise ApplicationError(_("Give the date of the actual value."), field="actual_on")
    commitment.actual_value = actual_value
    commitment.actual_on = actual_on
    commitment.evidence = evidence
    commitment._history_user = acting_user
    commitment.full_clean()
    commitment.save()
    return commitment


def _commitment_label(commitment: MouCommitment) -> str:
    return f"{commitment.get_kind_display()} {commitment.description}".strip()


@transaction.atomic
def mou_transition(*, mou: Mou, to: str, acting_user, comment: str = "", expected_from: str | None = None) -> Mou:
    """Move an MOU along Mou.TRANSITIONS. Fulfilled needs every commitment delivered (actual >= promised);
    partly fulfilled needs some actual value recorded and something still short."""
    locked = Mou.objects.select_for_update().get(pk=mou.pk)
    _refuse_unless_step_allowed(obj=locked, to=to, acting_user=acting_user, expected_from=expected_from)
    commitments = list(locked.commitments.select_for_update().order_by("pk"))
    if to == Mou.Status.FULFILLED:
        if not commitments:
            raise ApplicationError(
                _("This MOU has no commitments: record what was promised before marking it fulfilled.")
            )
        short = [c for c in commitments if not c.is_delivered]
        if short:
            raise ApplicationError(
                _(
                    "Not every commitment is delivered: %(short)s. Record the actual values, or mark it partly fulfilled."
                )
                % {"short": "; ".join(_commitment_label(c) for c in short)}
            )
    elif to == Mou.Status.PARTLY_FULFILLED:
        if not any(c.actual_value is not None for c in commitments):
            raise ApplicationError(_("No actual value is recorded on any commitment: record what was delivered first."))
        if commitments and all(c.is_delivered for c in commitments):
            raise ApplicationError(_("Every commitment is delivered: mark the MOU fulfilled instead."))
    return workflow_transition(obj=locked, to=to, acting_user=acting_user, comment=comment, expected_from=expected_from)

"""The exemption grant workflow: a named business requests a special case, the office reviews and grants it
with conditions, a period, liability insurance and a certificate; it is used (with incident and
use-and-result reports), extended once, expires or is revoked for cause.

Every step goes through `core.services.workflow_transition` (locked row, `ExemptionGrant.TRANSITIONS`,
the TransitionLog row in the same transaction). Refusals are ApplicationErrors naming what is missing.
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.models import TransitionLog
from core.notifications import notify_company
from core.services import workflow_transition
from zones.models import ExemptionGrant, ExemptionIncident, ExemptionUseReport, SpecialCase
from zones.selectors import company_is_plan_operator

Status = ExemptionGrant.Status

# Steps with their own service: they need data the plain step does not carry.
STEPS_WITH_DATA = (Status.GRANTED, Status.EXTENDED, Status.REVOKED)


def _announced(grant: ExemptionGrant) -> ExemptionGrant:
    """Tell the company, after commit, where its use of the special case now stands (Korean, then English)."""
    with translation.override("ko"):
        status_ko = str(grant.get_status_display())
    with translation.override("en"):
        status_en = str(grant.get_status_display())
    case = grant.special_case
    body = (
        f"{case.title_ko}\n규제특례 적용 상태: {status_ko}\n"
        + (f"사유: {grant.revoked_reason}\n" if grant.revoked_reason and grant.status == "revoked" else "")
        + f"\n{case.title_en or case.title_ko}\nSpecial case use: {status_en}\n"
    )
    notify_company(
        grant.company,
        subject=f"규제특례 적용 {status_ko} / Special case use {status_en}",
        body=body,
        key=f"exemptiongrant-{grant.pk}-{grant.status}-{grant.updated_at.timestamp()}",
    )
    return grant


def _field_label(name: str) -> str:
    return str(ExemptionGrant._meta.get_field(name).verbose_name)


def _refuse_unless_step_allowed(*, obj, to: str, acting_user, expected_from: str | None) -> None:
    """A stale page or a step the table does not allow is refused first, with workflow_transition's own
    messages, before the step's data is checked. `obj` is the locked row."""
    current = obj.status
    if (expected_from is not None and current != expected_from) or to not in type(obj).TRANSITIONS.get(current, ()):
        workflow_transition(obj=obj, to=to, acting_user=acting_user, expected_from=expected_from)  # raises


def _require_reportable(grant: ExemptionGrant, what: str) -> None:
    if grant.status not in ExemptionGrant.REPORTABLE_STATUSES:
        raise ApplicationError(
            _("%(what)s can be filed only on a grant in use (active or extended); this one is “%(status)s”.")
            % {"what": what, "status": grant.get_status_display()}
        )


@transaction.atomic
def exemption_grant_request(
    *,
    special_case: SpecialCase,
    company,
    purpose: str,
    acting_user,
    application=None,
) -> ExemptionGrant:
    """A business asks to use one of its zone's special cases. Only businesses named in the plan may."""
    special_case = SpecialCase.objects.select_for_update().select_related("zone").get(pk=special_case.pk)
    if special_case.is_archived:
        raise ApplicationError(_("This special case is archived and can no longer be requested."))
    if not company_is_plan_operator(company, special_case.zone_id):
        raise ApplicationError(
            _(
                "Only businesses named in the plan may use its special cases: "
                "%(company)s is not a current operator in the plan of %(zone)s."
            )
            % {"company": company, "zone": special_case.zone},
            field="company",
        )
    if not (purpose or "").strip():
        raise ApplicationError(_("Say what the special case will be used for."), field="purpose")
    grant = ExemptionGrant(
        special_case=special_case,
        company=company,
        application=application,
        status=Status.REQUESTED,
        purpose=purpose.strip(),
    )
    grant._history_user = acting_user
    grant.full_clean()
    grant.save()
    TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(ExemptionGrant),
        object_id=grant.pk,
        actor=acting_user,
        from_status="",
        to_status=Status.REQUESTED,
        comment=_("Requested"),
    )
    return grant


@transaction.atomic
def exemption_grant_transition(
    *, grant: ExemptionGrant, to: str, acting_user, comment: str = "", expected_from: str | None = None
) -> ExemptionGrant:
    """A step that is only a status change: under review, active, expired, refused."""
    if to in STEPS_WITH_DATA:
        raise ApplicationError(
            _("“%(to)s” needs more than a status change: use its own step.") % {"to": dict(Status.choices).get(to, to)}
        )
    return _announced(
        workflow_transition(obj=grant, to=to, acting_user=acting_user, comment=comment, expected_from=expected_from)
    )


@transaction.atomic
def exemption_grant_grant(
    *,
    grant: ExemptionGrant,
    conditions: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    insurer: str,
    insurance_policy_no: str,
    insurance_coverage_krw: int | None,
    certificate_no: str,
    acting_user,
    comment: str = "",
    expected_from: str | None = None,
) -> ExemptionGrant:
    """Grant the use: conditions, a period, liability insurance (insurer, policy, coverage > 0), a certificate."""
    grant = ExemptionGrant.objects.select_for_update().get(pk=grant.pk)
    _refuse_unless_step_allowed(obj=grant, to=Status.GRANTED, acting_user=acting_user, expected_from=expected_from)
    values = {
        "conditions": (conditions or "").strip(),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "insurer": (insurer or "").strip(),
        "insurance_policy_no": (insurance_policy_no or "").strip(),
        "insurance_coverage_krw": insurance_coverage_krw,
        "certificate_no": (certificate_no or "").strip(),
    }
    missing = [name for name, value in values.items() if value in (None, "")]
    if insurance_coverage_krw is not None and insurance_coverage_krw <= 0:
        missing.append("insurance_coverage_krw")
    if missing:
        raise ApplicationError(
            _("To grant the use, fill in: %(fields)s.") % {"fields": ", ".join(_field_label(name) for name in missing)},
            field=missing[0],
        )
    if ends_on < starts_on:
        raise ApplicationError(_("The period cannot end before it starts."), field="ends_on")
    return _announced(
        workflow_transition(
            obj=grant,
            to=Status.GRANTED,
            acting_user=acting_user,
            comment=comment,
            expected_from=expected_from,
            **values,
        )
    )


@transaction.atomic
def exemption_grant_extend(
    *,
    grant: ExemptionGrant,
    ends_on: dt.date | None,
    acting_user,
    comment: str = "",
    expected_from: str | None = None,
) -> ExemptionGrant:
    """Extend an active grant to a new end date, later than the one it has."""
    current = ExemptionGrant.objects.select_for_update().get(pk=grant.pk)
    _refuse_unless_step_allowed(obj=current, to=Status.EXTENDED, acting_user=acting_user, expected_from=expected_from)
    if ends_on is None:
        raise ApplicationError(_("Give the new end date of the extension."), field="ends_on")
    if current.ends_on is not None and ends_on <= current.ends_on:
        raise ApplicationError(
            _("The new end date must be later than the current one (%(ends_on)s).")
            % {"ends_on": current.ends_on.isoformat()},
            field="ends_on",
        )
    return _announced(
        workflow_transition(
            obj=current,
            to=Status.EXTENDED,
            acting_user=acting_user,
            comment=comment,
            expected_from=expected_from,
            ends_on=ends_on,
        )
    )


@transaction.atomic
def exemption_grant_revoke(
    *, grant: ExemptionGrant, reason: str, acting_user, expected_from: str | None = None
) -> ExemptionGrant:
    """Revoke a grant for cause; the reason is kept on the grant and in its workflow history."""
    grant = ExemptionGrant.objects.select_for_update().get(pk=grant.pk)
    _refuse_unless_step_allowed(obj=grant, to=Status.REVOKED, acting_user=acting_user, expected_from=expected_from)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for revocation."), field="revoked_reason")
    return _announced(
        workflow_transition(
            obj=grant,
            to=Status.REVOKED,
            acting_user=acting_user,
            comment=reason,
            expected_from=expected_from,
            revoked_reason=reason,
        )
    )


@transaction.atomic
def exemption_incident_report(
    *,
    grant: ExemptionGrant,
    occurred_at: dt.datetime,
    severity: str,
    description: str,
    acting_user,
    action_taken: str = "",
    reported_at: dt.datetime | None = None,
) -> ExemptionIncident:
    """Report an incident on a grant in use (active or extended)."""
    grant = ExemptionGrant.objects.select_for_update().get(pk=grant.pk)
    _require_reportable(grant, _("An incident report"))
    incident = ExemptionIncident(
        grant=grant,
        occurred_at=occurred_at,
        reported_at=reported_at or timezone.now(),
        severity=severity,
        description=description,
        action_taken=action_taken,
    )
    incident._history_user = acting_user
    incident.full_clean()
    incident.save()
    return incident


@transaction.atomic
def exemption_use_report_submit(
    *,
    grant: ExemptionGrant,
    period_start: dt.date,
    period_end: dt.date,
    uses: int,
    results: str,
    acting_user,
    issues: str = "",
) -> ExemptionUseReport:
    """File a periodic use-and-result report on a grant in use (active or extended)."""
    grant = ExemptionGrant.objects.select_for_update().get(pk=grant.pk)
    _require_reportable(grant, _("A use-and-result report"))
    if period_start and period_end and period_end < period_start:
        raise ApplicationError(_("The period cannot end before it starts."), field="period_end")
    report = ExemptionUseReport(
        grant=grant,
        period_start=period_start,
        period_end=period_end,
        uses=uses,
        results=results,
        issues=issues,
        submitted_by=acting_user,
        submitted_at=timezone.now(),
    )
    report._history_user = acting_user
    report.full_clean()
    report.save()
    return report

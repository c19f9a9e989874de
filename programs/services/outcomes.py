"""What an approved application becomes, per kind of call: the outcome record, pointing back with `application=`.

Called by `application_approve` inside its transaction: if the outcome cannot be created, the approval is
refused and the application stays under review.

Decisions:
- tenancy call -> a Tenancy with status *applicant*: approval admits the company, it has not moved in yet.
  "Resident" is what the zone reports as companies attracted, and an approval is an announcement, not an
  outcome; the tenancy workflow makes it resident when it moves in (with `moved_in_on`).
- compute call -> a ComputeAllocation of the requested GPU hours in the call's zone;
- fund call -> an Investment from a fund of the call's zone that is investing (the only one, or the one the
  office chooses), of the requested amount unless the office sets another, with the instrument chosen;
- exemption call -> an ExemptionGrant (granted) of the application's special case, to a plan operator only;
- training call -> nothing: an Enrolment needs a Trainee, a person with their own consent, and an application
  comes from a company, which cannot consent for its staff. The office enrols the trainees themselves.
- R&D grant, demonstration -> no outcome model exists: the approval (status and audit row) is the record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Tenancy
from core.exceptions import ApplicationError
from programs.models import Application, ComputeAllocation, Fund, Investment, Program
from zones.models import ExemptionGrant
from zones.selectors import company_is_plan_operator

Kind = Program.Kind

DEFAULT_COMPUTE_RESOURCE = "GPU"
DEFAULT_COMPUTE_DAYS = 182  # about six months
# Kinds whose approval creates no outcome record.
KINDS_WITHOUT_OUTCOME = (Kind.TRAINING, Kind.RND_GRANT, Kind.DEMONSTRATION)


@dataclass(frozen=True)
class ApprovalDetails:
    """What the office sets when approving; anything left None takes its default."""

    # compute
    resource: str | None = None
    value_krw: int | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    # fund
    fund: Fund | None = None
    amount_krw: int | None = None
    instrument: str | None = None
    # exemption
    conditions: str | None = None


def _save(record: models.Model, acting_user) -> models.Model:
    record._history_user = acting_user
    try:
        record.full_clean()
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages)) from error
    record.save()
    return record


def _tenancy(application: Application, details: ApprovalDetails, acting_user) -> Tenancy:
    zone_id = application.call.program.zone_id
    existing = (
        Tenancy.objects.active()
        .filter(company_id=application.company_id, zone_id=zone_id, status__in=Tenancy.ACTIVE_STATUSES)
        .first()
    )
    if existing is not None:
        raise ApplicationError(
            _("This company already has an active tenancy in this zone (%(status)s).")
            % {"status": existing.get_status_display()}
        )
    return _save(
        Tenancy(
            company_id=application.company_id,
            zone_id=zone_id,
            application=application,
            status=Tenancy.Status.APPLICANT,
        ),
        acting_user,
    )


def _compute(application: Application, details: ApprovalDetails, acting_user) -> ComputeAllocation:
    hours = application.requested_gpu_hours
    if not hours:
        raise ApplicationError(_("The application requests no GPU hours: there is nothing to allocate."))
    call = application.call
    if call.gpu_hours_available:
        allocated = (
            ComputeAllocation.objects.active()
            .filter(application__call=call)
            .exclude(status=ComputeAllocation.Status.CANCELLED)
            .aggregate(total=Sum("gpu_hours"))["total"]
            or 0
        )
        if allocated + hours > call.gpu_hours_available:
            raise ApplicationError(
                _("Only %(left)d of the call's %(available)d GPU hours are left; %(hours)d were requested.")
                % {"left": call.gpu_hours_available - allocated, "available": call.gpu_hours_available, "hours": hours}
            )
    starts_on = details.starts_on or timezone.localdate()
    ends_on = details.ends_on or starts_on + dt.timedelta(days=DEFAULT_COMPUTE_DAYS)
    if ends_on < starts_on:
        raise ApplicationError(_("The allocation cannot end before it starts."))
    return _save(
        ComputeAllocation(
            zone_id=call.program.zone_id,
            company_id=application.company_id,
            application=application,
            status=ComputeAllocation.Status.ALLOCATED,
            resource=(details.resource or DEFAULT_COMPUTE_RESOURCE).strip()[:100],
            gpu_hours=hours,
            value_krw=details.value_krw or 0,
            starts_on=starts_on,
            ends_on=ends_on,
        ),
        acting_user,
    )


def investing_funds(zone_id: int) -> models.QuerySet[Fund]:
    """The funds of a zone that can invest now."""
    return Fund.objects.active().filter(zone_id=zone_id, status=Fund.Status.INVESTING).order_by("name_ko")


def _fund(application: Application, details: ApprovalDetails, acting_user) -> Investment:
    zone_id = application.call.program.zone_id
    funds = investing_funds(zone_id)
    if details.fund is not None:
        fund = funds.filter(pk=details.fund.pk).first()
        if fund is None:
            raise ApplicationError(_("The chosen fund is not an investing fund of this call's zone."))
    else:
        candidates = list(funds[:2])
        if not candidates:
            raise ApplicationError(_("The zone has no investing fund to invest from."))
        if len(candidates) > 1:
            raise ApplicationError(_("The zone has several investing funds: choose the one that invests."))
        fund = candidates[0]
    if not details.instrument:
        raise ApplicationError(_("Choose the instrument of the investment."))
    amount = details.amount_krw if details.amount_krw is not None else application.requested_amount_krw
    if not amount or amount <= 0:
        raise ApplicationError(_("The investment needs an amount above zero."))
    return _save(
        Investment(
            fund=fund,
            company_id=application.company_id,
            application=application,
            instrument=details.instrument,
            amount_krw=amount,
            invested_on=details.starts_on or timezone.localdate(),
        ),
        acting_user,
    )


def _exemption(application: Application, details: ApprovalDetails, acting_user) -> ExemptionGrant:
    zone_id = application.call.program.zone_id
    special_case = application.special_case
    if special_case is None:
        raise ApplicationError(_("The application names no special case to grant."))
    if special_case.zone_id != zone_id:
        raise ApplicationError(_("The special case belongs to another zone."))
    if not company_is_plan_operator(application.company, zone_id):
        raise ApplicationError(
            _("Only businesses named in the zone plan may use its special cases: this company is not named.")
        )
    starts_on = details.starts_on or timezone.localdate()
    ends_on = details.ends_on or special_case.valid_until
    if ends_on is not None and ends_on < starts_on:
        raise ApplicationError(_("The grant cannot end before it starts."))
    return _save(
        ExemptionGrant(
            special_case=special_case,
            company_id=application.company_id,
            application=application,
            status=ExemptionGrant.Status.GRANTED,
            purpose=application.summary,
            conditions=details.conditions if details.conditions is not None else special_case.conditions,
            starts_on=starts_on,
            ends_on=ends_on,
        ),
        acting_user,
    )


_CREATORS = {
    Kind.TENANCY: _tenancy,
    Kind.COMPUTE: _compute,
    Kind.FUND: _fund,
    Kind.EXEMPTION: _exemption,
}


def outcome_create(
    *, application: Application, acting_user, details: ApprovalDetails | None = None
) -> models.Model | None:
    """The outcome record of an approved application, or None for kinds that have none (see the module doc).

    Runs inside the approval's transaction; raises ApplicationError when the outcome cannot be created.
    """
    creator = _CREATORS.get(application.call.program.kind)
    if creator is None:
        return None
    return creator(application, details or ApprovalDetails(), acting_user)


def outcome_of(application: Application) -> models.Model | None:
    """The outcome record an approval created, if any."""
    for related in ("tenancy", "compute_allocation", "investment", "exemption_grant"):
        try:
            return getattr(application, related)
        except models.ObjectDoesNotExist:
            continue
    return None

"""The enrolment workflow: applied, enrolled, completed or dropped, then employed (by whom, since when).

Every step goes through `core.services.workflow_transition` (locked row, `Enrolment.TRANSITIONS`, the
TransitionLog row in the same transaction).
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.services import workflow_transition
from programs.models import Enrolment

Status = Enrolment.Status

# The date each plain step records (today unless given).
ENROLMENT_STEP_DATES = {
    Status.ENROLLED: "enrolled_on",
    Status.COMPLETED: "completed_on",
    Status.DROPPED: "dropped_on",
}


def _refuse_unless_step_allowed(*, obj, to: str, acting_user, expected_from: str | None) -> None:
    """A stale page or a step the table does not allow is refused first, with workflow_transition's own
    messages, before the step's data is checked. `obj` is the locked row."""
    current = obj.status
    if (expected_from is not None and current != expected_from) or to not in type(obj).TRANSITIONS.get(current, ()):
        workflow_transition(obj=obj, to=to, acting_user=acting_user, expected_from=expected_from)  # raises


@transaction.atomic
def enrolment_transition(
    *,
    enrolment: Enrolment,
    to: str,
    acting_user,
    on: dt.date | None = None,
    comment: str = "",
    expected_from: str | None = None,
) -> Enrolment:
    """Enrol, complete or drop. Employment is recorded with `enrolment_employ`, which needs the employer."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    _refuse_unless_step_allowed(obj=enrolment, to=to, acting_user=acting_user, expected_from=expected_from)
    if to == Status.EMPLOYED:
        raise ApplicationError(_("Record the employer and the hiring date to mark a trainee employed."))
    changes = {}
    date_field = ENROLMENT_STEP_DATES.get(to)
    if date_field:
        day = on or timezone.localdate()
        if to != Status.ENROLLED and enrolment.enrolled_on and day < enrolment.enrolled_on:
            raise ApplicationError(
                _("%(field)s cannot be before the enrolment date (%(enrolled_on)s).")
                % {
                    "field": Enrolment._meta.get_field(date_field).verbose_name,
                    "enrolled_on": enrolment.enrolled_on.isoformat(),
                },
                field=date_field,
            )
        changes[date_field] = day
    return workflow_transition(
        obj=enrolment, to=to, acting_user=acting_user, comment=comment, expected_from=expected_from, **changes
    )


@transaction.atomic
def enrolment_employ(
    *,
    enrolment: Enrolment,
    employed_on: dt.date | None,
    acting_user,
    employed_by=None,
    employer_name: str = "",
    job_title: str = "",
    comment: str = "",
    expected_from: str | None = None,
) -> Enrolment:
    """A trainee who completed was hired: by a registered company (`employed_by`) or another employer."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    _refuse_unless_step_allowed(obj=enrolment, to=Status.EMPLOYED, acting_user=acting_user, expected_from=expected_from)
    employer_name = (employer_name or "").strip()
    missing = []
    if employed_by is None and not employer_name:
        missing.append(_("employer (a registered company or the employer's name)"))
    if employed_on is None:
        missing.append(str(Enrolment._meta.get_field("employed_on").verbose_name))
    if missing:
        raise ApplicationError(
            _("To record the employment, fill in: %(fields)s.") % {"fields": ", ".join(missing)},
            field="employed_by" if employed_by is None and not employer_name else "employed_on",
        )
    return workflow_transition(
        obj=enrolment,
        to=Status.EMPLOYED,
        acting_user=acting_user,
        comment=comment,
        expected_from=expected_from,
        employed_by=employed_by,
        employer_name=employer_name,
        employed_on=employed_on,
        job_title=job_title or enrolment.job_title,
    )

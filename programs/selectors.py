"""Reading programs data: the permission scope of records that have no zone of their own."""

from django.db.models import QuerySet, Subquery

from programs.models import Enrolment, Trainee
from zones.selectors import zone_ids_for_user


def trainee_list(*, user, queryset: QuerySet[Trainee] | None = None) -> QuerySet[Trainee]:
    """The trainees a user may see: every one for superusers; for zone staff, those with an enrolment
    (archived or not) in a cohort of one of their zones.

    `pk IN (subquery)` rather than a join, so a trainee enrolled twice is listed once without a DISTINCT.
    """
    queryset = Trainee.objects.all() if queryset is None else queryset
    zone_ids = zone_ids_for_user(user)
    if zone_ids is None:
        return queryset
    enrolled = Enrolment.objects.filter(cohort__training_program__zone__in=zone_ids).values("trainee_id")
    return queryset.filter(pk__in=Subquery(enrolled))

"""Trainees' personal data (PIPA): consent, who sees it whole, and anonymisation once it may no longer be kept.

- Consent: every trainee carries when consent was given and for what (`consent_given_at`, `consent_purpose`,
  both required by the model) and until when the data may be kept (`retention_until`); `consent_errors` is
  the check the admin and the API share (not in the future, kept at least until the consent day).
- Anonymisation: the day after `retention_until`, the person's name, contact details and birth year are
  replaced (in the live row and in every row of its change history, in one transaction); the enrolments,
  their statuses and dates stay, so every figure a report counted stays the same.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import personal_data_access_record
from core.models import PersonalDataAccess
from programs.models import Enrolment, Trainee

logger = logging.getLogger(__name__)

ANONYMOUS_NAME = "익명"
ANONYMIZED_REASON = "anonymized after the retention period"
ANONYMIZED_FIELDS = ("full_name", "email", "phone", "birth_year", "anonymized_at")


def mask_birth_year(birth_year: int | None) -> str:
    """1999 -> 199*: the decade says the age group without the year."""
    if birth_year is None:
        return "-"
    return f"{str(birth_year)[:-1]}*"


def consent_errors(
    *, consent_given_at: dt.datetime | None, retention_until: dt.date | None, consent_purpose: str | None = ""
) -> dict[str, list[str]]:
    """What is wrong with a trainee's consent, by field (empty if nothing)."""
    errors: dict[str, list[str]] = {}
    if consent_given_at is None:
        errors["consent_given_at"] = [_("Record when the trainee gave consent.")]
    elif consent_given_at > timezone.now():
        errors["consent_given_at"] = [_("Consent cannot be given in the future.")]
    if consent_purpose is not None and not consent_purpose.strip():
        errors["consent_purpose"] = [_("Record what the trainee consented to.")]
    if retention_until is None:
        errors["retention_until"] = [_("Record until when the personal data may be kept.")]
    elif consent_given_at is not None and retention_until < timezone.localdate(consent_given_at):
        errors["retention_until"] = [_("Personal data cannot be kept until a day before the consent was given.")]
    return errors


def trainees_due_for_anonymization(*, today: dt.date | None = None):
    """Trainees whose retention period is over (the day after `retention_until`) and who are not anonymised."""
    today = today or timezone.localdate()
    return Trainee.objects.filter(retention_until__lt=today, anonymized_at__isnull=True).order_by("pk")


@transaction.atomic
def trainee_anonymize(*, trainee: Trainee, acting_user=None, today: dt.date | None = None) -> bool:
    """Replace one trainee's personal data with anonymous values, in the live row and its history.

    Does nothing (False) if already anonymised or still within retention, so a rerun changes nothing. The
    enrolments are untouched. One access row (`anonymize`) says when it was done.
    """
    today = today or timezone.localdate()
    locked = Trainee.objects.select_for_update().get(pk=trainee.pk)
    if locked.anonymized_at is not None or locked.retention_until >= today:
        return False
    locked.full_name = ANONYMOUS_NAME
    locked.email = ""
    locked.phone = ""
    locked.birth_year = None
    locked.anonymized_at = timezone.now()
    locked.full_clean()
    locked._history_user = acting_user
    locked._change_reason = ANONYMIZED_REASON
    locked.save()
    # django-simple-history keeps the old values: scrub every historical row of this person too.
    Trainee.history.filter(id=locked.pk).update(full_name=ANONYMOUS_NAME, birth_year=None)
    _scrub_admin_log(locked)
    zone_ids = set(Enrolment.objects.filter(trainee=locked).values_list("cohort__training_program__zone_id", flat=True))
    personal_data_access_record(
        actor=acting_user,
        action=PersonalDataAccess.Action.ANONYMIZE,
        model=Trainee,
        object_id=locked.pk,
        record_zone_ids=zone_ids,
    )
    for name in ANONYMIZED_FIELDS:
        setattr(trainee, name, getattr(locked, name))
    return True


def _scrub_admin_log(trainee: Trainee) -> None:
    """The admin's "recent actions" keep each record's name as it was: rewrite the trainee's and enrolments'."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Trainee), object_id=str(trainee.pk)
    )
    entries.update(object_repr=str(trainee)[:200])
    enrolment_type = ContentType.objects.get_for_model(Enrolment)
    for enrolment in Enrolment.objects.filter(trainee=trainee).select_related("cohort__training_program"):
        enrolment.trainee = trainee
        LogEntry.objects.filter(content_type=enrolment_type, object_id=str(enrolment.pk)).update(
            object_repr=str(enrolment)[:200]
        )


def trainees_anonymize_expired(*, today: dt.date | None = None) -> dict[str, int]:
    """Anonymise every trainee past retention, each in its own transaction (one failure spoils no other).

    Returns {"anonymized": n, "failed": n}; a second run the same day finds nothing to do.
    """
    today = today or timezone.localdate()
    done = failed = 0
    for pk in trainees_due_for_anonymization(today=today).values_list("pk", flat=True).iterator():
        try:
            if trainee_anonymize(trainee=Trainee(pk=pk), today=today):
                done += 1
        except Exception:  # this trainee's transaction is rolled back; the others go on
            logger.exception("trainee %s could not be anonymised", pk)
            failed += 1
    return {"anonymized": done, "failed": failed}

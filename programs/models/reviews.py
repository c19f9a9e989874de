"""Screening: the office's eligibility check of an application, recorded apart from the reviewers' scores."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel


class ScreeningQuerySet(models.QuerySet):
    def for_admin_list(self):
        return self.select_related("application__call__program__zone", "application__company", "screened_by")


class Screening(TimeStampedModel):
    """Whether an application meets the call's eligibility, with the reason when it does not.

    One per application: screening it again (while it is still in screening) changes this row, and the
    history keeps every earlier result.
    """

    application = models.OneToOneField(
        "programs.Application", verbose_name=_("application"), on_delete=models.PROTECT, related_name="screening"
    )
    eligible = models.BooleanField(_("eligible"))
    reason = models.TextField(_("reason"), blank=True, help_text=_("Required when the application is not eligible."))
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("screened by"), on_delete=models.PROTECT, related_name="screenings"
    )
    screened_at = models.DateTimeField(_("screened at"))

    objects = ScreeningQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        ordering = ["-screened_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(eligible=True) | ~Q(reason=""),
                name="screening_ineligible_has_reason",
                violation_error_message=_("Give the reason why the application is not eligible."),
            ),
        ]
        indexes = [models.Index(fields=["eligible"], name="screening_eligible_idx")]

    def __str__(self) -> str:
        verdict = _("eligible") if self.eligible else _("not eligible")
        return f"{self.application} · {verdict}"

"""Training programs, cohorts, trainees (personal data) and enrolments."""

from django.db import models
from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
)
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import ArchivableModel, ArchivableQuerySet, RemembersLoadedValues, with_field
from programs.models.calls import Application
from programs.models.querying import subquery_total


class TrainingProgramQuerySet(ArchivableQuerySet):
    def for_admin_list(self):
        """`cohort_count` and `enrolled_count` (see CohortQuerySet.with_counts), active records only."""
        return self.select_related("zone").annotate(
            cohort_count=subquery_total(
                Cohort.objects.active().filter(training_program=OuterRef("pk")), "training_program", Count("pk")
            ),
            enrolled_count=subquery_total(
                Enrolment.objects.active().filter(
                    cohort__training_program=OuterRef("pk"),
                    cohort__archived_at__isnull=True,
                    status__in=Enrolment.ENROLLED_STATUSES,
                ),
                "cohort__training_program",
                Count("pk"),
            ),
        )


class TrainingProgram(RemembersLoadedValues, ArchivableModel):
    class Track(models.TextChoices):
        CAMPUS_TOWN = "campus_town", _("Campus town")
        YOUTH_ACADEMY = "youth_academy", _("Youth academy")
        AI_ACADEMY = "ai_academy", _("AI academy")
        MASTERS_SCHOLARSHIP = "masters_scholarship", _("Master's scholarship")
        OTHER = "other", _("Other")

    zone = models.ForeignKey(
        "zones.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="training_programs"
    )
    code = models.SlugField(_("code"), max_length=50)
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    track = models.CharField(_("track"), max_length=30, choices=Track.choices)
    annual_capacity = models.PositiveIntegerField(_("annual capacity"), default=0)
    operator = models.CharField(_("operator"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = TrainingProgramQuerySet.as_manager()
    history = HistoricalRecords()
    remembered_fields = ("zone_id",)

    class Meta:
        verbose_name = _("training program")
        verbose_name_plural = _("training programs")
        ordering = ["zone", "name_ko"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "code"], name="trainingprogram_code_unique_per_zone"),
            models.CheckConstraint(
                condition=Q(track__in=["campus_town", "youth_academy", "ai_academy", "masters_scholarship", "other"]),
                name="trainingprogram_track_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["track"], name="trainingprogram_track_idx"),
            models.Index(fields=["archived_at"], name="trainingprogram_archived_idx"),
        ]

    def __str__(self) -> str:
        return self.name_ko

    def save(self, *args, **kwargs):
        moved = self.was_loaded() and self.changed_since_loaded("zone_id")
        super().save(*args, **kwargs)
        if moved:
            # The enrolments of its cohorts carry their zone (see Enrolment.zone).
            Enrolment.objects.filter(cohort__training_program=self).update(zone_id=self.zone_id)
        self.remember_values()


class CohortQuerySet(ArchivableQuerySet):
    def with_counts(self):
        """Active enrolments: `enrolled_count` (enrolled, completed or employed: holding or having held a
        place, dropped-out trainees left out), `completed_count` (completed or employed), `employed_count`."""
        live = Q(enrolments__archived_at__isnull=True)
        return self.annotate(
            enrolled_count=Count("enrolments", filter=live & Q(enrolments__status__in=Enrolment.ENROLLED_STATUSES)),
            completed_count=Count("enrolments", filter=live & Q(enrolments__status__in=Enrolment.COMPLETED_STATUSES)),
            employed_count=Count("enrolments", filter=live & Q(enrolments__status=Enrolment.Status.EMPLOYED)),
        )

    def for_admin_list(self):
        return self.select_related("training_program__zone").with_counts()


class Cohort(RemembersLoadedValues, ArchivableModel):
    training_program = models.ForeignKey(
        TrainingProgram, verbose_name=_("training program"), on_delete=models.PROTECT, related_name="cohorts"
    )
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveIntegerField(_("capacity"))

    objects = CohortQuerySet.as_manager()
    history = HistoricalRecords()
    remembered_fields = ("training_program_id",)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["training_program", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["training_program", "name"], name="cohort_name_unique_per_program"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="cohort_period_ordered"),
        ]
        indexes = [
            models.Index(fields=["starts_on"], name="cohort_starts_idx"),
            models.Index(fields=["archived_at"], name="cohort_archived_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.training_program} {self.name}"

    def save(self, *args, **kwargs):
        moved = self.was_loaded() and self.changed_since_loaded("training_program_id")
        super().save(*args, **kwargs)
        if moved:
            # Its enrolments carry the cohort's zone (see Enrolment.zone).
            zone_id = TrainingProgram.objects.filter(pk=self.training_program_id).values("zone_id")
            Enrolment.objects.filter(cohort=self).update(zone_id=zone_id)
        self.remember_values()


def mask_name(name: str) -> str:
    """김철용 -> 김*용, 이민 -> 이*, John Smith -> J********h."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


class TraineeQuerySet(ArchivableQuerySet):
    def for_admin_list(self):
        return self.annotate(
            enrolment_count=subquery_total(
                Enrolment.objects.active().filter(trainee=OuterRef("pk")), "trainee", Count("pk")
            )
        )


class Trainee(ArchivableModel):
    """A person in training. Personal data: minimum fields, consent recorded, kept only for its retention."""

    full_name = models.CharField(_("full name"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    consent_given_at = models.DateTimeField(_("consent given at"))
    consent_purpose = models.CharField(_("consent purpose"), max_length=300)
    retention_until = models.DateField(_("keep personal data until"))
    anonymized_at = models.DateTimeField(_("anonymized at"), null=True, blank=True, editable=False)

    objects = TraineeQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["email", "phone"])

    class Meta:
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["retention_until"], name="trainee_retention_idx"),
            models.Index(fields=["archived_at"], name="trainee_archived_idx"),
        ]

    def __str__(self) -> str:
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return mask_name(self.full_name)


class EnrolmentQuerySet(ArchivableQuerySet):
    def for_admin_list(self):
        return self.select_related("trainee", "cohort__training_program", "zone", "employed_by")


class Enrolment(RemembersLoadedValues, ArchivableModel):
    """A trainee in a cohort, through to completion and the job that followed."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ENROLLED = "enrolled", _("Enrolled")
        COMPLETED = "completed", _("Completed")
        DROPPED = "dropped", _("Dropped")
        EMPLOYED = "employed", _("Employed")

    ENROLLED_STATUSES = (Status.ENROLLED, Status.COMPLETED, Status.EMPLOYED)
    COMPLETED_STATUSES = (Status.COMPLETED, Status.EMPLOYED)
    # The workflow (programs.services.training): employment is recorded for trainees who completed.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.APPLIED: (Status.ENROLLED, Status.DROPPED),
        Status.ENROLLED: (Status.COMPLETED, Status.DROPPED),
        Status.COMPLETED: (Status.EMPLOYED,),
        Status.DROPPED: (),
        Status.EMPLOYED: (),
    }

    cohort = models.ForeignKey(Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="enrolments")
    trainee = models.ForeignKey(Trainee, verbose_name=_("trainee"), on_delete=models.PROTECT, related_name="enrolments")
    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="enrolment",
        null=True,
        blank=True,
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.APPLIED)
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    dropped_on = models.DateField(_("dropped on"), null=True, blank=True)
    employed_by = models.ForeignKey(
        "companies.Company",
        verbose_name=_("employed by"),
        on_delete=models.PROTECT,
        related_name="hired_enrolments",
        null=True,
        blank=True,
    )
    employer_name = models.CharField(_("employer (if not a registered company)"), max_length=200, blank=True)
    employed_on = models.DateField(_("employed on"), null=True, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    # The cohort's zone, kept on the row by save() and by moving a cohort or a training program: one zone's list
    # walks the (zone, created_at) index in its display order and stops after its page, whatever the zone's size.
    zone = models.ForeignKey(
        "zones.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = EnrolmentQuerySet.as_manager()
    # The zone is the cohort's: its history is the cohort's.
    history = HistoricalRecords(excluded_fields=["zone"])
    remembered_fields = ("cohort_id",)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["cohort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "trainee"], name="enrolment_one_per_cohort"),
            models.CheckConstraint(
                condition=Q(status__in=["applied", "enrolled", "completed", "dropped", "employed"]),
                name="enrolment_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="employed")
                | (Q(employed_on__isnull=False) & (Q(employed_by__isnull=False) | ~Q(employer_name=""))),
                name="enrolment_employed_has_employer",
                violation_error_message=_("An employed trainee needs an employer and a hiring date."),
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(enrolled_on__isnull=True)
                | Q(completed_on__gte=F("enrolled_on")),
                name="enrolment_completed_after_enrolled",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "status"], name="enrolment_cohort_status_idx"),
            models.Index(fields=["status"], name="enrolment_status_idx"),
            models.Index(fields=["archived_at"], name="enrolment_archived_idx"),
            # The KPIs: a zone's cohorts' enrolments by the day they were enrolled, completed or employed, read
            # from the index alone.
            models.Index(
                fields=["cohort", "enrolled_on"],
                include=["status", "archived_at"],
                name="enrolment_cohort_enrolled_idx",
            ),
            models.Index(
                fields=["cohort", "completed_on"],
                include=["status", "archived_at", "employed_on"],
                name="enrolment_cohort_completed_idx",
            ),
            models.Index(
                fields=["cohort", "employed_on"],
                include=["status", "archived_at", "employed_by"],
                name="enrolment_cohort_employed_idx",
            ),
            # One zone's list, newest first (the admin's), walked in order; the columns its search checks are read
            # from the index alone (an enrolment matches one search in about a hundred).
            models.Index(
                fields=["zone", "created_at", "id"],
                include=["archived_at", "trainee", "cohort", "employed_by", "employer_name"],
                name="enrolment_zone_created_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.cohort}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        cohort_saved = update_fields is None or {"cohort", "cohort_id"} & set(update_fields)
        if (
            self.cohort_id is not None
            and cohort_saved
            and (self.zone_id is None or self.changed_since_loaded("cohort_id"))
        ):
            self.zone_id = self._cohort_zone_id()
            kwargs["update_fields"] = with_field(update_fields, "zone")
        super().save(*args, **kwargs)
        self.remember_values()

    @classmethod
    def set_zones(cls, enrolments) -> None:
        """Give enrolments their cohort's zone before a bulk_create, which does not call save()."""
        cohorts = Cohort.objects.filter(pk__in={e.cohort_id for e in enrolments})
        zones = dict(cohorts.values_list("pk", "training_program__zone_id"))
        for enrolment in enrolments:
            enrolment.zone_id = zones[enrolment.cohort_id]

    def _cohort_zone_id(self) -> int | None:
        cohort = self._meta.get_field("cohort").get_cached_value(self, None)
        if cohort is None or cohort.pk != self.cohort_id:
            return Cohort.objects.filter(pk=self.cohort_id).values_list("training_program__zone_id", flat=True).first()
        program = Cohort._meta.get_field("training_program").get_cached_value(cohort, None)
        if program is not None and program.pk == cohort.training_program_id:
            return program.zone_id
        return TrainingProgram.objects.filter(pk=cohort.training_program_id).values_list("zone_id", flat=True).first()

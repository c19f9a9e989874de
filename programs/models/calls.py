"""Programs, their calls and rubrics, applications and reviews."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Value,
)
from django.db.models.functions import Cast, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import ArchivableModel, ArchivableQuerySet, RemembersLoadedValues, TimeStampedModel, with_field
from programs.models.querying import subquery_total, weighted_average_score


class ProgramQuerySet(ArchivableQuerySet):
    def for_admin_list(self):
        return self.select_related("zone").annotate(
            call_count=Count("calls", filter=Q(calls__archived_at__isnull=True)),
        )


class Program(RemembersLoadedValues, ArchivableModel):
    class Kind(models.TextChoices):
        TENANCY = "tenancy", _("Tenancy")
        COMPUTE = "compute", _("Compute allocation")
        RND_GRANT = "rnd_grant", _("R&D grant")
        DEMONSTRATION = "demonstration", _("Demonstration")
        FUND = "fund", _("Fund investment")
        TRAINING = "training", _("Training")
        EXEMPTION = "exemption", _("Special case use")

    zone = models.ForeignKey("zones.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="programs")
    code = models.SlugField(_("code"), max_length=50)
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    budget_krw = models.BigIntegerField(_("budget (KRW)"), default=0, validators=[MinValueValidator(0)])

    objects = ProgramQuerySet.as_manager()
    history = HistoricalRecords()
    remembered_fields = ("zone_id",)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["zone", "name_ko"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "code"], name="program_code_unique_per_zone"),
            models.CheckConstraint(
                condition=Q(
                    kind__in=["tenancy", "compute", "rnd_grant", "demonstration", "fund", "training", "exemption"]
                ),
                name="program_kind_valid",
            ),
            models.CheckConstraint(condition=Q(budget_krw__gte=0), name="program_budget_nonnegative"),
        ]
        indexes = [
            models.Index(fields=["kind"], name="program_kind_idx"),
            models.Index(fields=["archived_at"], name="program_archived_idx"),
        ]

    def __str__(self) -> str:
        return self.name_ko

    def save(self, *args, **kwargs):
        moved = self.was_loaded() and self.changed_since_loaded("zone_id")
        super().save(*args, **kwargs)
        if moved:
            # The applications of the program's calls carry their zone (see Application.zone).
            Application.objects.filter(call__program=self).update(zone_id=self.zone_id)
        self.remember_values()


class CallQuerySet(ArchivableQuerySet):
    """Window states: unpublished, upcoming, open (opens_at <= now < closes_at), closed."""

    def unpublished(self):
        return self.filter(is_published=False)

    def upcoming(self, at=None):
        return self.filter(is_published=True, opens_at__gt=at or timezone.now())

    def open(self, at=None):
        at = at or timezone.now()
        return self.filter(is_published=True, opens_at__lte=at, closes_at__gt=at)

    def closed(self, at=None):
        return self.filter(is_published=True, closes_at__lte=at or timezone.now())

    def with_competition(self):
        """Applications received (ever submitted, not archived), awards, and applications per award.

        One join on applications, counted with FILTER; the ratio is NULL while nothing is awarded.
        """
        live = Q(applications__archived_at__isnull=True)
        return self.annotate(
            application_count=Count("applications", filter=live & Q(applications__submitted_at__isnull=False)),
            award_count=Count("applications", filter=live & Q(applications__status__in=Application.AWARDED_STATUSES)),
        ).annotate(
            competition_ratio=ExpressionWrapper(
                Cast("application_count", FloatField()) / NullIf(Cast("award_count", FloatField()), Value(0.0)),
                output_field=FloatField(),
            )
        )

    def for_admin_list(self):
        return self.select_related("program__zone").with_competition()


class Call(RemembersLoadedValues, ArchivableModel):
    """A call for applications under a program, open for a window."""

    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="calls")
    code = models.SlugField(_("code"), max_length=50)
    title_ko = models.CharField(_("title (Korean)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    is_published = models.BooleanField(_("published"), default=False)
    form_version = models.PositiveIntegerField(
        _("form version"), default=1, editable=False, help_text=_("Raised each time the application form changes.")
    )
    eligibility_ko = models.TextField(_("eligibility (Korean)"), blank=True)
    eligibility_en = models.TextField(_("eligibility (English)"), blank=True)
    documents_required = models.TextField(_("documents required"), blank=True)
    awards_planned = models.PositiveIntegerField(_("awards planned"), default=0)
    budget_krw = models.BigIntegerField(_("budget (KRW)"), default=0, validators=[MinValueValidator(0)])
    gpu_hours_available = models.PositiveIntegerField(_("GPU hours available"), default=0)
    pass_score = models.DecimalField(
        _("overall pass score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Weighted average (0-100) an application needs to pass review."),
    )

    objects = CallQuerySet.as_manager()
    history = HistoricalRecords()
    remembered_fields = ("program_id",)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="call_code_unique_per_program"),
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="call_closes_after_opening"),
            models.CheckConstraint(condition=Q(budget_krw__gte=0), name="call_budget_nonnegative"),
        ]
        indexes = [
            models.Index(fields=["opens_at", "closes_at"], name="call_window_idx"),
            models.Index(fields=["closes_at"], name="call_closes_idx"),
            models.Index(fields=["is_published"], name="call_published_idx"),
            models.Index(fields=["archived_at"], name="call_archived_idx"),
        ]

    def __str__(self) -> str:
        return self.title_ko

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.is_published and self.opens_at <= at < self.closes_at

    def save(self, *args, **kwargs):
        moved = self.was_loaded() and self.changed_since_loaded("program_id")
        super().save(*args, **kwargs)
        if moved:
            # Its applications carry the call's zone (see Application.zone).
            zone_id = Program.objects.filter(pk=self.program_id).values("zone_id")
            Application.objects.filter(call=self).update(zone_id=zone_id)
        self.remember_values()


class RubricCriterionQuerySet(models.QuerySet):
    def for_admin_list(self):
        return self.select_related("call__program__zone")


class RubricCriterion(TimeStampedModel):
    """One criterion of a call's review rubric, with its weight and pass threshold."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=100)
    pass_score = models.PositiveSmallIntegerField(_("pass score"), null=True, blank=True)

    objects = RubricCriterionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")
        ordering = ["call", "order"]
        constraints = [
            models.UniqueConstraint(fields=["call", "name_ko"], name="criterion_name_unique_per_call"),
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=100), name="criterion_weight_range"),
            models.CheckConstraint(
                condition=Q(pass_score__isnull=True) | Q(pass_score__lte=F("max_score")),
                name="criterion_pass_within_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_ko} ({self.weight}%)"


class ApplicationQuerySet(ArchivableQuerySet):
    def with_review_score(self):
        """`average_score`: weighted average (0-100) over the reviews that count; `review_count`: those reviews."""
        return self.annotate(
            average_score=weighted_average_score(
                ReviewScore.objects.counted().filter(review__application=OuterRef("pk")), "review__application"
            ),
            review_count=subquery_total(
                Review.objects.counted().filter(application=OuterRef("pk")), "application", Count("pk")
            ),
        )

    def for_admin_list(self):
        return self.select_related("call", "zone", "company").with_review_score()


class Application(RemembersLoadedValues, ArchivableModel):
    """A company's application to a call. One workflow for every kind of call."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        SCREENING = "screening", _("Screening")
        INFO_REQUESTED = "info_requested", _("Information requested")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        AGREEMENT_SIGNED = "agreement_signed", _("Agreement signed")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # The allowed transitions: the service layer enforces them, the screens draw their buttons from them.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.DRAFT: (Status.SUBMITTED, Status.WITHDRAWN),
        Status.SUBMITTED: (Status.SCREENING, Status.WITHDRAWN),
        Status.SCREENING: (Status.INFO_REQUESTED, Status.UNDER_REVIEW, Status.REJECTED, Status.WITHDRAWN),
        Status.INFO_REQUESTED: (Status.SUBMITTED, Status.WITHDRAWN),
        Status.UNDER_REVIEW: (Status.APPROVED, Status.REJECTED, Status.WITHDRAWN),
        Status.APPROVED: (Status.AGREEMENT_SIGNED,),
        Status.AGREEMENT_SIGNED: (Status.ACTIVE,),
        Status.ACTIVE: (Status.CLOSED,),
        Status.REJECTED: (),
        Status.CLOSED: (),
        Status.WITHDRAWN: (),
    }
    AWARDED_STATUSES = (Status.APPROVED, Status.AGREEMENT_SIGNED, Status.ACTIVE, Status.CLOSED)

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications")
    company = models.ForeignKey(
        "companies.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    requested_amount_krw = models.BigIntegerField(
        _("requested amount (KRW)"), default=0, validators=[MinValueValidator(0)]
    )
    requested_gpu_hours = models.PositiveIntegerField(_("requested GPU hours"), default=0)
    special_case = models.ForeignKey(
        "zones.SpecialCase",
        verbose_name=_("special case"),
        on_delete=models.PROTECT,
        related_name="applications",
        null=True,
        blank=True,
    )
    cohort = models.ForeignKey(
        "programs.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        related_name="applications",
        null=True,
        blank=True,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    form_version = models.PositiveIntegerField(_("form version answered"), null=True, blank=True)
    current_step = models.PositiveSmallIntegerField(_("current step"), default=0)
    # The call's zone, kept on the row by save() and by moving a call or a program: one zone's list walks the
    # (zone, created_at) index in its display order and stops after its page, whatever the zone's size.
    zone = models.ForeignKey(
        "zones.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = ApplicationQuerySet.as_manager()
    # The zone is the call's: its history is the call's.
    history = HistoricalRecords(excluded_fields=["zone"])
    remembered_fields = ("call_id",)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "screening",
                        "info_requested",
                        "under_review",
                        "approved",
                        "rejected",
                        "agreement_signed",
                        "active",
                        "closed",
                        "withdrawn",
                    ]
                ),
                name="application_status_valid",
            ),
            models.UniqueConstraint(
                fields=["call", "company"],
                condition=~Q(status="withdrawn") & Q(archived_at__isnull=True),
                name="application_one_per_company_per_call",
                violation_error_message=_("This company already has an application for this call."),
            ),
            models.CheckConstraint(
                condition=Q(requested_amount_krw__gte=0), name="application_requested_amount_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False) | Q(status="withdrawn"),
                name="application_submitted_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["call", "status"], name="application_call_status_idx"),
            models.Index(fields=["status"], name="application_status_idx"),
            models.Index(fields=["submitted_at"], name="application_submitted_idx"),
            models.Index(fields=["archived_at"], name="application_archived_idx"),
            # The KPIs: applications of a zone's calls submitted, and decided, within a period.
            models.Index(fields=["call", "submitted_at"], name="application_call_submitted_idx"),
            models.Index(fields=["call", "decided_at"], name="application_call_decided_idx"),
            # One zone's list, newest first (the admin's), walked in order.
            models.Index(fields=["zone", "created_at", "id"], name="application_zone_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.title}"

    def allowed_transitions(self) -> tuple[str, ...]:
        return self.TRANSITIONS[self.status]

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        call_saved = update_fields is None or {"call", "call_id"} & set(update_fields)
        if self.call_id is not None and call_saved and (self.zone_id is None or self.changed_since_loaded("call_id")):
            self.zone_id = self._call_zone_id()
            kwargs["update_fields"] = with_field(update_fields, "zone")
        super().save(*args, **kwargs)
        self.remember_values()

    @classmethod
    def set_zones(cls, applications) -> None:
        """Give applications their call's zone before a bulk_create, which does not call save()."""
        zones = dict(
            Call.objects.filter(pk__in={a.call_id for a in applications}).values_list("pk", "program__zone_id")
        )
        for application in applications:
            application.zone_id = zones[application.call_id]

    def _call_zone_id(self) -> int | None:
        call = self._meta.get_field("call").get_cached_value(self, None)
        if call is None or call.pk != self.call_id:
            return Call.objects.filter(pk=self.call_id).values_list("program__zone_id", flat=True).first()
        program = Call._meta.get_field("program").get_cached_value(call, None)
        if program is not None and program.pk == call.program_id:
            return program.zone_id
        return Program.objects.filter(pk=call.program_id).values_list("zone_id", flat=True).first()


class ReviewQuerySet(models.QuerySet):
    def counted(self):
        """Reviews that count towards an application's score: submitted, no conflict of interest declared."""
        return self.filter(submitted_at__isnull=False, conflict_of_interest=False)

    def with_score(self):
        """`weighted_score`: this review's weighted average (0-100), NULL before any score."""
        return self.annotate(
            weighted_score=weighted_average_score(ReviewScore.objects.filter(review=OuterRef("pk")), "review")
        )

    def for_admin_list(self):
        return self.select_related("application__call__program__zone", "application__company", "reviewer").with_score()


class Review(TimeStampedModel):
    """A reviewer's scoring of one application on the call's rubric."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="reviews"
    )
    conflict_of_interest = models.BooleanField(_("conflict of interest declared"), default=False)
    conflict_reason = models.TextField(_("conflict of interest (reason)"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = ReviewQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["application", "reviewer"]
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="review_one_per_reviewer")]
        indexes = [models.Index(fields=["submitted_at"], name="review_submitted_idx")]

    def __str__(self) -> str:
        return f"{self.application} · {self.reviewer}"


class ReviewScoreQuerySet(models.QuerySet):
    def counted(self):
        """Scores of reviews that count (see ReviewQuerySet.counted)."""
        return self.filter(review__submitted_at__isnull=False, review__conflict_of_interest=False)

    def for_admin_list(self):
        return self.select_related(
            "review__application__call__program__zone", "review__application__company", "review__reviewer", "criterion"
        )


class ReviewScore(TimeStampedModel):
    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.PROTECT, related_name="scores")
    criterion = models.ForeignKey(
        RubricCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="scores"
    )
    score = models.PositiveSmallIntegerField(_("score"))

    objects = ReviewScoreQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        ordering = ["review", "criterion__order"]
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="reviewscore_one_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion.name_ko}: {self.score}"

"""Support programs and their calls, applications and reviews; funds, compute allocations and training."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    BigIntegerField,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import ArchivableModel, ArchivableQuerySet, TimeStampedModel


def _subquery_total(queryset, group_by: str, aggregate) -> Coalesce:
    """One correlated aggregate per outer row (SUM, COUNT), 0 when there is nothing to aggregate.

    A subquery per relation keeps two one-to-many relations (a fund's commitments and its
    investments) from multiplying each other's rows, as joins would.
    """
    total = queryset.order_by().values(group_by).annotate(total=aggregate).values("total")
    return Coalesce(Cast(Subquery(total), BigIntegerField()), Value(0), output_field=BigIntegerField())


def _weighted_average_score(scores, group_by: str) -> Subquery:
    """Weighted average (0-100) of `scores` per `group_by`: each score scaled to its criterion's
    maximum and weighted by the criterion's weight. NULL when there are no scores."""
    points = ExpressionWrapper(
        Cast("score", FloatField()) * Value(100.0) * F("criterion__weight") / NullIf(F("criterion__max_score"), 0),
        output_field=FloatField(),
    )
    average = ExpressionWrapper(
        Sum(points) / NullIf(Cast(Sum("criterion__weight"), FloatField()), Value(0.0)), output_field=FloatField()
    )
    return Subquery(
        scores.order_by().values(group_by).annotate(average=average).values("average"), output_field=FloatField()
    )


class ProgramQuerySet(ArchivableQuerySet):
    def for_admin_list(self):
        return self.select_related("zone").annotate(
            call_count=Count("calls", filter=Q(calls__archived_at__isnull=True)),
        )


class Program(ArchivableModel):
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


class Call(ArchivableModel):
    """A call for applications under a program, open for a window."""

    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="calls")
    code = models.SlugField(_("code"), max_length=50)
    title_ko = models.CharField(_("title (Korean)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    is_published = models.BooleanField(_("published"), default=False)
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
            average_score=_weighted_average_score(
                ReviewScore.objects.counted().filter(review__application=OuterRef("pk")), "review__application"
            ),
            review_count=_subquery_total(
                Review.objects.counted().filter(application=OuterRef("pk")), "application", Count("pk")
            ),
        )

    def for_admin_list(self):
        return self.select_related("call__program__zone", "company").with_review_score()


class Application(ArchivableModel):
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

    objects = ApplicationQuerySet.as_manager()
    history = HistoricalRecords()

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
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.title}"

    def allowed_transitions(self) -> tuple[str, ...]:
        return self.TRANSITIONS[self.status]


class ReviewQuerySet(models.QuerySet):
    def counted(self):
        """Reviews that count towards an application's score: submitted, no conflict of interest declared."""
        return self.filter(submitted_at__isnull=False, conflict_of_interest=False)

    def with_score(self):
        """`weighted_score`: this review's weighted average (0-100), NULL before any score."""
        return self.annotate(
            weighted_score=_weighted_average_score(ReviewScore.objects.filter(review=OuterRef("pk")), "review")
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


class FundQuerySet(ArchivableQuerySet):
    def with_totals(self):
        """Committed, invested (archived investments left out), remaining (size - invested), investee companies.

        Each figure is one correlated subquery, so the list is one query whatever its length.
        """
        investments = Investment.objects.active().filter(fund=OuterRef("pk"))
        return self.annotate(
            committed_krw=_subquery_total(
                FundCommitment.objects.filter(fund=OuterRef("pk")), "fund", Sum("amount_krw")
            ),
            invested_krw=_subquery_total(investments, "fund", Sum("amount_krw")),
            investee_count=_subquery_total(investments, "fund", Count("company", distinct=True)),
        ).annotate(remaining_krw=ExpressionWrapper(F("size_krw") - F("invested_krw"), output_field=BigIntegerField()))

    def for_admin_list(self):
        return self.select_related("zone").with_totals()


class Fund(ArchivableModel):
    class Status(models.TextChoices):
        RAISING = "raising", _("Raising")
        INVESTING = "investing", _("Investing")
        CLOSED = "closed", _("Closed")

    zone = models.ForeignKey("zones.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="funds")
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    manager = models.CharField(_("manager"), max_length=200)
    size_krw = models.BigIntegerField(_("size (KRW)"), validators=[MinValueValidator(0)])
    vintage_year = models.PositiveSmallIntegerField(_("vintage year"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RAISING)
    purpose = models.TextField(_("purpose"), blank=True)

    objects = FundQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["zone", "name_ko"]
        constraints = [
            models.CheckConstraint(condition=Q(size_krw__gte=0), name="fund_size_nonnegative"),
            models.CheckConstraint(
                condition=Q(status__in=["raising", "investing", "closed"]), name="fund_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="fund_status_idx"),
            models.Index(fields=["archived_at"], name="fund_archived_idx"),
        ]

    def __str__(self) -> str:
        return self.name_ko


class FundCommitmentQuerySet(models.QuerySet):
    def for_admin_list(self):
        return self.select_related("fund__zone")


class FundCommitment(TimeStampedModel):
    """Money an investor (city, ministry, bank, ...) has committed to a fund."""

    fund = models.ForeignKey(Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="commitments")
    investor_name = models.CharField(_("investor"), max_length=200)
    amount_krw = models.BigIntegerField(_("amount (KRW)"), validators=[MinValueValidator(0)])
    committed_on = models.DateField(_("committed on"))

    objects = FundCommitmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fund commitment")
        verbose_name_plural = _("fund commitments")
        ordering = ["fund", "committed_on"]
        constraints = [models.CheckConstraint(condition=Q(amount_krw__gte=0), name="fundcommitment_amount_nonnegative")]

    def __str__(self) -> str:
        return f"{self.investor_name} → {self.fund}"


class InvestmentQuerySet(ArchivableQuerySet):
    def for_admin_list(self):
        return self.select_related("fund__zone", "company")


class Investment(ArchivableModel):
    class Instrument(models.TextChoices):
        EQUITY = "equity", _("Equity")
        CONVERTIBLE = "convertible", _("Convertible note")
        SAFE = "safe", _("SAFE")
        LOAN = "loan", _("Loan")
        JOINT_RESEARCH = "joint_research", _("Joint research funding")
        COMPUTE_CREDIT = "compute_credit", _("Compute credit")

    fund = models.ForeignKey(Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="investments")
    company = models.ForeignKey(
        "companies.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="investments"
    )
    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="investment",
        null=True,
        blank=True,
    )
    instrument = models.CharField(_("instrument"), max_length=20, choices=Instrument.choices)
    amount_krw = models.BigIntegerField(_("amount (KRW)"), validators=[MinValueValidator(1)])
    invested_on = models.DateField(_("invested on"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = InvestmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("investment")
        verbose_name_plural = _("investments")
        ordering = ["-invested_on"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_krw__gt=0), name="investment_amount_positive"),
            models.CheckConstraint(
                condition=Q(
                    instrument__in=["equity", "convertible", "safe", "loan", "joint_research", "compute_credit"]
                ),
                name="investment_instrument_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["instrument"], name="investment_instrument_idx"),
            models.Index(fields=["invested_on"], name="investment_invested_on_idx"),
            models.Index(fields=["archived_at"], name="investment_archived_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.fund} → {self.company}"


class ComputeAllocationQuerySet(ArchivableQuerySet):
    def for_admin_list(self):
        return self.select_related("zone", "company")


class ComputeAllocation(ArchivableModel):
    """GPU compute given to a company, e.g. from a public AI data centre."""

    class Status(models.TextChoices):
        ALLOCATED = "allocated", _("Allocated")
        IN_USE = "in_use", _("In use")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    zone = models.ForeignKey(
        "zones.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="compute_allocations"
    )
    company = models.ForeignKey(
        "companies.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="compute_allocations"
    )
    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="compute_allocation",
        null=True,
        blank=True,
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ALLOCATED)
    resource = models.CharField(_("resource"), max_length=100, help_text=_("e.g. NVIDIA H100 cluster"))
    gpu_hours = models.PositiveIntegerField(_("GPU hours"))
    ai_tasks = models.PositiveIntegerField(_("AI tasks"), default=0)
    value_krw = models.BigIntegerField(_("value (KRW)"), default=0, validators=[MinValueValidator(0)])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    objects = ComputeAllocationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("compute allocation")
        verbose_name_plural = _("compute allocations")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="allocation_period_ordered"),
            models.CheckConstraint(condition=Q(value_krw__gte=0), name="allocation_value_nonnegative"),
            models.CheckConstraint(
                condition=Q(status__in=["allocated", "in_use", "completed", "cancelled"]),
                name="allocation_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["zone", "status"], name="allocation_zone_status_idx"),
            models.Index(fields=["status"], name="allocation_status_idx"),
            models.Index(fields=["starts_on"], name="allocation_starts_idx"),
            models.Index(fields=["archived_at"], name="allocation_archived_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.gpu_hours} GPU h"


class TrainingProgramQuerySet(ArchivableQuerySet):
    def for_admin_list(self):
        """`cohort_count` and `enrolled_count` (see CohortQuerySet.with_counts), active records only."""
        return self.select_related("zone").annotate(
            cohort_count=_subquery_total(
                Cohort.objects.active().filter(training_program=OuterRef("pk")), "training_program", Count("pk")
            ),
            enrolled_count=_subquery_total(
                Enrolment.objects.active().filter(
                    cohort__training_program=OuterRef("pk"),
                    cohort__archived_at__isnull=True,
                    status__in=Enrolment.ENROLLED_STATUSES,
                ),
                "cohort__training_program",
                Count("pk"),
            ),
        )


class TrainingProgram(ArchivableModel):
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


class Cohort(ArchivableModel):
    training_program = models.ForeignKey(
        TrainingProgram, verbose_name=_("training program"), on_delete=models.PROTECT, related_name="cohorts"
    )
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveIntegerField(_("capacity"))

    objects = CohortQuerySet.as_manager()
    history = HistoricalRecords()

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
            enrolment_count=_subquery_total(
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
        return self.select_related("trainee", "cohort__training_program__zone", "employed_by")


class Enrolment(ArchivableModel):
    """A trainee in a cohort, through to completion and the job that followed."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ENROLLED = "enrolled", _("Enrolled")
        COMPLETED = "completed", _("Completed")
        DROPPED = "dropped", _("Dropped")
        EMPLOYED = "employed", _("Employed")

    ENROLLED_STATUSES = (Status.ENROLLED, Status.COMPLETED, Status.EMPLOYED)
    COMPLETED_STATUSES = (Status.COMPLETED, Status.EMPLOYED)

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

    objects = EnrolmentQuerySet.as_manager()
    history = HistoricalRecords()

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
        ]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.cohort}"

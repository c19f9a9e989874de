"""Support programs and their calls, applications and reviews; funds, compute allocations and training."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import ArchivableModel, TimeStampedModel


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
        indexes = [models.Index(fields=["kind"], name="program_kind_idx")]

    def __str__(self) -> str:
        return self.name_ko


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
        ]

    def __str__(self) -> str:
        return self.title_ko

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.is_published and self.opens_at <= at < self.closes_at


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
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.title}"

    def allowed_transitions(self) -> tuple[str, ...]:
        return self.TRANSITIONS[self.status]


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

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["application", "reviewer"]
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="review_one_per_reviewer")]
        indexes = [models.Index(fields=["submitted_at"], name="review_submitted_idx")]

    def __str__(self) -> str:
        return f"{self.application} · {self.reviewer}"


class ReviewScore(TimeStampedModel):
    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.PROTECT, related_name="scores")
    criterion = models.ForeignKey(
        RubricCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="scores"
    )
    score = models.PositiveSmallIntegerField(_("score"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        ordering = ["review", "criterion__order"]
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="reviewscore_one_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion.name_ko}: {self.score}"


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
        indexes = [models.Index(fields=["status"], name="fund_status_idx")]

    def __str__(self) -> str:
        return self.name_ko


class FundCommitment(TimeStampedModel):
    """Money an investor (city, ministry, bank, ...) has committed to a fund."""

    fund = models.ForeignKey(Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="commitments")
    investor_name = models.CharField(_("investor"), max_length=200)
    amount_krw = models.BigIntegerField(_("amount (KRW)"), validators=[MinValueValidator(0)])
    committed_on = models.DateField(_("committed on"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fund commitment")
        verbose_name_plural = _("fund commitments")
        ordering = ["fund", "committed_on"]
        constraints = [models.CheckConstraint(condition=Q(amount_krw__gte=0), name="fundcommitment_amount_nonnegative")]

    def __str__(self) -> str:
        return f"{self.investor_name} → {self.fund}"


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
        ]

    def __str__(self) -> str:
        return f"{self.fund} → {self.company}"


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
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.gpu_hours} GPU h"


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
        indexes = [models.Index(fields=["track"], name="trainingprogram_track_idx")]

    def __str__(self) -> str:
        return self.name_ko


class Cohort(ArchivableModel):
    training_program = models.ForeignKey(
        TrainingProgram, verbose_name=_("training program"), on_delete=models.PROTECT, related_name="cohorts"
    )
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveIntegerField(_("capacity"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["training_program", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["training_program", "name"], name="cohort_name_unique_per_program"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="cohort_period_ordered"),
        ]
        indexes = [models.Index(fields=["starts_on"], name="cohort_starts_idx")]

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

    history = HistoricalRecords(excluded_fields=["email", "phone"])

    class Meta:
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        ordering = ["id"]
        indexes = [models.Index(fields=["retention_until"], name="trainee_retention_idx")]

    def __str__(self) -> str:
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return mask_name(self.full_name)


class Enrolment(ArchivableModel):
    """A trainee in a cohort, through to completion and the job that followed."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ENROLLED = "enrolled", _("Enrolled")
        COMPLETED = "completed", _("Completed")
        DROPPED = "dropped", _("Dropped")
        EMPLOYED = "employed", _("Employed")

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
        ]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.cohort}"

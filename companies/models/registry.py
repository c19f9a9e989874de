"""Companies, the people who act for them, their tenancy in zones, and MOUs with promises and deliveries."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import ArchivableModel, ArchivableQuerySet, TimeStampedModel
from core.validators import (
    format_brn,
    format_corporate_number,
    normalize_digits,
    validate_brn,
    validate_corporate_number,
    validate_postcode,
)


class AIFieldQuerySet(models.QuerySet):
    def with_company_count(self):
        return self.annotate(company_count=Count("companies", filter=Q(companies__archived_at__isnull=True)))


class AIField(TimeStampedModel):
    """A field of AI work (vision, language, speech, ...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    objects = AIFieldQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("AI field")
        verbose_name_plural = _("AI fields")
        ordering = ["name_ko"]

    def __str__(self) -> str:
        return self.name_ko


class CompanyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def for_admin_list(self):
        # The fields column reads every company's AI fields: one query for the page, not one per row.
        return self.prefetch_related("ai_fields")


class Company(ArchivableModel):
    class Size(models.TextChoices):
        STARTUP = "startup", _("Startup")
        SME = "sme", _("SME")
        MIDSIZE = "midsize", _("Mid-size company")
        LARGE = "large", _("Large company")
        INSTITUTION = "institution", _("Institution")

    # What a company keeps about itself (besides its registration number and AI fields): the profile form,
    # the portal's register/edit services and the CSV/XLSX import all use this one list.
    PROFILE_FIELDS = (
        "name_ko",
        "name_en",
        "corporate_number",
        "size",
        "founded_on",
        "headcount",
        "representative",
        "sido",
        "sigungu",
        "road_name",
        "building_no",
        "address_detail",
        "postcode",
        "phone",
        "email",
        "website",
    )

    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    brn = models.CharField(
        _("business registration number"),
        max_length=10,
        unique=True,
        validators=[validate_brn],
        help_text=_("10 digits, e.g. 123-45-67890; dashes are optional."),
    )
    corporate_number = models.CharField(
        _("corporate registration number"),
        max_length=13,
        blank=True,
        validators=[validate_corporate_number],
        help_text=_("13 digits, for corporations only."),
    )
    size = models.CharField(_("size"), max_length=20, choices=Size.choices)
    ai_fields = models.ManyToManyField(AIField, verbose_name=_("AI fields"), related_name="companies", blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    headcount = models.PositiveIntegerField(_("headcount"), default=0)
    representative = models.CharField(_("representative"), max_length=100, blank=True)
    # Road-name address (도로명주소).
    sido = models.CharField(_("province / city (시도)"), max_length=30, blank=True)
    sigungu = models.CharField(_("district (시군구)"), max_length=30, blank=True)
    road_name = models.CharField(_("road name"), max_length=100, blank=True)
    building_no = models.CharField(_("building number"), max_length=20, blank=True)
    address_detail = models.CharField(_("address detail"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True, validators=[validate_postcode])
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)

    objects = CompanyQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[ai_fields])

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name_ko"]
        constraints = [
            models.CheckConstraint(
                condition=Q(size__in=["startup", "sme", "midsize", "large", "institution"]), name="company_size_valid"
            ),
            models.CheckConstraint(condition=Q(brn__regex=r"^[0-9]{10}$"), name="company_brn_ten_digits"),
            models.CheckConstraint(
                condition=Q(corporate_number="") | Q(corporate_number__regex=r"^[0-9]{13}$"),
                name="company_corporate_number_digits",
            ),
        ]
        indexes = [
            models.Index(fields=["size"], name="company_size_idx"),
            models.Index(fields=["name_ko"], name="company_name_ko_idx"),
            models.Index(fields=["sido"], name="company_sido_idx"),
            models.Index(fields=["founded_on"], name="company_founded_on_idx"),
            models.Index(fields=["archived_at"], name="company_archived_at_idx"),
        ]

    def __str__(self) -> str:
        return self.name_ko

    def clean(self) -> None:
        # People type dashes; the database keeps digits only.
        self.brn = normalize_digits(self.brn)
        self.corporate_number = normalize_digits(self.corporate_number)
        super().clean()

    def clean_fields(self, exclude=None) -> None:
        self.brn = normalize_digits(self.brn)
        self.corporate_number = normalize_digits(self.corporate_number)
        super().clean_fields(exclude=exclude)

    @property
    def brn_display(self) -> str:
        return format_brn(self.brn)

    @property
    def corporate_number_display(self) -> str:
        return format_corporate_number(self.corporate_number) if self.corporate_number else ""

    @property
    def address(self) -> str:
        parts = [self.sido, self.sigungu, self.road_name, self.building_no]
        line = " ".join(p for p in parts if p)
        if self.address_detail:
            line = f"{line}, {self.address_detail}" if line else self.address_detail
        return line

    def get_absolute_url(self) -> str:
        return reverse("admin:companies_company_change", args=[self.pk])


class CompanyMemberQuerySet(models.QuerySet):
    def for_admin_list(self):
        return self.select_related("company", "user", "invited_by")


class CompanyMember(TimeStampedModel):
    """A user who acts for a company."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")

    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="company_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(_("active"), default=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = CompanyMemberQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("company member")
        verbose_name_plural = _("company members")
        ordering = ["company", "user"]
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], name="companymember_unique"),
            models.CheckConstraint(condition=Q(role__in=["owner", "member"]), name="companymember_role_valid"),
        ]
        indexes = [
            models.Index(fields=["role", "is_active"], name="companymember_role_active_idx"),
            models.Index(fields=["is_active"], name="companymember_active_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company}"


class TenancyQuerySet(ArchivableQuerySet):
    def for_admin_list(self):
        return self.select_related("company", "zone")


class Tenancy(ArchivableModel):
    """A company's place in a zone: applicant, resident, graduated, membership, exited."""

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        RESIDENT = "resident", _("Resident")
        GRADUATED = "graduated", _("Graduated")
        MEMBERSHIP = "membership", _("Membership")
        EXITED = "exited", _("Exited")

    ACTIVE_STATUSES = (Status.APPLICANT, Status.RESIDENT, Status.MEMBERSHIP)
    # The workflow (companies.services.tenancy_transition): a resident leaves the space by graduating,
    # staying on as a member without a space, or exiting; a graduate may join the membership later.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.APPLICANT: (Status.RESIDENT, Status.EXITED),
        Status.RESIDENT: (Status.GRADUATED, Status.MEMBERSHIP, Status.EXITED),
        Status.GRADUATED: (Status.MEMBERSHIP,),
        Status.MEMBERSHIP: (Status.EXITED,),
        Status.EXITED: (),
    }

    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="tenancies")
    zone = models.ForeignKey("zones.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="tenancies")
    application = models.OneToOneField(
        "programs.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="tenancy",
        null=True,
        blank=True,
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.APPLICANT)
    building = models.CharField(_("building"), max_length=100, blank=True)
    space = models.CharField(_("space (room)"), max_length=100, blank=True)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=9, decimal_places=2, null=True, blank=True)
    moved_in_on = models.DateField(_("moved in on"), null=True, blank=True)
    graduated_on = models.DateField(_("graduated on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = TenancyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tenancy")
        verbose_name_plural = _("tenancies")
        ordering = ["zone", "company"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["applicant", "resident", "graduated", "membership", "exited"]),
                name="tenancy_status_valid",
            ),
            models.UniqueConstraint(
                fields=["company", "zone"],
                condition=Q(status__in=["applicant", "resident", "membership"], archived_at__isnull=True),
                name="tenancy_one_active_per_company_zone",
                violation_error_message=_("This company already has an active tenancy in this zone."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(moved_in_on__isnull=True) | Q(ended_on__gte=F("moved_in_on")),
                name="tenancy_end_after_move_in",
            ),
            models.CheckConstraint(
                condition=Q(area_m2__isnull=True) | Q(area_m2__gte=0), name="tenancy_area_nonnegative"
            ),
        ]
        indexes = [
            models.Index(fields=["zone", "status"], name="tenancy_zone_status_idx"),
            models.Index(fields=["status"], name="tenancy_status_idx"),
            models.Index(fields=["moved_in_on"], name="tenancy_moved_in_idx"),
            models.Index(fields=["archived_at"], name="tenancy_archived_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.zone} ({self.get_status_display()})"


class MouQuerySet(ArchivableQuerySet):
    def with_delivery(self):
        """Promised against delivered, summed over the commitments in the same query.

        jobs_* are people, investment_*_krw whole won (actuals not yet reported count as 0);
        offices_promised / offices_opened count office-opening commitments and those with an actual value.
        """
        jobs = Q(commitments__kind=MouCommitment.Kind.JOBS)
        investment = Q(commitments__kind=MouCommitment.Kind.INVESTMENT)
        office = Q(commitments__kind=MouCommitment.Kind.OFFICE_OPENING)
        return self.annotate(
            jobs_promised=Coalesce(Sum("commitments__promised_value", filter=jobs), 0),
            jobs_actual=Coalesce(Sum("commitments__actual_value", filter=jobs), 0),
            investment_promised_krw=Coalesce(Sum("commitments__promised_value", filter=investment), 0),
            investment_actual_krw=Coalesce(Sum("commitments__actual_value", filter=investment), 0),
            offices_promised=Count("commitments", filter=office),
            offices_opened=Count("commitments", filter=office & Q(commitments__actual_value__gte=1)),
        )

    def for_admin_list(self):
        return self.select_related("company", "zone").with_delivery()


class Mou(ArchivableModel):
    """A memorandum of understanding: what was promised. Its commitments record what was delivered."""

    class Status(models.TextChoices):
        SIGNED = "signed", _("Signed")
        IN_PROGRESS = "in_progress", _("In progress")
        FULFILLED = "fulfilled", _("Fulfilled")
        PARTLY_FULFILLED = "partly_fulfilled", _("Partly fulfilled")
        LAPSED = "lapsed", _("Lapsed")
        TERMINATED = "terminated", _("Terminated")

    # The workflow (companies.services.mou_transition): "fulfilled" needs every commitment delivered,
    # "partly fulfilled" some actual value; a partly fulfilled MOU becomes fulfilled when the rest follows.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.SIGNED: (Status.IN_PROGRESS, Status.TERMINATED),
        Status.IN_PROGRESS: (Status.FULFILLED, Status.PARTLY_FULFILLED, Status.LAPSED, Status.TERMINATED),
        Status.PARTLY_FULFILLED: (Status.FULFILLED,),
        Status.FULFILLED: (),
        Status.LAPSED: (),
        Status.TERMINATED: (),
    }

    zone = models.ForeignKey("zones.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="mous")
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="mous", null=True, blank=True
    )
    counterparty_name = models.CharField(
        _("counterparty"),
        max_length=200,
        blank=True,
        help_text=_("For institutions that are not registered companies."),
    )
    title = models.CharField(_("title"), max_length=300)
    signed_on = models.DateField(_("signed on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SIGNED)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = MouQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("MOU")
        verbose_name_plural = _("MOUs")
        ordering = ["-signed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["signed", "in_progress", "fulfilled", "partly_fulfilled", "lapsed", "terminated"]
                ),
                name="mou_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(company__isnull=False) | ~Q(counterparty_name=""), name="mou_has_counterparty"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("signed_on")), name="mou_ends_after_signing"
            ),
        ]
        indexes = [
            models.Index(fields=["zone", "status"], name="mou_zone_status_idx"),
            # One zone's list, latest signed first (the admin's), walked in order.
            models.Index(fields=["zone", "signed_on", "id"], name="mou_zone_signed_idx"),
            models.Index(fields=["status"], name="mou_status_idx"),
            models.Index(fields=["signed_on"], name="mou_signed_on_idx"),
            models.Index(fields=["archived_at"], name="mou_archived_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.party_name} · {self.title}"

    @property
    def party_name(self) -> str:
        return self.company.name_ko if self.company_id else self.counterparty_name


class MouCommitmentQuerySet(models.QuerySet):
    def for_admin_list(self):
        return self.select_related("mou__company", "mou__zone")


class MouCommitment(TimeStampedModel):
    """One promise of an MOU (jobs, investment, an office opened by a date) and what actually followed."""

    class Kind(models.TextChoices):
        JOBS = "jobs", _("Jobs (people)")
        INVESTMENT = "investment", _("Investment (KRW)")
        OFFICE_OPENING = "office_opening", _("Office opening")
        OTHER = "other", _("Other")

    mou = models.ForeignKey(Mou, verbose_name=_("MOU"), on_delete=models.PROTECT, related_name="commitments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    promised_value = models.BigIntegerField(
        _("promised value"),
        validators=[MinValueValidator(0)],
        help_text=_("People for jobs, KRW for investment, 1 for an office opening."),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    actual_value = models.BigIntegerField(
        _("actual value"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Empty until delivered."),
    )
    actual_on = models.DateField(_("actual on"), null=True, blank=True)
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)

    objects = MouCommitmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("MOU commitment")
        verbose_name_plural = _("MOU commitments")
        ordering = ["mou", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["jobs", "investment", "office_opening", "other"]), name="moucommitment_kind_valid"
            ),
            models.CheckConstraint(condition=Q(promised_value__gte=0), name="moucommitment_promised_nonnegative"),
            models.CheckConstraint(
                condition=Q(actual_value__isnull=True) | Q(actual_value__gte=0), name="moucommitment_actual_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(actual_value__isnull=True) | Q(actual_on__isnull=False),
                name="moucommitment_actual_has_date",
                violation_error_message=_("Give the date of the actual value."),
            ),
        ]
        indexes = [
            models.Index(fields=["kind"], name="moucommitment_kind_idx"),
            models.Index(fields=["due_on"], name="moucommitment_due_idx"),
            # Commitments still waiting for their actual value: the "pending" and "overdue" lists.
            models.Index(fields=["due_on"], condition=Q(actual_value__isnull=True), name="moucommitment_open_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.mou} · {self.get_kind_display()}"

    @property
    def is_delivered(self) -> bool:
        return self.actual_value is not None and self.actual_value >= self.promised_value

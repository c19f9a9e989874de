"""Zones, their plans, regulatory special cases and the grants that let a company use one."""

from django.apps import apps
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import ArchivableModel, ArchivableQuerySet, TimeStampedModel


def _subquery_aggregate(queryset: models.QuerySet, group_by: str, aggregate) -> Coalesce:
    """One aggregate of `queryset` (filtered on an OuterRef) as a scalar subquery; 0 when it has no rows.

    A subquery per figure keeps a list one query however many figures it shows, and does not multiply
    rows the way several joined COUNTs would.
    """
    values = queryset.order_by().values(group_by).annotate(value=aggregate).values("value")
    return Coalesce(Subquery(values, output_field=models.BigIntegerField()), 0, output_field=models.BigIntegerField())


def _subquery_count(queryset: models.QuerySet, group_by: str) -> Coalesce:
    return _subquery_aggregate(queryset, group_by, Count("pk"))


class ZoneQuerySet(ArchivableQuerySet):
    def for_admin_list(self) -> "ZoneQuerySet":
        """Zones with their headline figures: special cases (not archived), resident companies, named operators."""
        tenancy = apps.get_model("companies", "Tenancy")
        return self.annotate(
            special_case_count=_subquery_count(
                SpecialCase.objects.filter(zone=OuterRef("pk"), archived_at__isnull=True), "zone"
            ),
            resident_company_count=_subquery_count(
                tenancy.objects.filter(zone=OuterRef("pk"), status=tenancy.Status.RESIDENT, archived_at__isnull=True),
                "zone",
            ),
            plan_operator_count=_subquery_count(
                PlanOperator.objects.filter(zone=OuterRef("pk"), removed_on__isnull=True), "zone"
            ),
        )


class ProjectAreaQuerySet(models.QuerySet):
    def for_admin_list(self) -> "ProjectAreaQuerySet":
        sub_projects = SubProject.objects.filter(project_area=OuterRef("pk"))
        return self.select_related("zone").annotate(
            sub_project_count=_subquery_count(sub_projects, "project_area"),
            sub_project_budget_krw=_subquery_aggregate(sub_projects, "project_area", Sum("budget_krw")),
        )


class SubProjectQuerySet(models.QuerySet):
    def for_admin_list(self) -> "SubProjectQuerySet":
        return self.select_related("project_area__zone").annotate(
            operator_count=_subquery_count(
                PlanOperator.objects.filter(sub_project=OuterRef("pk"), removed_on__isnull=True), "sub_project"
            )
        )


class SpecialCaseQuerySet(ArchivableQuerySet):
    def for_admin_list(self) -> "SpecialCaseQuerySet":
        return self.select_related("zone").annotate(
            grant_in_force_count=_subquery_count(
                ExemptionGrant.objects.filter(
                    special_case=OuterRef("pk"),
                    status__in=ExemptionGrant.IN_FORCE_STATUSES,
                    archived_at__isnull=True,
                ),
                "special_case",
            )
        )


class ExemptionGrantQuerySet(ArchivableQuerySet):
    def for_admin_list(self) -> "ExemptionGrantQuerySet":
        return self.select_related("special_case__zone", "company").annotate(
            incident_count=_subquery_count(ExemptionIncident.objects.filter(grant=OuterRef("pk")), "grant")
        )


class Zone(ArchivableModel):
    class Kind(models.TextChoices):
        REGIONAL_SPECIALIZED = "regional_specialized", _("Regional specialized development zone")
        REGULATION_FREE = "regulation_free", _("Regulation-free special zone")
        AI_CLUSTER = "ai_cluster", _("AI cluster")
        AI_ECONOMIC_ZONE = "ai_economic_zone", _("AI economic zone")

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True, help_text=_("City or province, e.g. 서울특별시"))
    designated_on = models.DateField(_("designated on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    area_m2 = models.PositiveIntegerField(_("area (m²)"), null=True, blank=True)
    overall_operator = models.CharField(_("overall operator"), max_length=200, blank=True)
    budget_krw = models.BigIntegerField(_("budget (KRW)"), default=0, validators=[MinValueValidator(0)])
    description = models.TextField(_("description"), blank=True)

    objects = ZoneQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["name_ko"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["regional_specialized", "regulation_free", "ai_cluster", "ai_economic_zone"]),
                name="zone_kind_valid",
            ),
            models.CheckConstraint(condition=Q(budget_krw__gte=0), name="zone_budget_nonnegative"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(designated_on__isnull=True) | Q(ends_on__gte=F("designated_on")),
                name="zone_ends_after_designation",
            ),
        ]
        indexes = [
            models.Index(fields=["kind"], name="zone_kind_idx"),
            models.Index(fields=["region"], name="zone_region_idx"),
            models.Index(fields=["designated_on"], name="zone_designated_idx"),
            models.Index(fields=["archived_at"], name="zone_archived_idx"),
        ]

    def __str__(self) -> str:
        return self.name_ko

    def get_absolute_url(self) -> str:
        return reverse("admin:zones_zone_change", args=[self.pk])


class ZoneStaff(TimeStampedModel):
    """A user who works for a zone office. Zone staff see and act on their own zones only."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("Zone administrator")
        OFFICER = "officer", _("Zone officer")
        REVIEWER = "reviewer", _("Reviewer")

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="zone_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OFFICER)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("zone staff member")
        verbose_name_plural = _("zone staff")
        ordering = ["zone", "user"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "user"], name="zonestaff_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["administrator", "officer", "reviewer"]), name="zonestaff_role_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "is_active"], name="zonestaff_user_active_idx"),
            models.Index(fields=["role"], name="zonestaff_role_idx"),
            models.Index(fields=["is_active"], name="zonestaff_active_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.zone} ({self.get_role_display()})"


class ZonePartner(TimeStampedModel):
    class Role(models.TextChoices):
        CO_OPERATOR = "co_operator", _("Co-operator")
        ACADEMIC = "academic", _("Academic partner")
        PUBLIC = "public", _("Public institution")
        INDUSTRY = "industry", _("Industry partner")
        FUNDER = "funder", _("Funder")

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="partners")
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("zone partner")
        verbose_name_plural = _("zone partners")
        ordering = ["zone", "name_ko"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "name_ko"], name="zonepartner_unique_per_zone"),
            models.CheckConstraint(
                condition=Q(role__in=["co_operator", "academic", "public", "industry", "funder"]),
                name="zonepartner_role_valid",
            ),
        ]
        indexes = [models.Index(fields=["role"], name="zonepartner_role_idx")]

    def __str__(self) -> str:
        return self.name_ko


class ZoneTarget(TimeStampedModel):
    """A zone's target for one measure in one year (the plan's figures; KPI reports compare against them)."""

    class Measure(models.TextChoices):
        RESIDENT_COMPANIES = "resident_companies", _("Resident companies")
        COMPANIES_ATTRACTED = "companies_attracted", _("Companies attracted")
        JOBS_CREATED = "jobs_created", _("Jobs created")
        INVESTMENT_KRW = "investment_krw", _("Investment attracted (KRW)")
        SALES_KRW = "sales_krw", _("Sales of zone companies (KRW)")
        TRAINEES = "trainees", _("Trainees")
        TRAINEES_EMPLOYED = "trainees_employed", _("Trainees employed")
        GPU_HOURS = "gpu_hours", _("GPU hours allocated")
        FUND_INVESTED_KRW = "fund_invested_krw", _("Fund invested (KRW)")
        MOU_OFFICES_OPENED = "mou_offices_opened", _("MOU offices opened")

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    measure = models.CharField(_("measure"), max_length=40, choices=Measure.choices)
    value = models.BigIntegerField(_("target value"), validators=[MinValueValidator(0)])
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("zone target")
        verbose_name_plural = _("zone targets")
        ordering = ["zone", "year", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "year", "measure"], name="zonetarget_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="zonetarget_value_nonnegative"),
        ]
        indexes = [
            models.Index(fields=["year", "measure"], name="zonetarget_year_measure_idx"),
            models.Index(fields=["measure"], name="zonetarget_measure_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.zone} {self.year} {self.get_measure_display()}"


class ProjectArea(TimeStampedModel):
    """A project area (특구 사업 구역) of a zone's plan."""

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="project_areas")
    code = models.CharField(_("code"), max_length=20)
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    area_m2 = models.PositiveIntegerField(_("area (m²)"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=300, blank=True)

    objects = ProjectAreaQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project area")
        verbose_name_plural = _("project areas")
        ordering = ["zone", "code"]
        constraints = [models.UniqueConstraint(fields=["zone", "code"], name="projectarea_code_unique_per_zone")]

    def __str__(self) -> str:
        return f"{self.code} {self.name_ko}"


class SubProject(TimeStampedModel):
    """A specialized sub-project (특화사업) of the plan, run by the operators named for it."""

    project_area = models.ForeignKey(
        ProjectArea, verbose_name=_("project area"), on_delete=models.PROTECT, related_name="sub_projects"
    )
    code = models.CharField(_("code"), max_length=20)
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"))
    budget_krw = models.BigIntegerField(_("budget (KRW)"), default=0, validators=[MinValueValidator(0)])

    objects = SubProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sub-project")
        verbose_name_plural = _("sub-projects")
        ordering = ["project_area", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project_area", "code"], name="subproject_code_unique_per_area"),
            models.CheckConstraint(condition=Q(end_year__gte=F("start_year")), name="subproject_years_ordered"),
            models.CheckConstraint(condition=Q(budget_krw__gte=0), name="subproject_budget_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_ko}"


class PlanOperator(TimeStampedModel):
    """A business or institution named in the zone plan. Only these may use the zone's special cases."""

    class Role(models.TextChoices):
        OVERALL = "overall", _("Overall operator")
        UNIT = "unit", _("Unit operator")
        SPECIALIZED = "specialized", _("Specialized business operator")

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="plan_operators")
    sub_project = models.ForeignKey(
        SubProject,
        verbose_name=_("sub-project"),
        on_delete=models.PROTECT,
        related_name="operators",
        null=True,
        blank=True,
    )
    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="plan_roles",
        null=True,
        blank=True,
        help_text=_("Set when the operator is a registered company; required for it to use special cases."),
    )
    organization_name = models.CharField(_("organization name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    named_on = models.DateField(_("named on"), null=True, blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan operator")
        verbose_name_plural = _("plan operators")
        ordering = ["zone", "role", "organization_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["overall", "unit", "specialized"]), name="planoperator_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(named_on__isnull=True) | Q(removed_on__gte=F("named_on")),
                name="planoperator_removed_after_named",
            ),
        ]
        indexes = [
            models.Index(fields=["zone", "role"], name="planoperator_zone_role_idx"),
            models.Index(fields=["role"], name="planoperator_role_idx"),
            models.Index(fields=["removed_on"], name="planoperator_removed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_name} ({self.get_role_display()})"


class PlanChange(TimeStampedModel):
    """An approved change of the zone plan (area, period, projects, operators, special cases)."""

    class Kind(models.TextChoices):
        DESIGNATION = "designation", _("Designation")
        AREA = "area", _("Area")
        PERIOD = "period", _("Period")
        PROJECTS = "projects", _("Projects")
        OPERATORS = "operators", _("Operators")
        SPECIAL_CASES = "special_cases", _("Special cases")
        RELEASE = "release", _("Release")

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="plan_changes")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    approved_on = models.DateField(_("approved on"))
    approved_by = models.CharField(_("approved by"), max_length=200, help_text=_("Committee or authority"))
    summary = models.TextField(_("summary"))
    reference = models.CharField(_("reference"), max_length=200, blank=True, help_text=_("Gazette or notice number"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")
        ordering = ["zone", "-approved_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=["designation", "area", "period", "projects", "operators", "special_cases", "release"]
                ),
                name="planchange_kind_valid",
            )
        ]
        indexes = [
            models.Index(fields=["kind"], name="planchange_kind_idx"),
            models.Index(fields=["approved_on"], name="planchange_approved_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.zone} {self.approved_on} {self.get_kind_display()}"


class SpecialCase(ArchivableModel):
    """A regulatory special case (규제특례) granted to a zone: the law and article it relaxes and what it allows."""

    class Kind(models.TextChoices):
        SPECIAL_CASE = "special_case", _("Special case (특례)")
        DEMONSTRATION = "demonstration", _("Demonstration exemption (실증특례)")
        TEMPORARY_PERMIT = "temporary_permit", _("Temporary permit (임시허가)")

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="special_cases")
    code = models.CharField(_("code"), max_length=30)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SPECIAL_CASE)
    law_name_ko = models.CharField(_("law (Korean)"), max_length=200)
    law_name_en = models.CharField(_("law (English)"), max_length=200, blank=True)
    article = models.CharField(_("article"), max_length=100, blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    allows = models.TextField(_("what it allows"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = SpecialCaseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("regulatory special case")
        verbose_name_plural = _("regulatory special cases")
        ordering = ["zone", "code"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "code"], name="specialcase_code_unique_per_zone"),
            models.CheckConstraint(
                condition=Q(kind__in=["special_case", "demonstration", "temporary_permit"]),
                name="specialcase_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="specialcase_validity_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["kind"], name="specialcase_kind_idx"),
            models.Index(fields=["archived_at"], name="specialcase_archived_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.law_name_ko} {self.article}: {self.title_ko}".strip()


class ExemptionGrant(ArchivableModel):
    """A company's granted use of a special case, with conditions, a period, insurance and a certificate."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        UNDER_REVIEW = "under_review", _("Under review")
        GRANTED = "granted", _("Granted")
        ACTIVE = "active", _("Active")
        EXTENDED = "extended", _("Extended")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")
        REFUSED = "refused", _("Refused")

    # Grants the company may act on today.
    IN_FORCE_STATUSES = (Status.GRANTED, Status.ACTIVE, Status.EXTENDED)
    # Grants in use: incidents and use-and-result reports are filed against these.
    REPORTABLE_STATUSES = (Status.ACTIVE, Status.EXTENDED)
    # The workflow (zones.services): granted with conditions, period, insurance and certificate; extended once.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.REQUESTED: (Status.UNDER_REVIEW, Status.REFUSED),
        Status.UNDER_REVIEW: (Status.GRANTED, Status.REFUSED),
        Status.GRANTED: (Status.ACTIVE, Status.REVOKED),
        Status.ACTIVE: (Status.EXTENDED, Status.EXPIRED, Status.REVOKED),
        Status.EXTENDED: (Status.EXPIRED, Status.REVOKED),
        Status.EXPIRED: (),
        Status.REVOKED: (),
        Status.REFUSED: (),
    }

    special_case = models.ForeignKey(
        SpecialCase, verbose_name=_("special case"), on_delete=models.PROTECT, related_name="grants"
    )
    company = models.ForeignKey(
        "companies.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="exemption_grants"
    )
    application = models.OneToOneField(
        "programs.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="exemption_grant",
        null=True,
        blank=True,
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    purpose = models.TextField(_("purpose of use"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    insurer = models.CharField(_("liability insurer"), max_length=200, blank=True)
    insurance_policy_no = models.CharField(_("insurance policy number"), max_length=100, blank=True)
    insurance_coverage_krw = models.BigIntegerField(
        _("insurance coverage (KRW)"), default=0, validators=[MinValueValidator(0)]
    )
    certificate_no = models.CharField(_("certificate number"), max_length=100, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)

    objects = ExemptionGrantQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exemption grant")
        verbose_name_plural = _("exemption grants")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "requested",
                        "under_review",
                        "granted",
                        "active",
                        "extended",
                        "expired",
                        "revoked",
                        "refused",
                    ]
                ),
                name="exemptiongrant_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="exemptiongrant_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(insurance_coverage_krw__gte=0), name="exemptiongrant_coverage_nonnegative"
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="exemptiongrant_status_idx"),
            models.Index(fields=["ends_on"], name="exemptiongrant_ends_idx"),
            models.Index(fields=["starts_on"], name="exemptiongrant_starts_idx"),
            models.Index(fields=["archived_at"], name="exemptiongrant_archived_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.special_case.title_ko}"


class ExemptionIncident(TimeStampedModel):
    """An incident reported against an exemption grant."""

    class Severity(models.TextChoices):
        MINOR = "minor", _("Minor")
        MAJOR = "major", _("Major")
        CRITICAL = "critical", _("Critical")

    grant = models.ForeignKey(
        ExemptionGrant, verbose_name=_("exemption grant"), on_delete=models.PROTECT, related_name="incidents"
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    reported_at = models.DateTimeField(_("reported at"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    description = models.TextField(_("description"))
    action_taken = models.TextField(_("action taken"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exemption incident")
        verbose_name_plural = _("exemption incidents")
        ordering = ["-occurred_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__in=["minor", "major", "critical"]), name="incident_severity_valid"
            ),
            models.CheckConstraint(
                condition=Q(reported_at__gte=F("occurred_at")), name="incident_reported_after_occurred"
            ),
        ]
        indexes = [
            models.Index(fields=["severity"], name="incident_severity_idx"),
            models.Index(fields=["occurred_at"], name="incident_occurred_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.grant} · {self.occurred_at:%Y-%m-%d}"


class ExemptionUseReportQuerySet(models.QuerySet):
    def for_admin_list(self) -> "ExemptionUseReportQuerySet":
        return self.select_related("grant__company", "grant__special_case__zone", "submitted_by")


class ExemptionUseReport(TimeStampedModel):
    """A periodic use-and-result report on an exemption grant in use: how often it was used, what came of it."""

    grant = models.ForeignKey(
        ExemptionGrant, verbose_name=_("exemption grant"), on_delete=models.PROTECT, related_name="use_reports"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    uses = models.PositiveIntegerField(_("uses"), help_text=_("How many times the special case was used."))
    results = models.TextField(_("results"))
    issues = models.TextField(_("issues"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    submitted_at = models.DateTimeField(_("submitted at"))

    objects = ExemptionUseReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exemption use report")
        verbose_name_plural = _("exemption use reports")
        ordering = ["grant", "-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="exemptionusereport_period_ordered",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]
        indexes = [
            models.Index(fields=["period_start"], name="exemptionusereport_start_idx"),
            models.Index(fields=["submitted_at"], name="exemptionusereport_sub_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.grant} · {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"


class KpiSnapshot(TimeStampedModel):
    """One KPI measure of one zone for one period, frozen when taken (zones.services_kpi); codes in zones.kpi."""

    class PeriodKind(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="kpi_snapshots")
    code = models.CharField(_("measure code"), max_length=60, db_index=True)
    period_kind = models.CharField(_("period kind"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"), help_text=_("Asia/Seoul calendar"))
    period_end = models.DateField(_("period end"), help_text=_("Asia/Seoul calendar, inclusive"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4, null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("KPI snapshot")
        verbose_name_plural = _("KPI snapshots")
        ordering = ["zone", "-period_start", "code"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "code", "period_kind", "period_start"], name="kpisnapshot_unique"),
            models.CheckConstraint(
                condition=Q(period_kind__in=["month", "quarter", "year"]), name="kpisnapshot_kind_valid"
            ),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="kpisnapshot_period_ordered"),
        ]
        indexes = [
            models.Index(fields=["zone", "period_kind", "period_start"], name="kpisnapshot_zone_period_idx"),
            models.Index(fields=["period_kind"], name="kpisnapshot_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.zone} · {self.code} · {self.period_start:%Y-%m-%d}"


class ZoneIndicator(TimeStampedModel):
    """An AI-readiness indicator of a zone's metro area for a year, on the Brookings pillars (talent, innovation,
    adoption), entered by the office from its sources so that zones can be compared side by side."""

    class Indicator(models.TextChoices):
        AI_TALENT_PROFILES = "ai_talent_profiles", _("AI talent profiles")
        CS_PHD_STUDENTS = "cs_phd_students", _("Computer science PhD students")
        AI_PATENTS = "ai_patents", _("AI patents")
        RND_CONTRACTS = "rnd_contracts", _("Public AI R&D contracts")
        TOP_PUBLICATIONS = "top_publications", _("Top-journal AI publications")
        AI_STARTUPS = "ai_startups", _("AI startups")
        STARTUP_FUNDING_ROUNDS = "startup_funding_rounds", _("AI startup funding rounds")
        JOB_EXPOSURE_PCT = "job_exposure_pct", _("Jobs highly exposed to AI (%)")

    PILLARS = {
        Indicator.AI_TALENT_PROFILES: "talent",
        Indicator.CS_PHD_STUDENTS: "talent",
        Indicator.AI_PATENTS: "innovation",
        Indicator.RND_CONTRACTS: "innovation",
        Indicator.TOP_PUBLICATIONS: "innovation",
        Indicator.AI_STARTUPS: "adoption",
        Indicator.STARTUP_FUNDING_ROUNDS: "adoption",
        Indicator.JOB_EXPOSURE_PCT: "adoption",
    }

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="indicators")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    indicator = models.CharField(_("indicator"), max_length=30, choices=Indicator.choices)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    source = models.CharField(_("source"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("AI readiness indicator")
        verbose_name_plural = _("AI readiness indicators")
        ordering = ["zone", "-year", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "year", "indicator"], name="zoneindicator_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="zoneindicator_value_nonnegative"),
            models.CheckConstraint(
                condition=Q(
                    indicator__in=[
                        "ai_talent_profiles",
                        "cs_phd_students",
                        "ai_patents",
                        "rnd_contracts",
                        "top_publications",
                        "ai_startups",
                        "startup_funding_rounds",
                        "job_exposure_pct",
                    ]
                ),
                name="zoneindicator_indicator_valid",
            ),
        ]
        indexes = [models.Index(fields=["year", "indicator"], name="zoneindicator_year_idx")]

    def __str__(self) -> str:
        return f"{self.zone} {self.year} {self.get_indicator_display()}"

    @property
    def pillar(self) -> str:
        return self.PILLARS[self.indicator]


class KpiSubscriber(TimeStampedModel):
    """Someone outside the office (council, ministry) who receives the zone's KPI report after each snapshot."""

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="kpi_subscribers")
    name = models.CharField(_("name"), max_length=100)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    email = models.EmailField(_("email"))
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("KPI report subscriber")
        verbose_name_plural = _("KPI report subscribers")
        ordering = ["zone", "name"]
        constraints = [models.UniqueConstraint(fields=["zone", "email"], name="kpisubscriber_unique_email")]
        indexes = [models.Index(fields=["zone", "is_active"], name="kpisubscriber_zone_active_idx")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class KpiSnapshotRun(TimeStampedModel):
    """Snapshots asked for from the admin: one period for some zones, taken in the background by a Celery task
    (zones.tasks.run_kpi_snapshot_run) while the admin shows how far it has got."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    period_kind = models.CharField(_("period kind"), max_length=10, choices=KpiSnapshot.PeriodKind.choices)
    period_start = models.DateField(_("period start"), help_text=_("Asia/Seoul calendar"))
    zones = models.ManyToManyField(Zone, verbose_name=_("zones"), related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("zones to take"), default=0)
    done = models.PositiveIntegerField(_("zones taken"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("KPI snapshot run")
        verbose_name_plural = _("KPI snapshot runs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]), name="kpisnapshotrun_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(period_kind__in=["month", "quarter", "year"]), name="kpisnapshotrun_kind_valid"
            ),
            models.CheckConstraint(condition=Q(done__lte=F("total")), name="kpisnapshotrun_done_le_total"),
        ]
        indexes = [models.Index(fields=["status"], name="kpisnapshotrun_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_period_kind_display()} {self.period_start:%Y-%m-%d} · {self.get_status_display()}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(self.done * 100 / self.total)

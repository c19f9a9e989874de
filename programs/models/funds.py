"""Funds, their commitments and investments; compute allocations."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import (
    BigIntegerField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
)
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import ArchivableModel, ArchivableQuerySet, TimeStampedModel
from programs.models.calls import Application
from programs.models.querying import subquery_total


class FundQuerySet(ArchivableQuerySet):
    def with_totals(self):
        """Committed, invested (archived investments left out), remaining (size - invested), investee companies.

        Each figure is one correlated subquery, so the list is one query whatever its length.
        """
        investments = Investment.objects.active().filter(fund=OuterRef("pk"))
        return self.annotate(
            committed_krw=subquery_total(FundCommitment.objects.filter(fund=OuterRef("pk")), "fund", Sum("amount_krw")),
            invested_krw=subquery_total(investments, "fund", Sum("amount_krw")),
            investee_count=subquery_total(investments, "fund", Count("company", distinct=True)),
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
            # The KPIs: a zone's funds' investments up to a day, read from the index alone.
            models.Index(
                fields=["fund", "invested_on"],
                include=["archived_at", "amount_krw", "company"],
                name="investment_fund_invested_idx",
            ),
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
            # The KPIs: a zone's allocations starting within a period.
            models.Index(fields=["zone", "starts_on"], name="allocation_zone_starts_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.gpu_hours} GPU h"

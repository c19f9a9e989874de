"""What companies do for themselves: invite colleagues, claim a registered profile, file periodic self-reports."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from companies.models.registry import Company, CompanyMember
from core.models import TimeStampedModel


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CompanyInvitation(TimeStampedModel):
    """An invitation, sent by email, to act for a company."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField(_("email"))
    role = models.CharField(
        _("role"), max_length=10, choices=CompanyMember.Role.choices, default=CompanyMember.Role.MEMBER
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        verbose_name = _("company invitation")
        verbose_name_plural = _("company invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=["owner", "member"]), name="companyinvitation_role_valid"),
        ]
        indexes = [models.Index(fields=["company", "email"], name="companyinvitation_email_idx")]

    def __str__(self) -> str:
        return f"{self.email} → {self.company}"


class CompanyClaim(TimeStampedModel):
    """A user asks to act for a company already registered (e.g. by the zone office) that has no owner yet."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="claims")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="company_claims"
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("company claim")
        verbose_name_plural = _("company claims")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "refused"]), name="companyclaim_status_valid"
            ),
            models.UniqueConstraint(
                fields=["company", "user"], condition=Q(status="pending"), name="companyclaim_one_pending"
            ),
        ]
        indexes = [models.Index(fields=["status"], name="companyclaim_status_idx")]

    def __str__(self) -> str:
        return f"{self.user} → {self.company} ({self.get_status_display()})"


class SelfReport(TimeStampedModel):
    """The periodic self-report a resident or funded company owes a zone for a quarter."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for changes")
        LOCKED = "locked", _("Accepted and locked")

    EDITABLE_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="self_reports"
    )
    zone = models.ForeignKey(
        "zones.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="self_reports"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    headcount = models.PositiveIntegerField(_("headcount at the end of the quarter"), null=True, blank=True)
    revenue_krw = models.BigIntegerField(
        _("revenue in the quarter (KRW)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    investment_raised_krw = models.BigIntegerField(
        _("investment raised in the quarter (KRW)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    patents = models.PositiveIntegerField(_("patents filed or granted in the quarter"), null=True, blank=True)
    jobs_created = models.PositiveIntegerField(_("jobs created in the quarter"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    office_comment = models.TextField(_("zone office comment"), blank=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("self-report")
        verbose_name_plural = _("self-reports")
        ordering = ["-year", "-quarter", "company"]
        constraints = [
            models.UniqueConstraint(fields=["company", "zone", "year", "quarter"], name="selfreport_one_per_period"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "returned", "locked"]), name="selfreport_status_valid"
            ),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="selfreport_quarter_range"),
            models.CheckConstraint(
                condition=Q(revenue_krw__isnull=True) | Q(revenue_krw__gte=0), name="selfreport_revenue_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(investment_raised_krw__isnull=True) | Q(investment_raised_krw__gte=0),
                name="selfreport_investment_nonnegative",
            ),
            models.CheckConstraint(
                condition=~Q(status="locked") | Q(locked_at__isnull=False), name="selfreport_locked_has_time"
            ),
        ]
        indexes = [
            models.Index(fields=["zone", "year", "quarter"], name="selfreport_zone_period_idx"),
            models.Index(fields=["status"], name="selfreport_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.year} {self.quarter}Q"

    @property
    def period_label(self) -> str:
        return f"{self.year}-Q{self.quarter}"

"""Reading companies, tenancies and MOUs (zone scope, delivery figures) and the company portal's records."""

import datetime as dt
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.access import company_ids_for_user
from companies.models import Company, CompanyClaim, CompanyInvitation, CompanyMember, Mou, SelfReport, Tenancy
from programs.models import Investment
from zones.models import Zone
from zones.selectors import scope_to_user_zones, zone_ids_for_user


def tenancy_list(*, user, company=None) -> QuerySet[Tenancy]:
    """Active tenancies in the user's zones, with their company and zone."""
    queryset = Tenancy.objects.active().for_admin_list()
    if company is not None:
        queryset = queryset.filter(company=company)
    return scope_to_user_zones(queryset, user, "zone")


def mou_list(*, user, company=None) -> QuerySet[Mou]:
    """Active MOUs in the user's zones, with promised against delivered figures."""
    queryset = Mou.objects.active().for_admin_list()
    if company is not None:
        queryset = queryset.filter(company=company)
    return scope_to_user_zones(queryset, user, "zone")


def companies_visible_to(user, queryset: QuerySet[Company] | None = None) -> QuerySet[Company]:
    """The company registry is national: superusers and anyone with an active zone role see every company;
    a company's users see the companies they act for; anyone else none."""
    queryset = Company.objects.all() if queryset is None else queryset
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser or zone_ids_for_user(user):
        return queryset
    return queryset.filter(pk__in=company_ids_for_user(user))


def is_registry_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or zone_ids_for_user(user)))


# --- the company portal ------------------------------------------------------------
#
# Every function below takes the company the portal user acts for (companies.access.current_company) and
# reads only that company's rows: a record of another company is simply not found.

REPORTING_STARTS = dt.date(2025, 1, 1)
"""Self-reports are owed from the first quarter of 2025 at the earliest."""

NOT_STARTED = "not_started"


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def last_finished_quarter(today: dt.date) -> tuple[int, int]:
    year, quarter = quarter_of(today)
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def quarters_between(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    """Every (year, quarter) from first to last, both included; empty when first comes after last."""
    periods = []
    year, quarter = first
    while (year, quarter) <= last:
        periods.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return periods


def period_display(year: int, quarter: int) -> str:
    """A quarter as people write it: "2025년 1분기" in Korean, "2025 Q1" in English."""
    return _("%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter}


@dataclass(frozen=True)
class ReportPeriod:
    """A quarter a company owes (or owed) a zone a self-report, with the report once started."""

    zone: Zone
    year: int
    quarter: int
    report: SelfReport | None = None
    owed: bool = True

    @property
    def status(self) -> str:
        return self.report.status if self.report else NOT_STARTED

    @property
    def status_label(self) -> str:
        return self.report.get_status_display() if self.report else str(_("Not started"))

    @property
    def is_editable(self) -> bool:
        return self.report is None or self.report.status in SelfReport.EDITABLE_STATUSES

    @property
    def needs_action(self) -> bool:
        """Not filed yet, or sent back by the office."""
        return self.status in (NOT_STARTED, SelfReport.Status.DRAFT, SelfReport.Status.RETURNED)

    @property
    def label(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def display(self) -> str:
        return period_display(self.year, self.quarter)

    @property
    def starts_on(self) -> dt.date:
        return dt.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def ends_on(self) -> dt.date:
        following = dt.date(self.year + 1, 1, 1) if self.quarter == 4 else dt.date(self.year, 3 * self.quarter + 1, 1)
        return following - dt.timedelta(days=1)


def _zones_owing(company: Company) -> list[Zone]:
    """The active zones where the company is resident or funded, with `reports_from`: the first day owed.

    One query: whether it is resident, since when, and its first investment by a fund of the zone are
    subqueries of the zone row.
    """
    resident = Tenancy.objects.active().filter(company=company, zone=OuterRef("pk"), status=Tenancy.Status.RESIDENT)
    investments = Investment.objects.active().filter(company=company, fund__zone=OuterRef("pk"))
    zones = (
        Zone.objects.active()
        .annotate(
            is_resident=Exists(resident),
            resident_since=Subquery(resident.order_by("moved_in_on").values("moved_in_on")[:1]),
            funded_since=Subquery(investments.order_by("invested_on").values("invested_on")[:1]),
        )
        .filter(Q(is_resident=True) | Q(funded_since__isnull=False))
        .order_by("name_ko")
    )
    owing = []
    for zone in zones:
        starts = [zone.funded_since] if zone.funded_since else []
        if zone.is_resident:
            # A resident without a move-in date has owed since reporting began.
            starts.append(zone.resident_since or REPORTING_STARTS)
        zone.reports_from = max(min(starts), REPORTING_STARTS)
        owing.append(zone)
    return owing


def selfreport_periods(*, company: Company, today: dt.date | None = None) -> list[ReportPeriod]:
    """The quarters the company owes self-reports for, with their reports, by zone, newest quarter first.

    Owed: for each zone where the company is an active resident or holds an investment from one of the
    zone's funds, every quarter from the later of the move-in / first investment and 2025-01-01 up to the
    last finished quarter (Asia/Seoul). Reports already filed for other quarters (a company that has
    since left the zone) are listed too, so nothing filed disappears. Two queries, whatever the count.
    """
    today = today or timezone.localdate()
    last = last_finished_quarter(today)
    periods: dict[tuple[int, int, int], ReportPeriod] = {}
    for zone in _zones_owing(company):
        for year, quarter in quarters_between(quarter_of(zone.reports_from), last):
            periods[(zone.pk, year, quarter)] = ReportPeriod(zone=zone, year=year, quarter=quarter)
    for report in SelfReport.objects.filter(company=company).select_related("zone"):
        key = (report.zone_id, report.year, report.quarter)
        owed = periods.get(key)
        zone = owed.zone if owed else report.zone
        periods[key] = ReportPeriod(zone=zone, year=report.year, quarter=report.quarter, report=report, owed=bool(owed))
    return sorted(periods.values(), key=lambda p: (p.zone.name_ko, p.zone.pk, -p.year, -p.quarter))


def selfreport_period_get(
    *, company: Company, zone_id: int, year: int, quarter: int, today: dt.date | None = None
) -> ReportPeriod | None:
    """One period of the company's list; None when it is not owed and nothing was filed for it."""
    for period in selfreport_periods(company=company, today=today):
        if (period.zone.pk, period.year, period.quarter) == (zone_id, year, quarter):
            return period
    return None


def company_member_list(*, company: Company) -> QuerySet[CompanyMember]:
    """The people who act or acted for the company: active first, owners first."""
    return (
        CompanyMember.objects.filter(company=company)
        .select_related("user", "invited_by")
        .order_by("-is_active", "role", "user__email")
    )


def company_member_get(*, company: Company, member_id: int) -> CompanyMember | None:
    return CompanyMember.objects.filter(company=company, pk=member_id).select_related("user").first()


def company_is_owner(*, company: Company, user) -> bool:
    return CompanyMember.objects.filter(
        company=company, user=user, role=CompanyMember.Role.OWNER, is_active=True
    ).exists()


def company_has_active_owner(*, company: Company) -> bool:
    return CompanyMember.objects.filter(company=company, role=CompanyMember.Role.OWNER, is_active=True).exists()


def invitation_open_q(now: dt.datetime | None = None) -> Q:
    return Q(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now())


def company_invitation_open_list(*, company: Company) -> QuerySet[CompanyInvitation]:
    """Invitations of the company still waiting for an answer."""
    return (
        CompanyInvitation.objects.filter(invitation_open_q(), company=company)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def company_invitation_get(*, company: Company, invitation_id: int) -> CompanyInvitation | None:
    return CompanyInvitation.objects.filter(company=company, pk=invitation_id).first()


def user_emails(user) -> set[str]:
    """The user's addresses we trust: the account's own and every confirmed one, lower-cased."""
    emails = {
        email.lower() for email in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    }
    if user.email:
        emails.add(user.email.lower())
    return emails


def invitation_list_for_user(*, user) -> QuerySet[CompanyInvitation]:
    """Open invitations sent to one of the user's addresses, for companies still active."""
    emails = user_emails(user)
    if not emails:
        return CompanyInvitation.objects.none()
    by_email = Q()
    for email in emails:
        by_email |= Q(email__iexact=email)
    return (
        CompanyInvitation.objects.filter(invitation_open_q(), by_email, company__archived_at__isnull=True)
        .exclude(company__members__user=user, company__members__is_active=True)
        .select_related("company")
        .order_by("-created_at")
    )


def company_claim_list_for_user(*, user) -> QuerySet[CompanyClaim]:
    return CompanyClaim.objects.filter(user=user).select_related("company").order_by("-created_at")

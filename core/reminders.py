"""Reminders the zone office would otherwise send by hand, one function per kind, run daily by Celery beat.

Each reminder goes out once: a `ReminderLog` row (kind, record, due date) is written in the same transaction
that queues the e-mail (sent on commit), and a record already logged for that due date is skipped. Running
a function again, at any time, sends nothing new; a new due date (a call extended, a commitment
rescheduled) is a new reminder. Each function returns how many e-mails it queued.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.models import ReminderLog
from core.notifications import company_emails, notify_company, notify_users

CALL_CLOSING = "call_closing"
INFO_OVERDUE = "info_overdue"
MOU_COMMITMENT_DUE = "mou_commitment_due"
MOU_COMMITMENT_OVERDUE = "mou_commitment_overdue"
EXEMPTION_EXPIRING = "exemption_expiring"
SELFREPORT_OVERDUE = "selfreport_overdue"
ANNUAL_REPORT_DUE = "annual_report_due"

CALL_CLOSING_DAYS = 3
MOU_DUE_DAYS = 14
EXEMPTION_EXPIRING_DAYS = 30
SELFREPORT_GRACE_DAYS = 30

SEPARATOR = "\n\n----\n\n"


def _bilingual(korean: str, english: str) -> str:
    return f"{korean}{SEPARATOR}{english}"


def _portal_url(name: str, *args) -> str:
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return getattr(settings, "PORTAL_BASE_URL", "").rstrip("/") + path


def _office_emails(zone_id: int) -> list[str]:
    from zones.models import ZoneStaff

    roles = (ZoneStaff.Role.ADMINISTRATOR, ZoneStaff.Role.OFFICER)
    return sorted(
        set(
            ZoneStaff.objects.filter(zone_id=zone_id, is_active=True, role__in=roles, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def _log_once(kind: str, record: models.Model, due_on: dt.date, recipients: Iterable[str]) -> str | None:
    """The message key if this (kind, record, due date) was not reminded yet, else None. Call in a transaction."""
    content_type = ContentType.objects.get_for_model(record, for_concrete_model=True)
    _log, created = ReminderLog.objects.get_or_create(
        kind=kind,
        content_type=content_type,
        object_id=record.pk,
        due_on=due_on,
        defaults={"recipients": ", ".join(recipients)},
    )
    if not created:
        return None
    return f"reminder:{kind}:{content_type.pk}:{record.pk}:{due_on.isoformat()}"


def _remind_company(kind: str, record: models.Model, due_on: dt.date, company, subject: str, body: str) -> int:
    recipients = company_emails(company)
    if not recipients:
        # Nobody to tell yet: not logged, so the reminder goes out once someone acts for the company.
        return 0
    with transaction.atomic():
        key = _log_once(kind, record, due_on, recipients)
        if key is None:
            return 0
        notify_company(company, subject=subject, body=body, key=key)
    return 1


def _remind_office(kind: str, record: models.Model, due_on: dt.date, zone_id: int, subject: str, body: str) -> int:
    recipients = _office_emails(zone_id)
    if not recipients:
        return 0
    with transaction.atomic():
        key = _log_once(kind, record, due_on, recipients)
        if key is None:
            return 0
        notify_users(recipients, subject=subject, body=body, key=key)
    return 1


def _date(value: dt.date) -> str:
    return value.isoformat()


# --- a call closes in 3 days: companies with a draft --------------------------------------------------------------


def remind_calls_closing(*, now: dt.datetime | None = None) -> int:
    from programs.models import Application

    now = now or timezone.now()
    drafts = (
        Application.objects.active()
        .filter(
            status=Application.Status.DRAFT,
            call__is_published=True,
            call__archived_at__isnull=True,
            call__closes_at__gt=now,
            call__closes_at__lte=now + dt.timedelta(days=CALL_CLOSING_DAYS),
        )
        .select_related("call", "company")
        .order_by("call__closes_at", "pk")
    )
    sent = 0
    for application in drafts:
        call = application.call
        closes = timezone.localtime(call.closes_at)
        closes_text = closes.strftime("%Y-%m-%d %H:%M")
        url = _portal_url("programs:application_detail", application.pk)
        subject = f"공모 마감 임박 / Call closing soon: {call.title_ko}"
        body = _bilingual(
            f"“{call.title_ko}” 공모가 {closes_text}(한국 시간)에 마감됩니다. "
            f"작성 중인 신청서 “{application.title}”를 마감 전에 제출해 주세요.\n{url}",
            f"The call “{call.title_en or call.title_ko}” closes at {closes_text} (Korea time). "
            f"Your draft application “{application.title}” has not been submitted yet.\n{url}",
        )
        sent += _remind_company(CALL_CLOSING, application, closes.date(), application.company, subject, body)
    return sent


# --- information requested and not given by its due date: the company -------------------------------------------


def remind_information_overdue(*, today: dt.date | None = None) -> int:
    from programs.models import Application, ApplicationMessage

    today = today or timezone.localdate()
    requests = (
        ApplicationMessage.objects.filter(
            kind=ApplicationMessage.Kind.INFO_REQUEST,
            due_on__lt=today,
            application__status=Application.Status.INFO_REQUESTED,
            application__archived_at__isnull=True,
        )
        # Only the latest request of the application counts: an earlier one was answered.
        .exclude(
            Exists(
                ApplicationMessage.objects.filter(
                    application=OuterRef("application"),
                    kind=ApplicationMessage.Kind.INFO_REQUEST,
                    created_at__gt=OuterRef("created_at"),
                )
            )
        )
        .select_related("application__company", "application__call")
        .order_by("due_on", "pk")
    )
    sent = 0
    for request in requests:
        application = request.application
        url = _portal_url("programs:application_detail", application.pk)
        subject = f"보완 자료 제출 기한 경과 / Information overdue: {application.title}"
        body = _bilingual(
            f"신청서 “{application.title}”에 대해 요청한 보완 자료의 제출 기한({_date(request.due_on)})이 "
            f"지났습니다. 보완 후 다시 제출해 주세요.\n{url}",
            f"The information requested for your application “{application.title}” was due on "
            f"{_date(request.due_on)}. Please complete and resubmit it.\n{url}",
        )
        sent += _remind_company(INFO_OVERDUE, request, request.due_on, application.company, subject, body)
    return sent


# --- MOU commitments due within 14 days or overdue: the zone office -------------------------------------------------


def remind_mou_commitments_due(*, today: dt.date | None = None) -> int:
    from companies.models import Mou, MouCommitment

    today = today or timezone.localdate()
    live = (Mou.Status.SIGNED, Mou.Status.IN_PROGRESS, Mou.Status.PARTLY_FULFILLED)
    commitments = (
        MouCommitment.objects.filter(
            actual_value__isnull=True,
            due_on__isnull=False,
            due_on__lte=today + dt.timedelta(days=MOU_DUE_DAYS),
            mou__archived_at__isnull=True,
            mou__status__in=live,
        )
        .select_related("mou__company", "mou__zone")
        .order_by("due_on", "pk")
    )
    sent = 0
    for commitment in commitments:
        mou = commitment.mou
        overdue = commitment.due_on < today
        kind = MOU_COMMITMENT_OVERDUE if overdue else MOU_COMMITMENT_DUE
        what = f"{commitment.get_kind_display()} {commitment.promised_value:,}"
        if overdue:
            subject = f"MOU 이행 기한 경과 / MOU commitment overdue: {mou.party_name}"
            korean = f"{mou.party_name}의 MOU “{mou.title}” 약속({what})의 기한({_date(commitment.due_on)})이 지났으나 실적이 입력되지 않았습니다."
            english = f"The commitment ({what}) of the MOU “{mou.title}” with {mou.party_name} was due on {_date(commitment.due_on)} and no actual value is recorded."
        else:
            subject = f"MOU 이행 기한 임박 / MOU commitment due: {mou.party_name}"
            korean = f"{mou.party_name}의 MOU “{mou.title}” 약속({what})의 기한이 {_date(commitment.due_on)}입니다. 실적을 확인해 주세요."
            english = f"The commitment ({what}) of the MOU “{mou.title}” with {mou.party_name} is due on {_date(commitment.due_on)}. Please check what was delivered."
        sent += _remind_office(kind, commitment, commitment.due_on, mou.zone_id, subject, _bilingual(korean, english))
    return sent


# --- exemptions expiring within 30 days: the company and the zone office -------------------------------------------


def remind_exemptions_expiring(*, today: dt.date | None = None) -> int:
    from zones.models import ExemptionGrant

    today = today or timezone.localdate()
    grants = (
        ExemptionGrant.objects.active()
        .filter(
            status__in=ExemptionGrant.REPORTABLE_STATUSES,
            ends_on__gte=today,
            ends_on__lte=today + dt.timedelta(days=EXEMPTION_EXPIRING_DAYS),
        )
        .select_related("company", "special_case__zone")
        .order_by("ends_on", "pk")
    )
    sent = 0
    for grant in grants:
        case = grant.special_case
        company_recipients = company_emails(grant.company)
        office_recipients = _office_emails(case.zone_id)
        if not company_recipients and not office_recipients:
            continue
        subject = f"규제특례 만료 예정 / Exemption expiring: {case.title_ko}"
        body = _bilingual(
            f"{grant.company}의 규제특례 “{case.title_ko}” 이용 기간이 {_date(grant.ends_on)}에 끝납니다. "
            "연장이 필요하면 만료 전에 신청해 주세요.",
            f"{grant.company}'s use of the special case “{case.title_en or case.title_ko}” ends on "
            f"{_date(grant.ends_on)}. Apply for an extension before then if it is needed.",
        )
        with transaction.atomic():
            key = _log_once(EXEMPTION_EXPIRING, grant, grant.ends_on, [*company_recipients, *office_recipients])
            if key is None:
                continue
            if company_recipients:
                notify_company(grant.company, subject=subject, body=body, key=f"{key}:company")
                sent += 1
            if office_recipients:
                notify_users(office_recipients, subject=subject, body=body, key=f"{key}:office")
                sent += 1
    return sent


# --- self-reports not filed 30 days after the quarter: the company --------------------------------------------------


def remind_selfreports_overdue(*, today: dt.date | None = None) -> int:
    """One e-mail per company listing the quarters newly overdue (logged per company and quarter end)."""
    from companies.models import Company, SelfReport, Tenancy
    from companies.selectors import NOT_STARTED, selfreport_periods

    today = today or timezone.localdate()
    companies = (
        Company.objects.active()
        .filter(
            Q(tenancies__status=Tenancy.Status.RESIDENT, tenancies__archived_at__isnull=True)
            | Q(investments__archived_at__isnull=True, investments__isnull=False)
        )
        .distinct()
        .order_by("pk")
    )
    not_filed = (NOT_STARTED, SelfReport.Status.DRAFT)
    sent = 0
    for company in companies:
        overdue = [
            period
            for period in selfreport_periods(company=company, today=today)
            if period.owed
            and period.status in not_filed
            and period.ends_on + dt.timedelta(days=SELFREPORT_GRACE_DAYS) < today
        ]
        if not overdue:
            continue
        recipients = company_emails(company)
        if not recipients:
            continue
        by_quarter: dict[dt.date, list] = defaultdict(list)
        for period in overdue:
            by_quarter[period.ends_on].append(period)
        with transaction.atomic():
            new_periods = []
            keys = []
            for ends_on in sorted(by_quarter):
                key = _log_once(SELFREPORT_OVERDUE, company, ends_on, recipients)
                if key is not None:
                    keys.append(key)
                    new_periods.extend(by_quarter[ends_on])
            if not new_periods:
                continue
            lines = "\n".join(f"- {p.zone.name_ko}: {p.year}년 {p.quarter}분기" for p in new_periods)
            lines_en = "\n".join(f"- {p.zone.name_en or p.zone.name_ko}: {p.year} Q{p.quarter}" for p in new_periods)
            url = _portal_url("companies:selfreport_list")
            subject = f"자체 성과보고 미제출 / Self-report overdue: {company.name_ko}"
            body = _bilingual(
                f"다음 분기의 자체 성과보고가 아직 제출되지 않았습니다:\n{lines}\n{url}",
                f"These quarterly self-reports have not been filed yet:\n{lines_en}\n{url}",
            )
            notify_company(company, subject=subject, body=body, key="|".join(keys))
            sent += 1
    return sent


# --- the annual performance report to the ministry, due 31 March: the zone office, from 1 February -------------------


def remind_annual_report_due(*, today: dt.date | None = None) -> int:
    """From 1 February to 31 March, once per zone and year: last year's performance report is due on 31 March."""
    from zones.models import Zone

    today = today or timezone.localdate()
    due_on = dt.date(today.year, 3, 31)
    if not dt.date(today.year, 2, 1) <= today <= due_on:
        return 0
    year = today.year - 1
    sent = 0
    for zone in Zone.objects.active().order_by("pk"):
        url = _portal_url("admin:zones_zone_annual_report", zone.pk)
        if url:
            url = f"{url}?year={year}"
        subject = f"{year}년 성과보고서 제출 기한 / Annual performance report due: {zone.name_ko}"
        body = _bilingual(
            f"{zone.name_ko}의 {year}년 성과보고서를 {_date(due_on)}까지 중앙부처에 제출해야 합니다. "
            f"관리자 화면에서 보고서를 확인하고 내려받을 수 있습니다.\n{url}",
            f"The {year} annual performance report of {zone.name_en or zone.name_ko} is due to the ministry on "
            f"{_date(due_on)}. Review and download it in the admin.\n{url}",
        )
        sent += _remind_office(ANNUAL_REPORT_DUE, zone, due_on, zone.pk, subject, body)
    return sent

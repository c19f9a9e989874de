"""Create the periodic schedules (django-celery-beat rows): reminders daily at 09:00 Korea time, the
KPI snapshot of the last finished quarter daily at 06:00 (a no-op once taken), the anonymisation of
trainees past their retention period daily at 03:00, the e-mail outbox dispatch every minute.

Idempotent: a task that exists already is left as the office set it (schedule, enabled flag); only a
missing task is created, and the name of the task it runs is kept right.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

TIMEZONE = "Asia/Seoul"

SCHEDULES = (
    ("리마인더: 공모 마감 임박 / Reminder: call closing soon", "core.tasks.remind_calls_closing"),
    ("리마인더: 보완 자료 기한 경과 / Reminder: information overdue", "core.tasks.remind_information_overdue"),
    ("리마인더: MOU 이행 기한 / Reminder: MOU commitments due", "core.tasks.remind_mou_commitments_due"),
    ("리마인더: 규제특례 만료 예정 / Reminder: exemptions expiring", "core.tasks.remind_exemptions_expiring"),
    ("리마인더: 자체 성과보고 미제출 / Reminder: self-reports overdue", "core.tasks.remind_selfreports_overdue"),
    ("리마인더: 연간 성과보고서 제출 / Reminder: annual performance report due", "core.tasks.remind_annual_report_due"),
    ("KPI 분기 스냅샷 / KPI quarter snapshots", "zones.tasks.take_last_quarter_kpi_snapshots"),
    ("개인정보 보유기간 경과 익명화 / Anonymise trainees past retention", "programs.tasks.anonymize_expired_trainees"),
    ("메일 발송함 처리 / Send the e-mail outbox", "core.tasks.dispatch_outbox"),
)
# The hour each task runs (Asia/Seoul); reminders at 09:00.
HOURS = {"zones.tasks.take_last_quarter_kpi_snapshots": "6", "programs.tasks.anonymize_expired_trainees": "3"}
# Tasks that run at an interval (every, period) instead of once a day.
INTERVALS = {"core.tasks.dispatch_outbox": (1, IntervalSchedule.MINUTES)}


class Command(BaseCommand):
    help = "Create the periodic schedules (reminders, KPI snapshots, e-mail outbox) without overwriting admin edits."

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        for name, task in SCHEDULES:
            periodic = PeriodicTask.objects.filter(task=task).order_by("pk").first()
            if periodic is None:
                periodic = PeriodicTask.objects.filter(name=name).first()
            if periodic is not None:
                if periodic.task != task:
                    periodic.task = task
                    periodic.save(update_fields=["task"])
                continue
            if task in INTERVALS:
                every, period = INTERVALS[task]
                interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
                PeriodicTask.objects.create(name=name, task=task, interval=interval, enabled=True)
            else:
                schedule, _ = CrontabSchedule.objects.get_or_create(
                    minute="0",
                    hour=HOURS.get(task, "9"),
                    day_of_week="*",
                    day_of_month="*",
                    month_of_year="*",
                    timezone=TIMEZONE,
                )
                PeriodicTask.objects.create(name=name, task=task, crontab=schedule, enabled=True)
            created += 1
        self.stdout.write(f"periodic schedules: {created} created, {len(SCHEDULES) - created} kept")

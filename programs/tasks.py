"""Programs tasks: run by Celery beat (schedules editable in the admin: `manage.py setup_schedules`)."""

from celery import shared_task

from programs.services.privacy import trainees_anonymize_expired


@shared_task(acks_late=True)
def anonymize_expired_trainees() -> dict[str, int]:
    """Anonymise trainees past their retention period; a rerun (or a redelivery) finds nothing more to do."""
    return trainees_anonymize_expired()

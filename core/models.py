from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RemembersLoadedValues:
    """Remembers the values of `remembered_fields` (attribute names) as loaded or last saved, so that save() can
    tell what changed (a call moved to another program, ...). Mixed in before the model's base class."""

    remembered_fields: tuple[str, ...] = ()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.remember_values()
        return instance

    def remember_values(self) -> None:
        self._remembered = {name: self.__dict__.get(name) for name in self.remembered_fields}

    def was_loaded(self) -> bool:
        return getattr(self, "_remembered", None) is not None

    def changed_since_loaded(self, name: str) -> bool:
        """Whether `name` differs from its loaded value; True for a row not loaded from the database, False for a
        field left deferred (never loaded, never set)."""
        if not self.was_loaded():
            return True
        if name not in self.__dict__:
            return False
        return self._remembered.get(name) != self.__dict__[name]


def with_field(update_fields, name: str):
    """`update_fields` of a save() with `name` added (None, every field, stays None)."""
    return None if update_fields is None else {*update_fields, name}


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class ArchivableQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)


class ArchivableModel(TimeStampedModel):
    """Records a report may have counted are archived, never deleted."""

    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("archived by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class TransitionLog(models.Model):
    """The audit row of one workflow step of any record (tenancy, MOU, exemption grant, enrolment, ...):
    who, when, from, to, why. Written by the service that makes the step, in the same transaction."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("record type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+", null=True
    )
    from_status = models.CharField(_("from"), max_length=30)
    to_status = models.CharField(_("to"), max_length=30)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="transitionlog_record_idx")]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class ReminderLog(models.Model):
    """A reminder that went out, so that each one goes out once (kind, record, due date) whatever reruns."""

    kind = models.CharField(_("kind"), max_length=50)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("record type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    due_on = models.DateField(_("due on"))
    recipients = models.TextField(_("recipients"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "due_on"], name="reminderlog_once_per_due_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.due_on}"


class PersonalDataAccess(models.Model):
    """One processing of personal data (PIPA): a record seen whole, an export, an API read, an anonymisation.

    Who, when, what (record type, the record's id or how many records), from where (IP address and path,
    never the query string, which may hold a searched name). The zone is set when the records belong to
    one zone only, so a zone administrator reads their zone's rows. Written by `core.audit`; never changed.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed in the admin")
        EXPORT = "export", _("Exported")
        API_RETRIEVE = "api_retrieve", _("Read through the API")
        API_LIST = "api_list", _("Listed through the API")
        ANONYMIZE = "anonymize", _("Anonymized")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+", null=True
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("record type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    record = GenericForeignKey("content_type", "object_id")
    record_count = models.PositiveIntegerField(_("records"), default=1)
    zone = models.ForeignKey(
        "zones.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["view", "export", "api_retrieve", "api_list", "anonymize"]),
                name="personaldataaccess_action_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="pdaccess_record_idx"),
            models.Index(fields=["actor", "at"], name="pdaccess_actor_idx"),
            models.Index(fields=["zone", "at"], name="pdaccess_zone_idx"),
            models.Index(fields=["action"], name="pdaccess_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


class OutgoingEmail(models.Model):
    """One e-mail to send: written in the transaction of the change it tells about (the outbox), sent once by
    `core.tasks.send_email` (published on commit) or `core.tasks.dispatch_outbox` (every minute). Times come
    from the database's clock, so every machine agrees on when a message is due."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(_("key"), max_length=255, unique=True)
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.TextField(_("subject"))
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), db_default=Now())
    created_at = models.DateTimeField(_("created at"), db_default=Now(), db_index=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "failed"]), name="outgoingemail_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                name="outgoingemail_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outgoingemail_due_idx"),
            models.Index(fields=["status", "sent_at"], name="outgoingemail_sent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} · {', '.join(self.recipients)}"

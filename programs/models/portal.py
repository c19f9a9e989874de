"""What a company's application accumulates: uploaded documents, submitted revisions, messages, transitions."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from programs.models.calls import Application


def document_upload_to(instance: "ApplicationDocument", filename: str) -> str:
    # Never the user's file name on disk: a random name in the application's folder.
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}"


class ApplicationDocument(TimeStampedModel):
    """A file uploaded for a question of the application form. Checked by content, stored outside static files."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="documents"
    )
    question_key = models.SlugField(_("question"), max_length=50)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(
        _("removed at"), null=True, blank=True, help_text=_("Removed from the draft; kept for submitted revisions.")
    )

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["application", "question_key", "created_at"]
        indexes = [models.Index(fields=["application", "question_key"], name="appdoc_app_question_idx")]

    def __str__(self) -> str:
        return self.original_name


class ApplicationRevision(TimeStampedModel):
    """A submitted version of an application, frozen with the form it answered."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("revision"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    form_version = models.PositiveIntegerField(_("form version"))
    form_snapshot = models.JSONField(_("form as answered"))
    core_fields = models.JSONField(_("core fields"), default=dict, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    documents = models.ManyToManyField(ApplicationDocument, verbose_name=_("documents"), related_name="revisions")

    class Meta:
        verbose_name = _("application revision")
        verbose_name_plural = _("application revisions")
        ordering = ["application", "number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="apprevision_unique_number")]

    def __str__(self) -> str:
        return f"{self.application} r{self.number}"


class ApplicationMessage(TimeStampedModel):
    """A message between the zone office and the company about an application."""

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        INFO_REQUEST = "info_request", _("Request for information")
        RESPONSE = "response", _("Response")

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    from_office = models.BooleanField(_("from the zone office"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MESSAGE)
    body = models.TextField(_("message"))
    due_on = models.DateField(_("answer due on"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("application message")
        verbose_name_plural = _("application messages")
        ordering = ["application", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["message", "info_request", "response"]), name="appmessage_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_kind_display()}"


class ApplicationTransition(models.Model):
    """The audit row of one status change: who, when, from, to, why."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="transitions"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Application.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Application.Status.choices)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("application transition")
        verbose_name_plural = _("application transitions")
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.application}: {self.from_status} → {self.to_status}"

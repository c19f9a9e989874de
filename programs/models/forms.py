"""The application form of a call, configured by the zone office: sections (the form's steps) and questions."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from programs.models.calls import Call


class FormSection(TimeStampedModel):
    """One step of a call's application form."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="form_sections")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_ko = models.CharField(_("title (Korean)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    help_ko = models.TextField(_("help (Korean)"), blank=True)
    help_en = models.TextField(_("help (English)"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("form section")
        verbose_name_plural = _("form sections")
        ordering = ["call", "order", "id"]
        indexes = [models.Index(fields=["call", "order"], name="formsection_call_order_idx")]

    def __str__(self) -> str:
        return f"{self.order}. {self.title_ko}"


class FormQuestion(TimeStampedModel):
    """A question of a call's form. Shown only when `show_if_question` has one of `show_if_values`, if set."""

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        MONEY = "money", _("Money (KRW)")
        DATE = "date", _("Date")
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        YES_NO = "yes_no", _("Yes / no")
        FILE = "file", _("One file")
        FILES = "files", _("Several files")

    CHOICE_KINDS = (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE)
    FILE_KINDS = (Kind.FILE, Kind.FILES)

    section = models.ForeignKey(
        FormSection, verbose_name=_("section"), on_delete=models.PROTECT, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    key = models.SlugField(
        _("key"), max_length=50, help_text=_("A short name, unique within the call; answers are stored under it.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    label_ko = models.CharField(_("question (Korean)"), max_length=300)
    label_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    help_ko = models.TextField(_("help (Korean)"), blank=True)
    help_en = models.TextField(_("help (English)"), blank=True)
    required = models.BooleanField(_("required"), default=False)
    choices = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('For choice questions: a list of {"value": "...", "ko": "...", "en": "..."}.'),
    )
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    min_value = models.BigIntegerField(_("minimum value"), null=True, blank=True)
    max_value = models.BigIntegerField(_("maximum value"), null=True, blank=True)
    show_if_question = models.ForeignKey(
        "self",
        verbose_name=_("show only if question"),
        on_delete=models.PROTECT,
        related_name="dependent_questions",
        null=True,
        blank=True,
    )
    show_if_values = models.JSONField(
        _("...has one of these answers"),
        default=list,
        blank=True,
        help_text=_('e.g. ["yes"] or ["option-a", "option-b"]'),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("form question")
        verbose_name_plural = _("form questions")
        ordering = ["section", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["section", "key"], name="formquestion_key_unique_per_section"),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "short_text",
                        "long_text",
                        "number",
                        "money",
                        "date",
                        "single_choice",
                        "multiple_choice",
                        "yes_no",
                        "file",
                        "files",
                    ]
                ),
                name="formquestion_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=models.F("min_value")),
                name="formquestion_range_ordered",
            ),
        ]
        indexes = [models.Index(fields=["section", "order"], name="formquestion_section_order_idx")]

    def __str__(self) -> str:
        return f"{self.key}: {self.label_ko}"

    def clean(self) -> None:
        super().clean()
        if self.kind in self.CHOICE_KINDS and not self.choices:
            raise ValidationError({"choices": _("A choice question needs at least one choice.")})
        if self.section_id and self.show_if_question_id:
            condition = self.show_if_question
            if condition.section.call_id != self.section.call_id:
                raise ValidationError({"show_if_question": _("The condition must be a question of the same call.")})
            if (condition.section.order, condition.order) >= (
                self.section.order,
                self.order,
            ) and condition.pk != self.pk:
                raise ValidationError({"show_if_question": _("The condition must be an earlier question.")})
            if not self.show_if_values:
                raise ValidationError({"show_if_values": _("Give the answers that show this question.")})

"""The application forms of calls: sections (the form's steps) and their questions, set up by the zone office.

A question's key is unique within its call, across sections (answers are stored under it); a choice
question has choices; a condition ("show only if") is an earlier choice or yes/no question of the same
call, with answers among that question's choices. Every saved change raises the call's form version
(`call_form_changed`), so answers and revisions keep the version of the form they answered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.admin import RECORD_FIELDSET, TIMESTAMPS, DomainAdmin, DomainInline, ZoneListFilter
from programs.form_builder import core_form_class, core_step_title, localized, section_form
from programs.models import Application, FormQuestion, FormSection
from programs.services.forms import call_form_changed

Kind = FormQuestion.Kind
CONDITION_KINDS = (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE, Kind.YES_NO)
QUESTION_FIELDS = (
    "order",
    "key",
    "kind",
    "required",
    "label_ko",
    "label_en",
    "help_ko",
    "help_en",
    "choices",
    "max_length",
    "min_value",
    "max_value",
    "show_if_question",
    "show_if_values",
)
LAST = 2**63


# --- the checks shared by the inline and the single-question form ------------------------------------------


@dataclass(frozen=True)
class QuestionDraft:
    """A question as it is about to be saved: position in the form, kind, choices."""

    pk: int | None
    key: str
    kind: str
    choices: list
    position: tuple[int, int, int, int]  # (section order, section id, order, id), as the form is ordered


def _position(section: FormSection, order: int | None, pk: int | None) -> tuple[int, int, int, int]:
    return (section.order or 0, section.pk or LAST, order or 0, pk or LAST)


def _draft_of(question: FormQuestion) -> QuestionDraft:
    return QuestionDraft(
        question.pk,
        question.key,
        question.kind,
        question.choices or [],
        _position(question.section, question.order, question.pk),
    )


def choice_errors(kind: str, choices: Any) -> list[ValidationError]:
    """A choice question's choices: a non-empty list of {"value": ..., "ko": ..., "en": ...}, distinct values."""
    if kind not in FormQuestion.CHOICE_KINDS:
        return []
    if not choices:
        return [ValidationError(_("A choice question needs at least one choice."), code="choices_missing")]
    if not isinstance(choices, list) or not all(isinstance(c, dict) for c in choices):
        return [
            ValidationError(
                _('Write the choices as a list like [{"value": "a", "ko": "가", "en": "A"}, ...].'),
                code="choices_format",
            )
        ]
    errors = []
    values = [str(c.get("value", "")).strip() for c in choices]
    if any(not value for value in values) or any(not str(c.get("ko", "")).strip() for c in choices):
        errors.append(ValidationError(_("Every choice needs a value and a Korean label."), code="choices_incomplete"))
    duplicates = sorted({value for value in values if values.count(value) > 1})
    if duplicates:
        errors.append(
            ValidationError(
                _("Choice values must be distinct: %(values)s appears more than once."),
                code="choices_duplicate",
                params={"values": ", ".join(duplicates)},
            )
        )
    return errors


def _answer_values(condition: QuestionDraft) -> set[str]:
    if condition.kind == Kind.YES_NO:
        return {"yes", "no"}
    return {str(c.get("value")) for c in condition.choices if isinstance(c, dict)}


def question_errors(
    draft: QuestionDraft,
    *,
    taken: dict[str, str],
    condition: QuestionDraft | None,
    show_if_values: Any,
) -> dict[str, list[ValidationError]]:
    """Field errors of one question: its key against the keys `taken` elsewhere in the call (key -> where),
    its choices, and its condition."""
    errors: dict[str, list[ValidationError]] = {}
    if draft.key and draft.key in taken:
        errors.setdefault("key", []).append(
            ValidationError(
                _(
                    "The key “%(key)s” is already used by another question of this call (%(where)s). Keys must be "
                    "unique within a call, across its sections."
                ),
                code="key_taken",
                params={"key": draft.key, "where": taken[draft.key]},
            )
        )
    for error in choice_errors(draft.kind, draft.choices):
        errors.setdefault("choices", []).append(error)
    if condition is None:
        if show_if_values:
            errors.setdefault("show_if_question", []).append(
                ValidationError(_("Choose the question these answers belong to."), code="condition_missing")
            )
        return errors
    if condition.kind not in CONDITION_KINDS:
        errors.setdefault("show_if_question", []).append(
            ValidationError(_("A question can only depend on a choice or yes/no question."), code="condition_kind")
        )
    elif condition.position >= draft.position:
        errors.setdefault("show_if_question", []).append(
            ValidationError(
                _("A question can only depend on an earlier question (“%(key)s” comes later)."),
                code="condition_not_earlier",
                params={"key": condition.key},
            )
        )
    if not isinstance(show_if_values, list) or not show_if_values:
        errors.setdefault("show_if_values", []).append(
            ValidationError(_('Give the answers that show this question, e.g. ["yes"].'), code="values_missing")
        )
    elif condition.kind in CONDITION_KINDS:
        unknown = sorted({str(v) for v in show_if_values} - _answer_values(condition))
        if unknown:
            errors.setdefault("show_if_values", []).append(
                ValidationError(
                    _("“%(key)s” has no answer %(values)s; its answers are %(allowed)s."),
                    code="values_unknown",
                    params={
                        "key": condition.key,
                        "values": ", ".join(unknown),
                        "allowed": ", ".join(sorted(_answer_values(condition))),
                    },
                )
            )
    return errors


def _where(question: FormQuestion) -> str:
    return f"{question.section.order}. {question.section.title_ko}"


def _call_questions(call_id: int, exclude: Iterable[int] = (), exclude_section: int | None = None):
    questions = FormQuestion.objects.filter(section__call_id=call_id).select_related("section")
    if exclude_section is not None:
        questions = questions.exclude(section_id=exclude_section)
    return questions.exclude(pk__in=list(exclude))


# --- inline: a section's questions -------------------------------------------------------------------------


class QuestionFormMixin:
    """A cleared JSON box means "none", not NULL."""

    def clean_choices(self):
        return self.cleaned_data.get("choices") or []

    def clean_show_if_values(self):
        return self.cleaned_data.get("show_if_values") or []


class FormQuestionInlineForm(QuestionFormMixin, forms.ModelForm):
    class Meta:
        model = FormQuestion
        fields = QUESTION_FIELDS
        widgets = {
            "help_ko": forms.Textarea(attrs={"rows": 2}),
            "help_en": forms.Textarea(attrs={"rows": 2}),
            "choices": forms.Textarea(attrs={"rows": 3}),
            "show_if_values": forms.Textarea(attrs={"rows": 1}),
        }


class FormQuestionFormSet(BaseInlineFormSet):
    """A section's questions are checked together, and against the other sections of the call."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        section: FormSection = self.instance
        if section.call_id is None:
            return
        live = [f for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]
        taken = {q.key: _where(q) for q in _call_questions(section.call_id, exclude_section=section.pk)}
        drafts: dict[int, QuestionDraft] = {}  # by question pk, for conditions on questions of this section
        page: list[tuple[forms.ModelForm, QuestionDraft]] = []
        for form in live:
            data = form.cleaned_data
            draft = QuestionDraft(
                form.instance.pk,
                data.get("key") or "",
                data.get("kind") or "",
                data.get("choices") or [],
                _position(section, data.get("order"), form.instance.pk),
            )
            page.append((form, draft))
            if form.instance.pk:
                drafts[form.instance.pk] = draft
        here = f"{section.order}. {section.title_ko}"
        for form, draft in page:
            condition_row = form.cleaned_data.get("show_if_question")
            condition = None
            if condition_row is not None:
                if condition_row.section.call_id != section.call_id:
                    form.add_error(
                        "show_if_question",
                        ValidationError(_("The condition must be a question of the same call."), code="condition_call"),
                    )
                    continue
                condition = drafts.get(condition_row.pk) or _draft_of(condition_row)
            errors = question_errors(
                draft, taken=taken, condition=condition, show_if_values=form.cleaned_data.get("show_if_values")
            )
            for field, field_errors in errors.items():
                for error in field_errors:
                    form.add_error(field, error)
            if draft.key and draft.key not in taken:
                taken[draft.key] = here


class FormQuestionInline(DomainInline):
    """A section's questions, one block each (stacked: a question has many fields)."""

    model = FormQuestion
    zone_path = "section__call__program__zone"
    form = FormQuestionInlineForm
    formset = FormQuestionFormSet
    template = "admin/edit_inline/stacked.html"
    fields = QUESTION_FIELDS
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section", "show_if_question").order_by("order", "id")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The form class is built afresh for each request: narrowing its field here is safe.
        field = formset.form.base_fields["show_if_question"]
        if obj is None or obj.call_id is None:
            field.queryset = field.queryset.none()
            field.help_text = _("Save the section first; then a question can depend on an earlier one.")
        else:
            field.queryset = (
                FormQuestion.objects.filter(section__call_id=obj.call_id, kind__in=CONDITION_KINDS)
                .select_related("section")
                .order_by("section__order", "section__id", "order", "id")
            )
        return formset


# --- sections ------------------------------------------------------------------------------------------------


@admin.register(FormSection)
class FormSectionAdmin(DomainAdmin):
    zone_path = "call__program__zone"
    list_display = ("title_ko", "call", "zone", "order", "question_count", "form_version")
    list_filter = (ZoneListFilter,)
    list_select_related = ()
    search_fields = ("title_ko", "title_en", "call__title_ko", "call__code")
    search_help_text = _("Section title, call title or code.")
    autocomplete_fields = ("call",)
    readonly_fields = TIMESTAMPS
    fieldsets = (
        (None, {"fields": ("call", "order", "title_ko", "title_en", "help_ko", "help_en")}),
        RECORD_FIELDSET,
    )
    inlines = (FormQuestionInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("call__program__zone")
            .annotate(question_count=Count("questions"))
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        # A section stays with its call: its questions' keys and conditions were checked there.
        return (*readonly, "call") if obj is not None else readonly

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change or form.has_changed() or any(formset.has_changed() for formset in formsets):
            call_form_changed(call=form.instance.call, acting_user=request.user)

    @admin.display(description=_("zone"), ordering="call__program__zone__name_ko")
    def zone(self, obj: FormSection):
        return obj.call.program.zone

    @admin.display(description=_("questions"), ordering="question_count")
    def question_count(self, obj: FormSection) -> int:
        return getattr(obj, "question_count", 0)

    @admin.display(description=_("form version"))
    def form_version(self, obj: FormSection) -> int:
        return obj.call.form_version


# --- one question on its own ---------------------------------------------------------------------------------


class FormQuestionAdminForm(QuestionFormMixin, forms.ModelForm):
    class Meta:
        model = FormQuestion
        fields = ("section", *QUESTION_FIELDS)

    def clean(self):
        cleaned_data = super().clean()
        # On a question's own page the section is read-only once saved: it is then the instance's.
        section: FormSection | None = cleaned_data.get("section") or (
            self.instance.section if self.instance.section_id else None
        )
        if section is None:
            return cleaned_data
        pk = self.instance.pk
        others = _call_questions(section.call_id, exclude=[pk] if pk else [])
        taken = {q.key: _where(q) for q in others}
        draft = QuestionDraft(
            pk,
            cleaned_data.get("key") or "",
            cleaned_data.get("kind") or "",
            cleaned_data.get("choices") or [],
            _position(section, cleaned_data.get("order"), pk),
        )
        condition_row = cleaned_data.get("show_if_question")
        if condition_row is not None and condition_row.section.call_id != section.call_id:
            self.add_error(
                "show_if_question",
                ValidationError(_("The condition must be a question of the same call."), code="condition_call"),
            )
            return cleaned_data
        errors = question_errors(
            draft,
            taken=taken,
            condition=_draft_of(condition_row) if condition_row is not None else None,
            show_if_values=cleaned_data.get("show_if_values"),
        )
        for field, field_errors in errors.items():
            for error in field_errors:
                self.add_error(field, error)
        return cleaned_data


@admin.register(FormQuestion)
class FormQuestionAdmin(DomainAdmin):
    zone_path = "section__call__program__zone"
    form = FormQuestionAdminForm
    list_display = ("key", "label_ko", "kind", "required", "section", "call", "zone", "condition")
    list_filter = (ZoneListFilter, "kind", "required")
    list_select_related = ()
    search_fields = ("key", "label_ko", "label_en", "section__title_ko", "section__call__title_ko")
    search_help_text = _("Key, question, section or call title.")
    autocomplete_fields = ("section",)
    readonly_fields = TIMESTAMPS
    fieldsets = (
        (None, {"fields": ("section", "order", "key", "kind", "required")}),
        (_("Wording"), {"fields": ("label_ko", "label_en", "help_ko", "help_en")}),
        (_("Answers"), {"fields": ("choices", "max_length", "min_value", "max_value")}),
        (_("Shown only if"), {"fields": ("show_if_question", "show_if_values")}),
        RECORD_FIELDSET,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section__call__program__zone", "show_if_question")

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "section") if obj is not None else readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get("show_if_question")
        if field is not None and obj is not None:
            field.queryset = field.queryset.filter(section__call_id=obj.section.call_id, kind__in=CONDITION_KINDS)
        return form

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change or form.has_changed():
            call_form_changed(call=form.instance.section.call, acting_user=request.user)

    @admin.display(description=_("call"), ordering="section__call__title_ko")
    def call(self, obj: FormQuestion):
        return obj.section.call

    @admin.display(description=_("zone"), ordering="section__call__program__zone__name_ko")
    def zone(self, obj: FormQuestion):
        return obj.section.call.program.zone

    @admin.display(description=_("shown only if"))
    def condition(self, obj: FormQuestion) -> str:
        if obj.show_if_question is None:
            return "-"
        return f"{obj.show_if_question.key} ∈ {', '.join(map(str, obj.show_if_values or []))}"


# --- on the call's page ----------------------------------------------------------------------------------------


def call_form_sections(call) -> str:
    """The call's form sections as a table, each with a link to edit its questions, and a link to add one."""
    if call is None or call.pk is None:
        return _("Save the call first; then add the sections of its application form.")
    sections = FormSection.objects.filter(call_id=call.pk).annotate(question_count=Count("questions"))
    rows = format_html_join(
        "",
        '<tr><td>{}</td><td>{}</td><td>{}</td><td><a href="{}">{}</a></td></tr>',
        (
            (
                section.order,
                localized(section.title_ko, section.title_en),
                section.question_count,
                reverse("admin:programs_formsection_change", args=[section.pk]),
                _("Edit questions"),
            )
            for section in sections.order_by("order", "id")
        ),
    )
    add_url = reverse("admin:programs_formsection_add") + "?" + urlencode({"call": call.pk})
    table = (
        format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th></th></tr></thead><tbody>{}</tbody></table>",
            _("order"),
            _("section"),
            _("questions"),
            rows,
        )
        if rows
        else format_html("<p>{}</p>", _("No sections yet: applicants see only the basics step."))
    )
    return format_html('{}<p><a class="addlink" href="{}">{}</a></p>', table, add_url, _("Add a section"))


def call_form_preview(call) -> str:
    """The application form as a company will see it: the basics step, then each section, fields disabled."""
    if call is None or call.pk is None:
        return "-"
    draft = Application(call=call)
    steps = [(core_step_title(), core_form_class(call)(instance=draft))]
    for section in FormSection.objects.filter(call_id=call.pk).select_related("call").order_by("order", "id"):
        steps.append((localized(section.title_ko, section.title_en), section_form(section=section, application=draft)))
    parts = []
    for title, form in steps:
        for field in form.fields.values():
            field.disabled = True
        parts.append(format_html('<fieldset class="module"><h2>{}</h2>{}</fieldset>', title, form.as_div()))
    return format_html(
        '<div class="application-form-preview">{}</div>', format_html_join("", "{}", ((p,) for p in parts))
    )

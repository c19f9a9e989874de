"""A call's application form as Django forms, built from what the zone office configured.

The first step, "기본 정보 / Basics", edits the application's own fields (`core_form_class`): the title and
summary, and what the program kind needs built in (GPU hours, the special case, the amount, the cohort).
Each `FormSection` of the call is a further step (`section_form`), one field per `FormQuestion`, named by the
question's key; answers are stored in `Application.answers` under those keys (see
`programs.services.forms`), files as `ApplicationDocument` rows.

A question with `show_if_question` is visible only when that question is visible and its answer is one
of `show_if_values` (any overlap for multiple choice; yes/no answers are "yes"/"no"). Answers of
invisible questions are kept but count for nothing: not required, not shown, not compared.

`form_snapshot` freezes the form as a revision answered it; `answers_display` and `answers_diff` work
from such a snapshot, so an old revision reads with the form it answered.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.formatting import format_krw
from core.uploads import ACCEPT, validate_upload
from programs.models import Application, ApplicationDocument, Call, Cohort, FormQuestion, FormSection, Program
from zones.models import SpecialCase

Kind = FormQuestion.Kind

CORE_STEP_TITLE = {"ko": "기본 정보", "en": "Basics"}
YES, NO = "yes", "no"
MONEY_KINDS = (Program.Kind.RND_GRANT, Program.Kind.DEMONSTRATION, Program.Kind.FUND)
# The application's own fields each program kind asks for, after the title (always) and the summary.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    Program.Kind.TENANCY: (),
    Program.Kind.COMPUTE: ("requested_gpu_hours",),
    Program.Kind.RND_GRANT: ("requested_amount_krw",),
    Program.Kind.DEMONSTRATION: ("requested_amount_krw",),
    Program.Kind.FUND: ("requested_amount_krw",),
    Program.Kind.TRAINING: ("cohort",),
    Program.Kind.EXEMPTION: ("special_case",),
}
DEFAULT_MAX_LENGTH = {Kind.SHORT_TEXT: 300, Kind.LONG_TEXT: 10_000}


# --- language -------------------------------------------------------------------------------------------------


def _english() -> bool:
    return (get_language() or "ko").startswith("en")


def localized(ko: str, en: str = "") -> str:
    """The English text when the active language is English and there is one; the Korean text otherwise."""
    return en if _english() and en else ko


def core_step_title() -> str:
    return localized(CORE_STEP_TITLE["ko"], CORE_STEP_TITLE["en"])


def _choice_label(choice: Mapping[str, Any]) -> str:
    value = str(choice.get("value", ""))
    return localized(str(choice.get("ko") or value), str(choice.get("en") or ""))


def _yes_no_choices() -> list[tuple[str, str]]:
    return [(YES, _("Yes")), (NO, _("No"))]


# --- the core step --------------------------------------------------------------------------------------------


def core_field_names(call: Call) -> tuple[str, ...]:
    """The Application fields the "Basics" step edits for this call's program kind."""
    return ("title", "summary", *KIND_FIELDS.get(call.program.kind, ()))


def core_required_fields(call: Call) -> tuple[str, ...]:
    """Of those, the ones an application cannot be submitted without."""
    names = core_field_names(call)
    return tuple(name for name in names if name != "summary" or call.program.kind == Program.Kind.TENANCY)


def special_case_choices(call: Call):
    """The zone's special cases in force today (not archived, within their validity)."""
    today = timezone.localdate()
    return SpecialCase.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        zone_id=call.program.zone_id,
        archived_at__isnull=True,
    ).order_by("code")


def cohort_choices(call: Call):
    """The cohorts of the zone's training programs that have not ended (not archived)."""
    return (
        Cohort.objects.filter(
            training_program__zone_id=call.program.zone_id,
            training_program__archived_at__isnull=True,
            archived_at__isnull=True,
            ends_on__gte=timezone.localdate(),
        )
        .select_related("training_program")
        .order_by("starts_on", "training_program__name_ko", "name")
    )


class CoreForm(forms.ModelForm):
    """The "Basics" step; `core_form_class` makes one per call with the fields its program kind needs."""

    call: Call

    class Meta:
        model = Application
        fields = ("title", "summary")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        required = core_required_fields(self.call)
        for name, field in self.fields.items():
            field.required = name in required
        if "summary" in self.fields:
            self.fields["summary"].widget.attrs.setdefault("rows", 5)
        if "requested_gpu_hours" in self.fields:
            hours = self.fields["requested_gpu_hours"]
            hours.validators.append(_positive)
            hours.widget.attrs["min"] = 1
            if self.call.gpu_hours_available:
                hours.help_text = _("GPU hours available in this call: %(hours)s.") % {
                    "hours": f"{self.call.gpu_hours_available:,}"
                }
        if "requested_amount_krw" in self.fields:
            amount = self.fields["requested_amount_krw"]
            amount.validators.append(_positive)
            amount.help_text = _("In won (KRW), whole won.")
        if "special_case" in self.fields:
            self.fields["special_case"].queryset = special_case_choices(self.call)
            self.fields["special_case"].empty_label = _("Choose the special case to use")
        if "cohort" in self.fields:
            self.fields["cohort"].queryset = cohort_choices(self.call)
            self.fields["cohort"].empty_label = _("Choose a cohort")


def _positive(value) -> None:
    if value is not None and value <= 0:
        raise ValidationError(_("Enter a number greater than zero."), code="not_positive")


def core_form_class(call: Call) -> type[forms.ModelForm]:
    """The "Basics" ModelForm of `call`: title, summary and the kind's built-in fields.

    compute: requested GPU hours (> 0); exemption: the special case (the zone's special cases in force);
    R&D grant, demonstration, fund: the requested amount in KRW (> 0); training: the cohort (the zone's
    cohorts not yet ended); tenancy: nothing more, but the summary is required.
    """
    meta = type("Meta", (CoreForm.Meta,), {"fields": core_field_names(call)})
    return type(f"CoreForm_{call.program.kind}", (CoreForm,), {"Meta": meta, "call": call})


# --- questions and their visibility --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    """What visibility needs of a question, from a FormQuestion or from a snapshot."""

    key: str
    show_if: str | None
    values: tuple[str, ...]


def _answer_matches(answer: Any, values: Iterable[str]) -> bool:
    wanted = {str(v) for v in values}
    if isinstance(answer, list | tuple | set):
        return any(str(item) in wanted for item in answer)
    if answer is None or answer == "":
        return False
    if isinstance(answer, bool):
        answer = YES if answer else NO
    return str(answer) in wanted


def _visible_keys(specs: Iterable[_Spec], answers: Mapping[str, Any]) -> set[str]:
    """Keys of the visible questions, `specs` in form order: a condition counts only if its question is
    visible and comes earlier."""
    visible: set[str] = set()
    for spec in specs:
        if spec.show_if is None or (
            spec.show_if in visible and _answer_matches(answers.get(spec.show_if), spec.values)
        ):
            visible.add(spec.key)
    return visible


def _call_questions(call: Call) -> list[FormQuestion]:
    """Every question of the call in form order, with its section and its condition's key."""
    return list(
        FormQuestion.objects.filter(section__call_id=call.pk)
        .select_related("section", "show_if_question")
        .order_by("section__order", "section__id", "order", "id")
    )


def _spec(question: FormQuestion) -> _Spec:
    condition = question.show_if_question
    return _Spec(question.key, condition.key if condition else None, tuple(question.show_if_values or ()))


def visible_questions(call: Call, answers: Mapping[str, Any]) -> list[FormQuestion]:
    """The call's questions shown for these answers, in form order."""
    questions = _call_questions(call)
    visible = _visible_keys((_spec(q) for q in questions), answers or {})
    return [q for q in questions if q.key in visible]


# --- fields ----------------------------------------------------------------------------------------------------


class MoneyField(forms.IntegerField):
    """Whole won; "1,500,000", "1500000원" and "₩1,500,000" are all 1500000."""

    widget = forms.TextInput

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace("원", "").replace("₩", "").replace(" ", "").strip()
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        return attrs


class UploadField(forms.FileField):
    """One file, checked by content (core.uploads)."""

    default_validators = [validate_upload]

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["accept"] = ACCEPT
        return attrs


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(UploadField):
    """Several files at once; each checked like a single upload. Cleans to a list (empty when none)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def _help_text(question: FormQuestion) -> str:
    text = localized(question.help_ko, question.help_en)
    return linebreaks(text, autoescape=True) if text else ""


def _field_for(question: FormQuestion) -> forms.Field:
    """The form field of one question; `required` is set later, from visibility and stored documents."""
    common = {"label": localized(question.label_ko, question.label_en), "help_text": _help_text(question)}
    kind = question.kind
    if kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT):
        widget = forms.Textarea(attrs={"rows": 6}) if kind == Kind.LONG_TEXT else forms.TextInput
        return forms.CharField(max_length=question.max_length or DEFAULT_MAX_LENGTH[kind], widget=widget, **common)
    if kind == Kind.NUMBER:
        return forms.IntegerField(min_value=question.min_value, max_value=question.max_value, **common)
    if kind == Kind.MONEY:
        minimum = max(question.min_value or 0, 0)
        field = MoneyField(min_value=minimum, max_value=question.max_value, **common)
        if not field.help_text:
            field.help_text = _("In won (KRW), whole won.")
        return field
    if kind == Kind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    if kind == Kind.SINGLE_CHOICE:
        choices = [(str(c.get("value")), _choice_label(c)) for c in question.choices or []]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == Kind.MULTIPLE_CHOICE:
        choices = [(str(c.get("value")), _choice_label(c)) for c in question.choices or []]
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if kind == Kind.YES_NO:
        return forms.ChoiceField(choices=_yes_no_choices(), widget=forms.RadioSelect, **common)
    if kind == Kind.FILE:
        return UploadField(**common)
    if kind == Kind.FILES:
        return MultipleFileField(**common)
    raise ValueError(f"Unknown question kind: {kind}")


def _initial(question: FormQuestion, value: Any) -> Any:
    if value is None:
        return None
    if question.kind == Kind.DATE and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return value


def _raw_answer(question: FormQuestion, data, prefix_key: str) -> Any:
    """The answer as posted, before cleaning: enough to decide visibility."""
    if question.kind == Kind.MULTIPLE_CHOICE:
        if hasattr(data, "getlist"):
            return data.getlist(prefix_key)
        value = data.get(prefix_key)
        return value if isinstance(value, list) else ([] if value in (None, "") else [value])
    return data.get(prefix_key)


def _live_documents(application: Application | None) -> dict[str, list[ApplicationDocument]]:
    if application is None or application.pk is None:
        return {}
    documents: dict[str, list[ApplicationDocument]] = {}
    for document in application.documents.filter(removed_at__isnull=True).order_by("created_at", "pk"):
        documents.setdefault(document.question_key, []).append(document)
    return documents


class SectionForm(forms.Form):
    """One section of a call's form for one application.

    Attributes for the view and template: `section`, `application`, `questions` (those on this page),
    `visible_keys` (after the bound data), `documents` (key -> live uploaded documents). Each field carries
    `question`, `visible` and `existing_documents`; a field shown only for an answer of this page has
    `data-show-if` (the other field's name) and `data-show-if-values` (JSON list) on its widget.

    No HTML `required` attribute: a field the page's script hides must not block the browser's submit; the
    server decides what is required (mark required fields from `field.required`).
    """

    use_required_attribute = False

    def __init__(
        self,
        *,
        section: FormSection,
        application: Application,
        questions: list[FormQuestion],
        data=None,
        files=None,
        **kwargs,
    ):
        super().__init__(data=data, files=files, **kwargs)
        self.section = section
        self.application = application
        self.documents = _live_documents(application)
        stored = dict(application.answers or {})
        # Questions hidden by an answer of another section cannot appear on this page: left out.
        others_visible = _visible_keys((_spec(q) for q in questions), stored)
        on_page = {q.key for q in questions if q.section_id == section.pk}

        by_key = {q.key: q for q in questions}

        def reachable(question: FormQuestion, seen: frozenset = frozenset()) -> bool:
            condition = question.show_if_question
            if condition is None:
                return True
            if condition.key in seen:
                return False  # a condition on itself, never met
            if condition.key in on_page:
                return reachable(by_key[condition.key], seen | {question.key})
            return question.key in others_visible

        self.questions = [q for q in questions if q.section_id == section.pk and reachable(q)]
        answers = dict(stored)
        if self.is_bound:
            for question in self.questions:
                if question.kind not in FormQuestion.FILE_KINDS:
                    answers[question.key] = _raw_answer(question, self.data, self.add_prefix(question.key))
        self.visible_keys = _visible_keys((_spec(q) for q in questions), answers) & {q.key for q in self.questions}

        for question in self.questions:
            field = _field_for(question)
            visible = question.key in self.visible_keys
            existing = self.documents.get(question.key, [])
            field.required = question.required and visible and not existing
            field.question = question
            field.visible = visible
            field.existing_documents = existing
            if question.kind not in FormQuestion.FILE_KINDS:
                field.initial = _initial(question, stored.get(question.key))
            condition = question.show_if_question
            if condition is not None and condition.key in on_page:
                field.widget.attrs["data-show-if"] = condition.key
                field.widget.attrs["data-show-if-values"] = json.dumps(list(question.show_if_values or []))
            self.fields[question.key] = field

    def _clean_fields(self):
        super()._clean_fields()
        # Whatever an invisible question holds is not checked: its answer counts for nothing.
        for key in set(self.fields) - self.visible_keys:
            self._errors.pop(key, None)
            self.cleaned_data.pop(key, None)

    def answers(self) -> dict[str, Any]:
        """The cleaned answers of the visible, non-file questions, JSON-safe; None for an empty answer."""
        result = {}
        for question in self.questions:
            if question.key in self.visible_keys and question.kind not in FormQuestion.FILE_KINDS:
                result[question.key] = json_safe(self.cleaned_data.get(question.key))
        return result

    def uploads(self) -> dict[str, list]:
        """The files uploaded for visible file questions, by key."""
        result = {}
        for question in self.questions:
            if question.key in self.visible_keys and question.kind in FormQuestion.FILE_KINDS:
                value = self.cleaned_data.get(question.key)
                files = value if isinstance(value, list) else ([value] if value else [])
                if files:
                    result[question.key] = files
        return result


def section_form(*, section: FormSection, application: Application, data=None, files=None) -> SectionForm:
    """The form of one section of the application's call, bound when `data`/`files` are given."""
    return SectionForm(
        section=section, application=application, questions=_call_questions(section.call), data=data, files=files
    )


def json_safe(value: Any) -> Any:
    """Dates as ISO strings, Decimal and int as int, lists of strings; "" and [] as None."""
    if value in (None, "", [], ()):
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, Decimal | int):
        return int(value)
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


# --- completeness ---------------------------------------------------------------------------------------------


def _answered(value: Any) -> bool:
    return value not in (None, "", [], ())


def _core_label(name: str) -> str:
    return str(capfirst(Application._meta.get_field(name).verbose_name))


def _core_missing(application: Application) -> list[str]:
    call = application.call
    missing = []
    for name in core_required_fields(call):
        field = Application._meta.get_field(name)
        value = getattr(application, field.attname)
        if name in ("requested_gpu_hours", "requested_amount_krw"):
            complete = bool(value) and value > 0
        else:
            complete = value not in (None, "") and (not isinstance(value, str) or value.strip() != "")
        if not complete:
            missing.append(f"{core_step_title()}: {_core_label(name)}")
    return missing


def missing_items(application: Application) -> list[str]:
    """What must still be given before submitting, as "section: item" in the active language; [] if none.

    The core fields (title, summary for tenancy, the kind's built-in field) and every visible required
    question without an answer, or, for a file question, without a document that is not removed.
    """
    missing = _core_missing(application)
    answers = application.answers or {}
    documents = _live_documents(application)
    for question in visible_questions(application.call, answers):
        if not question.required:
            continue
        if question.kind in FormQuestion.FILE_KINDS:
            complete = bool(documents.get(question.key))
        else:
            complete = _answered(answers.get(question.key))
        if not complete:
            section = question.section
            missing.append(
                f"{localized(section.title_ko, section.title_en)}: {localized(question.label_ko, question.label_en)}"
            )
    return missing


# --- snapshot, display and diff ---------------------------------------------------------------------------------


def form_snapshot(call: Call) -> dict:
    """The call's form as JSON: its version, built-in fields and each section's questions with their kind,
    labels and help (ko/en), choices, requirement, limits and condition."""
    sections: dict[int, dict] = {}
    for section in FormSection.objects.filter(call_id=call.pk).order_by("order", "id"):
        sections[section.pk] = {
            "id": section.pk,
            "order": section.order,
            "title": {"ko": section.title_ko, "en": section.title_en},
            "help": {"ko": section.help_ko, "en": section.help_en},
            "questions": [],
        }
    for question in _call_questions(call):
        condition = question.show_if_question
        sections[question.section_id]["questions"].append(
            {
                "key": question.key,
                "kind": question.kind,
                "order": question.order,
                "label": {"ko": question.label_ko, "en": question.label_en},
                "help": {"ko": question.help_ko, "en": question.help_en},
                "required": question.required,
                "choices": [
                    {"value": str(c.get("value")), "ko": c.get("ko", ""), "en": c.get("en", "")}
                    for c in (question.choices or [])
                ],
                "max_length": question.max_length,
                "min_value": question.min_value,
                "max_value": question.max_value,
                "show_if": (
                    {"question": condition.key, "values": list(question.show_if_values or [])} if condition else None
                ),
            }
        )
    return {
        "call": call.pk,
        "form_version": call.form_version,
        "program_kind": call.program.kind,
        "core_fields": list(core_field_names(call)),
        "sections": list(sections.values()),
    }


def _snapshot_questions(snapshot: Mapping) -> list[tuple[dict, dict]]:
    return [(section, question) for section in snapshot.get("sections", []) for question in section["questions"]]


def _snapshot_visible(snapshot: Mapping, answers: Mapping[str, Any]) -> set[str]:
    specs = []
    for _section, question in _snapshot_questions(snapshot):
        show_if = question.get("show_if") or None
        specs.append(
            _Spec(
                question["key"], show_if["question"] if show_if else None, tuple(show_if["values"]) if show_if else ()
            )
        )
    return _visible_keys(specs, answers)


def _text(pair: Mapping[str, str] | None) -> str:
    pair = pair or {}
    return localized(pair.get("ko", ""), pair.get("en", ""))


def display_value(question: Mapping, value: Any, documents: Iterable[ApplicationDocument] = ()) -> str:
    """One answer as a person reads it: money in 억원/KRW, choice labels, 예/아니오, file names."""
    kind = question["kind"]
    if kind in FormQuestion.FILE_KINDS:
        names = [document.original_name for document in documents]
        return ", ".join(names) if names else "-"
    if not _answered(value):
        return "-"
    if kind == Kind.MONEY:
        try:
            return format_krw(int(value))
        except (TypeError, ValueError):
            return str(value)
    if kind == Kind.NUMBER:
        try:
            return f"{int(value):,}"
        except (TypeError, ValueError):
            return str(value)
    if kind == Kind.YES_NO:
        return dict(_yes_no_choices()).get(str(value), str(value))
    if kind in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE):
        labels = {str(c.get("value")): _choice_label(c) for c in question.get("choices", [])}
        items = value if isinstance(value, list | tuple) else [value]
        return ", ".join(labels.get(str(item), str(item)) for item in items)
    return str(value)


def answers_display(
    *, call_snapshot: Mapping, answers: Mapping[str, Any], documents: Iterable[ApplicationDocument]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """(section title, [(question label, value)]) for every section with visible questions, in form order.

    `documents` are the files to list under file questions (a revision's documents, or a draft's live ones).
    """
    answers = answers or {}
    by_key: dict[str, list[ApplicationDocument]] = {}
    for document in documents:
        by_key.setdefault(document.question_key, []).append(document)
    visible = _snapshot_visible(call_snapshot, answers)
    result = []
    for section in call_snapshot.get("sections", []):
        rows = [
            (
                _text(question["label"]),
                display_value(question, answers.get(question["key"]), by_key.get(question["key"], ())),
            )
            for question in section["questions"]
            if question["key"] in visible
        ]
        if rows:
            result.append((_text(section["title"]), rows))
    return result


def answers_diff(old: Mapping[str, Any], new: Mapping[str, Any], snapshot: Mapping) -> list[tuple[str, str, str]]:
    """(question label, before, after) for every answer that changed between two revisions, in form order.

    Answers of questions invisible in a revision count as not given; file questions are compared through
    the revisions' documents, not here. Keys the snapshot does not know are listed last, by key.
    """
    old, new = old or {}, new or {}
    old_visible, new_visible = _snapshot_visible(snapshot, old), _snapshot_visible(snapshot, new)
    changes = []
    known = set()
    for _section, question in _snapshot_questions(snapshot):
        key = question["key"]
        known.add(key)
        if question["kind"] in FormQuestion.FILE_KINDS:
            continue
        before = old.get(key) if key in old_visible else None
        after = new.get(key) if key in new_visible else None
        if _normalized(before) != _normalized(after):
            changes.append((_text(question["label"]), display_value(question, before), display_value(question, after)))
    for key in sorted((set(old) | set(new)) - known):
        if _normalized(old.get(key)) != _normalized(new.get(key)):
            plain = {"kind": Kind.SHORT_TEXT}
            changes.append((key, display_value(plain, old.get(key)), display_value(plain, new.get(key))))
    return changes


def _normalized(value: Any) -> Any:
    if not _answered(value):
        return None
    if isinstance(value, list | tuple):
        return sorted(str(item) for item in value)
    return str(value)

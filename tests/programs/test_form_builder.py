"""A call's application form as the company fills it in: the basics step, the configured sections with
their conditional questions and uploads, what is missing before submitting, snapshots and differences; and
the services that store answers and documents."""

import datetime as dt
import hashlib
import json
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict

from core.exceptions import ApplicationError
from programs.form_builder import (
    answers_diff,
    answers_display,
    core_form_class,
    form_snapshot,
    missing_items,
    section_form,
    visible_questions,
)
from programs.models import Application, ApplicationDocument, FormQuestion, FormSection, Program
from programs.services.forms import (
    application_remove_document,
    application_save_core,
    application_save_section,
    call_form_changed,
)
from tests import factories as f
from tests.core.test_uploads import PDF_BYTES, png_bytes

pytestmark = pytest.mark.django_db

Kind = FormQuestion.Kind


def add_question(section, key, kind, order, *, required=False, choices=(), show_if=None, values=(), **extra):
    return FormQuestion.objects.create(
        section=section,
        key=key,
        kind=kind,
        order=order,
        label_ko=f"{key} 질문",
        label_en=f"{key} question",
        required=required,
        choices=[{"value": v, "ko": f"{v} (ko)", "en": f"{v} (en)"} for v in choices],
        show_if_question=show_if,
        show_if_values=list(values),
        **extra,
    )


def build_form(call):
    """Two sections: an overview with every kind of answer and two conditions, then documents with a
    question that depends on the overview."""
    overview = FormSection.objects.create(call=call, order=1, title_ko="사업 개요", title_en="Overview")
    documents = FormSection.objects.create(call=call, order=2, title_ko="제출 서류", title_en="")
    q = {}
    q["name"] = add_question(overview, "name", Kind.SHORT_TEXT, 1, required=True)
    q["stage"] = add_question(overview, "stage", Kind.SINGLE_CHOICE, 2, required=True, choices=("idea", "growth"))
    q["fields"] = add_question(overview, "fields", Kind.MULTIPLE_CHOICE, 3, choices=("vision", "language"))
    q["employees"] = add_question(overview, "employees", Kind.NUMBER, 4, min_value=0, max_value=500)
    q["revenue"] = add_question(overview, "revenue", Kind.MONEY, 5)
    q["start"] = add_question(overview, "start", Kind.DATE, 6)
    q["gpu"] = add_question(overview, "gpu", Kind.YES_NO, 7, required=True)
    q["gpu_plan"] = add_question(
        overview, "gpu_plan", Kind.LONG_TEXT, 8, required=True, show_if=q["gpu"], values=["yes"]
    )
    q["lang_detail"] = add_question(
        overview, "lang_detail", Kind.SHORT_TEXT, 9, required=True, show_if=q["fields"], values=["language"]
    )
    q["plan"] = add_question(documents, "plan", Kind.FILE, 1, required=True)
    q["extras"] = add_question(documents, "extras", Kind.FILES, 2)
    q["growth_note"] = add_question(
        documents, "growth_note", Kind.LONG_TEXT, 3, required=True, show_if=q["stage"], values=["growth"]
    )
    return SimpleNamespace(overview=overview, documents=documents, q=q)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def owner(db):
    return f.UserFactory(username="owner")


@pytest.fixture
def setup(owner):
    call = f.CallFactory(program=f.ProgramFactory(kind=Program.Kind.COMPUTE), gpu_hours_available=60_000)
    application = f.ApplicationFactory(
        call=call, status=Application.Status.DRAFT, submitted_at=None, requested_gpu_hours=0, title="GPU 신청"
    )
    form = build_form(call)
    return SimpleNamespace(call=call, application=application, **vars(form))


def post(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = value
    return query


OVERVIEW_OK = {"name": "양재비전랩", "stage": "idea", "gpu": "no", "employees": "12", "revenue": "1,500,000원"}


def pdf(name="사업계획서.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


# --- the basics step -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        (Program.Kind.COMPUTE, ["title", "summary", "requested_gpu_hours"]),
        (Program.Kind.EXEMPTION, ["title", "summary", "special_case"]),
        (Program.Kind.RND_GRANT, ["title", "summary", "requested_amount_krw"]),
        (Program.Kind.DEMONSTRATION, ["title", "summary", "requested_amount_krw"]),
        (Program.Kind.FUND, ["title", "summary", "requested_amount_krw"]),
        (Program.Kind.TRAINING, ["title", "summary", "cohort"]),
        (Program.Kind.TENANCY, ["title", "summary"]),
    ],
)
def test_the_basics_step_has_the_kind_built_in_fields(kind, fields):
    call = f.CallFactory(program=f.ProgramFactory(kind=kind))
    form = core_form_class(call)(instance=Application(call=call))
    assert list(form.fields) == fields
    assert form.fields["title"].required
    assert form.fields["summary"].required == (kind == Program.Kind.TENANCY)
    for name in fields[2:]:
        assert form.fields[name].required


@pytest.mark.parametrize("field", ["requested_gpu_hours", "requested_amount_krw"])
def test_requested_hours_and_amounts_must_be_positive(field):
    kind = Program.Kind.COMPUTE if field == "requested_gpu_hours" else Program.Kind.FUND
    call = f.CallFactory(program=f.ProgramFactory(kind=kind))
    form_class = core_form_class(call)
    with translation.override("en"):
        refused = form_class(data={"title": "신청", field: "0"}, instance=Application(call=call))
        assert refused.errors == {field: ["Enter a number greater than zero."]}
    assert form_class(data={"title": "신청", field: "2400"}, instance=Application(call=call)).is_valid()


def test_the_tenancy_summary_is_required():
    call = f.CallFactory(program=f.ProgramFactory(kind=Program.Kind.TENANCY))
    form = core_form_class(call)(data={"title": "입주 신청", "summary": ""}, instance=Application(call=call))
    assert list(form.errors) == ["summary"]


def test_an_exemption_call_offers_the_zone_special_cases_in_force():
    zone = f.ZoneFactory()
    in_force = f.SpecialCaseFactory(zone=zone, code="SC-1")
    f.SpecialCaseFactory(zone=zone, code="SC-2", valid_until=dt.date(2020, 12, 31), valid_from=dt.date(2019, 1, 1))
    f.SpecialCaseFactory(zone=zone, code="SC-3", archived_at=timezone.now())
    f.SpecialCaseFactory(code="SC-4")  # another zone
    call = f.CallFactory(program=f.ProgramFactory(zone=zone, kind=Program.Kind.EXEMPTION))
    form_class = core_form_class(call)
    assert list(form_class(instance=Application(call=call)).fields["special_case"].queryset) == [in_force]
    assert not form_class(data={"title": "특례", "special_case": ""}, instance=Application(call=call)).is_valid()
    form = form_class(data={"title": "특례", "special_case": in_force.pk}, instance=Application(call=call))
    assert form.is_valid(), form.errors


def test_a_training_call_offers_the_zone_cohorts_not_yet_ended():
    zone = f.ZoneFactory()
    today = timezone.localdate()
    coming = f.CohortFactory(
        training_program=f.TrainingProgramFactory(zone=zone),
        starts_on=today + dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=90),
    )
    f.CohortFactory(
        training_program=coming.training_program, starts_on=dt.date(2024, 3, 2), ends_on=dt.date(2024, 8, 1)
    )
    f.CohortFactory(starts_on=today, ends_on=today + dt.timedelta(days=30))  # another zone
    call = f.CallFactory(program=f.ProgramFactory(zone=zone, kind=Program.Kind.TRAINING))
    assert list(core_form_class(call)(instance=Application(call=call)).fields["cohort"].queryset) == [coming]


def test_saving_the_basics_stores_the_core_fields(setup, owner):
    form = core_form_class(setup.call)(
        data={"title": "비전 모델 학습", "summary": "요약", "requested_gpu_hours": "2400"}, instance=setup.application
    )
    saved = application_save_core(application=setup.application, form=form, acting_user=owner)
    saved.refresh_from_db()
    assert (saved.title, saved.summary, saved.requested_gpu_hours) == ("비전 모델 학습", "요약", 2400)
    assert saved.history.first().history_user == owner


# --- sections: fields, labels, conditions ---------------------------------------------------------------------


def test_a_section_form_has_one_field_per_question_of_the_right_kind(setup):
    form = section_form(section=setup.overview, application=setup.application)
    assert list(form.fields) == [
        "name",
        "stage",
        "fields",
        "employees",
        "revenue",
        "start",
        "gpu",
        "gpu_plan",
        "lang_detail",
    ]
    widgets = {name: type(field.widget).__name__ for name, field in form.fields.items()}
    assert widgets["stage"] == "RadioSelect"
    assert widgets["fields"] == "CheckboxSelectMultiple"
    assert widgets["gpu"] == "RadioSelect"
    assert widgets["gpu_plan"] == "Textarea"
    assert form.fields["start"].widget.input_type == "date"
    assert [value for value, _label in form.fields["gpu"].choices] == ["yes", "no"]
    assert form.fields["gpu_plan"].widget.attrs["data-show-if"] == "gpu"
    assert json.loads(form.fields["gpu_plan"].widget.attrs["data-show-if-values"]) == ["yes"]
    assert "data-show-if" not in form.fields["name"].widget.attrs
    html = form.as_div()
    assert 'data-show-if="fields"' in html
    assert "required" not in html  # a field the page hides must not block the browser's submit


def test_labels_follow_the_language_and_fall_back_to_korean(setup):
    with translation.override("en"):
        form = section_form(section=setup.overview, application=setup.application)
        assert form.fields["name"].label == "name question"
        assert dict(form.fields["stage"].choices)["growth"] == "growth (en)"
    with translation.override("ko"):
        assert section_form(section=setup.overview, application=setup.application).fields["name"].label == "name 질문"
    FormQuestion.objects.filter(key="name").update(label_en="")
    with translation.override("en"):
        assert section_form(section=setup.overview, application=setup.application).fields["name"].label == "name 질문"


def test_help_text_is_escaped(setup):
    FormQuestion.objects.filter(key="name").update(help_ko="<script>x</script>\n둘째 줄")
    with translation.override("ko"):
        help_text = section_form(section=setup.overview, application=setup.application).fields["name"].help_text
    assert "<script>" not in help_text and "&lt;script&gt;" in help_text


def test_initial_values_come_from_the_stored_answers(setup):
    setup.application.answers = {"name": "저장된 이름", "start": "2025-03-02", "fields": ["vision"]}
    form = section_form(section=setup.overview, application=setup.application)
    assert form["name"].value() == "저장된 이름"
    assert form["start"].value() == dt.date(2025, 3, 2)
    assert form["fields"].value() == ["vision"]


def test_required_questions_are_required_and_optional_ones_are_not(setup):
    form = section_form(section=setup.overview, application=setup.application, data=post({}))
    assert not form.is_valid()
    assert set(form.errors) == {"name", "stage", "gpu"}


def test_a_valid_section_cleans_money_dates_and_choices(setup):
    data = post({**OVERVIEW_OK, "start": "2025-04-01", "fields": ["vision"]})
    form = section_form(section=setup.overview, application=setup.application, data=data)
    assert form.is_valid(), form.errors
    answers = form.answers()
    assert answers["revenue"] == 1_500_000
    assert answers["start"] == "2025-04-01"
    assert answers["fields"] == ["vision"]
    assert answers["employees"] == 12


def test_numbers_respect_their_limits(setup):
    form = section_form(
        section=setup.overview, application=setup.application, data=post({**OVERVIEW_OK, "employees": "501"})
    )
    assert list(form.errors) == ["employees"]
    form = section_form(
        section=setup.overview, application=setup.application, data=post({**OVERVIEW_OK, "revenue": "-5"})
    )
    assert list(form.errors) == ["revenue"]


def test_a_conditional_question_is_required_only_when_shown(setup):
    shown = section_form(
        section=setup.overview, application=setup.application, data=post({**OVERVIEW_OK, "gpu": "yes"})
    )
    assert list(shown.errors) == ["gpu_plan"]
    assert "gpu_plan" in shown.visible_keys

    hidden = section_form(
        section=setup.overview,
        application=setup.application,
        data=post({**OVERVIEW_OK, "gpu": "no", "gpu_plan": "x" * 20_000}),  # too long, but not shown
    )
    assert hidden.is_valid(), hidden.errors
    assert "gpu_plan" not in hidden.answers()


def test_a_condition_on_multiple_choice_is_met_by_any_overlap(setup):
    form = section_form(
        section=setup.overview,
        application=setup.application,
        data=post({**OVERVIEW_OK, "fields": ["vision", "language"]}),
    )
    assert list(form.errors) == ["lang_detail"]
    form = section_form(
        section=setup.overview, application=setup.application, data=post({**OVERVIEW_OK, "fields": ["vision"]})
    )
    assert form.is_valid(), form.errors


def test_visible_questions_follow_the_answers_both_ways(setup):
    keys = [q.key for q in visible_questions(setup.call, {"gpu": "yes", "stage": "growth"})]
    assert "gpu_plan" in keys and "growth_note" in keys and "lang_detail" not in keys
    keys = [q.key for q in visible_questions(setup.call, {"gpu": "no", "fields": ["language"]})]
    assert "gpu_plan" not in keys and "growth_note" not in keys and "lang_detail" in keys
    assert keys == sorted(keys, key=lambda k: list(setup.q).index(k))  # in form order


def test_a_question_hidden_by_an_earlier_section_is_left_out_of_the_page(setup):
    page = section_form(section=setup.documents, application=setup.application)
    assert list(page.fields) == ["plan", "extras"]
    setup.application.answers = {"stage": "growth"}
    page = section_form(section=setup.documents, application=setup.application, data=post({}))
    assert list(page.fields) == ["plan", "extras", "growth_note"]
    assert set(page.errors) == {"plan", "growth_note"}
    assert "data-show-if" not in page.fields["growth_note"].widget.attrs


def test_a_question_depending_on_a_hidden_question_is_hidden(setup):
    nested = add_question(
        setup.overview, "gpu_detail", Kind.SHORT_TEXT, 10, required=True, show_if=setup.q["gpu_plan"], values=["x"]
    )
    assert nested not in visible_questions(setup.call, {"gpu": "no", "gpu_plan": "x"})
    assert nested in visible_questions(setup.call, {"gpu": "yes", "gpu_plan": "x"})


# --- files ---------------------------------------------------------------------------------------------------


def test_a_required_file_is_satisfied_by_a_document_already_uploaded(setup, owner):
    page = section_form(section=setup.documents, application=setup.application, data=post({}), files={})
    assert list(page.errors) == ["plan"]
    document = make_document(setup.application, "plan", owner)
    page = section_form(section=setup.documents, application=setup.application, data=post({}), files={})
    assert page.is_valid(), page.errors
    assert page.fields["plan"].existing_documents == [document]
    document.removed_at = timezone.now()
    document.save()
    page = section_form(section=setup.documents, application=setup.application, data=post({}), files={})
    assert list(page.errors) == ["plan"]


def test_uploads_are_checked_by_content(setup):
    files = {"plan": SimpleUploadedFile("사업계획서.pdf", b"MZ" + b"\x00" * 64)}
    with translation.override("en"):
        page = section_form(section=setup.documents, application=setup.application, data=post({}), files=files)
        assert page.errors["plan"] == [
            "사업계획서.pdf: files of this type cannot be uploaded (PDF, images and office documents only)."
        ]


def test_several_files_can_be_uploaded_at_once(setup):
    files = MultiValueDict({"plan": [pdf()]})
    files.setlist("extras", [pdf("a.pdf"), SimpleUploadedFile("b.png", png_bytes())])
    page = section_form(section=setup.documents, application=setup.application, data=post({}), files=files)
    assert page.is_valid(), page.errors
    assert [u.name for u in page.uploads()["extras"]] == ["a.pdf", "b.png"]
    assert page.fields["extras"].widget.allow_multiple_selected
    assert "multiple" in page.as_div()


def make_document(application, key, user, name="사업계획서.pdf"):
    return ApplicationDocument.objects.create(
        application=application,
        question_key=key,
        file=SimpleUploadedFile(name, PDF_BYTES),
        original_name=name,
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
        uploaded_by=user,
    )


# --- completeness --------------------------------------------------------------------------------------------


def test_missing_items_lists_core_fields_and_visible_required_questions(setup, owner):
    setup.application.title = ""
    setup.application.answers = {"stage": "growth", "gpu": "yes"}
    with translation.override("en"):
        assert missing_items(setup.application) == [
            "Basics: Title",
            "Basics: Requested GPU hours",
            "Overview: name question",
            "Overview: gpu_plan question",
            "제출 서류: plan question",  # no English title: the Korean one
            "제출 서류: growth_note question",
        ]
    with translation.override("ko"):
        assert missing_items(setup.application)[2] == "사업 개요: name 질문"


def test_missing_items_is_empty_when_complete(setup, owner):
    setup.application.requested_gpu_hours = 100
    setup.application.answers = {"name": "x", "stage": "idea", "gpu": "no", "gpu_plan": "kept, hidden"}
    make_document(setup.application, "plan", owner)
    assert missing_items(setup.application) == []


# --- snapshot, display, diff ---------------------------------------------------------------------------------


def test_the_snapshot_holds_the_form_with_its_version(setup):
    setup.call.form_version = 7
    snapshot = form_snapshot(setup.call)
    assert snapshot["form_version"] == 7
    assert snapshot["core_fields"] == ["title", "summary", "requested_gpu_hours"]
    assert [s["title"] for s in snapshot["sections"]] == [
        {"ko": "사업 개요", "en": "Overview"},
        {"ko": "제출 서류", "en": ""},
    ]
    gpu_plan = next(q for q in snapshot["sections"][0]["questions"] if q["key"] == "gpu_plan")
    assert gpu_plan["show_if"] == {"question": "gpu", "values": ["yes"]}
    assert gpu_plan["required"] is True and gpu_plan["kind"] == "long_text"
    stage = snapshot["sections"][0]["questions"][1]
    assert stage["choices"][1] == {"value": "growth", "ko": "growth (ko)", "en": "growth (en)"}
    assert json.loads(json.dumps(snapshot)) == snapshot


def test_answers_are_displayed_with_labels_money_and_files(setup, owner):
    snapshot = form_snapshot(setup.call)
    answers = {
        "name": "양재비전랩",
        "stage": "growth",
        "fields": ["vision", "language"],
        "revenue": 1_250_000_000,
        "gpu": "no",
        "gpu_plan": "hidden answer",
    }
    documents = [make_document(setup.application, "plan", owner, "계획서.pdf")]
    with translation.override("ko"):
        shown = answers_display(call_snapshot=snapshot, answers=answers, documents=documents)
    overview_title, overview = shown[0]
    assert overview_title == "사업 개요"
    rows = dict(overview)
    assert rows["revenue 질문"] == "12.5억원"
    assert rows["fields 질문"] == "vision (ko), language (ko)"
    assert rows["gpu 질문"] == "아니요"
    assert rows["start 질문"] == "-"
    assert "gpu_plan 질문" not in rows  # hidden: its answer counts for nothing
    assert dict(shown[1][1])["plan 질문"] == "계획서.pdf"
    with translation.override("en"):
        shown = answers_display(call_snapshot=snapshot, answers=answers, documents=documents)
    assert dict(shown[0][1])["revenue question"] == "KRW 1,250,000,000"


def test_answers_diff_lists_what_changed(setup):
    snapshot = form_snapshot(setup.call)
    old = {"name": "A", "stage": "idea", "revenue": 100, "gpu": "no", "gpu_plan": "stale", "fields": ["vision"]}
    new = {"name": "B", "stage": "idea", "revenue": 200, "gpu": "yes", "gpu_plan": "stale", "fields": ["vision"]}
    with translation.override("en"):
        assert answers_diff(old, new, snapshot) == [
            ("name question", "A", "B"),
            ("revenue question", "KRW 100", "KRW 200"),
            ("gpu question", "No", "Yes"),
            ("gpu_plan question", "-", "stale"),  # shown now, hidden before
        ]
    assert answers_diff(old, dict(old), snapshot) == []
    assert answers_diff({"fields": ["a", "b"]}, {"fields": ["b", "a"]}, snapshot) == []


# --- services -----------------------------------------------------------------------------------------------


def test_saving_a_section_stores_json_safe_answers_and_the_form_version(setup, owner):
    setup.call.form_version = 3
    setup.call.save()
    data = post({**OVERVIEW_OK, "start": "2025-04-01", "fields": ["language"], "lang_detail": "한국어 LLM"})
    form = section_form(section=setup.overview, application=setup.application, data=data)
    saved = application_save_section(
        application=setup.application, section=setup.overview, form=form, acting_user=owner
    )
    saved.refresh_from_db()
    assert saved.answers == {
        "name": "양재비전랩",
        "stage": "idea",
        "fields": ["language"],
        "employees": 12,
        "revenue": 1_500_000,
        "start": "2025-04-01",
        "gpu": "no",
        "lang_detail": "한국어 LLM",
    }
    assert saved.form_version == 3
    assert saved.history.first().history_user == owner


def test_an_emptied_answer_is_removed_and_a_hidden_one_is_kept(setup, owner):
    setup.application.answers = {"employees": 5, "gpu_plan": "earlier plan", "other_section": "kept"}
    setup.application.save()
    form = section_form(
        section=setup.overview, application=setup.application, data=post(OVERVIEW_OK | {"employees": ""})
    )
    saved = application_save_section(
        application=setup.application, section=setup.overview, form=form, acting_user=owner
    )
    assert "employees" not in saved.answers
    assert saved.answers["gpu_plan"] == "earlier plan"  # kept, but hidden (gpu is "no")
    assert saved.answers["other_section"] == "kept"


def test_uploads_become_documents(setup, owner):
    files = MultiValueDict({"plan": [pdf("../사업계획서\u202e.pdf")]})
    files.setlist("extras", [pdf("a.pdf"), SimpleUploadedFile("b.png", png_bytes())])
    form = section_form(section=setup.documents, application=setup.application, data=post({}), files=files)
    application_save_section(application=setup.application, section=setup.documents, form=form, acting_user=owner)
    documents = list(setup.application.documents.order_by("question_key", "original_name"))
    assert [(d.question_key, d.original_name, d.content_type) for d in documents] == [
        ("extras", "a.pdf", "application/pdf"),
        ("extras", "b.png", "image/png"),
        ("plan", "사업계획서.pdf", "application/pdf"),
    ]
    plan = documents[2]
    assert plan.size == len(PDF_BYTES) and plan.uploaded_by == owner
    assert plan.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert plan.file.name.startswith(f"applications/{setup.application.pk}/")
    assert "사업계획서" not in plan.file.name
    with plan.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES


def test_a_new_file_for_a_one_file_question_replaces_the_old_one(setup, owner):
    for name in ("v1.pdf", "v2.pdf"):
        form = section_form(
            section=setup.documents, application=setup.application, data=post({}), files={"plan": pdf(name)}
        )
        application_save_section(application=setup.application, section=setup.documents, form=form, acting_user=owner)
    plans = setup.application.documents.filter(question_key="plan")
    assert plans.count() == 2
    assert list(plans.filter(removed_at__isnull=True).values_list("original_name", flat=True)) == ["v2.pdf"]
    # Several-file questions add up.
    for name in ("a.pdf", "b.pdf"):
        form = section_form(
            section=setup.documents, application=setup.application, data=post({}), files={"extras": pdf(name)}
        )
        application_save_section(application=setup.application, section=setup.documents, form=form, acting_user=owner)
    assert setup.application.documents.filter(question_key="extras", removed_at__isnull=True).count() == 2


@pytest.mark.parametrize("status", ["submitted", "screening", "under_review", "approved", "withdrawn"])
def test_an_application_that_is_not_editable_is_refused(setup, owner, status):
    form = section_form(section=setup.overview, application=setup.application, data=post(OVERVIEW_OK))
    core = core_form_class(setup.call)(data={"title": "x", "requested_gpu_hours": "5"}, instance=setup.application)
    Application.objects.filter(pk=setup.application.pk).update(status=status, submitted_at=timezone.now())
    with pytest.raises(ApplicationError):
        application_save_section(application=setup.application, section=setup.overview, form=form, acting_user=owner)
    with pytest.raises(ApplicationError):
        application_save_core(application=setup.application, form=core, acting_user=owner)
    setup.application.refresh_from_db()
    assert setup.application.answers == {}


def test_information_requested_is_editable(setup, owner):
    Application.objects.filter(pk=setup.application.pk).update(
        status=Application.Status.INFO_REQUESTED, submitted_at=timezone.now()
    )
    form = section_form(section=setup.overview, application=setup.application, data=post(OVERVIEW_OK))
    saved = application_save_section(
        application=setup.application, section=setup.overview, form=form, acting_user=owner
    )
    assert saved.answers["name"] == "양재비전랩"


def test_an_invalid_form_or_another_call_section_is_refused(setup, owner):
    invalid = section_form(section=setup.overview, application=setup.application, data=post({}))
    with pytest.raises(ApplicationError):
        application_save_section(application=setup.application, section=setup.overview, form=invalid, acting_user=owner)
    other = build_form(f.CallFactory()).overview
    form = section_form(section=other, application=setup.application, data=post(OVERVIEW_OK))
    with pytest.raises(ApplicationError):
        application_save_section(application=setup.application, section=other, form=form, acting_user=owner)


def test_removing_a_document(setup, owner):
    document = make_document(setup.application, "plan", owner)
    application_remove_document(application=setup.application, document=document, acting_user=owner)
    document.refresh_from_db()
    assert document.removed_at is not None
    with pytest.raises(ApplicationError):
        application_remove_document(application=setup.application, document=document, acting_user=owner)
    stranger = make_document(f.ApplicationFactory(status=Application.Status.DRAFT), "plan", owner)
    with pytest.raises(ApplicationError):
        application_remove_document(application=setup.application, document=stranger, acting_user=owner)
    Application.objects.filter(pk=setup.application.pk).update(
        status=Application.Status.SUBMITTED, submitted_at=timezone.now()
    )
    with pytest.raises(ApplicationError):
        application_remove_document(
            application=setup.application, document=make_document(setup.application, "plan", owner), acting_user=owner
        )


def test_changing_the_form_raises_its_version_with_history(setup, owner):
    before = setup.call.form_version
    changed = call_form_changed(call=setup.call, acting_user=owner)
    assert changed.form_version == before + 1
    assert setup.call.form_version == before + 1
    setup.call.refresh_from_db()
    assert setup.call.form_version == before + 1
    assert setup.call.history.first().history_user == owner

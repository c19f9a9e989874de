"""The zone office sets up a call's application form in the admin: sections with their questions, checked
together (keys unique within the call, choices given, conditions on earlier questions of the same call);
each saved change raises the call's form version. Lists cost the same number of queries whatever their size."""

import pytest
from django.contrib import admin
from django.core import checks
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.models import FormQuestion, FormSection
from tests import factories as f
from tests.programs.conftest import grant
from tests.programs.test_form_builder import build_form

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}  # messages are checked in English, whatever the Korean catalog says
KEY_TAKEN = "is already used by another question of this call"


def question_data(**values) -> dict:
    data = {
        "id": "",
        "order": "1",
        "key": "q",
        "kind": "short_text",
        "label_ko": "질문",
        "label_en": "",
        "help_ko": "",
        "help_en": "",
        "choices": "[]",
        "max_length": "",
        "min_value": "",
        "max_value": "",
        "show_if_question": "",
        "show_if_values": "[]",
    }
    return data | {k: str(v) for k, v in values.items()}


def section_data(section: FormSection | None, questions: list[dict], **values) -> dict:
    """The section's form as the browser posts it, with new questions only."""
    data = {
        "order": str(section.order if section else 3),
        "title_ko": section.title_ko if section else "새 섹션",
        "title_en": "",
        "help_ko": "",
        "help_en": "",
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    } | {k: str(v) for k, v in values.items()}
    for i, question in enumerate(questions):
        if section is not None:
            question = question | {"section": str(section.pk)}
        data |= {f"questions-{i}-{name}": value for name, value in question.items()}
    return data


@pytest.fixture
def form():
    call = f.CallFactory()
    built = build_form(call)
    built.call = call
    return built


def change(client, section, questions):
    return client.post(
        reverse("admin:programs_formsection_change", args=[section.pk]), section_data(section, questions), **ENGLISH
    )


def test_a_key_used_in_another_section_of_the_call_is_refused(admin_client, form):
    response = change(admin_client, form.documents, [question_data(key="name")])  # "name" is in the overview
    assert response.status_code == 200
    assert KEY_TAKEN in response.content.decode()
    assert "1. 사업 개요" in response.content.decode()
    assert not FormQuestion.objects.filter(section=form.documents, key="name").exists()


def test_the_same_key_twice_on_one_page_is_refused(admin_client, form):
    response = change(admin_client, form.documents, [question_data(key="same"), question_data(key="same", order=2)])
    assert response.status_code == 200
    assert not FormQuestion.objects.filter(key="same").exists()


def test_the_same_key_in_another_call_is_fine(admin_client, form):
    other = build_form(f.CallFactory())
    response = change(admin_client, other.documents, [question_data(key="unique-here")])
    assert response.status_code == 302
    response = change(admin_client, form.documents, [question_data(key="unique-here")])
    assert response.status_code == 302


def test_a_cleared_json_box_means_none(admin_client, form):
    response = change(admin_client, form.documents, [question_data(key="plain", choices="", show_if_values="")])
    assert response.status_code == 302
    assert FormQuestion.objects.get(key="plain").choices == []


def test_a_choice_question_needs_choices(admin_client, form):
    response = change(admin_client, form.documents, [question_data(key="pick", kind="single_choice")])
    assert "A choice question needs at least one choice." in response.content.decode()
    response = change(
        admin_client, form.documents, [question_data(key="pick", kind="single_choice", choices='[{"value": "a"}]')]
    )
    assert "Every choice needs a value and a Korean label." in response.content.decode()
    assert not FormQuestion.objects.filter(key="pick").exists()


def test_a_condition_must_be_an_earlier_choice_question_with_known_answers(admin_client, form):
    later = FormQuestion.objects.create(
        section=form.documents, order=9, key="later", kind="yes_no", label_ko="나중 질문"
    )  # in section 2: after anything in the overview
    response = change(
        admin_client,
        form.overview,
        [question_data(key="c1", order=20, show_if_question=later.pk, show_if_values='["yes"]')],
    )
    assert "earlier question" in response.content.decode()
    assert not FormQuestion.objects.filter(key="c1").exists()
    response = change(admin_client, form.overview, [question_data(key="c1", show_if_question=form.q["name"].pk)])
    assert "Select a valid choice" in response.content.decode()  # only choice and yes/no questions are offered

    gpu = form.q["gpu"]  # yes/no, in the overview: earlier than the documents
    response = change(
        admin_client, form.documents, [question_data(key="c2", show_if_question=gpu.pk, show_if_values='["maybe"]')]
    )
    assert "has no answer maybe; its answers are no, yes." in response.content.decode()
    response = change(admin_client, form.documents, [question_data(key="c3", show_if_question=gpu.pk)])
    assert "Give the answers that show this question" in response.content.decode()
    assert not FormQuestion.objects.filter(key__in=["c2", "c3"]).exists()

    response = change(
        admin_client, form.documents, [question_data(key="c4", show_if_question=gpu.pk, show_if_values='["yes"]')]
    )
    assert response.status_code == 302
    assert FormQuestion.objects.get(key="c4").show_if_question == gpu


def test_a_condition_on_another_call_question_is_refused(admin_client, form):
    other = build_form(f.CallFactory())
    response = change(
        admin_client,
        form.documents,
        [question_data(key="c5", show_if_question=other.q["gpu"].pk, show_if_values='["yes"]')],
    )
    assert response.status_code == 200
    assert not FormQuestion.objects.filter(key="c5").exists()


def test_saving_a_section_raises_the_form_version(admin_client, form):
    before = form.call.form_version
    response = change(admin_client, form.documents, [question_data(key="new-question")])
    assert response.status_code == 302
    form.call.refresh_from_db()
    assert form.call.form_version == before + 1
    # Saving without a change leaves the version alone.
    response = change(admin_client, form.documents, [])
    assert response.status_code == 302
    form.call.refresh_from_db()
    assert form.call.form_version == before + 1


def test_adding_a_section_with_questions_raises_the_form_version(admin_client, form):
    before = form.call.form_version
    data = section_data(None, [question_data(key="extra-1"), question_data(key="extra-2", order=2)], call=form.call.pk)
    response = admin_client.post(reverse("admin:programs_formsection_add"), data, **ENGLISH)
    assert response.status_code == 302, response.content.decode()[:2000]
    section = FormSection.objects.get(call=form.call, title_ko="새 섹션")
    assert list(section.questions.values_list("key", flat=True)) == ["extra-1", "extra-2"]
    form.call.refresh_from_db()
    assert form.call.form_version == before + 1


def test_a_question_on_its_own_page_is_checked_the_same_way(admin_client, form):
    url = reverse("admin:programs_formquestion_add")
    data = question_data(key="name", section=form.documents.pk)
    response = admin_client.post(url, data, **ENGLISH)
    assert KEY_TAKEN in response.content.decode()
    before = form.call.form_version
    response = admin_client.post(url, question_data(key="fresh", section=form.documents.pk), **ENGLISH)
    assert response.status_code == 302
    form.call.refresh_from_db()
    assert form.call.form_version == before + 1

    question = FormQuestion.objects.get(key="fresh")
    change_url = reverse("admin:programs_formquestion_change", args=[question.pk])
    response = admin_client.post(change_url, question_data(key="stage", order=5), **ENGLISH)
    assert KEY_TAKEN in response.content.decode()
    response = admin_client.post(change_url, question_data(key="fresh", label_ko="바뀐 질문"), **ENGLISH)
    assert response.status_code == 302
    form.call.refresh_from_db()
    assert form.call.form_version == before + 2


def test_the_pages_render(admin_client, form):
    for url in (
        reverse("admin:programs_formsection_change", args=[form.overview.pk]),
        reverse("admin:programs_formsection_add") + f"?call={form.call.pk}",
        reverse("admin:programs_formquestion_change", args=[form.q["gpu_plan"].pk]),
        reverse("admin:programs_formquestion_add"),
        reverse("admin:programs_formsection_changelist") + "?q=개요",
        reverse("admin:programs_formquestion_changelist") + "?kind__exact=yes_no",
    ):
        assert admin_client.get(url, **ENGLISH).status_code == 200, url


def test_the_call_page_lists_the_sections_and_previews_the_form(admin_client, form):
    response = admin_client.get(reverse("admin:programs_call_change", args=[form.call.pk]), **ENGLISH)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Edit questions") == 2
    assert reverse("admin:programs_formsection_change", args=[form.overview.pk]) in html
    assert f"?call={form.call.pk}" in html
    assert "Requested GPU hours" in html  # the basics step of a compute call
    assert "gpu_plan question" in html and 'data-show-if="gpu"' in html
    assert "disabled" in html
    add = admin_client.get(reverse("admin:programs_call_add"), **ENGLISH)
    assert add.status_code == 200


def test_officers_see_only_their_zones_forms(client, zone_a, zone_b):
    mine = build_form(f.CallFactory(program=f.ProgramFactory(zone=zone_a)))
    theirs = build_form(f.CallFactory(program=f.ProgramFactory(zone=zone_b)))
    officer = f.StaffUserFactory(username="officer-forms")
    f.ZoneStaffFactory(zone=zone_a, user=officer)
    grant(officer, "view_formsection", "change_formsection", "view_formquestion", "change_formquestion")
    client.force_login(officer)
    response = client.get(reverse("admin:programs_formsection_changelist"))
    assert set(response.context["cl"].result_list) == {mine.overview, mine.documents}
    url = reverse("admin:programs_formsection_change", args=[theirs.overview.pk])
    assert client.get(url).status_code == 302  # not found in the user's zones: back to the admin index
    response = client.get(reverse("admin:programs_formquestion_changelist"))
    assert {q.section_id for q in response.context["cl"].result_list} == {mine.overview.pk, mine.documents.pk}


# --- query counts ----------------------------------------------------------------------------------------------


def changelist_queries(client, model: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"admin:programs_{model}_changelist"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", ["formsection", "formquestion"])
def test_changelist_query_count_does_not_grow_with_rows(admin_client, model):
    build_form(f.CallFactory())
    admin_client.get(reverse(f"admin:programs_{model}_changelist"))  # warm the per-process caches
    with_one_form = changelist_queries(admin_client, model)
    for _ in range(29):
        build_form(f.CallFactory())
    assert changelist_queries(admin_client, model) == with_one_form


# --- what every programs admin does (tests/programs/test_admin_pages.py and tests/core/test_admin.py) ---------


@pytest.mark.parametrize(
    ("model", "pick", "search", "filters"),
    [
        ("formsection", lambda form: form.overview, lambda o: o.title_ko, lambda o: {"zone": o.call.program.zone_id}),
        (
            "formquestion",
            lambda form: form.q["gpu"],
            lambda o: o.key,
            lambda o: {"zone": o.section.call.program.zone_id, "kind__exact": o.kind, "required__exact": "1"},
        ),
    ],
)
def test_pages_search_filters_history_and_no_delete(admin_client, superuser, form, model, pick, search, filters):
    obj = pick(form)
    response = admin_client.get(reverse(f"admin:programs_{model}_changelist"), {"q": search(obj), **filters(obj)})
    assert obj.pk in [row.pk for row in response.context["cl"].result_list]
    assert admin_client.get(reverse(f"admin:programs_{model}_history", args=[obj.pk])).status_code == 200
    assert admin_client.get(reverse(f"admin:programs_{model}_delete", args=[obj.pk])).status_code == 403
    request = RequestFactory().get("/")
    request.user = superuser
    model_admin = admin.site.get_model_admin(type(obj))
    assert not model_admin.has_delete_permission(request, obj)
    assert "delete_selected" not in model_admin.get_actions(request)
    assert all(not inline.can_delete for inline in model_admin.get_inline_instances(request, obj))


@pytest.mark.parametrize("model", ["formsection", "formquestion"])
def test_history_outside_the_officer_zones_is_not_found(client, form, zone_b, model):
    obj = form.overview if model == "formsection" else form.q["gpu"]
    officer = f.StaffUserFactory(username="officer-history")
    f.ZoneStaffFactory(zone=zone_b, user=officer)
    grant(officer, f"view_{model}")
    client.force_login(officer)
    assert client.get(reverse(f"admin:programs_{model}_history", args=[obj.pk])).status_code == 404


def test_the_form_admins_pass_the_system_checks():
    errors = [
        error
        for error in checks.run_checks(tags=[checks.Tags.admin])
        if getattr(error.obj, "__module__", "") == "programs.admin.forms"
    ]
    assert errors == []

"""The company portal: public calls, and a company's applications from the first draft to the decision.

Thin views: parse the request, call a selector or a service, render. Every lookup of a company's record
goes through a selector that filters by `request.company` (set by `company_required`): another company's
id answers 404, never 403, so an id reveals nothing.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from companies.access import company_required, current_company
from core.exceptions import ApplicationError
from core.formatting import format_krw
from core.security.ratelimit import rate_limit
from programs import selectors
from programs.models import Application, ApplicationDocument, Call
from programs.selectors import CORE_FIELDS
from programs.services.applications import (
    EDITABLE_STATUSES,
    IncompleteApplicationError,
    application_remember_step,
    application_reply,
    application_start,
    application_submit,
    application_withdraw,
)

Status = Application.Status


# --- small forms of the portal ------------------------------------------------------


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your message to the zone office"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


class WithdrawForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


# --- helpers -----------------------------------------------------------------------


def _call_state(call: Call, now: dt.datetime) -> str:
    if now < call.opens_at:
        return "upcoming"
    if call.closes_at <= now:
        return "closed"
    return "open"


def _days_left(call: Call, now: dt.datetime) -> int:
    """Whole calendar days (Korea time) until the call closes: 0 on its last day."""
    return (timezone.localdate(call.closes_at) - timezone.localdate(now)).days


def _steps(application: Application, sections: list) -> list[dict]:
    """The form's steps as the step list shows them: 0 the basics, 1..n the call's sections, n+1 the review."""
    from programs.form_builder import core_step_title

    steps = [{"number": 0, "title": core_step_title(), "title_en": ""}]
    for number, section in enumerate(sections, start=1):
        steps.append({"number": number, "title": section.title_ko, "title_en": section.title_en, "section": section})
    steps.append({"number": len(sections) + 1, "title": _("Review and submit"), "title_en": "", "review": True})
    return steps


def _core_field_names(call: Call) -> list[str]:
    """The application's own fields this kind of call asks for, in the basics form's order."""
    from programs.form_builder import core_field_names

    return [name for name in core_field_names(call) if name in CORE_FIELDS]


def _with_steps(answers: list, steps: list[dict]) -> list[tuple]:
    """(section title, rows, the step that edits it or None), for "Change" links on the review."""
    from programs.form_builder import localized

    by_title = {}
    for step in steps:
        section = step.get("section")
        if section is not None:
            by_title.setdefault(localized(section.title_ko, section.title_en), step["number"])
    return [(title, rows, by_title.get(title)) for title, rows in answers]


def _edit_url(application: Application, step: int) -> str:
    return reverse("programs:application_edit", args=[application.pk, step])


# --- public pages ------------------------------------------------------------------


@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    """Every zone's open calls, then the upcoming and recently closed ones, grouped by zone."""
    now = timezone.now()
    calls = list(selectors.call_list_public(at=now))
    for call in calls:
        call.days_left = _days_left(call, now)
    groups = []
    for zone, rows in groupby(calls, key=lambda call: call.program.zone):
        rows = list(rows)
        current = [call for call in rows if call.state != "closed"]
        groups.append((zone, current, [call for call in rows if call.state == "closed"]))
    return render(request, "programs/call_list.html", {"groups": groups, "now": now})


@require_GET
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.call_get_public(pk)
    now = timezone.now()
    company = current_company(request) if request.user.is_authenticated else None
    context = {
        "call": call,
        "state": _call_state(call, now),
        "days_left": _days_left(call, now),
        "company": company,
        "existing": selectors.application_of_company_for_call(company, call),
        "budget": format_krw(call.budget_krw) if call.budget_krw else "",
    }
    return render(request, "programs/call_detail.html", context)


# --- a company's applications -----------------------------------------------------


@require_POST
@company_required
def application_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.call_get_public(pk)
    try:
        application = application_start(call=call, company=request.company, acting_user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("programs:call_detail", pk=call.pk)
    if application.status not in EDITABLE_STATUSES:
        messages.info(request, _("Your company has already applied to this call."))
        return redirect("programs:application_detail", pk=application.pk)
    return redirect(_edit_url(application, application.current_step))


@require_GET
@company_required
def application_list(request: HttpRequest) -> HttpResponse:
    applications = list(selectors.applications_of_company(request.company))
    return render(
        request,
        "programs/application_list.html",
        {"applications": applications, "editable_statuses": EDITABLE_STATUSES},
    )


@require_http_methods(["GET", "POST"])
@company_required
def application_edit(request: HttpRequest, pk: int, step: int | None = None) -> HttpResponse:
    from programs.form_builder import answers_display, core_form_class, form_snapshot, missing_items, section_form
    from programs.services.forms import application_save_core, application_save_section

    application = selectors.application_get_for_company(request.company, pk)
    if application.status not in EDITABLE_STATUSES:
        messages.info(request, _("This application can no longer be changed."))
        return redirect("programs:application_detail", pk=application.pk)
    call = application.call
    sections = selectors.call_sections(call)
    steps = _steps(application, sections)
    review_step = len(steps) - 1
    if step is None:
        return redirect(_edit_url(application, min(application.current_step, review_step)))
    if step > review_step:
        raise Http404
    context = {
        "application": application,
        "call": call,
        "steps": steps,
        "step": steps[step],
        "previous_step": steps[step - 1] if step > 0 else None,
        "is_last_form_step": step == review_step - 1,
    }

    if step == review_step:
        if request.method == "POST":
            return redirect(_edit_url(application, step))
        context.update(
            missing=missing_items(application),
            basics=selectors.core_fields_display(
                selectors.application_core_fields(application), _core_field_names(call)
            ),
            answers=_with_steps(
                answers_display(
                    call_snapshot=form_snapshot(call),
                    answers=application.answers or {},
                    documents=selectors.application_documents(application),
                ),
                steps,
            ),
            edit_basics=0,
            late=application.status == Status.DRAFT and not call.is_open(),
        )
        return render(request, "programs/application_review.html", context)

    section = steps[step].get("section")
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    if section is None:
        form = core_form_class(call)(data=data, files=files, instance=application)
    else:
        form = section_form(section=section, application=application, data=data, files=files)

    if request.method == "POST" and form.is_valid():
        try:
            if section is None:
                application = application_save_core(application=application, form=form, acting_user=request.user)
            else:
                application = application_save_section(
                    application=application, section=section, form=form, acting_user=request.user
                )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if request.POST.get("action") == "next":
                application_remember_step(application=application, step=step + 1, acting_user=request.user)
                return redirect(_edit_url(application, step + 1))
            messages.success(request, _("Draft saved."))
            return redirect(_edit_url(application, step))

    documents = [doc for docs in getattr(form, "documents", {}).values() for doc in docs]
    on_page = set(form.fields)
    context.update(form=form, documents=[doc for doc in documents if doc.question_key in on_page])
    return render(request, "programs/application_edit.html", context)


@require_POST
@company_required
@rate_limit("application_submit")
def application_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_company(request.company, pk)
    review_step = len(selectors.call_sections(application.call)) + 1
    try:
        application = application_submit(application=application, acting_user=request.user)
    except IncompleteApplicationError as error:
        messages.error(request, error.message)
        return redirect(_edit_url(application, review_step))
    except ApplicationError as error:
        messages.error(request, error.message)
        if application.status in EDITABLE_STATUSES:
            return redirect(_edit_url(application, review_step))
        return redirect("programs:application_detail", pk=application.pk)
    messages.success(request, _("Your application was submitted. The zone office has been notified."))
    return redirect("programs:application_detail", pk=application.pk)


@require_GET
@company_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_company(request.company, pk)
    transitions = list(selectors.application_timeline(application))
    office_messages = list(selectors.application_messages(application))
    open_request = None
    if application.status == Status.INFO_REQUESTED:
        requests = [m for m in office_messages if m.kind == m.Kind.INFO_REQUEST]
        open_request = requests[-1] if requests else None
    context = {
        "application": application,
        "call": application.call,
        "transitions": transitions,
        # Records imported with their history may carry a creation time later than their first transition.
        "started_at": min([application.created_at, *(t.at for t in transitions[:1])]),
        "revisions": selectors.application_revisions(application),
        "office_messages": office_messages,
        "open_request": open_request,
        "can_edit": application.status in EDITABLE_STATUSES,
        "can_withdraw": Status.WITHDRAWN in application.allowed_transitions(),
        "can_reply": application.status != Status.WITHDRAWN,
        "reply_form": ReplyForm(),
    }
    return render(request, "programs/application_detail.html", context)


@require_http_methods(["GET", "POST"])
@company_required
def application_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (works without JavaScript); POST withdraws."""
    application = selectors.application_get_for_company(request.company, pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            application_withdraw(
                application=application, acting_user=request.user, comment=form.cleaned_data["comment"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your application was withdrawn."))
        return redirect("programs:application_detail", pk=application.pk)
    if Status.WITHDRAWN not in application.allowed_transitions():
        messages.error(request, _("This application can no longer be withdrawn."))
        return redirect("programs:application_detail", pk=application.pk)
    return render(
        request,
        "programs/application_withdraw.html",
        {"application": application, "call": application.call, "form": form},
    )


@require_POST
@company_required
def application_reply_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_company(request.company, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            application_reply(application=application, acting_user=request.user, body=form.cleaned_data["body"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your message was sent to the zone office."))
            return redirect(reverse("programs:application_detail", args=[application.pk]) + "#messages")
    else:
        messages.error(request, _("Write a message first."))
    return redirect(reverse("programs:application_detail", args=[application.pk]) + "#messages")


@require_POST
@company_required
def document_remove(request: HttpRequest, pk: int) -> HttpResponse:
    from programs.services.forms import application_remove_document

    document = get_object_or_404(
        ApplicationDocument.objects.select_related("application"),
        pk=pk,
        application__company=request.company,
        application__archived_at__isnull=True,
        removed_at__isnull=True,
    )
    application = document.application
    try:
        application_remove_document(application=application, document=document, acting_user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("“%(name)s” was removed.") % {"name": document.original_name})
    try:
        step = int(request.POST.get("step", ""))
    except ValueError:
        step = application.current_step
    if application.status not in EDITABLE_STATUSES:
        return redirect("programs:application_detail", pk=application.pk)
    return redirect(_edit_url(application, step))


@require_GET
@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file itself, as an attachment, to the company's members and the zone's staff; 404 to anyone else."""
    document = selectors.document_get_for_user(request.user, pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@company_required
def revision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from programs.form_builder import answers_display

    revision = selectors.revision_get_for_company(request.company, pk)
    application = revision.application
    previous = selectors.revision_previous(revision)
    context = {
        "revision": revision,
        "application": application,
        "call": application.call,
        "basics": selectors.core_fields_display(revision.core_fields, _core_field_names(application.call)),
        "answers": _with_steps(
            answers_display(
                call_snapshot=revision.form_snapshot, answers=revision.answers, documents=revision.documents.all()
            ),
            [],
        ),
        "previous": previous,
        "changes": selectors.revision_changes(revision, previous),
    }
    return render(request, "programs/revision_detail.html", context)

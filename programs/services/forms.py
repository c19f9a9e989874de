"""Writes of the application form: the company's answers and uploads, and the office's form changes.

The forms (programs.form_builder) parse and check input; these services lock the application, check it
may still be edited (draft, or information requested), and store. Answers are JSON-safe, keyed by the
question's key, with the form version they answered. Uploads become ApplicationDocument rows, checked by
content again here (the service does not trust the form), stored under a random name, never deleted:
a replaced or removed document is only marked removed, since a submitted revision may point to it.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.uploads import safe_filename, validate_upload
from programs.form_builder import SectionForm, core_field_names
from programs.models import Application, ApplicationDocument, Call, FormQuestion, FormSection

EDITABLE_STATUSES = (Application.Status.DRAFT, Application.Status.INFO_REQUESTED)


def _lock_editable(application: Application) -> Application:
    if application.pk is None:
        raise ApplicationError(_("Start the application first."))
    locked = (
        Application.objects.select_for_update(of=("self",)).select_related("call__program__zone").get(pk=application.pk)
    )
    if locked.status not in EDITABLE_STATUSES:
        raise ApplicationError(
            _("An application that is %(status)s can no longer be changed.") % {"status": locked.get_status_display()}
        )
    if locked.is_archived:
        raise ApplicationError(_("This application is archived; it can no longer be changed."))
    return locked


def _ensure_valid(form) -> None:
    if not form.is_valid():
        raise ApplicationError(_("Correct the errors in the form first."))


@transaction.atomic
def application_save_core(*, application: Application, form, acting_user: AbstractBaseUser) -> Application:
    """Store the "Basics" step: `form` is a bound, valid `core_form_class(call)` form of this application."""
    locked = _lock_editable(application)
    _ensure_valid(form)
    allowed = set(core_field_names(locked.call))
    for name, value in form.cleaned_data.items():
        if name in allowed:
            setattr(locked, name, value)
    locked._history_user = acting_user
    locked._change_reason = "basics saved"
    locked.full_clean()
    locked.save()
    return locked


def _sha256(uploaded) -> str:
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def _store_document(application: Application, key: str, uploaded, acting_user: AbstractBaseUser) -> ApplicationDocument:
    content_type = validate_upload(uploaded)
    sha256 = _sha256(uploaded)
    original_name = safe_filename(uploaded.name)
    document = ApplicationDocument(
        application=application,
        question_key=key,
        original_name=original_name,
        content_type=content_type,
        size=uploaded.size,
        sha256=sha256,
        uploaded_by=acting_user,
    )
    # The stored name comes from document_upload_to: a random name in the application's folder.
    document.file.save(original_name, uploaded, save=False)
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def application_save_section(
    *, application: Application, section: FormSection, form: SectionForm, acting_user: AbstractBaseUser
) -> Application:
    """Store one section's answers and uploads; records the form version answered.

    `form` is the bound, valid `section_form(section=section, application=application, ...)`. Answers of
    questions visible now replace the stored ones (an emptied answer is removed); answers of questions
    that became invisible stay stored and count for nothing. Each upload becomes a document; a new file
    for a one-file question marks the earlier ones removed.
    """
    locked = _lock_editable(application)
    if section.call_id != locked.call_id or form.section.pk != section.pk:
        raise ApplicationError(_("This section belongs to another call's form."))
    if form.application.pk != locked.pk:
        raise ApplicationError(_("This form was filled in for another application."))
    _ensure_valid(form)

    answers = dict(locked.answers or {})
    for key, value in form.answers().items():
        if value is None:
            answers.pop(key, None)
        else:
            answers[key] = value

    kinds = {q.key: q.kind for q in form.questions}
    now = timezone.now()
    saved_files = []
    try:
        for key, files in form.uploads().items():
            if kinds[key] == FormQuestion.Kind.FILE:
                files = files[-1:]
                ApplicationDocument.objects.filter(
                    application=locked, question_key=key, removed_at__isnull=True
                ).update(removed_at=now, updated_at=now)
            for uploaded in files:
                document = _store_document(locked, key, uploaded, acting_user)
                saved_files.append(document.file)
    except Exception:
        # The rows roll back with the transaction; the files written so far go too.
        for stored in saved_files:
            stored.storage.delete(stored.name)
        raise

    locked.answers = answers
    locked.form_version = locked.call.form_version
    locked._history_user = acting_user
    locked._change_reason = f"section {section.pk} saved"
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def application_remove_document(
    *, application: Application, document: ApplicationDocument, acting_user: AbstractBaseUser
) -> None:
    """Take a document out of the draft. The row and file stay: a submitted revision may list them."""
    locked = _lock_editable(application)
    document = ApplicationDocument.objects.select_for_update().get(pk=document.pk)
    if document.application_id != locked.pk:
        raise ApplicationError(_("This document belongs to another application."))
    if document.removed_at is not None:
        raise ApplicationError(_("This document was already removed."))
    document.removed_at = timezone.now()
    document.full_clean()
    document.save(update_fields=["removed_at", "updated_at"])
    locked._history_user = acting_user
    locked._change_reason = f"document {document.pk} removed"
    locked.save(update_fields=["updated_at"])


@transaction.atomic
def call_form_changed(*, call: Call, acting_user: AbstractBaseUser) -> Call:
    """Raise the call's form version: a section or question of its form was added or changed.

    Applications keep the version they answered; revisions keep the form as they answered it.
    """
    locked = Call.objects.select_for_update().get(pk=call.pk)
    # The row lock makes this the F("form_version") + 1 of one writer at a time, with a history row saying who.
    locked.form_version = locked.form_version + 1
    locked._history_user = acting_user
    locked._change_reason = "application form changed"
    locked.full_clean()
    locked.save(update_fields=["form_version", "updated_at"])
    call.form_version = locked.form_version
    return locked

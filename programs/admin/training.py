"""Training programs, cohorts, trainees and enrolments. Trainees are people: lists show masked names only.

Personal data (PIPA): officers who may change trainees (`programs.change_trainee`) see a trainee's page whole,
and each such view is recorded (`core.audit`); anyone else sees it masked and cannot search by name or email.
Every export of enrolments is recorded with the number of rows.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin

from core.admin import (
    ARCHIVED_RECORD_FIELDSET,
    TIMESTAMPS,
    ArchivableAdmin,
    DomainInline,
    ForAdminListMixin,
    ZoneListFilter,
)
from core.admin_workflow import TransitionLogInline, WorkflowAdminMixin
from core.audit import personal_data_access_record
from core.models import PersonalDataAccess
from core.security.reauth import ReauthExportMixin
from programs.api.masking import can_see_personal_data, mask_email, mask_phone
from programs.models import Cohort, Enrolment, Trainee, TrainingProgram
from programs.resources import EnrolmentResource
from programs.selectors import trainee_list
from programs.services import training as training_services
from programs.services.privacy import consent_errors, mask_birth_year

PERSONAL_FIELDS = ("full_name", "email", "phone", "birth_year")
MASKED_FIELDS = {
    "full_name": "masked_full_name",
    "email": "masked_email",
    "phone": "masked_phone",
    "birth_year": "masked_birth_year",
}

ENROLMENT_FIELDS = (
    "status",
    "enrolled_on",
    "completed_on",
    "dropped_on",
    "employed_by",
    "employer_name",
    "employed_on",
)


class RetentionFilter(admin.SimpleListFilter):
    """Personal data past its retention date is due for deletion or anonymisation."""

    title = _("retention")
    parameter_name = "retention"

    def lookups(self, request, model_admin):
        return [("expired", _("Retention period over")), ("kept", _("Within retention period"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "expired":
            return queryset.filter(retention_until__lt=today)
        if self.value() == "kept":
            return queryset.filter(retention_until__gte=today)
        return queryset


class CohortInline(DomainInline):
    model = Cohort
    zone_path = "training_program__zone"
    fields = ("name", "starts_on", "ends_on", "capacity")


@admin.register(TrainingProgram)
class TrainingProgramAdmin(ForAdminListMixin, ArchivableAdmin):
    zone_path = "zone"
    list_display = (
        "name_ko",
        "code",
        "zone",
        "track",
        "annual_capacity",
        "operator",
        "cohort_count",
        "enrolled_count",
    )
    list_filter = (ZoneListFilter, "track")
    search_fields = ("code", "name_ko", "name_en", "operator")
    autocomplete_fields = ("zone",)
    readonly_fields = TIMESTAMPS
    fieldsets = (
        (None, {"fields": ("zone", "code", "name_ko", "name_en", "track", "operator")}),
        (_("Capacity"), {"fields": ("annual_capacity", "description")}),
        ARCHIVED_RECORD_FIELDSET,
    )
    inlines = (CohortInline,)

    @admin.display(description=_("cohorts"), ordering="cohort_count")
    def cohort_count(self, obj: TrainingProgram) -> int:
        return obj.cohort_count

    @admin.display(description=_("enrolled"), ordering="enrolled_count")
    def enrolled_count(self, obj: TrainingProgram) -> int:
        return obj.enrolled_count


class CohortEnrolmentInline(DomainInline):
    model = Enrolment
    fk_name = "cohort"
    zone_path = "cohort__training_program__zone"
    fields = ("trainee", *ENROLMENT_FIELDS, "job_title")
    readonly_fields = ("status",)  # a workflow: steps are taken on the enrolment's page
    autocomplete_fields = ("trainee", "employed_by")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("trainee", "employed_by")


@admin.register(Cohort)
class CohortAdmin(ForAdminListMixin, ArchivableAdmin):
    zone_path = "training_program__zone"
    list_display = (
        "name",
        "training_program",
        "zone",
        "starts_on",
        "ends_on",
        "capacity",
        "enrolled_count",
        "completed_count",
        "employed_count",
    )
    list_filter = (ZoneListFilter, "training_program__track")
    search_fields = ("name", "training_program__name_ko", "training_program__code")
    autocomplete_fields = ("training_program",)
    date_hierarchy = "starts_on"
    readonly_fields = TIMESTAMPS
    fieldsets = (
        (None, {"fields": ("training_program", "name", "starts_on", "ends_on", "capacity")}),
        ARCHIVED_RECORD_FIELDSET,
    )
    inlines = (CohortEnrolmentInline,)

    @admin.display(description=_("zone"), ordering="training_program__zone__name_ko")
    def zone(self, obj: Cohort):
        return obj.training_program.zone

    @admin.display(description=_("enrolled"), ordering="enrolled_count")
    def enrolled_count(self, obj: Cohort) -> int:
        return obj.enrolled_count

    @admin.display(description=_("completed"), ordering="completed_count")
    def completed_count(self, obj: Cohort) -> int:
        return obj.completed_count

    @admin.display(description=_("employed"), ordering="employed_count")
    def employed_count(self, obj: Cohort) -> int:
        return obj.employed_count


class TraineeEnrolmentInline(DomainInline):
    """A trainee's enrolments in the user's zones; a new trainee is enrolled here, which brings them into scope."""

    model = Enrolment
    fk_name = "trainee"
    zone_path = "cohort__training_program__zone"
    fields = ("cohort", *ENROLMENT_FIELDS)
    readonly_fields = ("status",)  # a workflow: steps are taken on the enrolment's page
    autocomplete_fields = ("cohort", "employed_by")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cohort__training_program", "employed_by")


class TraineeAdminForm(forms.ModelForm):
    """Consent is part of the record: when, for what, kept until when (the API checks the same)."""

    class Meta:
        model = Trainee
        fields = (*PERSONAL_FIELDS, "consent_given_at", "consent_purpose", "retention_until")

    def clean(self):
        cleaned = super().clean()
        errors = consent_errors(
            consent_given_at=cleaned.get("consent_given_at"),
            retention_until=cleaned.get("retention_until"),
            consent_purpose=cleaned.get("consent_purpose") if "consent_purpose" in self.fields else None,
        )
        for field, messages_ in errors.items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, messages_)
        return cleaned


@admin.register(Trainee)
class TraineeAdmin(ForAdminListMixin, ArchivableAdmin):
    """Personal data: lists show the masked name and never contact details; the change page shows all to those
    who may change trainees (each view recorded), masked to anyone else."""

    form = TraineeAdminForm
    zone_path = None  # a trainee has no zone of their own: see get_queryset
    list_display = (
        "masked_name",
        "masked_birth_year",
        "enrolment_count",
        "consent_given_at",
        "retention_until",
        "anonymized",
    )
    list_filter = (RetentionFilter,)
    search_fields = ("full_name", "=email")
    search_help_text = _("Full name, or the exact email address.")
    readonly_fields = ("anonymized_at", *TIMESTAMPS)
    fieldsets = (
        (None, {"fields": ("full_name", "email", "phone", "birth_year")}),
        (_("Consent and retention"), {"fields": ("consent_given_at", "consent_purpose", "retention_until")}),
        (
            _("Record"),
            {"fields": ("anonymized_at", *TIMESTAMPS, "archived_at", "archived_by"), "classes": ("collapse",)},
        ),
    )
    inlines = (TraineeEnrolmentInline,)

    def get_queryset(self, request):
        return trainee_list(user=request.user, queryset=super().get_queryset(request))

    def get_search_fields(self, request):
        return super().get_search_fields(request) if can_see_personal_data(request.user) else ()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or can_see_personal_data(request.user):
            return fieldsets
        return [
            (name, {**options, "fields": tuple(MASKED_FIELDS.get(f, f) for f in options["fields"])})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and not can_see_personal_data(request.user):
            return (*readonly, *MASKED_FIELDS.values())
        if obj is not None and obj.anonymized_at is not None:
            return (*readonly, *PERSONAL_FIELDS)  # nothing to bring back
        return readonly

    def _record_view(self, request, object_id) -> None:
        if request.method != "GET" or not can_see_personal_data(request.user):
            return
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return
        personal_data_access_record(
            actor=request.user,
            action=PersonalDataAccess.Action.VIEW,
            model=Trainee,
            object_id=obj.pk,
            request=request,
            record_zone_ids=obj.enrolments.values_list("cohort__training_program__zone_id", flat=True),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            self._record_view(request, object_id)
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context=extra_context)
        if response.status_code == 200:
            self._record_view(request, object_id)
        return response

    @admin.display(description=_("name"), ordering="full_name")
    def masked_name(self, obj: Trainee) -> str:
        return obj.masked_name

    @admin.display(description=_("full name"))
    def masked_full_name(self, obj: Trainee) -> str:
        return obj.masked_name

    @admin.display(description=_("email"))
    def masked_email(self, obj: Trainee) -> str:
        return mask_email(obj.email) or "-"

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: Trainee) -> str:
        return mask_phone(obj.phone) or "-"

    @admin.display(description=_("birth year"), ordering="birth_year")
    def masked_birth_year(self, obj: Trainee) -> str:
        return mask_birth_year(obj.birth_year)

    @admin.display(description=_("enrolments"), ordering="enrolment_count")
    def enrolment_count(self, obj: Trainee) -> int:
        return obj.enrolment_count

    @admin.display(description=_("anonymized"), boolean=True, ordering="anonymized_at")
    def anonymized(self, obj: Trainee) -> bool:
        return obj.anonymized_at is not None


@admin.register(Enrolment)
class EnrolmentAdmin(ReauthExportMixin, ImportExportMixin, WorkflowAdminMixin, ForAdminListMixin, ArchivableAdmin):
    resource_classes = (EnrolmentResource,)
    """Status changes are the workflow's buttons (each records its date, today); "employed" takes the employer
    and hiring date saved on the page, refused naming what is missing."""

    zone_path = "zone"
    walk_one_zone = True
    # Newest first, as the other lists of a zone's records (and along the zone's index).
    ordering = ("-created_at",)
    list_display = ("trainee_name", "cohort", "zone", "status", "enrolled_on", "completed_on", "employer")
    list_filter = (ZoneListFilter, "status", "cohort__training_program__track")
    search_fields = (
        "trainee__full_name",
        "cohort__name",
        "cohort__training_program__name_ko",
        "employed_by__name_ko",
        "employer_name",
    )
    search_help_text = _("Trainee's full name, cohort, training program or employer.")
    search_per_row = True
    autocomplete_fields = ("cohort", "trainee", "application", "employed_by")
    readonly_fields = TIMESTAMPS
    fieldsets = (
        (None, {"fields": ("cohort", "trainee", "application")}),
        (_("Progress"), {"fields": ("status", "enrolled_on", "completed_on", "dropped_on")}),
        (_("Employment"), {"fields": ("employed_by", "employer_name", "employed_on", "job_title")}),
        ARCHIVED_RECORD_FIELDSET,
    )
    inlines = (TransitionLogInline,)

    def get_inlines(self, request, obj):
        return super().get_inlines(request, obj) if obj is not None else ()  # a new enrolment has no steps yet

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        return fields if can_see_personal_data(request.user) else tuple(f for f in fields if "trainee__" not in f)

    def get_data_for_export(self, request, queryset, **kwargs):
        data = super().get_data_for_export(request, queryset, **kwargs)
        personal_data_access_record(
            actor=request.user,
            action=PersonalDataAccess.Action.EXPORT,
            model=Enrolment,
            record_count=len(data),
            request=request,
        )
        return data

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "status") if obj is not None else readonly

    def perform_transition(self, request, obj, to: str, comment: str, expected_from: str):
        common = {"acting_user": request.user, "comment": comment, "expected_from": expected_from}
        if to == Enrolment.Status.EMPLOYED:
            return training_services.enrolment_employ(
                enrolment=obj,
                employed_by=obj.employed_by,
                employer_name=obj.employer_name,
                employed_on=obj.employed_on,
                job_title=obj.job_title,
                **common,
            )
        return training_services.enrolment_transition(enrolment=obj, to=to, **common)

    @admin.display(description=_("trainee"), ordering="trainee__full_name")
    def trainee_name(self, obj: Enrolment) -> str:
        return obj.trainee.masked_name

    @admin.display(description=_("employed by"))
    def employer(self, obj: Enrolment) -> str:
        return str(obj.employed_by or obj.employer_name or "-")

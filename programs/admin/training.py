"""Training programs, cohorts, trainees and enrolments. Trainees are people: lists show masked names only."""

from django.contrib import admin
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
from programs.models import Cohort, Enrolment, Trainee, TrainingProgram
from programs.resources import EnrolmentResource
from programs.selectors import trainee_list
from programs.services import training as training_services

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


@admin.register(Trainee)
class TraineeAdmin(ForAdminListMixin, ArchivableAdmin):
    """Personal data: lists show the masked name and never contact details; the change page shows all."""

    zone_path = None  # a trainee has no zone of their own: see get_queryset
    list_display = ("masked_name", "birth_year", "enrolment_count", "consent_given_at", "retention_until", "anonymized")
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

    @admin.display(description=_("name"), ordering="full_name")
    def masked_name(self, obj: Trainee) -> str:
        return obj.masked_name

    @admin.display(description=_("enrolments"), ordering="enrolment_count")
    def enrolment_count(self, obj: Trainee) -> int:
        return obj.enrolment_count

    @admin.display(description=_("anonymized"), boolean=True, ordering="anonymized_at")
    def anonymized(self, obj: Trainee) -> bool:
        return obj.anonymized_at is not None


@admin.register(Enrolment)
class EnrolmentAdmin(ImportExportMixin, WorkflowAdminMixin, ForAdminListMixin, ArchivableAdmin):
    resource_classes = (EnrolmentResource,)
    """Status changes are the workflow's buttons (each records its date, today); "employed" takes the employer
    and hiring date saved on the page, refused naming what is missing."""

    zone_path = "cohort__training_program__zone"
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

    @admin.display(description=_("zone"), ordering="cohort__training_program__zone__name_ko")
    def zone(self, obj: Enrolment):
        return obj.cohort.training_program.zone

    @admin.display(description=_("employed by"))
    def employer(self, obj: Enrolment) -> str:
        return str(obj.employed_by or obj.employer_name or "-")

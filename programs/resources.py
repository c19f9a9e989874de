"""Import and export of enrolments (django-import-export), used by the admin.

A row names its cohort by training program code and cohort name, and carries the trainee's minimum
personal data with the consent behind it (when, for what, kept until when): each imported row creates the
trainee and the enrolment. Trainees are people (PIPA): the export carries the masked name only, never the
e-mail address, phone or birth year. All or nothing, as the company import (see companies.resources).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export import fields, widgets

from companies.resources import AllOrNothingResource
from programs.models import Cohort, Enrolment, Trainee

TRAINEE_COLUMNS = {
    # column -> (trainee field, widget)
    "trainee_name": ("full_name", widgets.CharWidget()),
    "trainee_email": ("email", widgets.CharWidget()),
    "trainee_phone": ("phone", widgets.CharWidget()),
    "birth_year": ("birth_year", widgets.IntegerWidget()),
    "consent_given_at": ("consent_given_at", widgets.DateTimeWidget()),
    "consent_purpose": ("consent_purpose", widgets.CharWidget()),
    "retention_until": ("retention_until", widgets.DateWidget()),
}


class EnrolmentResource(AllOrNothingResource):
    program_code = fields.Field(column_name="program_code")
    cohort_name = fields.Field(column_name="cohort")
    trainee_name = fields.Field(column_name="trainee_name")
    trainee_email = fields.Field(column_name="trainee_email")
    trainee_phone = fields.Field(column_name="trainee_phone")
    birth_year = fields.Field(column_name="birth_year")
    consent_given_at = fields.Field(column_name="consent_given_at")
    consent_purpose = fields.Field(column_name="consent_purpose")
    retention_until = fields.Field(column_name="retention_until")

    EXPORTED_PERSONAL_COLUMNS = ("trainee_name",)

    class Meta:
        model = Enrolment
        fields = (
            "program_code",
            "cohort_name",
            "trainee_name",
            "trainee_email",
            "trainee_phone",
            "birth_year",
            "consent_given_at",
            "consent_purpose",
            "retention_until",
            "status",
            "enrolled_on",
            "completed_on",
        )
        export_order = fields
        clean_model_instances = True

    # --- export: the masked name only ---------------------------------------------------------------------------

    def get_export_fields(self, selected_fields=None):
        personal = set(TRAINEE_COLUMNS) - set(self.EXPORTED_PERSONAL_COLUMNS)
        return [f for f in super().get_export_fields(selected_fields) if f.column_name not in personal]

    def get_export_queryset(self, request=None):
        return Enrolment.objects.active().select_related("trainee", "cohort__training_program")

    def dehydrate_program_code(self, enrolment: Enrolment) -> str:
        return enrolment.cohort.training_program.code

    def dehydrate_cohort_name(self, enrolment: Enrolment) -> str:
        return enrolment.cohort.name

    def dehydrate_trainee_name(self, enrolment: Enrolment) -> str:
        return enrolment.trainee.masked_name

    def dehydrate_consent_given_at(self, enrolment: Enrolment):
        return enrolment.trainee.consent_given_at

    def dehydrate_consent_purpose(self, enrolment: Enrolment) -> str:
        return enrolment.trainee.consent_purpose

    def dehydrate_retention_until(self, enrolment: Enrolment):
        return enrolment.trainee.retention_until

    # --- import: every row a new trainee and enrolment ------------------------------------------------------------

    def get_instance(self, instance_loader, row):
        return None

    def extra_row_errors(self, instance, row) -> dict:
        errors: dict = {}
        code = str(row.get("program_code") or "").strip()
        name = str(row.get("cohort") or "").strip()
        cohorts = list(
            Cohort.objects.active()
            .filter(training_program__code=code, name=name)
            .select_related("training_program")[:2]
        )
        if len(cohorts) != 1:
            message = (
                "교육과정 코드와 기수로 기수를 찾을 수 없습니다 / no cohort with this program code and name"
                if not cohorts
                else "같은 코드와 기수가 여러 특구에 있습니다 / several zones have this program code and cohort"
            )
            errors["cohort"] = ValidationError(f"{code} · {name}: {message}", code="invalid")
        else:
            instance.cohort = cohorts[0]
        trainee = Trainee()
        for column, (attribute, widget) in TRAINEE_COLUMNS.items():
            value = row.get(column)
            try:
                cleaned = widget.clean(value) if value not in (None, "") else None
            except ValueError as error:
                errors[column] = ValidationError(str(error), code="invalid")
                continue
            if cleaned is None and attribute in ("full_name", "email", "phone", "consent_purpose"):
                cleaned = ""
            setattr(trainee, attribute, cleaned.strip() if isinstance(cleaned, str) else cleaned)
        column_of = {attribute: column for column, (attribute, _widget) in TRAINEE_COLUMNS.items()}
        try:
            trainee.full_clean()
        except ValidationError as error:
            for attribute, messages in error.message_dict.items():
                column = column_of.get(attribute, attribute)
                if column not in errors:
                    errors[column] = ValidationError(messages)
        instance._imported_trainee = trainee
        return errors

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The trainee is saved with the enrolment; check the enrolment without it.
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=[*errors.keys(), "trainee"], validate_unique=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        trainee = instance._imported_trainee
        trainee.save()
        instance.trainee = trainee

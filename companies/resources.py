"""Import and export of companies and MOUs (django-import-export), used by the admin.

All or nothing: an import with one bad row imports nothing, and the dry run (the admin's confirm step)
lists every bad row by its number (the first data row under the header is row 1) and field.
Business registration numbers are accepted with or without dashes and checked with the check digit;
AI fields are given by code, zones by slug, companies by registration number.
Large files of new companies go through `manage.py import_companies` (companies/imports.py: COPY, same checks).
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader

from companies.models import AIField, Company, Mou, MouCommitment
from core.validators import format_brn, normalize_digits
from zones.models import Zone


class AllOrNothingResource(resources.ModelResource):
    """Full model validation on every row; any invalid row rolls back the whole import, dry run or not."""

    def import_data(self, dataset, *args, **kwargs):
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, *args, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # An empty spreadsheet cell reads as None; text columns keep "" for "nothing".
        for field in instance._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and not field.null:
                if getattr(instance, field.attname) is None:
                    setattr(instance, field.attname, "")
        errors.update(self.extra_row_errors(instance, row))
        if errors:
            raise ValidationError(errors)

    def extra_row_errors(self, instance, row) -> dict:
        """Field errors of columns the model's full_clean() does not see (codes, related records)."""
        return {}


class BrnWidget(widgets.CharWidget):
    """A business registration number typed with or without dashes; exported as 123-45-67890."""

    def clean(self, value, row=None, **kwargs):
        return normalize_digits(str(value or "").strip())

    def render(self, value, obj=None, **kwargs):
        return format_brn(value or "")


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key by a natural key; an unknown value is a field error of the row, not a crash."""

    def __init__(self, model, field, *, normalize=None, **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.normalize = normalize

    def clean(self, value, row=None, **kwargs):
        if value not in (None, "") and self.normalize:
            value = self.normalize(str(value))
        try:
            return super().clean(value, row, **kwargs)
        except ObjectDoesNotExist:
            raise ValueError(f"“{value}”: 찾을 수 없습니다 / not found ({self.model._meta.verbose_name})") from None

    def render(self, value, obj=None, **kwargs):
        rendered = super().render(value, obj, **kwargs)
        if self.model is Company and rendered:
            return format_brn(rendered)
        return rendered


class AIFieldCodesWidget(widgets.ManyToManyWidget):
    def __init__(self, **kwargs):
        super().__init__(AIField, separator=",", field="code", **kwargs)


class CompanyResource(AllOrNothingResource):
    brn = fields.Field(attribute="brn", column_name="brn", widget=BrnWidget())
    ai_fields = fields.Field(attribute="ai_fields", column_name="ai_fields", widget=AIFieldCodesWidget())

    class Meta:
        model = Company
        import_id_fields = ("brn",)
        fields = ("brn", *Company.PROFILE_FIELDS[:4], "ai_fields", *Company.PROFILE_FIELDS[4:])
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False
        instance_loader_class = CachedInstanceLoader

    def get_export_queryset(self, request=None):
        return Company.objects.active().prefetch_related("ai_fields")

    def extra_row_errors(self, instance, row) -> dict:
        raw = str(row.get("ai_fields") or "")
        codes = {code.strip() for code in raw.split(",") if code.strip()}
        if not codes:
            return {}
        if not hasattr(self, "_ai_field_codes"):
            self._ai_field_codes = set(AIField.objects.values_list("code", flat=True))
        known = self._ai_field_codes
        unknown = sorted(codes - known)
        if unknown:
            return {
                "ai_fields": ValidationError(
                    f"알 수 없는 AI 분야 코드 / unknown AI field codes: {', '.join(unknown)}", code="invalid"
                )
            }
        return {}


class MouResource(AllOrNothingResource):
    """The MOU row, with its promised jobs and investment as two columns that create or update the MOU's
    single jobs / investment commitment. Status is exported only: it changes through the MOU workflow."""

    zone = fields.Field(attribute="zone", column_name="zone", widget=LookupWidget(Zone, "slug"))
    company = fields.Field(
        attribute="company", column_name="company_brn", widget=LookupWidget(Company, "brn", normalize=normalize_digits)
    )
    status = fields.Field(attribute="status", column_name="status", readonly=True)
    jobs_promised = fields.Field(column_name="jobs_promised", widget=widgets.IntegerWidget())
    investment_promised_krw = fields.Field(column_name="investment_promised_krw", widget=widgets.IntegerWidget())

    PROMISE_COLUMNS = {
        "jobs_promised": MouCommitment.Kind.JOBS,
        "investment_promised_krw": MouCommitment.Kind.INVESTMENT,
    }

    class Meta:
        model = Mou
        fields = (
            "id",
            "zone",
            "company",
            "counterparty_name",
            "title",
            "signed_on",
            "ends_on",
            "status",
            "note",
            "jobs_promised",
            "investment_promised_krw",
        )
        export_order = fields
        clean_model_instances = True
        skip_unchanged = False

    def get_export_queryset(self, request=None):
        return Mou.objects.active().select_related("zone", "company").prefetch_related("commitments")

    def _promised(self, mou: Mou, kind: str) -> int | None:
        # The admin's list queryset brings the sums (Mou.objects.with_delivery()); otherwise the prefetch.
        annotated = {MouCommitment.Kind.JOBS: "jobs_promised", MouCommitment.Kind.INVESTMENT: "investment_promised_krw"}
        if hasattr(mou, annotated[kind]):
            return getattr(mou, annotated[kind]) or None
        values = [c.promised_value for c in mou.commitments.all() if c.kind == kind]
        return sum(values) if values else None

    def dehydrate_jobs_promised(self, mou: Mou):
        return self._promised(mou, MouCommitment.Kind.JOBS)

    def dehydrate_investment_promised_krw(self, mou: Mou):
        return self._promised(mou, MouCommitment.Kind.INVESTMENT)

    def extra_row_errors(self, instance, row) -> dict:
        errors = {}
        for column, kind in self.PROMISE_COLUMNS.items():
            value = row.get(column)
            if value in (None, ""):
                continue
            try:
                number = widgets.IntegerWidget().clean(value)
            except ValueError:
                number = None
            if number is None or number < 0:
                errors[column] = ValidationError(
                    "0 이상의 정수여야 합니다 / must be a whole number, 0 or more", code="invalid"
                )
                continue
            if instance.pk and MouCommitment.objects.filter(mou_id=instance.pk, kind=kind).count() > 1:
                errors[column] = ValidationError(
                    "약속이 여러 건입니다. 관리 화면에서 수정하세요 / several commitments of this kind: edit them in "
                    "the admin",
                    code="ambiguous",
                )
        return errors

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        for column, kind in self.PROMISE_COLUMNS.items():
            value = row.get(column)
            if value in (None, ""):
                continue
            promised = widgets.IntegerWidget().clean(value)
            commitment = MouCommitment.objects.filter(mou=instance, kind=kind).first()
            if commitment is None:
                if not promised:
                    continue  # 0 promised and no commitment: nothing to record
                commitment = MouCommitment(mou=instance, kind=kind, due_on=instance.ends_on)
            if commitment.pk and commitment.promised_value == promised:
                continue
            commitment.promised_value = promised
            commitment.full_clean()
            commitment.save()

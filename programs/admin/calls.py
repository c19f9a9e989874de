"""Programs, their calls and the calls' review rubrics."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import (
    ARCHIVED_RECORD_FIELDSET,
    RECORD_FIELDSET,
    TIMESTAMPS,
    ArchivableAdmin,
    DomainAdmin,
    DomainInline,
    ForAdminListMixin,
    ZoneListFilter,
)
from core.formatting import format_krw
from programs.admin.forms import call_form_preview, call_form_sections
from programs.admin.reviews import CallReviewMixin
from programs.models import Call, Program, RubricCriterion

RUBRIC_TOTAL = 100
RUBRIC_TOTAL_MESSAGE = _("The weights of the rubric criteria must add up to 100; now they add up to %(total)d.")


def rubric_total_error(total: int) -> ValidationError:
    return ValidationError(RUBRIC_TOTAL_MESSAGE, code="rubric_weights", params={"total": total})


# --- filters -----------------------------------------------------------------


class CallStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"
    STATES = {
        "unpublished": ("unpublished", _("Not published")),
        "upcoming": ("upcoming", _("Upcoming")),
        "open": ("open", _("Open")),
        "closed": ("closed", _("Closed")),
    }

    def lookups(self, request, model_admin):
        return [(value, label) for value, (_method, label) in self.STATES.items()]

    def queryset(self, request, queryset):
        if self.value() in self.STATES:
            method, _label = self.STATES[self.value()]
            return getattr(queryset, method)()
        return queryset


# --- programs ----------------------------------------------------------------


@admin.register(Program)
class ProgramAdmin(ForAdminListMixin, ArchivableAdmin):
    zone_path = "zone"
    list_display = ("name_ko", "code", "zone", "kind", "budget", "call_count")
    list_filter = (ZoneListFilter, "kind")
    search_fields = ("code", "name_ko", "name_en")
    autocomplete_fields = ("zone",)
    readonly_fields = TIMESTAMPS
    fieldsets = (
        (None, {"fields": ("zone", "code", "name_ko", "name_en", "kind", "description", "budget_krw")}),
        ARCHIVED_RECORD_FIELDSET,
    )

    @admin.display(description=_("budget"), ordering="budget_krw")
    def budget(self, obj: Program) -> str:
        return format_krw(obj.budget_krw)

    @admin.display(description=_("calls"), ordering="call_count")
    def call_count(self, obj: Program) -> int:
        return obj.call_count


# --- calls and rubrics -------------------------------------------------------


class RubricCriterionFormSet(BaseInlineFormSet):
    """A call's criteria are edited together, so their weights can be checked together."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        weights = [
            form.cleaned_data["weight"]
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form) and form.cleaned_data.get("weight")
        ]
        # A call whose rubric is not written yet has no criteria; once it has some, they total 100.
        if weights and sum(weights) != RUBRIC_TOTAL:
            raise rubric_total_error(sum(weights))


class RubricCriterionInline(DomainInline):
    model = RubricCriterion
    zone_path = "call__program__zone"
    formset = RubricCriterionFormSet
    fields = ("order", "name_ko", "name_en", "weight", "max_score", "pass_score")
    show_change_link = False


@admin.register(Call)
class CallAdmin(CallReviewMixin, ForAdminListMixin, ArchivableAdmin):
    zone_path = "program__zone"
    list_display = (
        "title_ko",
        "program",
        "zone",
        "window",
        "state",
        "application_count",
        "award_count",
        "competition_ratio",
        "ranking_link",
    )
    list_filter = (ZoneListFilter, CallStateFilter, "program__kind")
    search_fields = ("code", "title_ko", "title_en", "program__name_ko")
    autocomplete_fields = ("program",)
    date_hierarchy = "opens_at"
    readonly_fields = (*TIMESTAMPS, "form_version", "form_sections", "form_preview", "ranking_link")
    fieldsets = (
        (None, {"fields": ("program", "code", "title_ko", "title_en")}),
        (_("Window"), {"fields": ("opens_at", "closes_at", "is_published")}),
        (_("Eligibility"), {"fields": ("eligibility_ko", "eligibility_en", "documents_required")}),
        (
            _("Awards and review"),
            {"fields": ("awards_planned", "budget_krw", "gpu_hours_available", "pass_score", "ranking_link")},
        ),
        (_("Application form"), {"fields": ("form_version", "form_sections", "form_preview")}),
        ARCHIVED_RECORD_FIELDSET,
    )
    inlines = (RubricCriterionInline,)
    actions = [*ArchivableAdmin.actions, "assign_zone_reviewers"]

    # The form's sections are edited on their own pages (each with its questions); listed and previewed here.
    @admin.display(description=_("form sections"))
    def form_sections(self, obj: Call | None) -> str:
        return call_form_sections(obj)

    @admin.display(description=_("preview of the form"))
    def form_preview(self, obj: Call | None) -> str:
        return call_form_preview(obj)

    @admin.display(description=_("zone"), ordering="program__zone__name_ko")
    def zone(self, obj: Call):
        return obj.program.zone

    @admin.display(description=_("window"), ordering="opens_at")
    def window(self, obj: Call) -> str:
        opens, closes = timezone.localtime(obj.opens_at), timezone.localtime(obj.closes_at)
        return f"{opens:%Y-%m-%d} – {closes:%Y-%m-%d}"

    @admin.display(description=_("state"))
    def state(self, obj: Call) -> str:
        now = timezone.now()
        if not obj.is_published:
            return CallStateFilter.STATES["unpublished"][1]
        if now < obj.opens_at:
            return CallStateFilter.STATES["upcoming"][1]
        if obj.is_open(now):
            return CallStateFilter.STATES["open"][1]
        return CallStateFilter.STATES["closed"][1]

    @admin.display(description=_("applications"), ordering="application_count")
    def application_count(self, obj: Call) -> int:
        return obj.application_count

    @admin.display(description=_("awards"), ordering="award_count")
    def award_count(self, obj: Call) -> int:
        return obj.award_count

    @admin.display(description=_("competition ratio"), ordering="competition_ratio")
    def competition_ratio(self, obj: Call) -> str:
        return "-" if obj.competition_ratio is None else f"{obj.competition_ratio:.1f} : 1"


class RubricCriterionAdminForm(forms.ModelForm):
    """One criterion on its own: the call's weights, this one included, must still total 100."""

    class Meta:
        model = RubricCriterion
        fields = ("call", "order", "name_ko", "name_en", "weight", "max_score", "pass_score")
        help_texts = {"weight": _("Change the weights of a call's criteria together, on the call's page.")}

    def clean(self):
        cleaned_data = super().clean()
        call, weight = cleaned_data.get("call"), cleaned_data.get("weight")
        if call is not None and weight:
            others = (
                RubricCriterion.objects.filter(call=call)
                .exclude(pk=self.instance.pk)
                .aggregate(total=Sum("weight"))["total"]
            )
            total = (others or 0) + weight
            if total != RUBRIC_TOTAL:
                self.add_error("weight", rubric_total_error(total))
        return cleaned_data


@admin.register(RubricCriterion)
class RubricCriterionAdmin(ForAdminListMixin, DomainAdmin):
    zone_path = "call__program__zone"
    form = RubricCriterionAdminForm
    list_display = ("name_ko", "call", "zone", "order", "weight", "max_score", "pass_score")
    list_filter = (ZoneListFilter,)
    search_fields = ("name_ko", "name_en", "call__title_ko", "call__code")
    autocomplete_fields = ("call",)
    readonly_fields = TIMESTAMPS
    fieldsets = (
        (None, {"fields": ("call", "order", "name_ko", "name_en", "weight", "max_score", "pass_score")}),
        RECORD_FIELDSET,
    )

    @admin.display(description=_("zone"), ordering="call__program__zone__name_ko")
    def zone(self, obj: RubricCriterion):
        return obj.call.program.zone

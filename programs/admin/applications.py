"""Applications to calls, and their reviews with the scores given on the call's rubric."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
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
from programs.models import Application, Review, ReviewScore


def format_score(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


class ReviewSubmittedFilter(admin.SimpleListFilter):
    title = _("submitted")
    parameter_name = "submitted"

    def lookups(self, request, model_admin):
        return [("yes", _("Submitted")), ("no", _("Not yet submitted"))]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return queryset.filter(submitted_at__isnull=self.value() == "no")
        return queryset


class ReviewInlineForm(forms.ModelForm):
    """A reviewer can be assigned here; an assignment made is not changed here."""

    class Meta:
        model = Review
        fields = ("reviewer",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["reviewer"].disabled = True


class ReviewInline(DomainInline):
    """Read-mostly: reviewers write their scores and comments themselves."""

    model = Review
    zone_path = "application__call__program__zone"
    form = ReviewInlineForm
    fields = ("reviewer", "conflict_of_interest", "submitted_at", "weighted_score", "comment")
    readonly_fields = ("conflict_of_interest", "submitted_at", "weighted_score", "comment")
    autocomplete_fields = ("reviewer",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer").with_score()

    @admin.display(description=_("weighted score"))
    def weighted_score(self, obj: Review) -> str:
        return format_score(getattr(obj, "weighted_score", None))


@admin.register(Application)
class ApplicationAdmin(ForAdminListMixin, ArchivableAdmin):
    zone_path = "call__program__zone"
    list_display = (
        "company",
        "call",
        "zone",
        "status",
        "submitted_at",
        "requested_amount",
        "requested_gpu_hours",
        "average_score",
        "review_count",
    )
    list_filter = (ZoneListFilter, "status", "call__program__kind")
    search_fields = ("title", "company__name_ko", "company__name_en", "=company__brn", "call__title_ko", "call__code")
    search_help_text = _("Title, company name or business number (123-45-67890), call title or code.")
    number_search_paths = ("company__brn",)
    autocomplete_fields = ("call", "company", "special_case", "cohort")
    date_hierarchy = "submitted_at"
    # Status changes go through the workflow's services; here they are only shown.
    readonly_fields = (
        "status",
        "allowed_next_statuses",
        "submitted_at",
        "decided_at",
        "average_score",
        "review_count",
        *TIMESTAMPS,
    )
    fieldsets = (
        (None, {"fields": ("call", "company", "title", "summary")}),
        (_("Request"), {"fields": ("requested_amount_krw", "requested_gpu_hours", "special_case", "cohort")}),
        (
            _("Workflow"),
            {
                "fields": (
                    "status",
                    "allowed_next_statuses",
                    "submitted_at",
                    "decided_at",
                    "average_score",
                    "review_count",
                )
            },
        ),
        ARCHIVED_RECORD_FIELDSET,
    )
    inlines = (ReviewInline,)

    @admin.display(description=_("zone"), ordering="call__program__zone__name_ko")
    def zone(self, obj: Application):
        return obj.call.program.zone

    @admin.display(description=_("requested amount"), ordering="requested_amount_krw")
    def requested_amount(self, obj: Application) -> str:
        return format_krw(obj.requested_amount_krw)

    @admin.display(description=_("average score"), ordering="average_score")
    def average_score(self, obj: Application) -> str:
        return format_score(getattr(obj, "average_score", None))

    @admin.display(description=_("reviews"), ordering="review_count")
    def review_count(self, obj: Application) -> int:
        return getattr(obj, "review_count", 0)

    @admin.display(description=_("allowed next statuses"))
    def allowed_next_statuses(self, obj: Application) -> str:
        statuses = obj.allowed_transitions()
        if not statuses:
            return str(_("None: this is a final status."))
        return ", ".join(str(Application.Status(status).label) for status in statuses)


class ReviewScoreForm(forms.ModelForm):
    """A score is on a criterion of the application's own call, and within the criterion's maximum."""

    class Meta:
        model = ReviewScore
        fields = ("review", "criterion", "score")

    def clean(self):
        cleaned_data = super().clean()
        review, criterion, score = cleaned_data.get("review"), cleaned_data.get("criterion"), cleaned_data.get("score")
        if criterion is None:
            return cleaned_data
        if score is not None and score > criterion.max_score:
            self.add_error(
                "score",
                ValidationError(
                    _("The score cannot be higher than the criterion's maximum, %(max)d."),
                    code="score_above_maximum",
                    params={"max": criterion.max_score},
                ),
            )
        if review is not None and review.application_id and review.application.call_id != criterion.call_id:
            self.add_error(
                "criterion",
                ValidationError(_("This criterion belongs to another call's rubric."), code="criterion_other_call"),
            )
        return cleaned_data


class ReviewScoreInline(DomainInline):
    model = ReviewScore
    zone_path = "review__application__call__program__zone"
    form = ReviewScoreForm
    fields = ("criterion", "score", "maximum")
    readonly_fields = ("maximum",)
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("criterion")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and obj.application_id:
            # The formset's form class is built afresh for each request: narrowing it here is safe.
            field = formset.form.base_fields["criterion"]
            field.queryset = field.queryset.filter(call_id=obj.application.call_id)
        return formset

    @admin.display(description=_("maximum score"))
    def maximum(self, obj: ReviewScore):
        return obj.criterion.max_score if obj.criterion_id else "-"


@admin.register(Review)
class ReviewAdmin(ForAdminListMixin, DomainAdmin):
    zone_path = "application__call__program__zone"
    list_display = ("application", "call", "reviewer", "submitted_at", "conflict_of_interest", "weighted_score")
    list_filter = (ZoneListFilter, ReviewSubmittedFilter)
    search_fields = (
        "application__title",
        "application__company__name_ko",
        "application__company__name_en",
        "reviewer__username",
        "reviewer__email",
    )
    autocomplete_fields = ("application", "reviewer")
    date_hierarchy = "submitted_at"
    readonly_fields = ("weighted_score", *TIMESTAMPS)
    fieldsets = (
        (None, {"fields": ("application", "reviewer", "conflict_of_interest")}),
        (_("Review"), {"fields": ("comment", "submitted_at", "weighted_score")}),
        RECORD_FIELDSET,
    )
    inlines = (ReviewScoreInline,)

    @admin.display(description=_("call"), ordering="application__call__title_ko")
    def call(self, obj: Review):
        return obj.application.call

    @admin.display(description=_("weighted score"), ordering="weighted_score")
    def weighted_score(self, obj: Review) -> str:
        return format_score(getattr(obj, "weighted_score", None))


@admin.register(ReviewScore)
class ReviewScoreAdmin(ForAdminListMixin, DomainAdmin):
    zone_path = "review__application__call__program__zone"
    form = ReviewScoreForm
    list_display = ("application", "reviewer", "criterion", "score", "maximum")
    list_filter = (ZoneListFilter,)
    search_fields = (
        "criterion__name_ko",
        "review__application__title",
        "review__application__company__name_ko",
        "review__reviewer__username",
    )
    autocomplete_fields = ("review", "criterion")
    readonly_fields = TIMESTAMPS
    fieldsets = ((None, {"fields": ("review", "criterion", "score")}), RECORD_FIELDSET)

    @admin.display(description=_("application"), ordering="review__application__title")
    def application(self, obj: ReviewScore):
        return obj.review.application

    @admin.display(description=_("reviewer"), ordering="review__reviewer__username")
    def reviewer(self, obj: ReviewScore):
        return obj.review.reviewer

    @admin.display(description=_("maximum score"), ordering="criterion__max_score")
    def maximum(self, obj: ReviewScore) -> int:
        return obj.criterion.max_score

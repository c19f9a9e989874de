"""Screening and review in the admin: the screening records, a call's ranking page and its reviewer
assignment, and the reviewer's own tools on a review (score and submit, declare a conflict of interest).

The write paths call programs.services.reviews; reviewers (users whose only zone role is reviewer) see only
the reviews assigned to them and never edit a review's form directly.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin import RECORD_FIELDSET, TIMESTAMPS, DomainAdmin, ForAdminListMixin, ZoneListFilter
from core.exceptions import ApplicationError
from programs.models import Call, Review, RubricCriterion, Screening
from programs.selectors import (
    call_ranking,
    criterion_average_key,
    criterion_passed_key,
    user_is_reviewer_only,
    zone_reviewers,
)
from programs.services.reviews import review_declare_conflict, review_submit, reviews_assign_for_call


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


# --- screening -----------------------------------------------------------------------------


@admin.register(Screening)
class ScreeningAdmin(ForAdminListMixin, DomainAdmin):
    """Screening results are recorded by the service (application_screen); here they are listed and read."""

    zone_path = "application__call__program__zone"
    list_display = ("application", "call", "eligible", "reason", "screened_by", "screened_at")
    list_filter = (ZoneListFilter, "eligible")
    search_fields = ("application__title", "application__company__name_ko", "application__call__title_ko")
    date_hierarchy = "screened_at"
    readonly_fields = ("application", "eligible", "reason", "screened_by", "screened_at", *TIMESTAMPS)
    fieldsets = (
        (None, {"fields": ("application", "eligible", "reason", "screened_by", "screened_at")}),
        RECORD_FIELDSET,
    )

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("call"), ordering="application__call__title_ko")
    def call(self, obj: Screening):
        return obj.application.call


# --- a call's ranking and reviewer assignment (mixed into CallAdmin) -------------------------------------


class CallReviewMixin:
    """The ranking page of a call (admin:programs_call_ranking) and the bulk assignment of the zone's reviewers."""

    def get_urls(self):
        ranking = self.admin_site.admin_view(self.ranking_view)
        return [path("<path:object_id>/ranking/", ranking, name="programs_call_ranking"), *super().get_urls()]

    @admin.display(description=_("ranking"))
    def ranking_link(self, obj: Call | None):
        if obj is None or obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:programs_call_ranking", args=[obj.pk]), gettext("Review ranking")
        )

    def ranking_view(self, request, object_id):
        if user_is_reviewer_only(request.user):
            raise PermissionDenied
        call = self.get_object(request, unquote(object_id))
        if call is None:
            raise Http404(gettext("No such call in your zones."))
        if not self.has_view_or_change_permission(request, call):
            raise PermissionDenied
        criteria: list[RubricCriterion] = list(call.criteria.order_by("order", "pk"))
        rows = []
        for application in call_ranking(call, criteria):
            screening = getattr(application, "screening", None) if _has_screening(application) else None
            rows.append(
                {
                    "rank": application.rank if application.average_score is not None else None,
                    "application": application,
                    "average": _score(application.average_score),
                    "spread": _score(application.spread),
                    "review_count": application.review_count,
                    "criteria": [
                        (
                            _score(getattr(application, criterion_average_key(criterion))),
                            getattr(application, criterion_passed_key(criterion)),
                        )
                        for criterion in criteria
                    ],
                    "passes_overall": application.passes_overall,
                    "passed": application.passed,
                    "screening": screening,
                }
            )
        ratio = getattr(call, "competition_ratio", None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": call,
            "title": gettext("Review ranking: %(call)s") % {"call": call},
            "criteria": criteria,
            "rows": rows,
            "application_count": getattr(call, "application_count", None),
            "award_count": getattr(call, "award_count", None),
            "competition_ratio": "-" if ratio is None else f"{ratio:.1f} : 1",
        }
        return TemplateResponse(request, "programs/admin/call_ranking.html", context)

    @admin.action(description=_("Assign the zone's reviewers to all applications under review"), permissions=["change"])
    def assign_zone_reviewers(self, request, queryset) -> None:
        for call in queryset.select_related("program"):
            reviewers = list(zone_reviewers(call.program.zone_id))
            if not reviewers:
                self.message_user(request, gettext("%(call)s: the zone has no active reviewers.") % {"call": call})
                continue
            try:
                result = reviews_assign_for_call(call=call, reviewers=reviewers, acting_user=request.user)
            except ApplicationError as error:
                self.message_user(request, f"{call}: {error.message}", messages.WARNING)
                continue
            created = len(result.created)
            self.message_user(
                request,
                ngettext(
                    "%(call)s: %(n)d review assigned (%(skipped)d skipped: already assigned or conflict of interest).",
                    "%(call)s: %(n)d reviews assigned (%(skipped)d skipped: already assigned or conflict of interest).",
                    created,
                )
                % {"call": call, "n": created, "skipped": result.already_assigned + result.conflicts_skipped},
            )


def _has_screening(application) -> bool:
    try:
        application.screening  # noqa: B018 (select_related: no query)
    except Screening.DoesNotExist:
        return False
    return True


# --- the reviewer's tools on a review (mixed into ReviewAdmin and ReviewScoreAdmin) ---------------------------


class ReviewScoringForm(forms.Form):
    """One whole-number field per criterion of the call's rubric, and the reviewer's comment."""

    def __init__(self, *args, criteria: list[RubricCriterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            help_text = gettext("weight %(weight)d%%, 0-%(max)d") % {
                "weight": criterion.weight,
                "max": criterion.max_score,
            }
            if criterion.pass_score is not None:
                help_text += ", " + gettext("pass score %(pass)d") % {"pass": criterion.pass_score}
            self.fields[f"criterion_{criterion.pk}"] = forms.IntegerField(
                label=criterion.name_ko, min_value=0, max_value=criterion.max_score, help_text=help_text
            )
        self.fields["comment"] = forms.CharField(
            label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 6, "cols": 80})
        )

    def scores(self) -> dict[int, int]:
        return {criterion.pk: self.cleaned_data[f"criterion_{criterion.pk}"] for criterion in self.criteria}


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("What is the conflict of interest?"), widget=forms.Textarea(attrs={"rows": 4, "cols": 80})
    )


class ReviewVisibilityMixin:
    """Reviewers see only the reviews assigned to them (and 404 on any other); their forms are read-only."""

    reviewer_path = "reviewer"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if user_is_reviewer_only(request.user):
            return queryset.filter(**{self.reviewer_path: request.user})
        return queryset

    def has_change_permission(self, request, obj=None) -> bool:
        # Reviewers write through the scoring and conflict pages (the services), never the raw form;
        # a submitted review (and its scores) is locked for everyone.
        if user_is_reviewer_only(request.user) or _submitted(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        if user_is_reviewer_only(request.user):
            return False
        return super().has_add_permission(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404(gettext("No such record among yours."))
        return super().change_view(request, object_id, form_url, extra_context)


def _submitted(obj) -> bool:
    """A submitted review, or a score of one."""
    review = getattr(obj, "review", obj)
    return isinstance(review, Review) and review.submitted_at is not None


class ReviewWorkflowMixin(ReviewVisibilityMixin):
    """The review's page links to the reviewer's scoring and conflict pages; a submitted review is locked."""

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if _submitted(obj):
            for inline in inlines:
                inline.has_change_permission = lambda request, obj=None: False
                inline.has_add_permission = lambda request, obj=None: False
                inline.max_num = 0
        return inlines

    def get_urls(self):
        score = self.admin_site.admin_view(self.score_view)
        conflict = self.admin_site.admin_view(self.conflict_view)
        return [
            path("<path:object_id>/score/", score, name="programs_review_score"),
            path("<path:object_id>/conflict/", conflict, name="programs_review_conflict"),
            *super().get_urls(),
        ]

    @admin.display(description=_("reviewer's tools"))
    def reviewer_tools(self, obj: Review | None):
        if obj is None or obj.pk is None:
            return "-"
        if obj.conflict_of_interest:
            return gettext("Conflict of interest declared: %(reason)s") % {"reason": obj.conflict_reason or "-"}
        if obj.submitted_at is not None:
            return gettext("Submitted: the review is locked.")
        return format_html(
            '<a class="button" href="{}">{}</a> <a class="button" href="{}">{}</a> <span class="help">{}</span>',
            reverse("admin:programs_review_score", args=[obj.pk]),
            gettext("Score and submit"),
            reverse("admin:programs_review_conflict", args=[obj.pk]),
            gettext("Declare a conflict of interest"),
            gettext("(the assigned reviewer only)"),
        )

    def _own_review(self, request, object_id) -> Review:
        review = self.get_object(request, unquote(object_id))
        if review is None:
            raise Http404(gettext("No such review among yours."))
        if review.reviewer_id != request.user.pk:
            raise PermissionDenied
        return review

    def _render(self, request, review: Review, form, title: str, template: str, **extra):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": review,
            "application": review.application,
            "title": title,
            "form": form,
            "media": self.media + form.media,
            **extra,
        }
        return TemplateResponse(request, template, context)

    def _back(self, review: Review):
        return HttpResponseRedirect(reverse("admin:programs_review_change", args=[review.pk]))

    def score_view(self, request, object_id):
        review = self._own_review(request, object_id)
        criteria = list(review.application.call.criteria.order_by("order", "pk"))
        form = ReviewScoringForm(request.POST or None, criteria=criteria, initial={"comment": review.comment})
        if request.method == "POST" and form.is_valid():
            try:
                review_submit(
                    review=review,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                    acting_user=request.user,
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(request, gettext("Review submitted."), messages.SUCCESS)
                return self._back(review)
        return self._render(
            request,
            review,
            form,
            gettext("Score and submit the review"),
            "programs/admin/review_action.html",
            submit_label=gettext("Submit the review (it is locked after this)"),
        )

    def conflict_view(self, request, object_id):
        review = self._own_review(request, object_id)
        form = ConflictForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                review_declare_conflict(review=review, acting_user=request.user, reason=form.cleaned_data["reason"])
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(request, gettext("Conflict of interest declared."), messages.SUCCESS)
                return self._back(review)
        return self._render(
            request,
            review,
            form,
            gettext("Declare a conflict of interest"),
            "programs/admin/review_action.html",
            submit_label=gettext("Declare (the review will not count and cannot be scored)"),
        )

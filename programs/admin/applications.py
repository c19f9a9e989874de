"""Applications to calls, and their reviews with the scores given on the call's rubric."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
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
    year_filter,
)
from core.admin_workflow import WorkflowAdminMixin
from core.exceptions import ApplicationError
from core.formatting import format_krw
from programs.admin.reviews import ReviewVisibilityMixin, ReviewWorkflowMixin
from programs.models import (
    Application,
    ApplicationDocument,
    ApplicationMessage,
    ApplicationRevision,
    ApplicationTransition,
    Fund,
    Investment,
    Program,
    Review,
    ReviewScore,
)
from programs.selectors import applications_visible_to_reviewer, revision_changes
from programs.services.applications import (
    application_message_from_office,
    application_request_info,
    application_start_screening,
)
from programs.services.decisions import application_approve, application_step, office_steps_for
from programs.services.outcomes import ApprovalDetails, investing_funds


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


# --- what the company's application accumulates: read-only here ----------------------------------------


class ReadOnlyInlineFormSet(BaseInlineFormSet):
    """Shown, never posted: saving the application's page neither needs these rows in the POST nor changes them."""

    def __init__(self, *args, **kwargs):
        kwargs.pop("data", None)
        kwargs.pop("files", None)
        super().__init__(*args, **kwargs)
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []

    def is_valid(self) -> bool:
        return True

    def save(self, commit=True):
        return []


class ReadOnlyInline(DomainInline):
    """Rows written by the portal and the workflow's services: shown, never added or edited here."""

    zone_path = "application__call__program__zone"
    formset = ReadOnlyInlineFormSet
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        # Whoever may see the application sees what it accumulated.
        return self.admin_site.get_model_admin(Application).has_view_or_change_permission(request, obj)


class ApplicationRevisionInline(ReadOnlyInline):
    model = ApplicationRevision
    fields = ("number", "submitted_at", "submitted_by", "form_version", "document_list", "changes")
    readonly_fields = fields
    verbose_name_plural = _("submitted revisions (and what changed from the previous one)")

    def get_queryset(self, request):
        previous = ApplicationRevision.objects.filter(
            application=OuterRef("application"), number__lt=OuterRef("number")
        ).order_by("-number")
        return (
            super()
            .get_queryset(request)
            .select_related("submitted_by")
            .prefetch_related("documents")
            .annotate(previous_id=Subquery(previous.values("pk")[:1]))
            .order_by("number")
        )

    @admin.display(description=_("documents"))
    def document_list(self, obj: ApplicationRevision):
        documents = list(obj.documents.all())
        if not documents:
            return "-"
        return format_html_join(
            "",
            '<a href="{}">{}</a><br>',
            ((reverse("programs:document_download", args=[d.pk]), d.original_name) for d in documents),
        )

    @admin.display(description=_("what changed from the previous revision"))
    def changes(self, obj: ApplicationRevision):
        previous_id = getattr(obj, "previous_id", None)
        if previous_id is None:
            return gettext("First submission")
        previous = ApplicationRevision.objects.prefetch_related("documents").get(pk=previous_id)
        rows = revision_changes(obj, previous)
        if not rows:
            return gettext("No answer changed")
        return format_html(
            '<ul style="margin:0;padding-left:1.2em">{}</ul>',
            format_html_join(
                "",
                "<li><strong>{}</strong>: <del>{}</del> → <ins>{}</ins></li>",
                ((label, before, after) for label, before, after in rows),
            ),
        )


class ApplicationDocumentInline(ReadOnlyInline):
    model = ApplicationDocument
    fields = ("download", "question_key", "content_type", "size_display", "uploaded_by", "created_at", "removed_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by").order_by("question_key", "created_at")

    @admin.display(description=_("file"))
    def download(self, obj: ApplicationDocument):
        return format_html(
            '<a href="{}">{}</a>', reverse("programs:document_download", args=[obj.pk]), obj.original_name
        )

    @admin.display(description=_("size"))
    def size_display(self, obj: ApplicationDocument) -> str:
        from django.template.defaultfilters import filesizeformat

        return filesizeformat(obj.size)


class ApplicationMessageInline(ReadOnlyInline):
    model = ApplicationMessage
    fields = ("created_at", "author", "from_office", "kind", "body", "due_on", "read_at")
    readonly_fields = fields
    verbose_name_plural = _("messages with the company (write one with “Write to the company” above)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author").order_by("created_at", "pk")


class ApplicationTransitionInline(ReadOnlyInline):
    model = ApplicationTransition
    fields = ("at", "actor", "from_status", "to_status", "comment")
    readonly_fields = fields
    verbose_name_plural = _("status history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor").order_by("at", "pk")


# --- the office writes to the company -----------------------------------------------------------------------

STANDARD_INFO_REQUEST = (
    "신청서 검토를 위해 보완이 필요합니다. 포털의 신청서 화면에서 요청 내용을 확인하고, 내용을 보완한 뒤 다시 "
    "제출해 주십시오.\n\n"
    "We need more information to screen your application. Please see the request on your application's page "
    "in the portal, complete the application and resubmit it."
)


class OfficeMessageForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (ApplicationMessage.Kind.INFO_REQUEST, _("Request more information (the application reopens for editing)")),
            (ApplicationMessage.Kind.MESSAGE, _("Message only (the status does not change)")),
        ],
        widget=forms.RadioSelect,
    )
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8, "cols": 80}))
    due_on = forms.DateField(
        label=_("Answer due on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For a request for information; optional."),
    )


class ApprovalForm(forms.Form):
    """What the approval sets on the outcome record; only the fields of the call's kind are shown."""

    KIND_FIELDS = {
        Program.Kind.COMPUTE: ("resource", "value_krw", "starts_on", "ends_on"),
        Program.Kind.FUND: ("fund", "amount_krw", "instrument", "starts_on"),
        Program.Kind.EXEMPTION: ("starts_on", "ends_on", "conditions"),
    }
    COMMON_FIELDS = ("expected_from", "comment")

    expected_from = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment (kept with the decision)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    resource = forms.CharField(label=_("Resource"), max_length=100, initial="GPU", help_text=_("e.g. NVIDIA H100"))
    value_krw = forms.IntegerField(label=_("Value (KRW)"), min_value=0, required=False)
    fund = forms.ModelChoiceField(label=_("Fund"), queryset=Fund.objects.none())
    amount_krw = forms.IntegerField(label=_("Amount (KRW)"), min_value=1)
    instrument = forms.ChoiceField(label=_("Instrument"), choices=Investment.Instrument.choices)
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    conditions = forms.CharField(label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        kind = application.call.program.kind
        keep = (*self.COMMON_FIELDS, *self.KIND_FIELDS.get(kind, ()))
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "fund" in self.fields:
            funds = investing_funds(application.call.program.zone_id)
            self.fields["fund"].queryset = funds
            if len(funds) == 1:
                self.fields["fund"].initial = funds[0].pk
        if "amount_krw" in self.fields:
            self.fields["amount_krw"].initial = application.requested_amount_krw or None
        if kind == Program.Kind.FUND:
            self.fields["starts_on"].label = _("Invested on")
        if kind == Program.Kind.EXEMPTION and application.special_case_id:
            self.fields["conditions"].initial = application.special_case.conditions

    def details(self) -> ApprovalDetails:
        data = self.cleaned_data
        return ApprovalDetails(
            resource=data.get("resource") or None,
            value_krw=data.get("value_krw"),
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            fund=data.get("fund"),
            amount_krw=data.get("amount_krw"),
            instrument=data.get("instrument") or None,
            conditions=data.get("conditions") if "conditions" in self.fields else None,
        )


class RejectReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept with each application and sent to the company)"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )


@admin.register(Application)
class ApplicationAdmin(WorkflowAdminMixin, ForAdminListMixin, ArchivableAdmin):
    zone_path = "zone"
    walk_one_zone = True
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
    list_filter = (ZoneListFilter, "status", "call__program__kind", year_filter("submitted_at", _("year submitted")))
    search_fields = ("title", "company__name_ko", "company__name_en", "=company__brn", "call__title_ko", "call__code")
    search_help_text = _("Title, company name or business number (123-45-67890), call title or code.")
    search_per_row = True
    number_search_paths = ("company__brn",)
    autocomplete_fields = ("call", "company", "special_case", "cohort")
    # Status changes go through the workflow's services; here they are only shown.
    readonly_fields = (
        "status",
        "allowed_next_statuses",
        "office_tools",
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
                    "office_tools",
                    "submitted_at",
                    "decided_at",
                    "average_score",
                    "review_count",
                )
            },
        ),
        ARCHIVED_RECORD_FIELDSET,
    )
    inlines = (
        ApplicationTransitionInline,
        ApplicationMessageInline,
        ApplicationRevisionInline,
        ApplicationDocumentInline,
        ReviewInline,
    )
    actions = [
        *ArchivableAdmin.actions,
        "start_screening",
        "send_to_review",
        "reject_selected",
        "request_information",
    ]

    def get_queryset(self, request):
        # A reviewer-only user sees the applications assigned to them, nothing else of the zone.
        return applications_visible_to_reviewer(request.user, super().get_queryset(request))

    # --- the office's workflow tools ---

    def get_urls(self):
        write = self.admin_site.admin_view(self.write_view)
        approve = self.admin_site.admin_view(self.approve_view)
        return [
            path("<path:object_id>/write/", write, name="programs_application_write"),
            path("<path:object_id>/approve/", approve, name="programs_application_approve"),
            *super().get_urls(),
        ]

    # --- the workflow's buttons (WorkflowAdminMixin): the office's steps, through the decision services ---

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        context = getattr(response, "context_data", None) or {}
        workflow, original = context.get("workflow"), context.get("original")
        if workflow and original is not None:
            # Only what this user may do: the company's own steps and, for officers, the decision are left out.
            allowed = set(office_steps_for(original, request.user))
            workflow["steps"] = [(step, label) for step, label in workflow["steps"] if step in allowed]
        return response

    def transition_view(self, request, object_id):
        # Approval asks for the outcome's details first: the approval page, carrying the status the person saw.
        if request.method == "POST" and request.POST.get("to") == Application.Status.APPROVED:
            query = urlencode(
                {"expected_from": request.POST.get("expected_from", ""), "comment": request.POST.get("comment", "")}
            )
            return HttpResponseRedirect(f"{reverse('admin:programs_application_approve', args=[object_id])}?{query}")
        return super().transition_view(request, object_id)

    def perform_transition(self, request, obj, to: str, comment: str, expected_from: str):
        if to == Application.Status.INFO_REQUESTED and not comment:
            comment = STANDARD_INFO_REQUEST
        return application_step(
            application=obj, to=to, acting_user=request.user, comment=comment, expected_from=expected_from or None
        )

    def approve_view(self, request, object_id):
        """The decision to award, with what the outcome record (allocation, investment, grant) needs."""
        application = self.get_object(request, unquote(object_id))
        if application is None:
            raise Http404(gettext("No such application in your zones."))
        if not self.has_change_permission(request, application):
            raise PermissionDenied
        initial = {
            "expected_from": request.GET.get("expected_from") or application.status,
            "comment": request.GET.get("comment", ""),
        }
        form = ApprovalForm(request.POST or None, initial=initial, application=application)
        if request.method == "POST" and form.is_valid():
            try:
                approval = application_approve(
                    application=application,
                    acting_user=request.user,
                    comment=form.cleaned_data["comment"],
                    expected_from=form.cleaned_data["expected_from"],
                    details=form.details(),
                )
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                if approval.outcome is None:
                    text = gettext("Approved. This kind of call has no outcome record: the approval is the record.")
                else:
                    text = gettext("Approved, and recorded: %(outcome)s (%(kind)s).") % {
                        "outcome": approval.outcome,
                        "kind": approval.outcome._meta.verbose_name,
                    }
                self.message_user(request, text, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:programs_application_change", args=[application.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": application,
            "title": gettext("Approve the application"),
            "form": form,
            "kind": application.call.program.get_kind_display(),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/programs/application/approve.html", context)

    @admin.display(description=_("zone office"))
    def office_tools(self, obj: Application):
        if obj.pk is None:
            return "-"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:programs_application_write", args=[obj.pk]),
            gettext("Write to the company / request more information"),
        )

    def write_view(self, request, object_id):
        """A message to the company, or a request for more information that reopens the application."""
        application = self.get_object(request, unquote(object_id))
        if application is None:
            raise Http404(gettext("No such application in your zones."))
        if not self.has_change_permission(request, application):
            raise PermissionDenied
        # From "submitted" the request starts the screening first: two transitions, both in the history.
        can_request = application.status in (Application.Status.SUBMITTED, Application.Status.SCREENING)
        initial = {"kind": ApplicationMessage.Kind.INFO_REQUEST if can_request else ApplicationMessage.Kind.MESSAGE}
        if can_request:
            initial["body"] = STANDARD_INFO_REQUEST
        form = OfficeMessageForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if data["kind"] == ApplicationMessage.Kind.INFO_REQUEST:
                    with transaction.atomic():
                        if application.status == Application.Status.SUBMITTED:
                            application_start_screening(application=application, acting_user=request.user)
                        application_request_info(
                            application=application,
                            acting_user=request.user,
                            message=data["body"],
                            due_on=data["due_on"],
                        )
                else:
                    application_message_from_office(
                        application=application, acting_user=request.user, body=data["body"]
                    )
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                self.message_user(request, gettext("Sent to the company."), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:programs_application_change", args=[application.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": application,
            "title": gettext("Write to the company"),
            "form": form,
            "can_request": can_request,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "programs/admin/application_write.html", context)

    def _run(self, request, queryset, service, **kwargs) -> int:
        """Each record on its own: one refused is reported (which and why), the others proceed."""
        done = refused = 0
        for application in queryset:
            try:
                service(application=application, acting_user=request.user, **kwargs)
            except ApplicationError as error:
                refused += 1
                self.message_user(request, f"{application}: {error.message}", messages.WARNING)
            else:
                done += 1
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(n)d application was refused (see above).",
                    "%(n)d applications were refused (see above).",
                    refused,
                )
                % {"n": refused},
                messages.WARNING,
            )
        return done

    @admin.action(description=_("Start screening the selected submitted applications"), permissions=["change"])
    def start_screening(self, request, queryset) -> None:
        done = self._run(request, queryset, application_step, to=Application.Status.SCREENING)
        if done:
            self.message_user(
                request,
                ngettext("%(n)d application in screening.", "%(n)d applications in screening.", done) % {"n": done},
            )

    @admin.action(description=_("Move the selected applications in screening to review"), permissions=["change"])
    def send_to_review(self, request, queryset) -> None:
        done = self._run(request, queryset, application_step, to=Application.Status.UNDER_REVIEW)
        if done:
            self.message_user(
                request,
                ngettext("%(n)d application moved to review.", "%(n)d applications moved to review.", done)
                % {"n": done},
            )

    @admin.action(description=_("Reject the selected applications (with a reason)"), permissions=["change"])
    def reject_selected(self, request, queryset):
        """First a page asking the reason; then each application is rejected on its own."""
        form = RejectReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = self._run(
                request, queryset, application_step, to=Application.Status.REJECTED, comment=form.cleaned_data["reason"]
            )
            if done:
                self.message_user(
                    request, ngettext("%(n)d application rejected.", "%(n)d applications rejected.", done) % {"n": done}
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Reject the selected applications"),
            "form": form,
            "queryset": queryset,
            "action": "reject_selected",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/programs/application/reject_selected.html", context)

    @admin.action(
        description=_("Request more information (standard message) for the selected applications in screening"),
        permissions=["change"],
    )
    def request_information(self, request, queryset) -> None:
        done = self._run(request, queryset, application_request_info, message=STANDARD_INFO_REQUEST)
        if done:
            self.message_user(
                request,
                ngettext(
                    "More information requested for %(n)d application.",
                    "More information requested for %(n)d applications.",
                    done,
                )
                % {"n": done},
            )

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
class ReviewAdmin(ReviewWorkflowMixin, ForAdminListMixin, DomainAdmin):
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
    readonly_fields = ("weighted_score", "reviewer_tools", "conflict_reason", *TIMESTAMPS)
    fieldsets = (
        (None, {"fields": ("application", "reviewer", "conflict_of_interest", "conflict_reason")}),
        (_("Review"), {"fields": ("reviewer_tools", "comment", "submitted_at", "weighted_score")}),
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
class ReviewScoreAdmin(ReviewVisibilityMixin, ForAdminListMixin, DomainAdmin):
    zone_path = "review__application__call__program__zone"
    reviewer_path = "review__reviewer"
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

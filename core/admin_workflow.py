"""Workflow steps in the admin: the allowed next steps as buttons on the change page, one view that runs them.

A ModelAdmin mixes in `WorkflowAdminMixin` (and `TransitionLogInline` to show the steps taken), makes
its status field read-only and, where a step needs more than a status change, overrides
`perform_transition` to call its own service.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from core.exceptions import ApplicationError
from core.models import TransitionLog
from core.services import workflow_transition


class TransitionLogInline(GenericTabularInline):
    """Every step the record took: who, when, from, to, why. Read-only."""

    model = TransitionLog
    ct_field = "content_type"
    ct_fk_field = "object_id"
    extra = 0
    can_delete = False
    fields = ("at", "actor", "from_status", "to_status", "comment")
    readonly_fields = fields
    verbose_name = _("workflow step")
    verbose_name_plural = _("workflow history")

    def has_view_permission(self, request, obj=None) -> bool:
        # Whoever may see the record (the parent admin decides, zone-scoped) sees how it got here.
        return True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class WorkflowAdminMixin:
    """The allowed next steps (from the model's TRANSITIONS) as buttons above the change form; nothing else."""

    workflow_field = "status"
    change_form_template = "admin/workflow/change_form.html"

    def allowed_steps(self, obj) -> tuple[str, ...]:
        return type(obj).TRANSITIONS.get(getattr(obj, self.workflow_field), ())

    def perform_transition(self, request, obj, to: str, comment: str, expected_from: str):
        """Run one step. Override for steps that do more than change the status (and call their service)."""
        return workflow_transition(
            obj=obj,
            to=to,
            acting_user=request.user,
            comment=comment,
            expected_from=expected_from,
            field=self.workflow_field,
        )

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/step/",
                self.admin_site.admin_view(self.transition_view),
                name=f"{opts.app_label}_{opts.model_name}_step",
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, object_id):
        if request.method != "POST":
            raise Http404
        obj = self.get_object(request, unquote(object_id))  # scoped: another zone's record is not found
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        to = request.POST.get("to", "")
        try:
            self.perform_transition(
                request, obj, to, request.POST.get("comment", "").strip(), request.POST.get("expected_from", "")
            )
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            label = dict(self.model._meta.get_field(self.workflow_field).choices).get(to, to)
            self.message_user(request, _("Done: now “%(status)s”.") % {"status": label}, messages.SUCCESS)
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_change_permission(request, obj):
            opts = self.model._meta
            choices = dict(opts.get_field(self.workflow_field).choices)
            extra_context["workflow"] = {
                "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_step", args=[obj.pk]),
                "current": getattr(obj, self.workflow_field),
                "current_label": choices.get(getattr(obj, self.workflow_field)),
                "steps": [(step, choices.get(step, step)) for step in self.allowed_steps(obj)],
            }
        return super().change_view(request, object_id, form_url, extra_context)

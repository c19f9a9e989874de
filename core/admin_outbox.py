"""The outgoing e-mail outbox in the admin.

Read-only (nothing added, edited or deleted here) for superusers and staff given the view permission: what was
sent, what waits and what failed, searchable by recipient, subject and key. Bodies may hold personal data and are
shown only to users with `core.view_outgoingemail`. Failed e-mails can be sent again (change permission).
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import BoundedCountPaginator
from core.models import OutgoingEmail
from core.notifications import outgoing_emails_resend

BODY_PERMISSION = "core.view_outgoingemail"


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "created_at",
        "short_subject",
        "recipient_list",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    )
    list_display_links = ("id", "short_subject")
    list_filter = ("status", "created_at")
    paginator = BoundedCountPaginator  # the table grows with the retention period: no full count
    search_fields = ("recipients", "subject", "key")
    search_help_text = _("Recipient address, subject, or the message key.")
    list_per_page = 100
    show_full_result_count = False
    actions = ["send_again"]
    ordering = ("-id",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # A row is never edited (the sender owns it); the change permission only allows "send again".
        if obj is not None:
            return False
        return super().has_change_permission(request)

    def get_fields(self, request, obj=None):
        fields = ["key", "recipient_list", "subject", "status", "attempts", "last_error", "next_attempt_at"]
        fields += ["created_at", "sent_at"]
        if request.user.has_perm(BODY_PERMISSION):
            fields.insert(3, "body")
        return fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("recipients"))
    def recipient_list(self, obj: OutgoingEmail) -> str:
        return ", ".join(obj.recipients)

    @admin.display(description=_("subject"), ordering="subject")
    def short_subject(self, obj: OutgoingEmail) -> str:
        return obj.subject if len(obj.subject) <= 80 else obj.subject[:79] + "…"

    @admin.action(description=_("Send again"), permissions=["change"])
    def send_again(self, request, queryset) -> None:
        selected = list(queryset.values_list("pk", flat=True))
        resent = outgoing_emails_resend(ids=selected, acting_user=request.user)
        if resent:
            self.message_user(
                request,
                ngettext(
                    "%(count)d failed e-mail will be sent again.",
                    "%(count)d failed e-mails will be sent again.",
                    resent,
                )
                % {"count": resent},
                messages.SUCCESS,
            )
        if resent < len(selected):
            self.message_user(
                request,
                _("%(count)d selected e-mail(s) had not failed and were left as they are.")
                % {"count": len(selected) - resent},
                messages.WARNING,
            )

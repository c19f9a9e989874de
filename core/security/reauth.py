"""The password asked again before sensitive admin actions: exports of personal data and role changes.

A session counts as recently authenticated for `REAUTH_MAX_AGE` seconds after the password was typed (at login
or on the confirmation page)."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.security.sessions import AUTH_AT, now


def is_recently_authenticated(request: HttpRequest) -> bool:
    stamp = request.session.get(AUTH_AT)
    return stamp is not None and now() - stamp <= settings.REAUTH_MAX_AGE


def mark_authenticated(request: HttpRequest) -> None:
    request.session[AUTH_AT] = now()


def reauth_redirect(request: HttpRequest, next_url: str | None = None) -> HttpResponseRedirect:
    """To the confirmation page, coming back to `next_url` (the current page by default) afterwards."""
    query = urlencode({"next": next_url or request.get_full_path()})
    return HttpResponseRedirect(f"{reverse('security:confirm_password')}?{query}")


def reauth_required(view):
    """Decorate a view (function or admin method) so that it asks for the password unless typed recently."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        request = next(arg for arg in args if isinstance(arg, HttpRequest))
        if not is_recently_authenticated(request):
            return reauth_redirect(request)
        return view(*args, **kwargs)

    return wrapped


def _ask_again(request: HttpRequest) -> HttpResponseRedirect:
    messages.warning(request, _("Please confirm your password to continue; then submit the form again."))
    return reauth_redirect(request)


class ReauthExportMixin:
    """import-export admins: the export page and the export itself need a recent password."""

    def export_action(self, request, *args, **kwargs):
        if not is_recently_authenticated(request):
            return reauth_redirect(request)
        return super().export_action(request, *args, **kwargs)


class ReauthChangeMixin:
    """Admins of role records (zone staff, groups): saving an addition or change needs a recent password."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and not is_recently_authenticated(request):
            return _ask_again(request)
        return super().changeform_view(request, object_id, form_url, extra_context)


class ReauthInlineChangesMixin:
    """Admins with inlines of role records (a zone's staff): changing those rows needs a recent password."""

    reauth_inline_models: tuple = ()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if (
            request.method == "POST"
            and not is_recently_authenticated(request)
            and self._reauth_inlines_changed(request, object_id)
        ):
            return _ask_again(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _reauth_inlines_changed(self, request, object_id) -> bool:
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        for inline in self.get_inline_instances(request, obj):
            if inline.model not in self.reauth_inline_models:
                continue
            formset_class = inline.get_formset(request, obj)
            formset = formset_class(
                data=request.POST,
                files=request.FILES,
                instance=obj or self.model(),
                prefix=formset_class.get_default_prefix(),
                queryset=inline.get_queryset(request),
            )
            try:
                if formset.has_changed():
                    return True
            except Exception:  # a malformed formset: ask rather than guess
                return True
        return False


class UserRoleReauthMixin:
    """The auth User admin: changing groups, permissions, staff or superuser status needs a recent password."""

    role_flags = ("is_staff", "is_superuser")
    role_relations = ("groups", "user_permissions")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if (
            request.method == "POST"
            and not is_recently_authenticated(request)
            and self._changes_roles(request, object_id)
        ):
            return _ask_again(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _changes_roles(self, request, object_id) -> bool:
        data = request.POST
        if object_id is None:
            return any(data.get(flag) for flag in self.role_flags) or any(
                data.getlist(name) for name in self.role_relations
            )
        user = self.get_object(request, unquote(object_id))
        if user is None:
            return False
        if any(bool(data.get(flag)) != getattr(user, flag) for flag in self.role_flags):
            return True
        for name in self.role_relations:
            current = {str(pk) for pk in getattr(user, name).values_list("pk", flat=True)}
            if set(data.getlist(name)) != current:
                return True
        return False

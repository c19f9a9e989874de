"""Writes through the API: zone staff with the Django permission for the change, company users only where a
view opens an action to them. Reads need a signed-in user; the view's scoped queryset decides which rows."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.api.scoping import is_company_user

# The permission a write needs, by HTTP method; custom actions declare theirs (`action_permissions`).
METHOD_PERMISSIONS = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


class ScopedPermission(BasePermission):
    """Signed in to read. To write: the view's `company_actions` are open to a company's users (the view
    checks the record is theirs); any other write needs the model permission (`action_permissions` names it
    for custom actions, e.g. {"submit": "change"})."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.method in SAFE_METHODS:
            return True
        action = getattr(view, "action", None)
        if action in getattr(view, "company_actions", ()) and is_company_user(user):
            return True
        model = view.get_queryset().model
        verb = getattr(view, "action_permissions", {}).get(action) or METHOD_PERMISSIONS.get(request.method)
        if verb is None:
            return False
        return user.is_staff and user.has_perm(f"{model._meta.app_label}.{verb}_{model._meta.model_name}")


class ReadOnly(BasePermission):
    """Open data: anyone may read, no one may write."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS

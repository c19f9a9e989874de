"""The auth admins with the password asked again before role changes (users' groups, permissions, status)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.security.reauth import ReauthChangeMixin, UserRoleReauthMixin


def _reregister(model, mixin) -> None:
    registered = admin.site._registry.get(model)
    if registered is None:
        return
    admin_class = type(registered)
    admin.site.unregister(model)
    admin.site.register(model, type(admin_class.__name__, (mixin, admin_class), {"__module__": __name__}))


_reregister(get_user_model(), UserRoleReauthMixin)
_reregister(Group, ReauthChangeMixin)

"""Receivers: stamp new logins, end a disabled user's sessions, let the lockout reach API responses."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from core.security.sessions import session_start, user_sessions_end


@receiver(user_logged_in, dispatch_uid="security_session_start")
def _session_start(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_start(request, user)


@receiver(post_save, sender=get_user_model(), dispatch_uid="security_end_sessions_of_disabled_user")
def _end_sessions_of_disabled_user(sender, instance, created, **kwargs):
    if not created and not instance.is_active:
        user_sessions_end(user=instance)


@receiver(user_locked_out, dispatch_uid="security_lockout_through_drf")
def _lockout_through_drf(sender, request, **kwargs):
    """DRF wraps the HttpRequest: flag the wrapped one too, so AxesMiddleware answers the token request with 429."""
    inner = getattr(request, "_request", None)
    if inner is not None:
        inner.axes_locked_out = True
        inner.axes_credentials = getattr(request, "axes_credentials", None)

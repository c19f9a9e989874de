from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "core.security"
    label = "security"
    verbose_name = _("Account security")

    def ready(self) -> None:
        from core.security import signals  # noqa: F401

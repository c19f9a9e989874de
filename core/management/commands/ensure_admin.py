"""Make sure an administrator exists and print its login (make run)."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Create the administrator account if it is missing and print its login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("DJANGO_ADMIN_USERNAME", "admin"))
        parser.add_argument("--email", default=os.environ.get("DJANGO_ADMIN_EMAIL", "admin@aizone.example.kr"))

    @transaction.atomic
    def handle(self, *args, username: str, email: str, **options):
        password = self._password()
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model(username=username, email=email, is_staff=True, is_superuser=True)
            user.set_password(password)
            user.full_clean(exclude=["password"])
            user.save()
            self.stdout.write(self.style.SUCCESS("관리자 계정을 만들었습니다 / Administrator created."))
        elif not user.check_password(password):
            user.set_password(password)
            user.is_staff = user.is_superuser = user.is_active = True
            user.save()
        self.stdout.write(
            f"관리자 로그인 / Admin login: http://127.0.0.1:{os.environ.get('PORT', '8000')}/admin/"
            f"  username={username}  password={password}"
        )

    def _password(self) -> str:
        """DJANGO_ADMIN_PASSWORD, or one generated on first run and kept in var/ (never in git)."""
        from_env = os.environ.get("DJANGO_ADMIN_PASSWORD")
        if from_env:
            return from_env
        path = Path(settings.VAR_DIR) / "admin-password.txt"
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        password = secrets.token_urlsafe(12)
        path.write_text(password + "\n")
        path.chmod(0o600)
        return password

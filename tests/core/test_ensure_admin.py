import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command


@pytest.mark.django_db
def test_ensure_admin_creates_a_superuser_once_and_prints_the_login(tmp_path, settings, capsys):
    settings.VAR_DIR = tmp_path
    call_command("ensure_admin")
    first = capsys.readouterr().out
    call_command("ensure_admin")
    second = capsys.readouterr().out

    user = get_user_model().objects.get(username="admin")
    password = (tmp_path / "admin-password.txt").read_text().strip()
    assert user.is_superuser and user.is_staff
    assert user.check_password(password)
    assert f"password={password}" in first and f"password={password}" in second
    assert get_user_model().objects.filter(username="admin").count() == 1


@pytest.mark.django_db
def test_ensure_admin_takes_the_password_from_the_environment(tmp_path, settings, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("DJANGO_ADMIN_PASSWORD", "from-the-env-123")
    call_command("ensure_admin")
    assert get_user_model().objects.get(username="admin").check_password("from-the-env-123")

"""Production settings: `check --deploy` is clean, secrets come only from the environment, and the settings
refuse to load without a real secret key. Each case runs in its own Python process with a throwaway
environment, as a server would start."""

import ast
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
SETTINGS_DIR = BASE_DIR / "config" / "settings"
TIMEOUT = 240


def production_env(**overrides: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "EMAIL_")) and key != "PYTEST_CURRENT_TEST"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": "postgres://aizone:unused@127.0.0.1:1/aizone",
            "DJANGO_ALLOWED_HOSTS": "zones.example.go.kr",
        }
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def load_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run(["-c", "from django.conf import settings; settings.SECRET_KEY; print('loaded')"], env)


def test_check_deploy_reports_nothing():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_values_are_https_only_and_strict():
    code = (
        "from django.conf import settings as s; import json; print(json.dumps({k: getattr(s, k) for k in ["
        "'DEBUG','SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','SECURE_SSL_REDIRECT','SECURE_HSTS_SECONDS',"
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS','SECURE_CONTENT_TYPE_NOSNIFF','SECURE_REFERRER_POLICY',"
        "'SECURE_CROSS_ORIGIN_OPENER_POLICY','X_FRAME_OPTIONS','SESSION_COOKIE_HTTPONLY','LANGUAGE_COOKIE_SECURE']}))"
    )
    result = run(["-c", code], production_env())
    assert result.returncode == 0, result.stderr
    import json

    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
        "SESSION_COOKIE_HTTPONLY": True,
        "LANGUAGE_COOKIE_SECURE": True,
    }


def test_debug_in_the_environment_does_not_turn_debug_on():
    result = run(["-c", "from django.conf import settings; print(settings.DEBUG)"], production_env(DJANGO_DEBUG="1"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize(
    "secret_key",
    [
        None,
        "",
        "short-key",
        "x" * 60,
        "dev-only-insecure-key-change-me-dev-only-insecure-key-change-me",
        "test-only-key-test-only-key-test-only-key-test-only-key",
    ],
    ids=["missing", "empty", "short", "one-character", "dev-key", "test-key"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    result = load_settings(production_env(DJANGO_SECRET_KEY=secret_key))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "loaded" not in result.stdout


def test_production_refuses_to_start_without_a_database_url():
    result = load_settings(production_env(DATABASE_URL=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DATABASE_URL" in result.stderr


def test_production_takes_its_secret_key_from_the_environment():
    key = secrets.token_urlsafe(50)
    result = run(
        ["-c", "from django.conf import settings; print(settings.SECRET_KEY)"], production_env(DJANGO_SECRET_KEY=key)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == key


def _secret_literals() -> dict[str, list[str]]:
    """Every string literal assigned to SECRET_KEY (or used as its fallback) in each settings module."""
    found: dict[str, list[str]] = {}
    for path in sorted(SETTINGS_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "SECRET_KEY" for target in node.targets
            ):
                literals = [
                    sub.value
                    for sub in ast.walk(node.value)
                    if isinstance(sub, ast.Constant) and isinstance(sub.value, str)
                ]
                found.setdefault(path.stem, []).extend(literals)
    return found


def test_no_settings_module_holds_a_production_secret():
    literals = _secret_literals()
    assert "production" not in literals or literals["production"] == []
    # base reads the environment only ("" when unset); the others' keys say they are not secret.
    assert [value for value in literals.get("base", []) if value not in ("DJANGO_SECRET_KEY", "")] == []
    for module, values in literals.items():
        for value in values:
            if value in ("DJANGO_SECRET_KEY", ""):
                continue
            assert any(marker in value for marker in ("insecure", "test-only", "bench-only", "not-secret")), (
                f"config/settings/{module}.py sets a SECRET_KEY that does not say it is not secret: {value!r}"
            )


def test_the_dev_key_is_marked_insecure_and_refused_by_production():
    env = production_env(DJANGO_SETTINGS_MODULE="config.settings.dev", DJANGO_SECRET_KEY=None)
    result = run(["-c", "from django.conf import settings; print(settings.SECRET_KEY)"], env)
    assert result.returncode == 0, result.stderr
    dev_key = result.stdout.strip().splitlines()[-1]
    assert "insecure" in dev_key
    refused = load_settings(production_env(DJANGO_SECRET_KEY=dev_key + "-" + "a1b2c3d4" * 5))
    assert refused.returncode != 0 and "ImproperlyConfigured" in refused.stderr

"""Production settings refuse unsafe defaults."""

import subprocess
import sys

import pytest
from django.conf import settings


def import_production_settings(**env):
    code = "import django.conf; import config.settings.prod"
    base_env = {"PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base_env, **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "Set SECRET_KEY"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 40, "ALLOWED_HOSTS": "example.org"}, "Set SECRET_KEY"),
        ({"SECRET_KEY": "k" * 50}, "Set ALLOWED_HOSTS"),
        ({"SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "example.org", "DEBUG": "true"}, "DEBUG must be off"),
    ],
)
def test_production_refuses_to_start_without_safe_settings(env, message):
    result = import_production_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_real_settings():
    result = import_production_settings(SECRET_KEY="k" * 50, ALLOWED_HOSTS="directory.example.org")
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_dev_admin_command_refuses_outside_development(settings):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("ensure_dev_admin")


@pytest.mark.django_db
def test_dev_logins_are_printed_with_the_port_make_run_serves_on_and_the_database(settings):
    import io

    from django.core.management import call_command

    settings.DEBUG = True
    out = io.StringIO()
    call_command("ensure_dev_admin", url="http://127.0.0.1:8101", stdout=out)
    printed = out.getvalue()
    assert "http://127.0.0.1:8101/admin/" in printed
    assert "8000" not in printed
    assert ("SQLite" in printed) or ("PostgreSQL" in printed)

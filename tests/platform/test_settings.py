"""With DEBUG off, start-up stops on insecure defaults and names the variables to set."""
import os
import subprocess
import sys

from tests.support.processes import ROOT

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 50,
    "DATABASE_URL": "postgres://cityos:secret@db.internal:5432/cityos",
    "ALLOWED_HOSTS": "cityos.example.com,.cityos.example.com",
    "CRON_SECRET": "a-real-cron-secret",
    "ADMIN_API_TOKEN": "a-real-admin-token",
}


def _start(env_overrides, drop=()):
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    env.update(env_overrides)
    for name in drop:
        env.pop(name, None)
    return subprocess.run([sys.executable, "-c", "import django; django.setup(); print('started')"],
                          cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "cityos.settings"},
                          capture_output=True, text=True, timeout=60)


def test_production_settings_start_when_everything_is_set():
    result = _start(PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_missing_variables_are_named():
    result = _start(PRODUCTION, drop=("SECRET_KEY", "CRON_SECRET"))
    assert result.returncode != 0
    assert "Refusing to start with DEBUG off" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr
    assert "CRON_SECRET is not set" in result.stderr
    assert "ADMIN_API_TOKEN" not in result.stderr.split("Refusing", 1)[1]


def test_development_defaults_are_refused():
    result = _start({**PRODUCTION, "ADMIN_API_TOKEN": "local-admin-token", "SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "ADMIN_API_TOKEN is still the local development default" in result.stderr
    assert "SECRET_KEY must be a random value of at least 32 characters" in result.stderr


def test_malformed_values_are_explained():
    result = _start({**PRODUCTION, "PLATFORM_FEE_RATE": "three percent"})
    assert result.returncode != 0
    assert "PLATFORM_FEE_RATE must be a decimal number" in result.stderr


def test_debug_defaults_need_no_variables():
    result = _start({}, drop=tuple(PRODUCTION))
    assert result.returncode == 0, result.stderr

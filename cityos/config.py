"""Reading settings from the environment, and refusing insecure defaults in production."""
import os
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured

# Variables that must be set explicitly once DEBUG is off.
PRODUCTION_REQUIRED = ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CRON_SECRET", "ADMIN_API_TOKEN")


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_decimal(name: str, default: str) -> Decimal:
    raw = os.environ.get(name, default)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} must be a decimal number, not {raw!r}") from None
    if value < 0 or value >= 1:
        raise ImproperlyConfigured(f"{name} must be a rate between 0 and 1, not {raw!r}")
    return value


def check_production(*, secret_key: str, insecure_secret_key: str, defaults: dict[str, str]) -> None:
    """Stop start-up with DEBUG off unless every secret and address was set on purpose."""
    problems = []
    for name in PRODUCTION_REQUIRED:
        if not os.environ.get(name, "").strip():
            problems.append(f"{name} is not set")
    for name, default in defaults.items():
        if os.environ.get(name, "").strip() == default:
            problems.append(f"{name} is still the local development default")
    if os.environ.get("SECRET_KEY") and (secret_key == insecure_secret_key or len(secret_key) < 32):
        problems.append("SECRET_KEY must be a random value of at least 32 characters")
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start with DEBUG off: " + "; ".join(problems)
            + ". Set these environment variables (or DEBUG=1 for local development)."
        )

"""Helpers shared by the workflow commands: tenant lookup, JSON arguments, progress bars."""
import json

from django.core.management.base import CommandError


def tenant_schema(slug: str | None) -> str | None:
    if not slug:
        return None
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        raise CommandError(f"No tenant with slug {slug!r}.")
    return tenant.schema_name


def json_object(text: str | None, name: str) -> dict:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(f"--{name} is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise CommandError(f"--{name} must be a JSON object.")
    return value


def bar(percentage: int, width: int = 20) -> str:
    filled = round(width * max(0, min(percentage, 100)) / 100)
    return "[" + "#" * filled + "." * (width - filled) + f"] {percentage:3d}%"

"""Demo seeding, assembled from the apps.

`manage.py seed_demo` provisions the demo city and then runs, in `ORDER`, every `<app>/seed.py`
module that exists: `seed_platform(ctx)` once in the public schema and `seed_tenant(tenant, ctx)`
inside each demo tenant's schema. Seeders must be idempotent: seeding twice changes nothing.
"""
from dataclasses import dataclass, field

from cityos.discovery import app_modules


@dataclass
class SeedContext:
    stdout: object
    credentials: list[tuple[str, str, str]] = field(default_factory=list)  # (what, login, secret)
    notes: list[str] = field(default_factory=list)

    def say(self, message: str) -> None:
        self.stdout.write(message)


def discover_seeders() -> list:
    return sorted(app_modules("seed"), key=lambda m: (getattr(m, "ORDER", 100), m.__name__))

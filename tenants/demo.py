"""The demo city seeded by `manage.py seed_demo`."""
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class DemoTenant:
    slug: str
    name: str
    plan: str
    locale: str = "en"

    @property
    def domain(self) -> str:
        return f"{self.slug}.{settings.TENANT_DOMAIN_SUFFIX}"

    @property
    def owner_username(self) -> str:
        return f"{self.slug}-owner"


DEMO_TENANTS = (
    DemoTenant("market", "Riyadh Central Market", "professional"),
    DemoTenant("clinic", "Al Noor Family Clinic", "starter"),
    DemoTenant("transit", "CityOS Transit Authority", "enterprise", locale="ar"),
)

PLATFORM_ADMIN = ("admin", "admin@cityos.localhost", "cityos-admin")
OWNER_PASSWORD = "cityos-demo"

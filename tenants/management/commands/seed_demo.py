import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django_tenants.utils import schema_context

from cityos.seeding import SeedContext, discover_seeders
from tenants.demo import DEMO_TENANTS, OWNER_PASSWORD, PLATFORM_ADMIN
from tenants.models import Tenant, TenantMembership
from tenants.services import ensure_platform_tenant, provision_tenant
from tenants.staff import staff_group


class Command(BaseCommand):
    help = "Create the demo city: the platform, its demo tenants and their data. Seeding twice changes nothing."

    def handle(self, *args, **options):
        ctx = SeedContext(stdout=self.stdout)
        ensure_platform_tenant()
        User = get_user_model()
        username, email, password = PLATFORM_ADMIN
        if not User.objects.filter(username=username).exists():
            User.objects.create_superuser(username, email, password)
            ctx.say(f"Created the platform administrator '{username}'.")
        ctx.credentials.append(("Platform admin (Django admin, all CMS)", username, password))

        group = staff_group()
        tenants = []
        for demo in DEMO_TENANTS:
            result = provision_tenant(demo.slug, domain=demo.domain, name=demo.name, plan=demo.plan,
                                      default_locale=demo.locale)
            ctx.say(("  + " if result.created else "  = ") + result.message)
            owner = User.objects.filter(username=demo.owner_username).first()
            if owner is None:
                owner = User.objects.create_user(demo.owner_username, f"{demo.owner_username}@cityos.localhost",
                                                 OWNER_PASSWORD, is_staff=True)
                owner.groups.add(group)
            TenantMembership.objects.get_or_create(user=owner, tenant=result.tenant, defaults={"role": "owner"})
            port = os.environ.get("WEB_PORT", "8000")
            ctx.credentials.append((f"{demo.name} owner (http://{demo.domain}:{port}/cms/)", demo.owner_username,
                                    OWNER_PASSWORD))
            tenants.append(result.tenant)

        for seeder in discover_seeders():
            if hasattr(seeder, "seed_platform"):
                ctx.say(f"Seeding {seeder.__name__} (platform) …")
                seeder.seed_platform(ctx)
            if hasattr(seeder, "seed_tenant"):
                for tenant in tenants:
                    ctx.say(f"Seeding {seeder.__name__} for {tenant.slug} …")
                    with schema_context(tenant.schema_name):
                        seeder.seed_tenant(Tenant.objects.get(pk=tenant.pk), ctx)
        connection.set_schema_to_public()

        self.stdout.write(self.style.SUCCESS("Demo city ready."))
        for what, login, secret in ctx.credentials:
            self.stdout.write(f"  {what}: {login} / {secret}")
        for note in ctx.notes:
            self.stdout.write(f"  {note}")

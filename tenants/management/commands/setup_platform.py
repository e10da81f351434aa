from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants.models import Tenant
from tenants.services import ensure_platform_tenant, ensure_template_schema


class Command(BaseCommand):
    help = ("Bring the database up to date: migrate the public schema, the tenant template schema "
            "and every tenant schema, and make sure the platform host resolves.")

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        self.stdout.write("Migrating the public schema …")
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=max(verbosity - 1, 0))
        self.stdout.write("Migrating the tenant template schema …")
        changed = ensure_template_schema(verbosity=max(verbosity - 1, 0))
        self.stdout.write("  " + ("migrated" if changed else "already up to date"))
        tenants = Tenant.objects.exclude(schema_name="public").count()
        self.stdout.write(f"Migrating {tenants} tenant schema(s) …")
        if tenants:
            call_command("migrate_schemas", tenant=True, interactive=False, verbosity=max(verbosity - 1, 0))
        ensure_platform_tenant()
        self.stdout.write(self.style.SUCCESS("Platform database ready."))

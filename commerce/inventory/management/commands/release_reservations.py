from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from cityos.tasks import active_tenant_schemas
from commerce.inventory.services import release_expired


class Command(BaseCommand):
    help = "Release the stock held by checkouts whose reservation expired, in every active tenant (or --schema)."

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="only this tenant schema")

    def handle(self, *args, **options):
        schemas = [options["schema"]] if options["schema"] else active_tenant_schemas()
        total = 0
        for schema in schemas:
            with schema_context(schema):
                released = release_expired()
            total += released
            self.stdout.write(f"  {schema}: released {released} unit(s)")
        self.stdout.write(self.style.SUCCESS(f"Released {total} reserved unit(s) in {len(schemas)} tenant(s)."))

from django.core.management.base import BaseCommand, CommandError

from integrations import registry, sync
from integrations.tenancy import schema_for_slug


class Command(BaseCommand):
    help = ("Retry failed sync entries now (all of them, or one system's or one tenant's). With --due, only "
            "those whose next retry time has come, as the half-hourly beat job does.")

    def add_arguments(self, parser):
        parser.add_argument("--system", choices=registry.SYSTEMS)
        parser.add_argument("--tenant", help="tenant slug")
        parser.add_argument("--limit", type=int, default=None, help="retry at most this many entries")
        parser.add_argument("--due", action="store_true", help="only entries due for their automatic retry")

    def handle(self, *args, **options):
        schema = None
        if options["tenant"]:
            schema = schema_for_slug(options["tenant"])
            if schema is None:
                raise CommandError(f"no active tenant {options['tenant']!r}")

        def progress(entry):
            style = self.style.SUCCESS if entry.status == "success" else (
                self.style.WARNING if entry.status == "retrying" else self.style.ERROR)
            detail = entry.external_id if entry.status == "success" else f"{entry.error_class}: {entry.error_message}"
            self.stdout.write(style(f"  {entry.tenant_id:<12} {entry.system:<10} {entry.entity_type}:{entry.entity_id}"
                                    f" → {entry.status} ({detail})"))

        self.stdout.write("Retrying failed syncs …")
        if options["due"]:
            counts = sync.retry_due(limit=options["limit"], progress=progress)
        else:
            counts = sync.retry_failed(system=options["system"], tenant_schema=schema, limit=options["limit"],
                                       progress=progress)
        self.stdout.write(f"Retried {counts['retried']}: {counts['succeeded']} succeeded, {counts['retrying']} will "
                          f"retry later, {counts['failed']} failed.")

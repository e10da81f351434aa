from django.core.management.base import BaseCommand, CommandError

from integrations import errors, registry


class Command(BaseCommand):
    help = ("Prepare the connected external systems for the platform: ERPNext's cityos_tenant / cityos_reference "
            "custom fields, the platform's Walt.id issuer DID. Running it again changes nothing.")

    def handle(self, *args, **options):
        failed = []
        for system in registry.SYSTEMS:
            self.stdout.write(f"{system} ({registry.mode(system)}) …")
            try:
                done = registry.get(system).setup()
            except errors.IntegrationError as exc:
                failed.append(system)
                self.stdout.write(self.style.ERROR(f"  {exc.error_class}: {exc.message}"))
                continue
            for line in done or ["nothing to do"]:
                self.stdout.write(f"  {line}")
        if failed:
            raise CommandError(f"setup failed for {', '.join(failed)}")
        self.stdout.write(self.style.SUCCESS("Integrations ready."))

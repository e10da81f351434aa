from django.core.management.base import BaseCommand, CommandError

from cityos.errors import ServiceError
from tenants.models import Plan, ResidencyZone
from tenants.services import provision_tenant


class Command(BaseCommand):
    help = "Create a tenant: its schema, domain, Wagtail site and root page, and default settings."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--domain", required=True, help="host the tenant is served at")
        parser.add_argument("--name", required=True)
        parser.add_argument("--plan", default=Plan.STARTER, choices=Plan.values)
        parser.add_argument("--currency", default=None, help="default currency (ISO 4217); SAR when omitted")
        parser.add_argument("--locale", default="en", choices=["en", "ar", "fr"])
        parser.add_argument("--timezone", default="Asia/Riyadh")
        parser.add_argument("--residency-zone", default=ResidencyZone.GCC, choices=ResidencyZone.values)

    def handle(self, *args, **options):
        self.stdout.write(f"Provisioning tenant '{options['slug']}' …")
        try:
            result = provision_tenant(
                options["slug"], domain=options["domain"], name=options["name"], plan=options["plan"],
                default_currency=options["currency"], default_locale=options["locale"],
                timezone=options["timezone"], residency_zone=options["residency_zone"],
            )
        except ServiceError as exc:
            details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.fields.items())
            raise CommandError(f"{exc.message} {details}".strip()) from None
        style = self.style.SUCCESS if result.created else self.style.WARNING
        self.stdout.write(style(result.message))

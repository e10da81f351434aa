from django.core.management.base import BaseCommand, CommandError

from cityos.errors import ServiceError
from tenants import billing
from tenants.models import Tenant


class Command(BaseCommand):
    help = ("Issue the platform-commission invoice of every tenant for a month (default: the previous one): "
            "gross revenue × PLATFORM_FEE_RATE plus 15 % VAT. Running it again creates nothing new.")

    def add_arguments(self, parser):
        parser.add_argument("--period", help="the month to bill, YYYY-MM (default: the previous month, UTC)")
        parser.add_argument("--tenant", action="append", dest="tenants", metavar="SLUG",
                            help="bill only this tenant (repeatable)")

    def handle(self, *args, **options):
        try:
            period = billing.Period.parse(options["period"]) if options["period"] else billing.Period.previous()
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        tenants = None
        if options["tenants"]:
            tenants = list(Tenant.objects.filter(slug__in=options["tenants"]).order_by("slug"))
            missing = set(options["tenants"]) - {t.slug for t in tenants}
            if missing:
                raise CommandError(f"Unknown tenant(s): {', '.join(sorted(missing))}")
        total = len(tenants) if tenants is not None else billing.billable_tenants(period).count()
        self.stdout.write(f"Platform invoices for {period}: {total} tenant(s)")
        done = 0

        def progress(tenant, outcome):
            nonlocal done
            done += 1
            self.stdout.write(f"  [{done}/{total}] {tenant.slug}: {outcome}")

        try:
            run = billing.generate_monthly_invoices(period, tenants=tenants, progress=progress)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(
            f"{len(run.created)} created, {len(run.existing)} already issued, {len(run.failed)} failed."))
        if run.failed:
            raise CommandError("; ".join(f"{slug}: {error}" for slug, error in run.failed.items()))

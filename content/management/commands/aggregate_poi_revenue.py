from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from content.models import POICommerceSummary, PointOfInterest
from content.revenue import refresh_summaries, snapshot, summary_document
from tenants.models import Tenant


class Command(BaseCommand):
    help = ("Recompute the commerce summaries of the points of interest (revenue, refunds, last 7 / 30 days, "
            "orders, revenue by domain, bookings) from commerce, in every active tenant or one.")

    def add_arguments(self, parser):
        parser.add_argument("--poi", help="only this POI (poi_…); its tenant is found when --tenant is not given")
        parser.add_argument("--tenant", help="only this tenant (slug)")
        parser.add_argument("--snapshot", action="store_true",
                            help="also keep today's revenue snapshot of every POI (what the 01:00 UTC job does)")

    def handle(self, *args, **options):
        tenants = Tenant.objects.serving().order_by("slug")
        if options["tenant"]:
            tenants = tenants.filter(slug=options["tenant"])
            if not tenants.exists():
                raise CommandError(f"No active tenant '{options['tenant']}'.")
        if options["poi"] and options["snapshot"]:
            raise CommandError("--snapshot covers every POI; leave out --poi.")
        found_poi = False
        for index, tenant in enumerate(tenants, start=1):
            with schema_context(tenant.schema_name):
                if options["poi"]:
                    if not PointOfInterest.objects.filter(pk=options["poi"]).exists():
                        continue
                    found_poi = True
                    refresh_summaries([options["poi"]], source=POICommerceSummary.Source.MANUAL)
                    self._report(tenant, POICommerceSummary.objects.filter(poi_id=options["poi"]))
                    break
                count = snapshot() if options["snapshot"] else refresh_summaries(
                    source=POICommerceSummary.Source.MANUAL)
                self.stdout.write(f"[{index}/{len(tenants)}] {tenant.slug}: {count} POI summar{'y' if count == 1 else 'ies'}")
                self._report(tenant, POICommerceSummary.objects.select_related("poi").order_by("poi__name"))
        if options["poi"] and not found_poi:
            raise CommandError(f"No POI {options['poi']} in {'tenant ' + options['tenant'] if options['tenant'] else 'any active tenant'}.")
        self.stdout.write(self.style.SUCCESS("Done."))

    def _report(self, tenant, summaries):
        for summary in summaries:
            doc = summary_document(summary)
            self.stdout.write(f"    {summary.poi.name} ({summary.poi_id}): gross {doc['gross']} {doc['currency']}, "
                              f"net {doc['net']}, refunded {doc['refunded']}, 7d {doc['last_7_days']}, "
                              f"30d {doc['last_30_days']}, {doc['order_count']} order(s)")

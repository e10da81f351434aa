from django.core.management.base import BaseCommand

from workflows import relay
from workflows.management.commands._common import tenant_schema
from workflows.models import RELAYABLE, EventOutbox


class Command(BaseCommand):
    help = ("Relay due outbox events to their workflows now (what the beat job does every few seconds), "
            "printing progress per batch.")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200, help="events per transaction (default 200)")
        parser.add_argument("--max-batches", type=int, default=None, help="stop after this many batches")
        parser.add_argument("--tenant", help="only this tenant's events (slug)")

    def handle(self, *args, batch_size, max_batches, tenant, **options):
        schema = tenant_schema(tenant)

        def progress(counts):
            self.stdout.write(f"  batch {counts.batches}: {counts.delivered} delivered, {counts.runs_started} runs "
                              f"started, {counts.signals} signals, {counts.failed} failed, "
                              f"{counts.dead_lettered} dead-lettered")

        counts = relay.process_outbox(batch_size, max_batches=max_batches, tenant_schema=schema, progress=progress)
        left = EventOutbox.objects.filter(status__in=RELAYABLE)
        if schema:
            left = left.filter(tenant_schema=schema)
        self.stdout.write(self.style.SUCCESS(
            f"Relayed {counts['delivered']} events ({counts['runs_started']} runs started, {counts['signals']} "
            f"signals, {counts['unrouted']} without a registered workflow); {counts['failed']} failed, "
            f"{counts['dead_lettered']} dead-lettered; {left.count()} still pending or waiting to retry."))

from django.core.management.base import BaseCommand

from workflows import relay, services
from workflows.management.commands._common import tenant_schema
from workflows.models import EventOutbox, OutboxStatus


class Command(BaseCommand):
    help = "Queue dead-lettered outbox events again (all, or by --id / --tenant / --event-type)."

    def add_arguments(self, parser):
        parser.add_argument("--id", action="append", dest="ids", help="an event id (repeatable)")
        parser.add_argument("--tenant", help="only this tenant's events (slug)")
        parser.add_argument("--event-type", help="only events of this type")
        parser.add_argument("--list", action="store_true", help="list the dead letters, replay nothing")
        parser.add_argument("--process", action="store_true", help="relay the replayed events right away")

    def handle(self, *args, ids, tenant, event_type, list, process, **options):
        schema = tenant_schema(tenant)
        dead = EventOutbox.objects.filter(status=OutboxStatus.DEAD_LETTER).order_by("created_at")
        if ids:
            dead = dead.filter(id__in=ids)
        if schema:
            dead = dead.filter(tenant_schema=schema)
        if event_type:
            dead = dead.filter(event_type=event_type)
        if list:
            for event in dead[:200]:
                self.stdout.write(f"{event.id}  {event.created_at:%Y-%m-%d %H:%M:%S}  {event.tenant_id:<12} "
                                  f"{event.event_type:<32} {event.error_message[:80]}")
            self.stdout.write(f"{dead.count()} dead letters.")
            return
        selected = [event.id for event in dead]
        count = services.replay_dead_letters(ids=selected)
        self.stdout.write(self.style.SUCCESS(f"Queued {count} dead-lettered events again."))
        if process and count:
            counts = relay.process_outbox(event_ids=selected)
            self.stdout.write(f"Relayed: {counts['delivered']} delivered, {counts['failed']} failed again, "
                              f"{counts['dead_lettered']} dead-lettered again.")

import json

from django.core.management.base import BaseCommand, CommandError

from integrations import registry


class Command(BaseCommand):
    help = ("Check every external system (Stripe, ERPNext, Fleetbase, Walt.id): live or sandbox, healthy or not, "
            "and its circuit breaker.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--fail-unhealthy", action="store_true",
                            help="exit with an error when any system is unhealthy (for cron and CI)")

    def handle(self, *args, **options):
        self.stdout.write("Checking the external systems …")
        report = registry.health_report()
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2, default=str))
        else:
            for system, entry in report.items():
                circuit = entry.get("circuit") or {}
                style = self.style.SUCCESS if entry.get("healthy") else self.style.ERROR
                self.stdout.write(style(
                    f"  {system:<10} {entry.get('mode', '?'):<8} {'healthy' if entry.get('healthy') else 'UNHEALTHY':<10}"
                    f" circuit {circuit.get('state', '?'):<9} ({circuit.get('failures_in_window', 0)}/"
                    f"{circuit.get('failure_threshold', '?')} failures, state in {circuit.get('store', '?')})"
                    f"  {entry.get('message', '')}"))
        unhealthy = [system for system, entry in report.items() if not entry.get("healthy")]
        if unhealthy and options["fail_unhealthy"]:
            raise CommandError(f"unhealthy: {', '.join(unhealthy)}")
        self.stdout.write(f"{len(report) - len(unhealthy)} of {len(report)} systems healthy.")

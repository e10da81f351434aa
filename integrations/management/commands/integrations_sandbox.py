import argparse
import json

from django.core.management.base import BaseCommand, CommandError

from integrations import errors, registry
from integrations.sandbox import webhooks as sandbox_webhooks


class Command(BaseCommand):
    help = """Drive the sandbox systems (demos, manual tests):

  kyc approve|reject SESSION [--reason expired|revoked|signature|not_before]
  delivery advance ORDER | delivery fail ORDER [--reason ...] | delivery tick
  webhooks deliver [--system SYSTEM] | webhooks pending
  stripe onboard ACCOUNT"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument("area", choices=["kyc", "delivery", "webhooks", "stripe"])
        parser.add_argument("action")
        parser.add_argument("target", nargs="?")
        parser.add_argument("--reason", default=None)
        parser.add_argument("--system", choices=registry.SYSTEMS)

    def _sandbox(self, system):
        if registry.mode(system) != "sandbox":
            raise CommandError(f"{system} is connected to the real system; the sandbox controls are off.")
        return registry.get(system)

    def handle(self, *args, area, action, target, reason, system, **options):
        try:
            result = getattr(self, f"_{area}")(action, target, reason, system)
        except errors.IntegrationError as exc:
            raise CommandError(f"{exc.error_class}: {exc.message}") from None
        self.stdout.write(json.dumps(result, indent=2, default=str))

    def _require(self, target, what):
        if not target:
            raise CommandError(f"name the {what}")
        return target

    def _kyc(self, action, target, reason, system):
        if action not in ("approve", "reject"):
            raise CommandError("kyc actions: approve, reject")
        session = self._require(target, "verification session id")
        self.stdout.write(f"{action.title()} verification session {session} and send the status callback …")
        return self._sandbox("waltid").decide(session, approve=action == "approve", reason=reason or "expired")

    def _delivery(self, action, target, reason, system):
        adapter = self._sandbox("fleetbase")
        if action == "tick":
            moved = adapter.advance_due()
            self.stdout.write(f"Advanced {len(moved)} due deliveries.")
        elif action == "advance":
            adapter.advance(self._require(target, "order id"))
        elif action == "fail":
            adapter.fail(self._require(target, "order id"), reason or "recipient_unavailable")
        else:
            raise CommandError("delivery actions: advance, fail, tick")
        delivered = sandbox_webhooks.deliver_pending(system="fleetbase")
        self.stdout.write(f"Delivered {len(delivered)} webhooks.")
        return adapter.get_tracking_status(target) if target else {"advanced": action == "tick"}

    def _webhooks(self, action, target, reason, system):
        if action == "pending":
            return sandbox_webhooks.pending(system)
        if action != "deliver":
            raise CommandError("webhooks actions: deliver, pending")
        self.stdout.write("Delivering queued sandbox webhooks …")
        return sandbox_webhooks.deliver_pending(system=system)

    def _stripe(self, action, target, reason, system):
        if action != "onboard":
            raise CommandError("stripe actions: onboard")
        account = self._sandbox("stripe").complete_onboarding(self._require(target, "account id"))
        sandbox_webhooks.deliver_pending(system="stripe")
        return account

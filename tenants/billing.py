"""Monthly platform billing (seeds 000 §5, `generateMonthlyInvoices`).

On the 1st of each month at 00:00 UTC every tenant gets the platform's commission invoice for the
previous month:

    gross        = the tenant's gross revenue of the month (commerce, SQL aggregation: the total of
                   the orders placed in the month, cancelled orders excepted)
    platform fee = gross × PLATFORM_FEE_RATE (default 0.035)
    VAT          = platform fee × 0.15 (KSA VAT on the platform's service)
    total        = platform fee + VAT

in `Decimal`, each amount rounded half-up to the currency's minor unit (0.01 SAR) before the next
is computed from it. One invoice per (tenant, period): generating again returns the existing one
unchanged, and two concurrent runs still create one (a unique constraint decides). Months are
UTC calendar months. The invoice and its `platform_invoice.issued` event are written in one
transaction (the event goes to the tenant's outbox stream).
"""
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from cityos.errors import Conflict, InvalidInput, NotFound
from cityos.money import fmt, round_money
from tenants.models import PlatformInvoice, PlatformInvoiceStatus, Tenant
from workflows.outbox import emit

logger = logging.getLogger(__name__)

VAT_RATE = Decimal("0.15")  # KSA VAT; seeds 000 §10: fixed, not configurable
PAYMENT_TERMS_DAYS = 14
INVOICE_ISSUED = "platform_invoice.issued"
PERIOD_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Period:
    """A UTC calendar month."""

    start: date

    @classmethod
    def parse(cls, text: str) -> "Period":
        match = PERIOD_PATTERN.match(text or "")
        if not match:
            raise InvalidInput("A period is a month: YYYY-MM.", fields={"period": ["Like 2026-01."]})
        return cls(date(int(match[1]), int(match[2]), 1))

    @classmethod
    def previous(cls, now: datetime | None = None) -> "Period":
        today = (now or timezone.now()).astimezone(UTC).date()
        return cls((today.replace(day=1) - timedelta(days=1)).replace(day=1))

    @property
    def next_start(self) -> date:
        return (self.start.replace(day=28) + timedelta(days=4)).replace(day=1)

    @property
    def end(self) -> date:
        """The last day of the month."""
        return self.next_start - timedelta(days=1)

    def bounds(self) -> tuple[datetime, datetime]:
        """[first instant, first instant of the next month) in UTC."""
        return (datetime.combine(self.start, time.min, tzinfo=UTC),
                datetime.combine(self.next_start, time.min, tzinfo=UTC))

    def __str__(self) -> str:
        return self.start.strftime("%Y-%m")


def invoice_amounts(gross, *, currency: str, fee_rate=None) -> dict:
    """`{fee_rate, platform_fee, vat_rate, vat, total}` for a gross revenue (see the module)."""
    fee_rate = Decimal(str(settings.PLATFORM_FEE_RATE if fee_rate is None else fee_rate))
    fee = round_money(Decimal(gross) * fee_rate, currency)
    vat = round_money(fee * VAT_RATE, currency)
    return {"fee_rate": fee_rate, "platform_fee": fee, "vat_rate": VAT_RATE, "vat": vat, "total": fee + vat}


def invoice_number(tenant: Tenant, period: Period) -> str:
    return f"PC-{period.start:%Y%m}-{tenant.slug.upper()}"


def billable_tenants(period: Period):
    """Every tenant with a schema of its own (suspended ones too) that existed before the period ended."""
    start, end = period.bounds()
    return (Tenant.objects.exclude(schema_name=get_public_schema_name()).filter(created_at__lt=end)
            .order_by("slug"))


def _payload(invoice: PlatformInvoice) -> dict:
    currency = invoice.currency
    return {
        "invoice_id": invoice.id, "number": invoice.number, "tenant_id": invoice.tenant.slug,
        "invoice_type": invoice.invoice_type, "period": invoice.period, "currency": currency,
        "gross_revenue": fmt(invoice.gross_revenue, currency), "fee_rate": str(invoice.fee_rate),
        "platform_fee": fmt(invoice.platform_fee, currency), "vat": fmt(invoice.vat, currency),
        "total": fmt(invoice.total, currency), "due_at": invoice.due_at.isoformat(),
    }


def generate_invoice(tenant: Tenant, period: Period, *, now: datetime | None = None) -> tuple[PlatformInvoice, bool]:
    """The tenant's invoice for `period` (created: True), or the one that exists (False)."""
    from content import commerce_client

    now = now or timezone.now()
    start, end = period.bounds()
    if end > now:
        raise InvalidInput(f"{period} has not ended yet.", fields={"period": ["Only a past month can be billed."]})
    existing = PlatformInvoice.objects.filter(tenant=tenant, period=str(period)).first()
    if existing is not None:
        return existing, False
    with schema_context(tenant.schema_name):
        currency = tenant.default_currency
        revenue = commerce_client.revenue_between(start, end, currency=currency)
        try:
            with transaction.atomic():
                invoice = PlatformInvoice.objects.create(
                    number=invoice_number(tenant, period), tenant=tenant, period=str(period),
                    period_start=period.start, period_end=period.end, currency=currency,
                    gross_revenue=revenue["gross"], refunded=revenue["refunded"], order_count=revenue["order_count"],
                    sales_by_domain={k: fmt(v, currency) for k, v in revenue["sales_by_domain"].items()},
                    **invoice_amounts(revenue["gross"], currency=currency), issued_at=now,
                    due_at=now + timedelta(days=PAYMENT_TERMS_DAYS))
                emit(INVOICE_ISSUED, aggregate_type="platform_invoice", aggregate_id=invoice.id, payload=_payload(invoice))
        except IntegrityError:  # a concurrent run created it first
            return PlatformInvoice.objects.get(tenant=tenant, period=str(period)), False
    return invoice, True


@dataclass
class BillingRun:
    period: str
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"period": self.period, "created": len(self.created), "existing": len(self.existing),
                "failed": self.failed, "invoices": self.created + self.existing}


def generate_monthly_invoices(period: Period | None = None, *, tenants=None, now: datetime | None = None,
                              progress=None) -> BillingRun:
    """Invoice every billable tenant (or `tenants`) for `period` (default: the previous month).
    A tenant that fails is reported and the others are still billed; `progress(tenant, outcome)`
    is called after each."""
    now = now or timezone.now()
    period = period or Period.previous(now)
    if period.bounds()[1] > now:
        raise InvalidInput(f"{period} has not ended yet.", fields={"period": ["Only a past month can be billed."]})
    run = BillingRun(period=str(period))
    for tenant in (tenants if tenants is not None else billable_tenants(period)):
        try:
            invoice, created = generate_invoice(tenant, period, now=now)
        except Exception as exc:  # one tenant's failure must not stop the others' billing
            logger.exception("platform invoice of %s for %s failed", tenant.slug, period)
            run.failed[tenant.slug] = f"{type(exc).__name__}: {exc}"
            outcome = "failed"
        else:
            (run.created if created else run.existing).append(invoice.number)
            outcome = "created" if created else "existing"
        if progress:
            progress(tenant, outcome)
    return run


@transaction.atomic
def mark_paid(invoice_id: str, *, paid_at: datetime | None = None) -> PlatformInvoice:
    invoice = PlatformInvoice.objects.select_for_update().select_related("tenant").filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFound(f"No platform invoice {invoice_id}.", code="platform_invoice_not_found")
    if invoice.status == PlatformInvoiceStatus.PAID:
        return invoice
    if invoice.status == PlatformInvoiceStatus.VOID:
        raise Conflict("A void invoice cannot be paid.", code="platform_invoice_void")
    invoice.status, invoice.paid_at = PlatformInvoiceStatus.PAID, paid_at or timezone.now()
    invoice.save(update_fields=["status", "paid_at", "updated_at"])
    with schema_context(invoice.tenant.schema_name):
        emit("platform_invoice.paid", aggregate_type="platform_invoice", aggregate_id=invoice.id,
             payload={**_payload(invoice), "paid_at": invoice.paid_at.isoformat()})
    return invoice

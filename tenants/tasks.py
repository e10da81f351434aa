"""Platform billing jobs (Celery)."""
from celery import shared_task


@shared_task(name="tenants.generate_monthly_invoices")
def generate_monthly_invoices(period: str | None = None) -> dict:
    """1st of the month, 00:00 UTC: every tenant's platform-commission invoice for the previous
    month (or `period`, YYYY-MM). Idempotent per tenant and period."""
    from tenants import billing

    return billing.generate_monthly_invoices(billing.Period.parse(period) if period else None).as_dict()

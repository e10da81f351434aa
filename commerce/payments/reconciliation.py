"""Daily reconciliation reports (WF-014): what the commerce ledger says was captured and refunded
on a day, what the gateway says about the same payments, and every difference found."""
from django.db import transaction

from commerce import events
from commerce.payments.models import Payment, ReconciliationReport, Refund


def payments_of_day(day):
    return Payment.objects.filter(captured_at__date=day).order_by("captured_at")


def refunds_of_day(day):
    return Refund.objects.filter(created_at__date=day).select_related("payment").order_by("created_at")


def save_report(day, *, payments_checked: int, refunds_checked: int, commerce_total: dict, gateway_total: dict,
                discrepancies: list, workflow_id: str = "") -> ReconciliationReport:
    """Write (or rewrite, when the day is reconciled again) the day's report."""
    with transaction.atomic():
        report, _ = ReconciliationReport.objects.update_or_create(date=day, defaults=dict(
            balanced=not discrepancies, payments_checked=payments_checked, refunds_checked=refunds_checked,
            commerce_total=commerce_total, gateway_total=gateway_total, discrepancies=discrepancies,
            workflow_id=workflow_id))
        events.emit(events.RECONCILIATION_COMPLETED, report.id, {
            "report_id": report.id, "date": day.isoformat(), "balanced": report.balanced,
            "payments_checked": payments_checked, "refunds_checked": refunds_checked,
            "discrepancies": len(discrepancies)})
    return report

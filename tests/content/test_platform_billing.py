"""Monthly platform billing: the arithmetic (Decimal, half-up to 0.01), the month's gross from
real orders, one invoice per tenant and period, the command, the platform API and admin, and the
cron routes' authentication."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cityos.errors import InvalidInput
from tenants import billing
from tenants.models import PlatformInvoice, Tenant
from tests.content.conftest import buy, pushed_variant_id, record_fields, run_workflows
from tests.support.tenants import in_tenant
from workflows.models import EventOutbox

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.mark.parametrize("gross, fee, vat, total", [
    ("1000.00", "35.00", "5.25", "40.25"),
    ("123.45", "4.32", "0.65", "4.97"),     # fee 4.32075 → 4.32; VAT 0.648 → 0.65
    ("100.10", "3.50", "0.53", "4.03"),     # fee 3.5035 → 3.50; VAT 0.525 → 0.53 (half-up, not half-even)
    ("0.00", "0.00", "0.00", "0.00"),
    ("9999999.99", "350000.00", "52500.00", "402500.00"),
])
def test_invoice_arithmetic_is_exact(gross, fee, vat, total):
    amounts = billing.invoice_amounts(D(gross), currency="SAR")
    assert (amounts["platform_fee"], amounts["vat"], amounts["total"]) == (D(fee), D(vat), D(total))
    assert amounts["fee_rate"] == D("0.035") and amounts["vat_rate"] == D("0.15")
    assert all(isinstance(value, Decimal) for value in amounts.values())


def test_the_fee_rate_comes_from_the_settings(settings):
    settings.PLATFORM_FEE_RATE = D("0.05")
    assert billing.invoice_amounts(D("200.00"), currency="SAR")["platform_fee"] == D("10.00")


def test_periods_are_utc_calendar_months():
    period = billing.Period.previous(datetime(2026, 3, 1, 0, 0, tzinfo=UTC))
    assert str(period) == "2026-02" and period.end.day == 28
    assert period.bounds() == (datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC))
    assert str(billing.Period.previous(datetime(2026, 1, 15, tzinfo=UTC))) == "2025-12"
    for bad in ("2026-13", "26-01", "2026-1", ""):
        with pytest.raises(InvalidInput):
            billing.Period.parse(bad)


@pytest.fixture
def last_month():
    return billing.Period.previous()


@pytest.fixture
def billed_orders(alpha, poi, last_month):
    """Alpha's orders: two in last month (one partly refunded), one cancelled in last month, one
    in the month before and one this month."""
    from commerce.orders.services import cancel_order
    from commerce.payments.services import capture_payment, refund_payment
    from content import services

    record = services.create_record("events", publish=True, poi=poi, **{**record_fields("events"),
                                                                        "price": D("100"), "capacity": 100})
    run_workflows(alpha, "CMSCommercePush")
    variant = pushed_variant_id(record)
    start, end = last_month.bounds()
    in_month = [buy([(variant, 2)], placed_at=start + timedelta(hours=1)),        # 230.00
                buy([(variant, 1)], placed_at=end - timedelta(seconds=1))]         # 115.00
    capture_payment(in_month[1].pk)
    refund_payment(in_month[1].pk, D("15.00"))
    cancelled = buy([(variant, 3)], placed_at=start + timedelta(days=3))
    cancel_order(cancelled.pk)
    buy([(variant, 5)], placed_at=start - timedelta(seconds=1))                    # the month before
    buy([(variant, 7)], placed_at=end)                                             # this month
    Tenant.objects.filter(slug__in=["alpha", "beta"]).update(created_at=start - timedelta(days=30))
    return in_month


def test_the_invoice_bills_the_month_gross_of_the_tenant(billed_orders, tenant_a, last_month):
    invoice, created = billing.generate_invoice(tenant_a, last_month)
    assert created
    assert (invoice.gross_revenue, invoice.refunded, invoice.order_count) == (D("345.00"), D("15.00"), 2)
    assert (invoice.platform_fee, invoice.vat, invoice.total) == (D("12.08"), D("1.81"), D("13.89"))
    assert invoice.sales_by_domain == {"events-culture": "345.00"}
    assert invoice.number == f"PC-{last_month.start:%Y%m}-ALPHA" and invoice.invoice_type == "platform-commission"
    assert invoice.period == str(last_month) and invoice.currency == "SAR" and invoice.status == "issued"
    event = EventOutbox.objects.get(event_type="platform_invoice.issued", aggregate_id=invoice.pk)
    assert event.tenant_id == "alpha" and event.payload["total"] == "13.89"


def test_billing_twice_creates_one_invoice(billed_orders, tenant_a, tenant_b, last_month):
    first = billing.generate_monthly_invoices(last_month, tenants=[tenant_a, tenant_b])
    assert len(first.created) == 2 and first.failed == {}
    second = billing.generate_monthly_invoices(last_month, tenants=[tenant_a, tenant_b])
    assert second.created == [] and sorted(second.existing) == sorted(first.created)
    assert PlatformInvoice.objects.filter(period=str(last_month)).count() == 2
    beta = PlatformInvoice.objects.get(tenant=tenant_b, period=str(last_month))
    assert (beta.gross_revenue, beta.total) == (D("0.00"), D("0.00"))
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database itself refuses a second
        PlatformInvoice.objects.create(**{f.name: getattr(beta, f.name) for f in PlatformInvoice._meta.concrete_fields
                                          if f.name not in ("id", "number")}, number="PC-DUPLICATE")


def test_an_unfinished_month_is_not_billed(tenant_a):
    this_month = billing.Period.previous(timezone.now() + timedelta(days=32))
    with pytest.raises(InvalidInput) as refused:
        billing.generate_monthly_invoices(this_month, tenants=[tenant_a])
    assert "period" in refused.value.fields


def test_a_failing_tenant_does_not_stop_the_others(billed_orders, tenant_a, last_month):
    ghost = Tenant(slug="ghost", schema_name="t_ghost_missing", name="Ghost")  # no schema, not saved
    run = billing.generate_monthly_invoices(last_month, tenants=[ghost, tenant_a])
    assert list(run.failed) == ["ghost"] and len(run.created) == 1


def test_the_command_reports_progress_and_is_idempotent(billed_orders, last_month, capsys):
    call_command("generate_monthly_invoices", "--period", str(last_month), "--tenant", "alpha")
    output = capsys.readouterr().out
    assert f"Platform invoices for {last_month}: 1 tenant(s)" in output
    assert "[1/1] alpha: created" in output and "1 created, 0 already issued, 0 failed." in output
    call_command("generate_monthly_invoices", "--period", str(last_month), "--tenant", "alpha")
    assert "[1/1] alpha: existing" in capsys.readouterr().out
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("generate_monthly_invoices", "--period", "last-month")
    with pytest.raises(CommandError, match="Unknown tenant"):
        call_command("generate_monthly_invoices", "--tenant", "nobody")


# ----- the platform API and admin ------------------------------------------------------------
@pytest.fixture
def invoices(billed_orders, tenant_a, tenant_b, last_month):
    billing.generate_monthly_invoices(last_month, tenants=[tenant_a, tenant_b])
    return PlatformInvoice.objects.filter(period=str(last_month))


def test_the_platform_api_lists_and_filters_invoices(invoices, platform_client, admin_token_headers, last_month):
    response = platform_client.get("/admin/api/platform/invoices", {"period": str(last_month)}, **admin_token_headers)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and {row["tenant"] for row in body["results"]} == {"alpha", "beta"}
    alpha = next(row for row in body["results"] if row["tenant"] == "alpha")
    assert (alpha["gross_revenue"], alpha["platform_fee"], alpha["vat"], alpha["total"]) == (
        "345.00", "12.08", "1.81", "13.89")
    only_alpha = platform_client.get("/admin/api/platform/invoices", {"tenant": "alpha", "limit": 1},
                                     **admin_token_headers).json()
    assert only_alpha["count"] == 1 and only_alpha["limit"] == 1
    assert platform_client.get("/admin/api/platform/invoices", {"status": "paid"},
                               **admin_token_headers).json()["count"] == 0
    one = platform_client.get(f"/admin/api/platform/invoices/{alpha['id']}", **admin_token_headers)
    assert one.status_code == 200 and one.json()["number"] == alpha["number"]


def test_the_platform_api_refuses_bad_filters_and_strangers(invoices, platform_client, client_a, admin_token_headers):
    bad = platform_client.get("/admin/api/platform/invoices", {"period": "2026-1"}, **admin_token_headers)
    assert bad.status_code == 400 and "period" in bad.json()["error"]["fields"]
    anonymous = platform_client.get("/admin/api/platform/invoices")
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "not_authenticated"
    wrong = platform_client.get("/admin/api/platform/invoices", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 401
    assert client_a.get("/admin/api/platform/invoices", **admin_token_headers).status_code == 404  # platform host only


def test_an_invoice_is_marked_paid(invoices, platform_client, admin_token_headers):
    invoice = invoices.get(tenant__slug="alpha")
    response = platform_client.post(f"/admin/api/platform/invoices/{invoice.pk}/mark-paid", **admin_token_headers)
    assert response.status_code == 200 and response.json()["status"] == "paid" and response.json()["paid_at"]
    assert EventOutbox.objects.filter(event_type="platform_invoice.paid", aggregate_id=invoice.pk).count() == 1


def test_invoices_are_in_the_platform_admin_and_the_tenant_admin(invoices, platform_client, client_a):
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("billing-admin", "billing@example.com", "not-used-pw-123")
    platform_client.force_login(admin)
    page = platform_client.get("/django-admin/tenants/platforminvoice/")
    assert page.status_code == 200
    assert invoices.get(tenant__slug="alpha").number.encode() in page.content
    client_a.force_login(admin)
    own = client_a.get("/django-admin/tenants/platforminvoice/")
    assert own.status_code == 200
    assert invoices.get(tenant__slug="alpha").number.encode() in own.content
    assert invoices.get(tenant__slug="beta").number.encode() not in own.content  # only its own


# ----- cron routes ---------------------------------------------------------------------------
CRON_PATHS = ["/api/cron/snapshot-poi-revenue", "/api/cron/refresh-poi-summaries",
              "/api/cron/generate-monthly-invoices"]


@pytest.mark.parametrize("path", CRON_PATHS)
def test_cron_routes_need_the_cron_secret_or_the_admin_token(platform_client, settings, path, tenant_a):
    missing = platform_client.get(path)
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "not_authenticated"
    assert missing["WWW-Authenticate"].startswith("Bearer")
    wrong = platform_client.get(path, HTTP_AUTHORIZATION="Bearer not-the-secret")
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "authentication_failed"
    for token in (settings.CRON_SECRET, settings.ADMIN_API_TOKEN):
        response = platform_client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200, response.content
        assert response.json()["job"] == path.rsplit("/", 1)[1]


def test_cron_routes_are_on_the_platform_host_only(client_a, settings):
    assert client_a.get(CRON_PATHS[0], HTTP_AUTHORIZATION=f"Bearer {settings.CRON_SECRET}").status_code == 404


def test_the_cron_jobs_do_their_work(billed_orders, platform_client, settings, poi, last_month, tenant_a):
    from content.models import POICommerceSummary, POIRevenueSnapshot

    auth = {"HTTP_AUTHORIZATION": f"Bearer {settings.CRON_SECRET}"}
    snapshot = platform_client.get(CRON_PATHS[0], {"tenant": "alpha"}, **auth).json()
    assert snapshot["tenants"] == {"alpha": 1}
    refresh = platform_client.get(CRON_PATHS[1], {"tenant": "alpha"}, **auth).json()
    assert refresh["tenants"] == {"alpha": 1}
    with in_tenant(tenant_a):
        assert POIRevenueSnapshot.objects.filter(poi=poi).count() == 1
        assert POICommerceSummary.objects.get(poi=poi).source == "refresh"
    invoices = platform_client.get(CRON_PATHS[2], {"period": str(last_month)}, **auth).json()
    assert invoices["period"] == str(last_month) and invoices["created"] >= 2 and invoices["failed"] == {}
    again = platform_client.get(CRON_PATHS[2], {"period": str(last_month)}, **auth).json()
    assert again["created"] == 0 and again["existing"] == invoices["created"]
    bad = platform_client.get(CRON_PATHS[2], {"period": "soon"}, **auth)
    assert bad.status_code == 400 and "period" in bad.json()["error"]["fields"]

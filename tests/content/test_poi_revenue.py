"""POI revenue (Patterns B/C): exact figures from a known set of orders placed through the real
checkout — refunds, a cancellation, an order of two POIs, the 7- and 30-day boundaries — the
order events that refresh them, the daily jobs, and a bounded number of queries."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from commerce.orders.services import cancel_order
from commerce.payments.services import capture_payment, refund_payment
from content import revenue
from content.models import POICommerceSummary, POIRevenueSnapshot, PointOfInterest
from tests.content.conftest import buy, pushed_variant_id, record_fields, run_workflows
from workflows.models import EventOutbox, RunStatus

pytestmark = pytest.mark.django_db

D = Decimal
VAT = D("1.15")  # the default region's VAT; catalog prices are net


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def shop(alpha, now):
    """Two POIs and their offers (pushed by the CMS push), and the known orders:

    | order | lines                                   | placed         | afterwards            |
    | O1    | 2 × event (A)            230.00         | 1 day ago      |                       |
    | O2    | 1 × rental (A)            46.00         | 7 days − 1 h   |                       |
    | O3    | 1 × event (A)            115.00         | 7 days + 1 h   |                       |
    | O4    | 3 × rental (A)           138.00         | 30 days − 1 h  |                       |
    | O5    | 1 × event (A)            115.00         | 30 days + 1 h  | captured, 15.00 refunded |
    | O6    | 1 × event (A) 115.00 + 1 × plan (B) 230.00 | 2 days ago  | captured, 69.00 refunded |
    | O7    | 1 × event (A)            115.00         | 3 days ago     | cancelled             |
    | O8    | 1 × appointment (B)       57.50         | now            |                       |
    """
    from content import services

    poi_a = PointOfInterest.objects.create(name="Market Hall", slug="market-hall", domain="events-culture")
    poi_b = PointOfInterest.objects.create(name="Clinic", slug="clinic", domain="healthcare")
    records = {
        "event": services.create_record("events", publish=True, poi=poi_a, **{
            **record_fields("events"), "slug": "concert", "price": D("100"), "capacity": 500}),
        "rental": services.create_record("rentals", publish=True, poi=poi_a, **{
            **record_fields("rentals"), "slug": "stall", "price": D("40"), "units_available": 50}),
        "plan": services.create_record("service-plans", publish=True, poi=poi_b, **{
            **record_fields("service-plans"), "slug": "care", "price": D("200")}),
        "slot": services.create_record("healthcare-appointments", publish=True, poi=poi_b, **{
            **record_fields("healthcare-appointments"), "slug": "gp", "price": D("50"), "capacity": 3}),
    }
    runs = run_workflows(alpha, "CMSCommercePush")
    assert all(run.status == RunStatus.COMPLETED for run in runs)
    v = {name: pushed_variant_id(record) for name, record in records.items()}
    hour, day = timedelta(hours=1), timedelta(days=1)
    orders = {
        "O1": buy([(v["event"], 2)], placed_at=now - day),
        "O2": buy([(v["rental"], 1)], placed_at=now - 7 * day + hour),
        "O3": buy([(v["event"], 1)], placed_at=now - 7 * day - hour),
        "O4": buy([(v["rental"], 3)], placed_at=now - 30 * day + hour),
        "O5": buy([(v["event"], 1)], placed_at=now - 30 * day - hour),
        "O6": buy([(v["event"], 1), (v["plan"], 1)], placed_at=now - 2 * day),
        "O7": buy([(v["event"], 1)], placed_at=now - 3 * day),
        "O8": buy([(v["slot"], 1)], placed_at=now),
    }
    assert [orders[k].total for k in sorted(orders)] == [D("230.00"), D("46.00"), D("115.00"), D("138.00"),
                                                         D("115.00"), D("345.00"), D("115.00"), D("57.50")]
    for key, amount in (("O5", D("15.00")), ("O6", D("69.00"))):
        capture_payment(orders[key].pk)
        refund_payment(orders[key].pk, amount)
    cancel_order(orders["O7"].pk, reason="changed my mind")
    return {"a": poi_a, "b": poi_b, "orders": orders, "records": records}


def figures(poi) -> dict:
    return revenue.summary_document(POICommerceSummary.objects.get(poi=poi))


def test_revenue_figures_are_exact(shop, now):
    assert revenue.refresh_summaries(now=now) == 2
    a = figures(shop["a"])
    assert (a["gross"], a["refunded"], a["net"]) == ("759.00", "38.00", "721.00")
    assert (a["last_7_days"], a["last_30_days"]) == ("391.00", "644.00")  # O1 O2 O6 | + O3 O4
    assert (a["order_count"], a["cancelled_order_count"], a["currency"]) == (6, 1, "SAR")
    assert a["revenue_by_domain"] == [
        {"domain": "events-culture", "gross": "575.00", "refunded": "38.00", "net": "537.00", "order_count": 4},
        {"domain": "real-estate", "gross": "184.00", "refunded": "0.00", "net": "184.00", "order_count": 2},
    ]
    b = figures(shop["b"])
    assert (b["gross"], b["refunded"], b["net"]) == ("287.50", "46.00", "241.50")  # O6's refund, by its share
    assert (b["last_7_days"], b["last_30_days"], b["order_count"]) == ("287.50", "287.50", 2)
    assert [(row["domain"], row["gross"]) for row in b["revenue_by_domain"]] == [("commerce", "230.00"),
                                                                                ("healthcare", "57.50")]


def test_the_windows_move_with_time(shop, now):
    revenue.refresh_summaries(now=now + timedelta(days=1, hours=2))  # O2 leaves the 7 days, O4 the 30
    a = figures(shop["a"])
    assert (a["last_7_days"], a["last_30_days"]) == ("345.00", "506.00")  # O1 O6 | + O2 O3
    assert a["gross"] == "759.00"


def test_the_bookings_summary_counts_slots_and_reservations(shop, alpha, now):
    run_workflows(alpha, "ProductPurchase")  # O8 bought a seat: its reservation
    revenue.refresh_summaries(now=now)
    bookings = figures(shop["b"])["bookings"]
    assert bookings["slots"] == 1 and bookings["upcoming_slots"] == 1 and bookings["capacity"] == 3
    assert bookings["seats_booked"] == 1 and bookings["utilisation"] == "0.33"
    assert bookings["reservations"]["pending"] == 1
    assert figures(shop["a"])["bookings"]["slots"] == 0


def test_order_events_refresh_the_summaries_of_their_pois(shop, alpha, settings):
    settings.POI_REVENUE_REFRESH_WINDOW = 0  # a run per event, at once
    runs = run_workflows(alpha, "POIRevenueRefresh")
    assert runs and all(run.status == RunStatus.COMPLETED for run in runs)
    assert {run.input["event_type"] for run in runs} == {"order.placed", "order.refunded", "order.cancelled"}
    mixed = [run for run in runs if run.input["order_id"] == shop["orders"]["O6"].pk]
    assert {tuple(run.input["poi_ids"]) for run in mixed} == {tuple(sorted([shop["a"].pk, shop["b"].pk]))}
    summary = POICommerceSummary.objects.get(poi=shop["a"])
    assert summary.source == POICommerceSummary.Source.ORDER_EVENT
    assert summary.gross == D("759.00") and summary.refunded == D("38.00")


def test_order_events_of_the_same_pois_in_one_window_share_one_refresh_after_it(shop, alpha, settings):
    import time

    from workflows import engine, relay
    from workflows.models import WorkflowRun

    settings.POI_REVENUE_REFRESH_WINDOW = 2
    time.sleep(2 - time.time() % 2 + 0.05)  # at the start of a window: the relay below ends well within it
    relay.process_outbox(tenant_schema=alpha.schema_name)
    runs = list(WorkflowRun.objects.filter(workflow_type="POIRevenueRefresh", tenant_schema=alpha.schema_name))
    events = EventOutbox.objects.filter(event_type__in=("order.placed", "order.refunded", "order.cancelled"),
                                        tenant_schema=alpha.schema_name).count()
    assert len(runs) == len({tuple(run.input["poi_ids"]) for run in runs}) == 3 < events  # A; B; A and B
    for run in runs:
        engine.advance(run.workflow_id)
    assert {(run.status, run.current_step) for run in WorkflowRun.objects.filter(pk__in=[r.pk for r in runs])} == {
        (RunStatus.WAITING, "await_window_end")}
    assert not POICommerceSummary.objects.filter(poi=shop["a"]).exists()  # nothing before the window closes

    time.sleep(2 - time.time() % 2 + 0.05)  # the window has closed
    for run in runs:
        engine.advance(run.workflow_id)
    assert set(WorkflowRun.objects.filter(pk__in=[r.pk for r in runs]).values_list("status", flat=True)) == {
        RunStatus.COMPLETED}
    summary = POICommerceSummary.objects.get(poi=shop["a"])
    assert summary.source == POICommerceSummary.Source.ORDER_EVENT
    assert summary.gross == D("759.00") and summary.refunded == D("38.00")


def test_the_snapshot_keeps_one_row_per_poi_and_day(shop, now):
    assert revenue.snapshot(now=now) == 2
    assert revenue.snapshot(now=now + timedelta(minutes=5)) == 2  # again the same day: replaced
    rows = POIRevenueSnapshot.objects.filter(poi=shop["a"])
    assert rows.count() == 1 and rows.get().gross == D("759.00") and rows.get().day == now.date()
    revenue.snapshot(now=now + timedelta(days=1))
    assert POIRevenueSnapshot.objects.filter(poi=shop["a"]).count() == 2


def test_a_poi_without_orders_gets_a_zero_summary(alpha):
    poi = PointOfInterest.objects.create(name="Quiet corner", slug="quiet", domain="commerce")
    revenue.refresh_summaries()
    assert figures(poi)["gross"] == "0.00" and figures(poi)["order_count"] == 0


def test_the_summary_is_one_aggregation_whatever_the_number_of_orders(shop, alpha):
    def queries_for_refresh() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            revenue.refresh_summaries([shop["a"].pk])
        return len(captured.captured_queries)

    queries_for_refresh()  # the summary exists from now on
    few = queries_for_refresh()
    variant = pushed_variant_id(shop["records"]["event"])
    for _ in range(5):
        buy([(variant, 1)])
    assert queries_for_refresh() == few


def test_the_command_recomputes_one_poi_or_all(shop, alpha, capsys):
    call_command("aggregate_poi_revenue", "--poi", shop["a"].pk, "--tenant", "alpha")
    output = capsys.readouterr().out
    assert "Market Hall" in output and "gross 759.00 SAR" in output and "refunded 38.00" in output
    assert not POICommerceSummary.objects.filter(poi=shop["b"]).exists()
    call_command("aggregate_poi_revenue", "--tenant", "alpha", "--snapshot")
    output = capsys.readouterr().out
    assert "alpha: 2 POI summaries" in output
    assert POIRevenueSnapshot.objects.filter(poi=shop["b"]).count() == 1


def test_the_command_finds_the_tenant_of_a_poi_and_refuses_unknown_ones(shop, alpha):
    from django.core.management.base import CommandError

    call_command("aggregate_poi_revenue", "--poi", shop["b"].pk)
    assert POICommerceSummary.objects.filter(poi=shop["b"]).exists()
    with pytest.raises(CommandError, match="No POI poi_nope"):
        call_command("aggregate_poi_revenue", "--poi", "poi_nope")
